"""The value-features table the LSTM reads through (jazzwidget.model.inputs)."""

import numpy as np
import pytest

from jazzwidget.model.inputs import KINDS, MAX_INTERVAL, PART_WIDTH, value_features
from jazzwidget.music.values import DURATION_GRID

VOCAB = ["A,0.250,<m3,m-3>", "C,0.500", "C,1.000", "P64,0.500", "R,0.500",
         "S,0.333,<d5,P1>", "S,0.500,<P4,m-2>", "X,0.500,<M7,P4>"]
KIND_AT = len(VOCAB)
DURATION_AT = KIND_AT + len(KINDS)
INTERVAL_AT = DURATION_AT + len(DURATION_GRID)
PITCH_CLASS_AT = INTERVAL_AT + 2 * MAX_INTERVAL + 1


def parts(row: np.ndarray) -> dict[str, list[int]]:
    """The columns set in each block of a row, as offsets within the block."""
    blocks = {"value": (0, KIND_AT), "kind": (KIND_AT, DURATION_AT),
              "duration": (DURATION_AT, INTERVAL_AT), "interval": (INTERVAL_AT, PITCH_CLASS_AT),
              "pitch_class": (PITCH_CLASS_AT, len(row))}
    return {name: [int(k) for k in np.flatnonzero(row[a:b])] for name, (a, b) in blocks.items()}


def test_each_row_marks_the_value_its_type_duration_interval_and_pitch_class():
    table = value_features(VOCAB)
    assert table.shape == (len(VOCAB), len(VOCAB) + PART_WIDTH) and table.dtype == np.float32
    assert set(np.unique(table)) == {0.0, 1.0}
    rows = [parts(row) for row in table]
    assert [r["value"] for r in rows] == [[k] for k in range(len(VOCAB))]
    assert [KINDS[r["kind"][0]] for r in rows] == ["A", "C", "C", "P", "R", "S", "S", "X"]
    assert [DURATION_GRID[r["duration"][0]] for r in rows] == pytest.approx(
        [0.25, 0.5, 1.0, 0.5, 0.5, 1 / 3, 0.5, 0.5])
    # The interval played is the middle of the window (a minor third either side, upper first):
    # <m3,m-3> repeats the note, <d5,P1> is a minor third up, <P4,m-2> a whole step up,
    # <M7,P4> a minor sixth up.
    assert [[k - MAX_INTERVAL for k in r["interval"]] for r in rows] == [
        [0], [], [], [], [], [3], [2], [8]]
    assert [r["pitch_class"] for r in rows] == [[], [], [], [4], [], [], [], []]


def test_values_that_share_a_part_share_its_column_and_only_it():
    table = value_features(VOCAB)
    c_half, c_whole, s_half = (table[VOCAB.index(v)] for v in
                               ("C,0.500", "C,1.000", "S,0.500,<P4,m-2>"))
    shared = lambda a, b: [int(k) for k in np.flatnonzero(a * b)]  # noqa: E731
    assert shared(c_half, c_whole) == [KIND_AT + KINDS.index("C")]
    assert shared(c_half, s_half) == [DURATION_AT + DURATION_GRID.index(0.5)]


def test_an_input_row_times_the_lstm_kernel_is_one_row_of_the_folded_weights():
    """What network_weights relies on: one-hot(k) @ table @ W_lstm == (table @ W_lstm)[k]."""
    table = value_features(VOCAB)
    w_lstm = np.random.default_rng(0).normal(size=(table.shape[1], 12))
    folded = table.astype(np.float64) @ w_lstm
    for k in range(len(VOCAB)):
        one_hot = np.eye(len(VOCAB))[k]
        assert np.allclose(one_hot @ table @ w_lstm, folded[k])
