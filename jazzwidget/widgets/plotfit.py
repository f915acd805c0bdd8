"""`PlotFit`: plotly figures that follow the width of the box they sit in.

plotly's ``FigureWidget`` (plotly 6 and 7) sizes its plot once, when the browser draws it: in a
tab not shown yet it is drawn at plotly's default 700 px, and it does not follow its container
afterwards (a narrower page clips its right-hand panel). Put the figures in a `PlotBox` and
make them responsive with `responsive`: the box's `PlotFit` (``plotfit.js``, no room taken)
resizes every figure of the box when the box is shown or changes width.

Example::

    figure = responsive(go.FigureWidget(layout={"height": 300}))
    PlotBox([figure])
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import ipywidgets as widgets

if TYPE_CHECKING:
    import plotly.graph_objects as go

HERE = Path(__file__).parent


class PlotFit(anywidget.AnyWidget):
    """Keeps the responsive plotly figures of its parent box as wide as the box (no room taken).

    Its browser side also notices a figure drawn before its state reached the page (plotly's
    view draws whatever it has when it is created and never reads its layout again: an empty
    default plot) and says so; `PlotBox` then draws its figures anew.

    Parameters
    ----------
    on_stale : called (with no argument) when the browser found a figure drawn stale.
    """

    _esm = HERE / "plotfit.js"

    def __init__(self, on_stale: Callable[[], object] | None = None) -> None:
        # Classes and layout go with the widget's first state (nothing sent just after it).
        super().__init__(layout=widgets.Layout(display="none"),
                         _dom_classes=("jazzwidget-plotfit",))
        self._on_stale = on_stale
        self.on_msg(self._on_message)

    def _on_message(self, _widget: object, content: Any, _buffers: object) -> None:
        if isinstance(content, dict) and content.get("event") == "stale" and self._on_stale:
            self._on_stale()


class PlotBox(widgets.VBox):
    """A box of responsive plotly figures that follow its width (see the module doc).

    Parameters
    ----------
    children : the figures (and any other widgets) to show, top to bottom.

    Attributes
    ----------
    fit : PlotFit
        The browser-side helper, last child of the box (it takes no room).
    redraws : int
        How many times the box drew its figures anew because the browser found one stale.
    """

    MAX_REDRAWS = 3  # a page that keeps drawing stale views is not helped by more

    def __init__(self, children: Sequence[widgets.Widget], **kwargs: Any) -> None:
        self.redraws = 0
        self.fit = PlotFit(on_stale=self.redraw)
        classes = (*kwargs.pop("_dom_classes", ()), "jazzwidget-plotbox")
        super().__init__([*children, self.fit], _dom_classes=classes, **kwargs)

    def redraw(self) -> None:
        """Send each figure's whole present state to the page again and draw the box's widgets
        anew (new views, which draw from that state).

        A last resort for a figure drawn stale, not a routine refresh: plotly's view leaves its
        listeners on the figure's model when it is removed, and in one browser run a figure
        drawn anew this way (on purpose, when a tab was first shown) then missed the curves
        added afterwards. Make figures where their state reaches the page in time (the
        Studio makes its loss figure in the kernel's thread) rather than rely on this.
        """
        if self.redraws >= self.MAX_REDRAWS:
            return
        self.redraws += 1
        for child in self.children:
            if hasattr(child, "_widget_layout") and hasattr(child, "_widget_data"):
                resend_state(child)
        children = self.children
        self.children = ()
        self.children = children


def resend_state(figure: go.FigureWidget) -> None:
    """Send ``figure``'s present layout, traces and config to the page as its whole state.

    plotly keeps the page's copy of a figure up to date with edit messages applied to the state
    it was first given; when that first state did not arrive (the stale drawing `PlotFit`
    notices), every view drawn afterwards is empty. This gives the page the state again.
    """
    # plotly has no public way to send a figure's state again: its own private traitlets.
    figure._widget_layout = copy.deepcopy(figure._layout)  # pyright: ignore[reportPrivateUsage]
    figure._widget_data = copy.deepcopy(figure._data)  # pyright: ignore[reportPrivateUsage]
    figure.send_state(["_widget_layout", "_widget_data", "_config"])


def responsive(figure: go.FigureWidget) -> go.FigureWidget:
    """Mark ``figure`` responsive (plotly's ``config.responsive``): it resizes with the window,
    and a `PlotFit` beside it can resize it with its box. Returns the figure.

    Call it before the figure is displayed (the browser reads the config when it draws).
    """
    # FigureWidget syncs its config as the private traitlet `_config` and has no public one.
    figure._config = {**figure._config, "responsive": True}  # pyright: ignore[reportPrivateUsage]
    return figure
