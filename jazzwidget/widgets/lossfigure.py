"""`LossFigure`: loss and accuracy curves in one plotly FigureWidget, updated at a bounded rate.

No Keras here: `LivePlot` (liveplot.py) is the thin Keras callback that feeds this figure one
epoch's logs at a time, so the drawing and the throttling can be tested without TensorFlow.

Points are buffered and appended in one ``batch_update`` at most ``max_rate`` times a second,
however fast epochs come; ``flush()`` draws whatever is buffered (the callback calls it when
training ends, so the last points always show). The figure is never cleared or redisplayed.

The figure takes the width of its container (no fixed pixel width; it is responsive, and a
`jazzwidget.widgets.plotfit.PlotFit` beside it keeps it as wide as its box). Before the first
point both panels show a sensible empty frame (epochs from 1, loss from 0, accuracy 0-100%)
instead of plotly's -1..6; accuracy is shown in percent, as the Trainer's status writes it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from jazzwidget.widgets._plotly import figure_widget_class
from jazzwidget.widgets.plotfit import responsive

if TYPE_CHECKING:
    import plotly.graph_objects as go

ROWS = ("loss", "accuracy")
SPLIT_COLORS = {"training": "#1f77b4", "validation": "#ff7f0e"}
EXTRA_COLORS = ("#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
BEST_COLOR = "#2ca02c"
# The frame shown while there is nothing to plot (before training, after a reset).
EMPTY_EPOCHS = (1, 10)
EMPTY_LOSS = (0, 5)
FRAME_KEYS = ("loss", "accuracy")  # curves drawn (empty) before the first point


def classify(key: str) -> tuple[str, str, str] | None:
    """Where a Keras log key goes: (subplot, split, metric), or None for keys not plotted.

    ``"loss"`` -> ("loss", "training", "loss"); ``"val_accuracy"`` -> ("accuracy", "validation",
    "accuracy"); ``"val_dense_loss"`` -> ("loss", "validation", "dense_loss");
    ``"learning_rate"`` -> None.
    """
    split, metric = ("validation", key[4:]) if key.startswith("val_") else ("training", key)
    if metric == "loss" or metric.endswith("_loss"):
        return "loss", split, metric
    if metric in ("acc", "accuracy") or metric.endswith(("_acc", "_accuracy")):
        return "accuracy", split, metric
    return None


def _trace_order(key: str) -> tuple[int, bool, str]:
    """Loss before accuracy, training before validation, so that colors and legend are stable."""
    row, split, metric = classify(key) or ("", "", key)
    return (ROWS.index(row) if row in ROWS else len(ROWS), split != "training", metric)


class LossFigure:
    """Training and validation curves of loss (left) and accuracy (right) over epochs.

    Parameters
    ----------
    max_rate : at most this many figure updates a second (points in between are buffered).
    height : figure height in pixels.
    clock : a monotonic clock in seconds (tests may pass a fake one).

    Attributes
    ----------
    figure : the ``plotly.graph_objects.FigureWidget`` to display.
    epochs : epochs received so far (buffered or drawn).
    updates : how many times the figure was updated.
    """

    def __init__(
        self,
        *,
        max_rate: float = 10.0,
        height: int = 320,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from plotly.subplots import make_subplots

        self.min_interval = 1.0 / max_rate
        self._clock = clock
        self._lock = threading.RLock()
        self._data: dict[str, list[float]] = {}
        self._drawn: dict[str, int] = {}  # points of each key already on the figure
        self._traces: dict[str, int] = {}  # key -> index into figure.data
        self._last_flush = -float("inf")
        self.epochs = 0
        self.updates = 0

        # plotly's layouts are dynamic (xaxis2, yaxis2 exist because of the subplots): Any here
        layout: Any = make_subplots(
            rows=1, cols=2, subplot_titles=ROWS, horizontal_spacing=0.12
        ).layout
        layout.update(
            height=height,
            autosize=True,  # the container's width, never a fixed one
            margin={"l": 50, "r": 20, "t": 40, "b": 40},
            template="plotly_white",
            legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.18},
            uirevision=0,  # user zoom survives updates; clear() bumps it to forget the zoom
        )
        layout.xaxis.title = "epoch"
        layout.xaxis2.title = "epoch"
        layout.yaxis2.tickformat = ".0%"  # accuracy in percent, as the status writes it
        self.best_epoch: int | None = None
        _empty_axes(layout)  # in the layout it is built with: no relayout before display
        self.figure: go.FigureWidget = responsive(figure_widget_class()(layout=layout))
        # The training curves exist from the start, empty: plotly draws a panel only for axes
        # that a trace uses, so without them the empty frame would lack the accuracy panel.
        for key in FRAME_KEYS:
            self._ensure_trace(key)

    # ------------------------------------------------------------------ data
    def data(self) -> dict[str, list[float]]:
        """Every point received so far, drawn or buffered, by Keras log key."""
        with self._lock:
            return {key: list(values) for key, values in self._data.items()}

    def drawn(self) -> dict[str, int]:
        """How many points of each key the figure shows now."""
        with self._lock:
            return {key: len(self.figure.data[i].x or ()) for key, i in self._traces.items()}

    def add(self, logs: Mapping[str, float]) -> None:
        """Record one epoch's logs; update the figure if the last update is old enough."""
        with self._lock:
            self._record(logs)
            if self._clock() - self._last_flush >= self.min_interval:
                self.flush()

    def _record(self, logs: Mapping[str, float]) -> None:
        self.epochs += 1
        for key, value in logs.items():
            if classify(key) is None:
                continue
            series = self._data.setdefault(key, [])
            # A key that first appears late (validation switched on) starts at this epoch.
            series.extend([float("nan")] * (self.epochs - 1 - len(series)))
            series.append(float(value))

    def flush(self) -> None:
        """Draw every buffered point now (one ``batch_update``)."""
        with self._lock:
            pending = {
                key: values for key, values in self._data.items()
                if len(values) > self._drawn.get(key, 0)
            }
            if not pending:
                return
            for key in sorted(pending, key=_trace_order):
                self._ensure_trace(key)
            with self.figure.batch_update():
                for key, values in pending.items():
                    # Series index i is epoch i + 1 (add() pads keys that appear late).
                    trace = self.figure.data[self._traces[key]]
                    trace.x = tuple(range(1, len(values) + 1))
                    trace.y = tuple(values)
                    self._drawn[key] = len(values)
                # whole epochs only: a tick per epoch for short runs, plotly's own beyond
                # (an explicit tickmode, since a property set back to None is not sent)
                ticks = ({"tickmode": "linear", "tick0": 1, "dtick": 1} if self.epochs <= 10
                         else {"tickmode": "auto"})
                # range=None: the page autoranges, and Python forgets the empty frame's range,
                # so that clear() sends it again (plotly sends only values that changed).
                for axis in ("xaxis", "xaxis2"):
                    self.figure.layout[axis].update(ticks, autorange=True, range=None)
                for axis in ("yaxis", "yaxis2"):
                    self.figure.layout[axis].update(autorange=True, range=None)
            self._last_flush = self._clock()
            self.updates += 1

    def clear(self) -> None:
        """Forget every point and the best-epoch mark (for a fresh start): the axes go back to
        the empty frame and a zoom the user made is forgotten. The figure stays where it is
        displayed."""
        with self._lock:
            self._data.clear()
            self._drawn.clear()
            self.epochs = 0
            self.best_epoch = None
            with self.figure.batch_update():
                for trace in self.figure.data:
                    trace.x = ()
                    trace.y = ()
                layout: Any = self.figure.layout  # dynamic, as in __init__
                layout.shapes = ()
                layout.annotations = layout.annotations[:len(ROWS)]
                layout.uirevision = (layout.uirevision or 0) + 1
                _empty_axes(layout)
            self.updates += 1

    def load(self, history: Mapping[str, Sequence[float]]) -> None:
        """Show a whole history at once (a model loaded from a file): `clear`, then every
        epoch of ``history`` (Keras log keys to one value per epoch), drawn in one update."""
        with self._lock:
            self.clear()
            epochs = max((len(series) for series in history.values()), default=0)
            for epoch in range(epochs):
                self._record({key: series[epoch] for key, series in history.items()
                              if epoch < len(series)})
            self.flush()

    def mark_best(self, epoch: int | None) -> None:
        """Mark the best epoch (1-based) on both plots with a dotted line and a label; None
        removes the mark."""
        with self._lock:
            self.best_epoch = epoch
            layout: Any = self.figure.layout  # dynamic, as in __init__
            titles = layout.annotations[:len(ROWS)]  # the subplot titles
            if epoch is None:
                self.figure.layout.shapes = ()
                self.figure.layout.annotations = titles
                return
            line = {"color": BEST_COLOR, "width": 1.5, "dash": "dot"}
            with self.figure.batch_update():
                self.figure.layout.shapes = [
                    {"type": "line", "x0": epoch, "x1": epoch, "xref": axis,
                     "y0": 0, "y1": 1, "yref": f"{yaxis} domain", "line": line}
                    for axis, yaxis in (("x", "y"), ("x2", "y2"))
                ]
                self.figure.layout.annotations = [*titles, {
                    "x": epoch, "xref": "x", "y": 1, "yref": "y domain", "yanchor": "bottom",
                    "text": f"best epoch {epoch}", "showarrow": False,
                    "font": {"color": BEST_COLOR, "size": 11},
                }]
            self.updates += 1

    # ---------------------------------------------------------------- traces
    def _ensure_trace(self, key: str) -> None:
        if key in self._traces:
            return
        place = classify(key)
        assert place is not None
        row, split, metric = place
        standard = metric in ("loss", "acc", "accuracy")
        if standard:
            color, name = SPLIT_COLORS[split], split
        else:
            color = EXTRA_COLORS[len(self._traces) % len(EXTRA_COLORS)]
            name = f"{split} {metric}"
        self.figure.add_scatter(
            x=(), y=(), mode="lines+markers", name=name,
            line={"color": color, "dash": "solid" if split == "training" else "dash"},
            marker={"size": 4}, connectgaps=True,
            legendgroup=name, showlegend=not (standard and row == "accuracy"),
            hovertemplate=(f"{name} {metric}<br>epoch %{{x}}: "
                           f"%{{y:{'.1%' if row == 'accuracy' else '.4f'}}}<extra></extra>"),
            xaxis="x" if row == ROWS[0] else "x2", yaxis="y" if row == ROWS[0] else "y2",
        )
        self._traces[key] = len(self.figure.data) - 1
        self._drawn[key] = 0


def _empty_axes(layout: Any) -> None:
    """The frame shown with no points: epochs 1-10, loss from 0, accuracy 0-100%."""
    empty = {"autorange": False, "range": EMPTY_EPOCHS}
    layout.xaxis.update(empty, tickmode="auto")
    layout.xaxis2.update(empty, tickmode="auto")
    layout.yaxis.update(autorange=False, range=EMPTY_LOSS)
    layout.yaxis2.update(autorange=False, range=(0, 1))
