"""The gate inspector's Python side: what crosses to the browser, ordering, finding, selecting.

A small LSTM with random weights traces a hand-made clip with the numpy step (no TensorFlow), so
every number the front end gets can be checked against the trace.
"""

from __future__ import annotations

import numpy as np
import pytest

from jazzwidget.errors import InspectError, JazzwidgetError
from jazzwidget.inspect import find_units, unit_order
from jazzwidget.model.step import LSTMWeights
from jazzwidget.model.trace import GATES, GateTrace, trace_values
from jazzwidget.music.clip import Clip, Step
from jazzwidget.music.piece import ChordSpan
from jazzwidget.widgets.inspector import GateInspector, clip_settings
from jazzwidget.widgets.inspector_ablation import (
    ablated_title,
    clip_figures,
    figures_table,
    parse_units,
)
from jazzwidget.widgets.inspector_data import initial_cell, inspector_data
from jazzwidget.widgets.player import Player
from tests.conftest import imported_by

VOCAB = sorted(["A,0.250", "C,0.250", "C,0.500", "R,0.250", "S,0.250", "X,0.500"])
N_A = 12
SPB = 0.5  # seconds per beat at 120 bpm


def weights(seed: int = 3, n_a: int = N_A) -> LSTMWeights:
    rng = np.random.default_rng(seed)
    v = len(VOCAB)
    return LSTMWeights(rng.normal(0, 1.0, (v, 4 * n_a)), rng.normal(0, 0.6, (n_a, 4 * n_a)),
                       rng.normal(0, 0.3, 4 * n_a), rng.normal(0, 1, (n_a, v)), np.zeros(v))


def make_clip() -> Clip:
    values = ["C,0.250", "S,0.250", "R,0.250", "A,0.250", "C,0.500", "X,0.500", "C,0.250",
              "R,0.250", "S,0.250", "C,0.500"]
    pitches = [62, 64, None, 66, 67, 61, 71, None, 72, 74]
    steps, t = [], 0.0
    for value, pitch in zip(values, pitches, strict=True):
        length = float(value.split(",")[1]) * SPB
        steps.append(Step(value, t, t + length, pitch))
        t += length
    chords = [ChordSpan("Dm7", 0.0, 1.0), ChordSpan("G7", 1.0, t)]
    return Clip(steps, chords, tempo=120, duration=t, primed_with=["C,0.250", "X,0.500"])


@pytest.fixture(scope="module")
def traced() -> tuple[GateTrace, Clip]:
    clip = make_clip()
    return trace_values(weights(), VOCAB, clip), clip


def buffer(view, name: str, shape: tuple[int, ...]) -> np.ndarray:
    return np.frombuffer(getattr(view, f"_{name}"), dtype=np.float32).reshape(shape)


def test_every_gate_crosses_as_float32_units_by_steps(traced) -> None:
    trace, clip = traced
    inspector = GateInspector(trace, clip)
    view = inspector.view
    assert (view.n_a, view.n_steps) == (N_A, len(clip.steps))
    for name in GATES:
        np.testing.assert_array_equal(buffer(view, name, (N_A, trace.steps)),
                                      trace.gate(name).T.astype(np.float32))
    steps = np.frombuffer(view._steps, dtype=np.float32).reshape(-1, 4)
    np.testing.assert_allclose(steps[:, 0], [s.start for s in clip.steps], atol=1e-6)
    np.testing.assert_allclose(steps[:, 1], [s.end for s in clip.steps], atol=1e-6)
    assert steps[2, 2] == -1 and steps[2, 3] == 4  # the rest: no pitch, type R
    assert list(steps[:2, 3]) == [0, 1]  # C then S, as the values say
    assert view.values == clip.values
    assert view.chords == [["Dm7", 0.0, 1.0], ["G7", 1.0, clip.duration]]
    assert view.duration == clip.duration and view.tempo == 120


def test_the_cell_before_step_zero_is_the_primed_state(traced) -> None:
    trace, _ = traced
    c_prev = initial_cell(trace)
    np.testing.assert_allclose(trace.f[0] * c_prev + trace.i[0] * trace.g[0], trace.c[0],
                               atol=1e-5)
    assert np.abs(c_prev).max() > 1e-3  # the primer left something in the cell
    fresh = trace_values(weights(), VOCAB, ["C,0.250", "S,0.250"])
    np.testing.assert_allclose(initial_cell(fresh), 0.0, atol=1e-6)


def test_a_trace_of_another_clip_is_refused(traced) -> None:
    trace, clip = traced
    shorter = Clip(clip.steps[:-1], clip.chords, clip.tempo, clip.steps[-2].end)
    with pytest.raises(JazzwidgetError, match="pass the clip that was traced"):
        GateInspector(trace, shorter)
    with pytest.raises(JazzwidgetError, match="JazzModel or a GateTrace"):
        GateInspector("model.keras")


