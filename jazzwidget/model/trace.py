"""`GateTrace`: what every gate and state of the LSTM did at every step of a sequence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from jazzwidget.errors import ModelError
from jazzwidget.model.step import Ablation, LSTMWeights, lstm_cell, warm_up
from jazzwidget.music.clip import Clip
from jazzwidget.music.values import parse_value

if TYPE_CHECKING:
    from jazzwidget.inspect.correlation import Record

GATES = ("i", "f", "g", "o", "c", "h")


@dataclass
class GateTrace:
    """Float32 arrays of shape (steps, n_a), one row per value of ``values``.

    Row t is the step that chose value t: its input was the value before (or the last primer
    value, or zeros at the very start), so a column lines up with the note it produced.

    i, f, o : input ("update"), forget and output gates, in (0, 1).
    g : the candidate cell value, in (-1, 1).
    c : the cell state; h : the hidden state (what the softmax layer reads).
    starts, ends : when each step sounds: seconds when traced from a Clip, beats from 0 when
        traced from plain values (`trace_values`), and the step indices t, t + 1 when
        `run_trace` is given no times.
    ablation : the units that were clamped while tracing, or None.
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
    ablation: Ablation | None = None

    @property
    def steps(self) -> int:
        return self.h.shape[0]

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

    def explain(self, clip: Clip, top: int = 3) -> list[Record]:
        """The units whose c or h follow each musical feature of ``clip`` most closely:
        records {feature, unit, state, r} (see `jazzwidget.inspect.correlation`)."""
        from jazzwidget.inspect.correlation import explain

        return explain(self, clip, top)


def run_trace(weights: LSTMWeights, ids: Sequence[int], prime_ids: Sequence[int] = (),
              starts: np.ndarray | None = None, ends: np.ndarray | None = None,
              values: list[str] | None = None, ablation: Ablation | None = None) -> GateTrace:
    """Replay the generation of ``ids`` (after ``prime_ids``) with the numpy LSTM, recording
    every gate and state of the step that chose each value (``ablation`` clamps units in
    every step, the warm-up included)."""
    h, c, xw = warm_up(weights, prime_ids, ablation)
    # every step's input projected at once: row t is x_t @ W, x_t the value before step t
    inputs = np.vstack([xw[None, :], weights.W[np.asarray(ids[:-1], dtype=np.intp)]])
    rows: dict[str, list[np.ndarray]] = {name: [] for name in GATES}
    for xw in inputs[:len(ids)]:
        gates = lstm_cell(xw, h, c, weights, ablation)
        *_, c, h = gates
        for name, value in zip(GATES, gates, strict=True):
            rows[name].append(value)
    arrays = {name: np.array(rows[name], dtype=np.float32).reshape(len(ids), weights.n_a)
              for name in GATES}
    if starts is None or ends is None:
        starts = np.arange(len(ids), dtype=np.float64)
        ends = starts + 1
    return GateTrace(values=list(values or []), starts=np.asarray(starts),
                     ends=np.asarray(ends), ablation=ablation or None, **arrays)


def trace_values(weights: LSTMWeights, vocab: Sequence[str],
                 clip_or_values: Clip | Sequence[str],
                 ablate: Ablation | Mapping[str, Any] | None = None) -> GateTrace:
    """Trace a clip (its values after its primer, times in seconds) or plain values of
    ``vocab`` (times in beats from 0) with ``weights``; see `JazzModel.trace`."""
    ablation = Ablation.coerce(ablate, weights.n_a)
    index = {value: k for k, value in enumerate(vocab)}
    if isinstance(clip_or_values, str):
        raise ModelError("trace takes a Clip or a list of values, not one string: wrap it "
                         "in a list")
    if isinstance(clip_or_values, Clip):
        clip: Clip | None = clip_or_values
        values, prime = clip_or_values.values, clip_or_values.primed_with
    else:
        clip, values, prime = None, list(clip_or_values), []
    if clip is not None and values and not all(values):
        raise ModelError("this clip has no values (music read from a file, not generated): "
                         "trace a generated clip, or a corpus passage "
                         "(jazzwidget.inspect.passage_clip)")
    unknown = sorted({str(v) for v in [*values, *prime] if v not in index})
    if unknown:
        raise ModelError(f"{len(unknown)} value(s) are not in this model's vocabulary "
                         f"({unknown[0]}, ...): trace values of the model's own corpus")
    if clip is not None:
        starts = np.array([s.start for s in clip.steps], dtype=np.float64)
        ends = np.array([s.end for s in clip.steps], dtype=np.float64)
    else:
        ends = np.cumsum([parse_value(v).duration for v in values], dtype=np.float64)
        starts = ends - [parse_value(v).duration for v in values]
    return run_trace(weights, [index[v] for v in values], [index[v] for v in prime],
                     starts, ends, values, ablation)
