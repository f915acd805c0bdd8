"""An inline error box for widgets: show what went wrong in the widget, keep the widget usable."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from jazzwidget.errors import JazzwidgetError

BOX_STYLE = (
    "border:1px solid #e0a0a0;background:#fdf0f0;color:#8a1c1c;border-radius:4px;"
    "padding:6px 10px;margin:4px 0;font-size:13px;white-space:pre-wrap;"
)


def error_message(error: BaseException) -> str:
    """One line for a person: our own errors say what to do; others also name their type."""
    if isinstance(error, JazzwidgetError):
        return str(error)
    text = str(error) or "(no message)"
    return f"{type(error).__name__}: {text}"


class ErrorBox(widgets.HTML):
    """An HTML widget that is empty (and takes no room) until an error is shown.

    ``message`` holds the plain text of the error shown, "" when none.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.message = ""
        self.add_class("jazzwidget-error")
        self.layout.display = "none"

    def show(self, error: BaseException | str) -> None:
        """Show an error (an exception or a ready message)."""
        message = error if isinstance(error, str) else error_message(error)
        self.message = message
        self.value = f'<div role="alert" style="{BOX_STYLE}">⚠ {html.escape(message)}</div>'
        self.layout.display = None

    def clear(self) -> None:
        """Hide the box."""
        self.message = ""
        self.value = ""
        self.layout.display = "none"