def test_a_trace_without_a_clip_runs_in_beats() -> None:
    trace = trace_values(weights(), VOCAB, ["C,0.250", "R,0.250", "C,0.500"])
    data = inspector_data(trace)
    assert data.duration == 1.0 and data.chords == []
    assert list(data.steps[:, 3]) == [0, 4, 0]
    inspector = GateInspector(trace)
    assert inspector.player is None and inspector.view.player is None


def test_order_gates_and_top_k_change_the_rows(traced) -> None:
    trace, clip = traced
    inspector = GateInspector(trace, clip, gates=("i", "f", "o", "c"))
    assert inspector.rows == list(range(N_A))
    assert inspector.view.gates == ["i", "f", "o", "c"]
    inspector.order = "variance"
    expected = unit_order(trace, by="variance", gates=("i", "f", "o", "c")).tolist()
    assert inspector.rows == expected != list(range(N_A))
    inspector.top_k = 5
    assert inspector.rows == expected[:5]
    inspector.top_k = None
    inspector.gates = ["h", "c"]
    assert inspector.view.gates == ["c", "h"]
    assert inspector.rows == unit_order(trace, by="variance", gates=("c", "h")).tolist()
    with pytest.raises(InspectError, match="choose one or more"):
        inspector.gates = ["x"]
    with pytest.raises(InspectError, match="no unit order"):
        inspector.order = "alphabetical"
    with pytest.raises(InspectError, match="top_k"):
        GateInspector(trace, clip, top_k=0)


def test_a_range_selection_finds_units_and_moves_them_to_the_top(traced) -> None:
    trace, clip = traced
    inspector = GateInspector(trace, clip, threshold=0.3)
    # the browser sets `selection` when a range is dragged on the note strip
    start, end = 4, 6
    inspector.view.selection = [start, end]
    expected = [m.unit for m in find_units(trace, start, end, 0.3)]
    assert [m.unit for m in inspector.matches] == expected
    assert inspector.view.found == expected
    assert inspector.rows[:len(expected)] == expected
    assert sorted(inspector.rows) == list(range(N_A))
    h = trace.h
    for unit in expected:
        assert (h[start:end, unit] > 0.3).all() and h[start - 1, unit] <= 0.3
    for a, b in inspector.view.spans:  # where the first units fire together
        assert (h[a:b][:, expected[:3]] > 0.3).all()
    if expected:
        assert f"{len(expected)} unit(s) on" in inspector.found.value
    else:
        assert "No unit is on" in inspector.found.value


def test_selecting_a_unit_draws_its_lines_and_rings_it(traced) -> None:
    trace, clip = traced
    inspector = GateInspector(trace, clip)
    inspector.view.selected_unit = 7  # as a click on a heatmap row sets it
    lines = {s.name: s for s in inspector.unit_lines.figure.data}
    np.testing.assert_allclose(lines["f"].y[:-1], trace.f[:, 7], rtol=1e-6)
    np.testing.assert_allclose(lines["c"].x[:-1], [s.start for s in clip.steps])
    ring = inspector.saturation.figure.data[-1]
    assert list(ring.x) == pytest.approx([(trace.gate(g)[:, 7] < 0.1).mean() for g in "ifo"])
    inspector.select_unit(None)
    assert inspector.selected_unit is None and len(lines["f"].y) == 0
    with pytest.raises(InspectError, match="does not exist"):
        inspector.select_unit(N_A)


def test_saturation_points_are_the_shares_below_and_above(traced) -> None:
    trace, clip = traced
    inspector = GateInspector(trace, clip)
    by_name = {s.name: s for s in inspector.saturation.figure.data}
    for gate in "ifo":
        values = trace.gate(gate)
        assert list(by_name[gate].x) == pytest.approx((values < 0.1).mean(axis=0))
        assert list(by_name[gate].y) == pytest.approx((values > 0.9).mean(axis=0))
        assert list(by_name[gate].customdata) == list(range(N_A))
    picked = []
    inspector.saturation._on_select = picked.append
    inspector.saturation._clicked(None, type("Points", (), {"point_inds": [4]})(), None)
    assert picked == [4]


def test_link_takes_a_player(traced) -> None:
    trace, clip = traced
    inspector = GateInspector(trace, clip)
    assert inspector.view.player is inspector.player
    other = Player(clip)
    inspector.link(other)
    assert inspector.view.player is other
    assert inspector.view.get_state()["player"] == f"IPY_MODEL_{other.model_id}"
    with pytest.raises(JazzwidgetError, match="takes a jazzwidget Player"):
        inspector.link("player")


