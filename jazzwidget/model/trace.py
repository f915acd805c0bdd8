"""`GateTrace`: what every gate and state of the LSTM did at every step of a sequence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from jazzwidget.model.step import LSTMWeights, lstm_step, one_hot, warm_up

GATES = ("i", "f", "g", "o", "c", "h")


@dataclass
class GateTrace:
    """Float32 arrays of shape (steps, n_a), one row per value of ``values``.

    Row t is the step that chose value t: its input was the value before (or the last primer
    value, or zeros at the very start), so a column lines up with the note it produced.

    i, f, o : input ("update"), forget and output gates, in (0, 1).
    g : the candidate cell value, in (-1, 1).
    c : the cell state; h : the hidden state (what the softmax layer reads).
    starts, ends : the seconds each step sounds, when traced from a Clip (else beats from 0).
    """

    values: list[str]
    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    @property
    def steps(self) -> int:
        return len(self.values)

    @property
    def n_a(self) -> int:
        return self.h.shape[1]

    def gate(self, name: str) -> np.ndarray:
        """One of i, f, g, o, c, h by name."""
        if name not in GATES:
            raise KeyError(f"no gate {name!r}: choose one of {', '.join(GATES)}")
        return getattr(self, name)

    def saturation(self, name: str, low: float = 0.1, high: float = 0.9) -> np.ndarray:
        """Per unit, the share of steps with the gate below ``low`` and above ``high``:
        an (n_a, 2) array, as in Karpathy, Johnson & Fei-Fei (2015)."""
        gate = self.gate(name)
        return np.stack([(gate < low).mean(axis=0), (gate > high).mean(axis=0)], axis=1)


def run_trace(weights: LSTMWeights, ids: Sequence[int], prime_ids: Sequence[int] = (),
              starts: np.ndarray | None = None, ends: np.ndarray | None = None,
              values: list[str] | None = None) -> GateTrace:
    """Replay the generation of ``ids`` (after ``prime_ids``) with the numpy LSTM, recording
    every gate and state of the step that chose each value."""
    h, c, x = warm_up(weights, prime_ids)
    rows: dict[str, list[np.ndarray]] = {name: [] for name in GATES}
    for index in ids:
        gates = lstm_step(x, h, c, weights)
        *_, c, h = gates
        x = one_hot(index, weights.vocab_size)
        for name, value in zip(GATES, gates, strict=True):
            rows[name].append(value)
    arrays = {name: np.array(rows[name], dtype=np.float32).reshape(len(ids), weights.n_a)
              for name in GATES}
    if starts is None or ends is None:
        starts = np.arange(len(ids), dtype=np.float64)
        ends = starts + 1
    return GateTrace(values=list(values or []), starts=np.asarray(starts),
                     ends=np.asarray(ends), **arrays)
