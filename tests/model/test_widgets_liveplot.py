"""LivePlot as a Keras callback: works with any model.fit, throttles, never clears output."""

from __future__ import annotations

import time

import keras
import numpy as np
import pytest

from jazzwidget.widgets.liveplot import LivePlot


@pytest.fixture(scope="module")
def tiny():
    """A plain Keras classifier with accuracy and validation: nothing of jazzwidget's."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 4)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model, x, y


def test_liveplot_gains_every_epoch_of_a_plain_keras_fit(tiny):
    model, x, y = tiny
    plot = LivePlot()
    history = model.fit(x, y, epochs=7, validation_split=0.25, verbose=0, callbacks=[plot])
    assert plot.epochs == 7
    assert plot.plot.drawn() == {"loss": 7, "val_loss": 7, "accuracy": 7, "val_accuracy": 7}
    # The curves are Keras' own figures, in the figure the notebook shows.
    loss = next(t for t in plot.figure.data if t.name == "training" and t.xaxis == "x")
    np.testing.assert_allclose(loss.y, history.history["loss"], rtol=1e-6)
    assert loss.x == tuple(range(1, 8))


def test_a_second_fit_extends_the_same_curves_and_reset_starts_over(tiny):
    model, x, y = tiny
    plot = LivePlot()
    figure = plot.figure
    model.fit(x, y, epochs=3, verbose=0, callbacks=[plot])
    model.fit(x, y, epochs=2, verbose=0, callbacks=[plot])
    assert plot.figure is figure
    assert plot.plot.drawn() == {"loss": 5, "accuracy": 5}
    assert figure.data[0].x == (1, 2, 3, 4, 5)
    plot.reset()
    model.fit(x, y, epochs=1, verbose=0, callbacks=[plot])
    assert plot.plot.drawn() == {"loss": 1, "accuracy": 1}


def test_many_fast_epochs_are_throttled_but_all_points_show_at_the_end(tiny):
    model, x, y = tiny
    plot = LivePlot(max_rate=10)
    model.fit(x, y, epochs=1, verbose=0)  # trace the graph first: later epochs are fast
    start = time.monotonic()
    model.fit(x, y, epochs=150, batch_size=96, verbose=0, callbacks=[plot])
    elapsed = time.monotonic() - start
    # Flushes in fit: one per 0.1 s at most, plus the final flush in on_train_end. (That points
    # are buffered when epochs come faster is shown with a fake clock in tests/unit.)
    assert plot.plot.updates <= 10 * elapsed + 2
    assert plot.plot.drawn()["loss"] == 150


def test_it_never_clears_output_and_displays_its_figure_once(tiny, monkeypatch):
    import IPython.display

    shown = []

    def no_clear(*args, **kwargs):
        raise AssertionError("LivePlot must not clear the cell's output")

    monkeypatch.setattr(IPython.display, "clear_output", no_clear)
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    monkeypatch.setattr("IPython.get_ipython", lambda: object())
    model, x, y = tiny
    plot = LivePlot()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[plot])
    model.fit(x, y, epochs=2, verbose=0, callbacks=[plot])
    assert shown == [plot.figure]


def test_show_false_leaves_display_to_the_embedding_widget(tiny, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    monkeypatch.setattr("IPython.get_ipython", lambda: object())
    model, x, y = tiny
    model.fit(x, y, epochs=1, verbose=0, callbacks=[LivePlot(show=False)])
    assert shown == []
