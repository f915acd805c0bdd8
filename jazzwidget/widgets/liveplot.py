"""`LivePlot`: a Keras callback that draws loss and accuracy live, for any ``model.fit``.

The one seam between training and display (after livelossplot), without its faults: the figure
is displayed once and then only updated (``batch_update``, at most 10 times a second), never
cleared with ``clear_output``, so nothing else in the cell is touched.

Importing this module imports Keras (and TensorFlow); ``jazzwidget.LivePlot`` imports it only
when first asked for. The drawing itself lives in `jazzwidget.widgets.lossfigure` (no Keras).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jazzwidget.model.network import keras_module
from jazzwidget.widgets.lossfigure import LossFigure

keras = keras_module()

if TYPE_CHECKING:
    import plotly.graph_objects as go


class LivePlot(keras.callbacks.Callback):
    """Live loss and accuracy curves (training and validation) over epochs.

    Pass it to ``fit``; the figure appears above the training when training begins (or wherever
    you display ``liveplot`` / ``liveplot.figure`` first), and gains points as epochs end::

        model.fit(x, y, epochs=100, validation_split=0.1, callbacks=[jazzwidget.LivePlot()])

    Every log key ending in ``loss`` goes on the left plot and every ``accuracy`` / ``acc`` key on
    the right; ``val_`` keys are validation (dashed). Epochs are counted across ``fit`` calls, so
    training continued with a second ``fit`` extends the same curves; `reset` starts them over.

    Parameters
    ----------
    max_rate : at most this many figure updates a second; epochs in between are buffered, and
        the last ones are drawn when training ends.
    height : figure height in pixels.
    show : display the figure when training begins if it has not been displayed yet. A widget
        that embeds ``figure`` itself (like `jazzwidget.Trainer`) passes False.
    plot : the `LossFigure` to draw on (default: a new one with ``max_rate`` and ``height``);
        one made beforehand, outside a thread that builds widgets, say.
    """

    def __init__(self, *, max_rate: float = 10.0, height: int = 320, show: bool = True,
                 plot: LossFigure | None = None) -> None:
        super().__init__()
        self.plot = plot if plot is not None else LossFigure(max_rate=max_rate, height=height)
        self.show = show
        self._displayed = False

    @property
    def figure(self) -> go.FigureWidget:
        """The plotly ``FigureWidget`` (display it, or put it in a widget layout)."""
        return self.plot.figure

    @property
    def epochs(self) -> int:
        """Epochs seen so far, over every ``fit`` call since the last `reset`."""
        return self.plot.epochs

    @property
    def history(self) -> dict[str, list[float]]:
        """Every plotted value so far, by Keras log key (``loss``, ``val_accuracy``, ...)."""
        return self.plot.data()

    def display(self) -> None:
        """Display the figure in the current cell (once; later calls do nothing)."""
        if self._displayed:
            return
        from IPython import get_ipython

        if get_ipython() is None:  # plain Python: there is nowhere to show a widget
            return
        from IPython.display import display

        display(self.figure)
        self._displayed = True

    def _ipython_display_(self) -> None:
        # Shown explicitly (last line of a cell): always display, and not again at train begin.
        from IPython.display import display

        display(self.figure)
        self._displayed = True

    def reset(self) -> None:
        """Clear the curves and the epoch count (the figure stays where it is)."""
        self.plot.clear()

    # ------------------------------------------------------------ Keras hooks
    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        if self.show:
            self.display()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.plot.add(logs or {})

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self.plot.flush()
