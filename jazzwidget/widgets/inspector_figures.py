"""The gate inspector's plotly figures and its explain table.

- `SaturationFigure`: per gate, each unit a point at (share of steps below 0.1, share above 0.9),
  as in Karpathy, Johnson & Fei-Fei (2015); clicking a point selects its unit.
- `UnitLines`: the selected unit's i, f, o, c and h over time, in seconds.
- `explain_table`: `explain` records as a small HTML table.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from jazzwidget.model.trace import GateTrace
from jazzwidget.widgets._plotly import figure_widget_class

if TYPE_CHECKING:
    from jazzwidget.inspect.correlation import Record

SATURATION_GATES = ("i", "f", "o")
GATE_COLORS = {"i": "#2b9e8f", "f": "#3b7dd8", "g": "#8e6bd1", "o": "#e08a2c", "c": "#d04a6a",
               "h": "#444b5c"}
LOW, HIGH = 0.1, 0.9
# White and light grid lines, set directly: validating a plotly template (plotly_white) took
# about half of the inspector's build time.
GRID = "#e5e8ef"
PLAIN = {"template": {}, "plot_bgcolor": "white", "paper_bgcolor": "white",
         "font": {"color": "#2a3f5f"}}


def saturation(trace: Any, gate: str) -> np.ndarray:
    """(n_a, 2): per unit, the share of steps with the gate below 0.1 and above 0.9, for a
    `GateTrace` or anything with its ``gate(name)`` (a `CorpusTrace`)."""
    return GateTrace.saturation(trace, gate, LOW, HIGH)


@functools.cache
def opened_filled() -> type:
    """plotly's FigureWidget, changed to open its comm only once its figure is in its state.

    plotly's ``BaseFigureWidget.__init__`` opens the widget's comm first (in
    ``Widget.__init__``) and sets the traces and layout (``_widget_data``, ``_widget_layout``)
    after, as update messages. anywidget 0.11's front end handles a model's messages only once
    the model's module has loaded and initialized, and gives up after 2 s ("[anywidget] Failed
    to initialize model.", then every message to that model is dropped). plotly's module is
    5 MB: on a busy page (a notebook that draws several widgets on a loaded machine) it takes
    longer, and the figure stayed empty. Opened after ``__init__``, the comm carries the
    filled figure in its first message, which the front end always receives.
    """
    base = figure_widget_class()

    class FilledFigureWidget(base):  # type: ignore[misc, valid-type]
        _opening_later = False

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self._opening_later = True
            try:
                super().__init__(*args, **kwargs)
            finally:
                self._opening_later = False
            self.open()

        def open(self) -> None:
            if not self._opening_later:
                super().open()

    FilledFigureWidget.__name__ = FilledFigureWidget.__qualname__ = base.__name__
    return FilledFigureWidget


def as_widget(figure: Any) -> Any:
    """A FigureWidget whose comm opens with a filled ``go.Figure`` as its state (see
    `opened_filled`): build the figure first, then wrap it once."""
    return opened_filled()(figure)


def _figure(**layout: Any) -> Any:
    figure_widget_class()  # imports plotly the fast way (see _plotly)
    import plotly.graph_objects as go

    return go.Figure(layout=layout)


class SaturationFigure:
    """The saturation plot as a `plotly.graph_objects.FigureWidget` (``.figure``).

    Parameters
    ----------
    on_select : called with a unit number when a point is clicked.
    trace, source : what to plot first (see `show`).
    unit : the unit ringed at the start (-1: none).
    """

    def __init__(self, on_select: Callable[[int], None], trace: Any, source: str = "clip",
                 unit: int = -1) -> None:
        self._on_select = on_select
        layout = dict(
            height=330, width=400, margin=dict(l=50, r=10, t=36, b=44),
            title=dict(text="Gate saturation", font=dict(size=13), x=0.02, xanchor="left"),
            xaxis=dict(title=f"share of steps < {LOW:g} (left-saturated)", range=[-0.03, 1.03],
                       gridcolor=GRID),
            yaxis=dict(title=f"share of steps > {HIGH:g} (right-saturated)", gridcolor=GRID,
                       range=[-0.03, 1.03]),
            # inside, top right: no unit can be there (the two shares add up to 1 at most)
            legend=dict(orientation="v", y=0.98, x=0.98, xanchor="right", yanchor="top"),
            **PLAIN, hovermode="closest", clickmode="event",
        )
        self.figure = _figure(**layout)
        self.figure.add_shape(type="line", x0=0, y0=1, x1=1, y1=0,
                              line=dict(color="#c8ccd6", dash="dot", width=1))
        for gate in SATURATION_GATES:
            self.figure.add_scatter(
                x=[], y=[], mode="markers", name=gate,
                marker=dict(size=8, color=GATE_COLORS[gate], opacity=0.75,
                            line=dict(width=0.5, color="white")),
                hovertemplate=f"unit %{{customdata}} · {gate}<br>< {LOW:g}: %{{x:.0%}}"
                              f"<br>> {HIGH:g}: %{{y:.0%}}<extra></extra>")
        self.figure.add_scatter(x=[], y=[], mode="markers", name="selected", showlegend=False,
                                hoverinfo="skip",
                                marker=dict(size=16, color="rgba(0,0,0,0)",
                                            line=dict(width=2, color="#111111")))
        self.points: dict[str, np.ndarray] = {}
        self.show(trace, source)
        self.mark(unit)
        self.figure = as_widget(self.figure)
        for scatter in self.figure.data[:len(SATURATION_GATES)]:
            scatter.on_click(self._clicked)

    def show(self, trace: Any, source: str = "clip") -> None:
        """Plot a trace (a clip's, or a `CorpusTrace`); ``source`` names it in the title."""
        self.points = {gate: saturation(trace, gate) for gate in SATURATION_GATES}
        units = list(range(trace.n_a))
        with self.figure.batch_update():
            for scatter, gate in zip(self.figure.data, SATURATION_GATES, strict=False):
                scatter.x = self.points[gate][:, 0].tolist()
                scatter.y = self.points[gate][:, 1].tolist()
                scatter.customdata = units
            self.figure.layout.title.text = (f"Gate saturation over {source} "
                                             f"({trace.steps} steps)")

    def mark(self, unit: int) -> None:
        """Ring the unit's points (unit -1: none)."""
        ring = self.figure.data[len(SATURATION_GATES)]
        with self.figure.batch_update():
            if unit < 0 or not self.points:
                ring.x, ring.y = [], []
            else:
                ring.x = [float(self.points[g][unit, 0]) for g in SATURATION_GATES]
                ring.y = [float(self.points[g][unit, 1]) for g in SATURATION_GATES]

    def _clicked(self, trace: Any, points: Any, _state: Any) -> None:
        if points.point_inds:
            self._on_select(int(points.point_inds[0]))


class UnitLines:
    """One unit's i, f, o, c and h over time, as a `FigureWidget` (``.figure``)."""

    GATES = ("i", "f", "o", "c", "h")

    def __init__(self, trace: GateTrace, unit: int = -1) -> None:
        self.figure = _figure(
            height=330, width=560, margin=dict(l=46, r=10, t=36, b=44),
            title=dict(text="Click a unit to see its gates over time", font=dict(size=13),
                       x=0.02, xanchor="left"),
            xaxis=dict(title="seconds", gridcolor=GRID),
            yaxis=dict(title="value", range=[-1.05, 1.05], gridcolor=GRID),
            **PLAIN, hovermode="x unified",
            legend=dict(orientation="h", y=1.0, x=1.0, xanchor="right", yanchor="bottom"))
        for gate in self.GATES:
            self.figure.add_scatter(x=[], y=[], mode="lines", name=gate,
                                    line=dict(shape="hv", width=1.6, color=GATE_COLORS[gate]))
        self.unit = -1
        self.show(trace, unit)
        self.figure = as_widget(self.figure)

    def show(self, trace: GateTrace, unit: int) -> None:
        """Draw ``unit`` of ``trace`` (steps as wide as they sound); -1 empties the plot."""
        self.unit = unit
        with self.figure.batch_update():
            if unit < 0 or unit >= trace.n_a:
                for scatter in self.figure.data:
                    scatter.x, scatter.y = [], []
                self.figure.layout.title.text = "Click a unit to see its gates over time"
            else:
                self._draw(trace, unit)

    def _draw(self, trace: GateTrace, unit: int) -> None:
        # each step's value holds from its start to its end: repeat the last at the end
        x = [*np.asarray(trace.starts, dtype=float).tolist(),
             float(trace.ends[-1]) if trace.steps else 0.0]
        low = -1.05
        for scatter, gate in zip(self.figure.data, self.GATES, strict=True):
            values = np.asarray(trace.gate(gate)[:, unit], dtype=float)
            scatter.x = x
            scatter.y = [*values.tolist(), *(values[-1:].tolist())]
            low = min(low, float(values.min(initial=0)) - 0.05)
        high = max(1.05, float(np.asarray(trace.c[:, unit]).max(initial=0)) + 0.05)
        self.figure.layout.yaxis.range = [low, high]
        self.figure.layout.title.text = f"Unit {unit}: gates and states over time"


def explain_table(records: Sequence[Record], title: str = "Units that follow musical features"
                  ) -> str:
    """An HTML table of `explain` records ({feature, unit, state, r}), grouped by feature."""
    if not records:
        return f"<b>{html.escape(title)}</b><br><i>no records</i>"
    by_feature: dict[str, list[Record]] = {}
    for record in records:
        by_feature.setdefault(str(record["feature"]), []).append(record)
    rows = []
    for feature, found in by_feature.items():
        cells = ", ".join(
            f"<span class='jwi-unit' data-unit='{int(r['unit'])}'>unit {int(r['unit'])} "
            f"({html.escape(str(r['state']))}) r = {float(r['r']):+.2f}</span>" for r in found)
        rows.append(f"<tr><td style='padding:2px 10px 2px 0'><b>{html.escape(feature)}</b>"
                    f"</td><td style='padding:2px 0'>{cells}</td></tr>")
    return (f"<div class='jwi-explain'><b>{html.escape(title)}</b> (Pearson r over the "
            f"steps)<table style='font-size:12px;border-collapse:collapse'>{''.join(rows)}"
            f"</table></div>")
