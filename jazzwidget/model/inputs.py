"""What the LSTM reads for each value: its one-hot, plus the one-hots of its parts.

The seed feeds the LSTM one-hot values, so each of the ~250 values has its own input weights,
learnt only from the few times it occurs: a rare value such as ``A,0.750,<M3,m-3>`` teaches
nothing about ``A,0.500,<M3,m-3>``. Here each value's input row also marks its type (C, S, A, X,
R, or P for the pitch encoding), its duration on the grid, its interval from the previous note
and, for the pitch encoding, its pitch class; values that share a part share what was learnt
about it (a factored input, as in factored language models: Bilmes & Kirchhoff 2003). On the
built-in corpus it lowers the held-out cross-entropy by about 0.08 nats per value (README,
"Does it learn?").

The network multiplies each one-hot value by this fixed table first (`network.build_network`).
So the LSTM's effective input weights are still one row per value, ``W = features @ W_lstm``,
the shape of the seed's: the numpy step, the trace and the inspector read those rows and need
not know about the parts.

>>> table = value_features(["C,0.500", "C,1.000", "S,0.500,<P4,m-2>"])
>>> table.shape == (3, 3 + PART_WIDTH)
True
>>> [int(k) for k in table.sum(axis=1)]  # the value, its type, its duration (and interval)
[3, 3, 4]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from jazzwidget.music.values import DURATION_GRID, MAX_INTERVAL, parse_value

KINDS = ("C", "S", "A", "X", "R", "P")
INTERVALS = 2 * MAX_INTERVAL + 1  # -21 .. +21 semitones from the previous note
PITCH_CLASSES = 12
PART_WIDTH = len(KINDS) + len(DURATION_GRID) + INTERVALS + PITCH_CLASSES


def value_features(vocab: Sequence[str]) -> np.ndarray:
    """The (len(vocab), len(vocab) + PART_WIDTH) table of 0/1 inputs, one row per value:
    [one-hot value | type | duration | interval played | pitch class], float32."""
    size = len(vocab)
    table = np.zeros((size, size + PART_WIDTH), np.float32)
    kind_at = size
    duration_at = kind_at + len(KINDS)
    interval_at = duration_at + len(DURATION_GRID)
    pitch_class_at = interval_at + INTERVALS
    for row, token in enumerate(vocab):
        value = parse_value(token)
        table[row, row] = 1
        table[row, kind_at + KINDS.index(value.kind)] = 1
        table[row, duration_at + DURATION_GRID.index(value.duration)] = 1
        if value.window is not None:  # the window is the interval played, a third either side
            played = (value.window[0] + value.window[1]) // 2
            played = max(-MAX_INTERVAL, min(MAX_INTERVAL, played))
            table[row, interval_at + MAX_INTERVAL + played] = 1
        if value.pitch is not None:
            table[row, pitch_class_at + value.pitch % PITCH_CLASSES] = 1
    return table
