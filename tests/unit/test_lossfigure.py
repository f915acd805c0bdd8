"""LossFigure: the keras-free half of LivePlot (curves, throttling, trace layout)."""

from __future__ import annotations

import math
import subprocess
import sys
import time

import pytest

from jazzwidget.widgets.lossfigure import LossFigure, classify


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def logs(epoch: int, validation: bool = True) -> dict[str, float]:
    out = {"loss": 5.0 / epoch, "accuracy": 1 - 1 / (epoch + 1), "learning_rate": 0.01}
    if validation:
        out |= {"val_loss": 6.0 / epoch, "val_accuracy": 0.5}
    return out


@pytest.mark.parametrize(
    ("key", "place"),
    [
        ("loss", ("loss", "training", "loss")),
        ("val_loss", ("loss", "validation", "loss")),
        ("accuracy", ("accuracy", "training", "accuracy")),
        ("val_acc", ("accuracy", "validation", "acc")),
        ("dense_1_loss", ("loss", "training", "dense_1_loss")),
        ("val_sparse_categorical_accuracy",
         ("accuracy", "validation", "sparse_categorical_accuracy")),
        ("learning_rate", None),
        ("val_mae", None),
    ],
)
def test_classify_puts_keras_keys_on_the_right_plot(key, place):
    assert classify(key) == place


def test_fast_epochs_are_buffered_and_flush_draws_them_all():
    clock = FakeClock()
    plot = LossFigure(max_rate=10, clock=clock)
    for epoch in range(1, 101):
        plot.add(logs(epoch))
        clock.now += 0.001  # 1000 epochs a second
    # 0.1 s went by: the first epoch was drawn at once, the next update is due only at 0.1 s.
    assert plot.updates <= 2
    assert plot.drawn()["loss"] < 100
    plot.flush()
    assert plot.drawn() == {"loss": 100, "val_loss": 100, "accuracy": 100, "val_accuracy": 100}
    loss = plot.figure.data[0]
    assert loss.x == tuple(range(1, 101))
    assert loss.y[-1] == pytest.approx(5.0 / 100)


def test_updates_stay_under_the_rate_in_real_time():
    plot = LossFigure(max_rate=10)
    start = time.monotonic()
    epoch = 0
    while time.monotonic() - start < 0.5:
        epoch += 1
        plot.add(logs(epoch))
    elapsed = time.monotonic() - start
    assert epoch > 20  # the test really fed epochs faster than the rate
    assert plot.updates <= 10 * elapsed + 1
    plot.flush()
    assert plot.drawn()["val_accuracy"] == epoch


def test_slow_epochs_are_drawn_as_they_come():
    clock = FakeClock()
    plot = LossFigure(max_rate=10, clock=clock)
    for epoch in range(1, 6):
        plot.add(logs(epoch))
        assert plot.drawn()["loss"] == epoch
        clock.now += 0.25
    assert plot.updates == 5


def test_short_runs_tick_whole_epochs():
    clock = FakeClock()
    plot = LossFigure(max_rate=10, clock=clock)
    for epoch in range(1, 4):
        plot.add(logs(epoch))
        clock.now += 1
    for axis in (plot.figure.layout.xaxis, plot.figure.layout.xaxis2):
        assert (axis.tickmode, axis.dtick) == ("linear", 1)
    for epoch in range(4, 30):
        plot.add(logs(epoch))
        clock.now += 1
    # plotly chooses the ticks again
    assert plot.figure.layout.xaxis.tickmode == plot.figure.layout.xaxis2.tickmode == "auto"


def test_traces_loss_left_accuracy_right_validation_dashed_learning_rate_ignored():
    plot = LossFigure()
    plot.add(logs(1))
    plot.flush()
    described = [(t.name, t.xaxis, t.yaxis, t.line.dash) for t in plot.figure.data]
    assert described == [  # the training curves first: they make the empty frame
        ("training", "x", "y", "solid"),
        ("training", "x2", "y2", "solid"),
        ("validation", "x", "y", "dash"),
        ("validation", "x2", "y2", "dash"),
    ]
    # One legend entry per split, not per subplot.
    assert [t.showlegend for t in plot.figure.data] == [True, False, True, False]


def test_before_any_point_both_panels_have_a_curve_and_the_figure_is_responsive():
    # plotly draws a panel only for axes some trace uses: the empty frame needs both.
    figure = LossFigure().figure
    assert {(t.xaxis, t.yaxis) for t in figure.data} == {("x", "y"), ("x2", "y2")}
    assert all(len(t.x or ()) == 0 for t in figure.data)
    assert figure._config.get("responsive") is True  # a PlotFit can resize it


def test_a_key_that_appears_late_lines_up_with_its_epochs():
    clock = FakeClock()
    plot = LossFigure(clock=clock)
    plot.add(logs(1, validation=False))
    plot.add(logs(2, validation=False))
    plot.add(logs(3, validation=True))
    plot.flush()
    data = plot.data()
    assert len(data["loss"]) == len(data["val_loss"]) == 3
    assert math.isnan(data["val_loss"][0]) and data["val_loss"][2] == 2.0


