"""The Studio's Inspect tab: the last generated clip, or a passage of the corpus, in a
`GateInspector` of the Studio's model."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from jazzwidget.errors import InspectError, ModelError
from jazzwidget.music.clip import Clip
from jazzwidget.widgets._errors import ErrorBox

LAST_CLIP = "last generated clip"
PASSAGE = "corpus passage"


class InspectTab(widgets.VBox):
    """Pick what to inspect and show it in a `GateInspector`.

    Parameters
    ----------
    model : returns the model to inspect (the Studio's trained model).
    corpus : returns the corpus loaded now.
    last_clip : returns the Generate tab's last clip (None before the first one) and the
        settings it was generated with.

    Attributes
    ----------
    inspector : the `GateInspector` shown (None before ``Inspect`` is pressed).
    """

    def __init__(self, model: Callable[[], Any], corpus: Callable[[], Any],
                 last_clip: Callable[[], tuple[Clip | None, dict[str, Any]]],
                 **kwargs: Any) -> None:
        self._model, self._corpus, self._last_clip = model, corpus, last_clip
        self.inspector: Any = None
        self.source = widgets.ToggleButtons(options=(LAST_CLIP, PASSAGE), value=LAST_CLIP,
                                            style={"button_width": "150px"})
        self.piece = widgets.BoundedIntText(value=1, min=1, max=1, description="piece",
                                            layout=widgets.Layout(width="150px"))
        self.start = widgets.BoundedIntText(value=0, min=0, max=10**6, description="from value",
                                            style={"description_width": "initial"},
                                            layout=widgets.Layout(width="170px"))
        self.length = widgets.BoundedIntText(value=60, min=2, max=2000, description="values",
                                             layout=widgets.Layout(width="150px"))
        self.button = widgets.Button(description="Inspect", icon="search",
                                     button_style="primary",
                                     tooltip="trace it through the model and show its gates")
        self.error = ErrorBox()
        self.slot = widgets.VBox([widgets.HTML(
            "<i>Train a model, generate a clip (or pick a passage of the corpus) and press "
            "Inspect to see its gates while it plays.</i>")])
        self._passage_row = widgets.HBox([self.piece, self.start, self.length])
        self.source.observe(lambda _: self._show_row(), "value")
        self.button.on_click(lambda _: self._inspect_quietly())
        super().__init__([widgets.HBox([self.source, self.button]), self._passage_row,
                          self.error, self.slot], **kwargs)
        self._show_row()

    def inspect(self) -> Any:
        """Trace the chosen music and show it; returns the `GateInspector`.

        Raises the `JazzwidgetError` (no model, no clip yet, a passage outside the corpus)
        after showing it inline.
        """
        from jazzwidget.inspect import passage_clip
        from jazzwidget.widgets.inspector import GateInspector

        self.error.clear()
        try:
            model, corpus = self._model(), self._corpus()
            if model is None or model.epochs_trained == 0:
                raise ModelError("the model has not been trained yet: train it in the Train "
                                 "tab first (an untrained model's gates say nothing)")
            if self.source.value == LAST_CLIP:
                clip, settings = self._last_clip()
                if clip is None:
                    raise InspectError("no clip generated yet: press Generate in the "
                                       "Generate & Play tab, or inspect a corpus passage")
                inspector = GateInspector(model, clip, corpus=corpus, generation=settings)
            else:
                index = self.piece.value - 1
                count = len(corpus.piece_values[index]) if index < len(corpus.pieces) else 0
                end = min(self.start.value + self.length.value, count)
                clip = passage_clip(corpus, index, self.start.value, end)
                inspector = GateInspector(model, clip, corpus=corpus)
        except Exception as error:
            self.error.show(error)
            raise
        self.inspector = inspector
        self.slot.children = [inspector]
        return inspector

    def _inspect_quietly(self) -> None:
        with contextlib.suppress(Exception):  # shown inline by inspect(): a button must not raise
            self.inspect()

    def _show_row(self) -> None:
        corpus = self._corpus()
        self.piece.max = max(1, len(corpus.pieces)) if corpus is not None else 1
        self._passage_row.layout.display = None if self.source.value == PASSAGE else "none"
