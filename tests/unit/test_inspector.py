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
from jazzwidget.widgets.inspector_ablation import clip_figures, figures_table, parse_units
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


def test_importing_the_inspector_leaves_tensorflow_out() -> None:
    assert "tensorflow" not in imported_by("import jazzwidget.widgets.inspector")
    assert imported_by("import jazzwidget") == []