def test_clear_starts_the_curves_over_in_the_same_figure():
    plot = LossFigure()
    figure = plot.figure
    for epoch in range(1, 4):
        plot.add(logs(epoch))
    plot.flush()
    plot.clear()
    assert plot.epochs == 0 and plot.data() == {}
    assert all(len(t.x or ()) == 0 for t in figure.data)
    plot.add(logs(1))
    plot.flush()
    assert plot.figure is figure and plot.drawn()["loss"] == 1


def test_lossfigure_imports_neither_keras_nor_tensorflow_and_keeps_iri_checks():
    code = (
        "import sys\n"
        "from jazzwidget.widgets.lossfigure import LossFigure\n"
        "LossFigure()\n"
        "assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules\n"
        "import jsonschema\n"
        "v = jsonschema.Draft7Validator({'format': 'iri'},"
        " format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)\n"
        "print(v.is_valid('http://example.org/a'), v.is_valid('http://a b'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    has_rfc = subprocess.run(
        [sys.executable, "-c", "import rfc3987_syntax"], capture_output=True
    ).returncode == 0
    # With rfc3987-syntax installed, jsonschema still checks IRIs (the grammar loads on first use).
    assert out.stdout.split() == (["True", "False"] if has_rfc else ["True", "True"])


def test_before_any_point_the_axes_show_epochs_from_1_and_loss_from_0():
    layout = LossFigure().figure.layout
    for axis in (layout.xaxis, layout.xaxis2):
        assert axis.autorange is False and tuple(axis.range) == (1, 10)
    assert layout.yaxis.autorange is False and tuple(layout.yaxis.range) == (0, 5)
    assert tuple(layout.yaxis2.range) == (0, 1) and layout.yaxis2.tickformat == ".0%"
    assert layout.width is None and layout.autosize  # the container's width


def test_points_switch_the_axes_to_autorange_and_clear_brings_the_empty_frame_back():
    plot = LossFigure()
    for epoch in range(1, 40):
        plot.add(logs(epoch))
    plot.flush()
    layout = plot.figure.layout
    assert layout.xaxis.autorange is True and layout.yaxis.autorange is True
    revision = layout.uirevision
    plot.clear()
    assert layout.xaxis.autorange is False and tuple(layout.xaxis.range) == (1, 10)
    assert tuple(layout.yaxis.range) == (0, 5)
    assert layout.uirevision != revision  # a zoom made before the reset is forgotten


def test_clear_sends_the_empty_frame_to_the_page_again():
    # plotly sends only what changed: the frame's ranges must reach the page after a reset,
    # or its axes keep the autoranged span of the curves just removed.
    plot = LossFigure()
    sent: list[dict] = []
    plot.figure.observe(lambda change: change["new"] and sent.append(change["new"]),
                        names="_py2js_update")
    for epoch in range(1, 4):
        plot.add(logs(epoch))
    plot.flush()
    sent.clear()
    plot.clear()
    relayout = {key: value for message in sent for key, value in message["layout_data"].items()}
    assert relayout["xaxis.range"] == relayout["xaxis2.range"] == [1, 10]
    assert relayout["yaxis.range"] == [0, 5] and relayout["yaxis2.range"] == [0, 1]
    assert relayout["xaxis.autorange"] is False


def test_accuracy_hover_is_in_percent():
    plot = LossFigure()
    plot.add(logs(1))
    plot.flush()
    accuracy = [t for t in plot.figure.data if t.xaxis == "x2"]
    assert all("%{y:.1%}" in t.hovertemplate for t in accuracy)


def test_the_best_epoch_is_marked_on_both_plots_and_cleared_with_them():
    plot = LossFigure()
    for epoch in range(1, 8):
        plot.add(logs(epoch))
    plot.flush()
    plot.mark_best(5)
    shapes = plot.figure.layout.shapes
    assert [(s.x0, s.x1, s.xref) for s in shapes] == [(5, 5, "x"), (5, 5, "x2")]
    labels = [a.text for a in plot.figure.layout.annotations]
    assert labels == ["loss", "accuracy", "best epoch 5"]  # subplot titles stay
    plot.mark_best(None)
    assert plot.figure.layout.shapes == () and len(plot.figure.layout.annotations) == 2
    plot.mark_best(3)
    plot.clear()
    assert plot.best_epoch is None and plot.figure.layout.shapes == ()
    assert [a.text for a in plot.figure.layout.annotations] == ["loss", "accuracy"]


def test_load_draws_a_whole_history_in_one_update():
    plot = LossFigure()
    before = plot.updates
    plot.load({"loss": [3.0, 2.0, 1.0], "val_loss": [3.5, 3.0, 3.2],
               "accuracy": [0.1, 0.2, 0.3], "val_accuracy": [0.1, 0.1, 0.1]})
    assert plot.epochs == 3
    assert plot.drawn() == {"loss": 3, "val_loss": 3, "accuracy": 3, "val_accuracy": 3}
    assert plot.updates - before == 2  # the clear, then one draw