def test_clip_settings_remake_the_frame_of_a_clip(traced) -> None:
    _, clip = traced
    settings = clip_settings(clip)
    assert settings["seconds"] == clip.duration and settings["tempo"] == 120
    assert settings["prime"] == clip.primed_with and settings["seed"] == 0
    spans = settings["chords"].over(clip.duration / SPB)
    assert [(s.symbol, s.start * SPB) for s in spans] == [("Dm7", 0.0), ("G7", 1.0)]


def test_ablation_figures_and_units() -> None:
    figures = clip_figures(make_clip())
    assert figures["notes"] == 8 and figures["rests"] == 2
    assert figures["pitch range (semitones)"] == 74 - 61
    assert figures["mean duration (beats)"] == pytest.approx((5 * 0.25 + 3 * 0.5) / 8)
    table = figures_table(figures, {**figures, "notes": 5.0})
    assert "<td>notes</td><td>8</td><td>5</td><td>-3</td>" in table
    assert parse_units("12, 40 3", 64) == [12, 40, 3]
    with pytest.raises(InspectError, match="not a unit number"):
        parse_units("twelve", 64)
    with pytest.raises(InspectError, match="does not exist"):
        parse_units("64", 64)
    title = ablated_title([4, 0, 11, 3, 22, 1], "zero")
    assert title == "ablated 4, 0 +4 · h=c=0"
    assert ablated_title([7], "forget1") == "ablated 7 · f=1"


def test_importing_the_inspector_leaves_tensorflow_out() -> None:
    assert "tensorflow" not in imported_by("import jazzwidget.widgets.inspector")
    assert imported_by("import jazzwidget") == []


def two_minute_clip(seconds: float = 120.0) -> Clip:
    """The hand-made clip's values over and over for two minutes (739 steps at 120 bpm), over
    a chord every two beats."""
    pattern = make_clip().steps
    steps, t, k = [], 0.0, 0
    while t < seconds - 1e-9:
        step = pattern[k % len(pattern)]
        length = step.end - step.start
        steps.append(Step(step.value, t, t + length, step.pitch))
        t += length
        k += 1
    chords = [ChordSpan(("Dm7", "G7", "Cmaj7", "A7")[b % 4], 2.0 * b, min(2.0 * (b + 1), t))
              for b in range(int(np.ceil(t / 2.0)))]
    return Clip(steps, chords, tempo=120, duration=t, primed_with=["C,0.250"])


@pytest.mark.parametrize("n_a", [8, 256])
def test_any_size_from_8_to_256_units_over_a_two_minute_clip(n_a: int) -> None:
    clip = two_minute_clip()
    n = len(clip.steps)
    assert clip.duration == pytest.approx(120.0) and n > 600
    trace = trace_values(weights(5, n_a), VOCAB, clip)
    inspector = GateInspector(trace, clip, gates=GATES)
    view = inspector.view
    assert (view.n_a, view.n_steps, view.duration) == (n_a, n, pytest.approx(120.0))
    for name in GATES:
        np.testing.assert_array_equal(buffer(view, name, (n_a, n)),
                                      trace.gate(name).T.astype(np.float32))
    assert len(view.chords) == 60 and view.gates == list(GATES)
    for by in ("index", "mean", "variance", "saturation", "similarity"):
        inspector.order = by
        assert sorted(inspector.rows) == list(range(n_a)), by
    inspector.top_k = 5
    assert len(inspector.rows) == 5
    inspector.top_k = None
    last = n_a - 1
    inspector.select_unit(last)
    lines = inspector.unit_lines.figure.data
    assert len(lines[0].x) == n + 1 and lines[0].x[-1] == pytest.approx(120.0)
    np.testing.assert_allclose(lines[4].y[:n], trace.h[:, last], atol=1e-6)
    for gate, points in inspector.saturation.points.items():
        assert points.shape == (n_a, 2), gate
    inspector.view.selection = [n - 10, n]  # a range at the very end: found units first
    assert inspector.rows[:len(inspector.matches)] == [m.unit for m in inspector.matches]
    assert "Units that follow musical features" in inspector.explanation.value


def test_a_unit_selected_from_the_start_is_in_every_first_state(traced) -> None:
    trace, clip = traced
    inspector = GateInspector(trace, clip, unit=3)
    assert inspector.selected_unit == 3 and inspector.view.selected_unit == 3
    assert inspector.unit_lines.unit == 3
    np.testing.assert_allclose(inspector.unit_lines.figure.data[0].y[:trace.steps],
                               trace.i[:, 3], atol=1e-6)
    ring = inspector.saturation.figure.data[-1]
    assert list(ring.x) == [float(inspector.saturation.points[g][3, 0]) for g in "ifo"]
    with pytest.raises(InspectError, match="unit 12 does not exist"):
        GateInspector(trace, clip, unit=N_A)
