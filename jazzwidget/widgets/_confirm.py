"""An inline question for widgets: before work is thrown away, ask in the widget, not silently."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

import ipywidgets as widgets

from jazzwidget.widgets._errors import ErrorBox

BOX_STYLE = (
    "border:1px solid #d9b44a;background:#fff8e1;color:#5c4400;border-radius:4px;"
    "padding:6px 10px;margin:4px 0;font-size:13px;white-space:normal;"
)

# (button label, what it does, ipywidgets button_style)
Choice = tuple[str, Callable[[], object], str]


class ConfirmBar(widgets.VBox):
    """A question with a button per answer; hidden (and taking no room) until `ask` is called.

    Choosing an answer hides the bar, then runs the answer's action; an error in the action is
    shown in the bar's own error box (the widget stays usable).

    Attributes
    ----------
    message : str
        The question shown now, "" when none.
    choices : list[str]
        The labels of the buttons shown now.
    """

    def __init__(self) -> None:
        self.message = ""
        self.choices: list[str] = []
        self._actions: dict[str, Callable[[], object]] = {}
        self.text = widgets.HTML()
        self.buttons = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))
        self.error_box = ErrorBox()
        super().__init__([self.text, self.buttons, self.error_box])
        self.add_class("jazzwidget-confirm")
        self.layout.display = "none"

    def ask(self, message: str, choices: Sequence[Choice]) -> None:
        """Show ``message`` with one button per choice (the first is the suggested one)."""
        self.message = message
        self.choices = [label for label, _, _ in choices]
        self._actions = {label: action for label, action, _ in choices}
        self.text.value = (f'<div role="alertdialog" style="{BOX_STYLE}">'
                           f"{html.escape(message)}</div>")
        buttons = []
        for label, _, style in choices:
            button = widgets.Button(description=label, button_style=style, tooltip=label,
                                    layout=widgets.Layout(width="auto"))
            button.on_click(lambda _, label=label: self.choose(label))
            buttons.append(button)
        self.buttons.children = buttons
        self.error_box.clear()
        self.layout.display = None

    def choose(self, label: str) -> None:
        """Answer the question as the button ``label`` does (what a click runs)."""
        action = self._actions.get(label)
        if action is None:
            raise KeyError(f"no choice {label!r} is offered now; the choices are {self.choices}")
        self.clear()
        try:
            action()
        except Exception as error:  # shown inline: the widget stays usable
            self.error_box.show(error)
            self.layout.display = None

    def clear(self) -> None:
        """Hide the question."""
        self.message = ""
        self.choices = []
        self._actions = {}
        self.text.value = ""
        self.buttons.children = ()
        self.error_box.clear()
        self.layout.display = "none"

    @property
    def asking(self) -> bool:
        """Whether a question is shown now."""
        return bool(self.message)
