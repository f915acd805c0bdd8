"""Find units by a hypothesis, as in LSTMVis (Strobelt et al. 2018): select a range of steps,
threshold a state, and keep the units that are on inside the range and off just before it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from jazzwidget.errors import InspectError
from jazzwidget.inspect._arrays import Trace, check_gates, check_range, check_units


@dataclass(frozen=True)
class UnitMatch:
    """A unit that fits a selected range.

    unit : the unit's number.
    score : how sharply it switches on: its mean value inside the range minus its mean value
        over the steps just before (higher first).
    inside : share of the range's steps where it is on (1.0: every one).
    before : share of the steps just before the range where it is on (0.0: none).
    """

    unit: int
    score: float
    inside: float
    before: float


def find_units(trace: Trace, start: int, end: int, threshold: float = 0.5, state: str = "h",
               *, before: int = 1, min_inside: float = 1.0) -> list[UnitMatch]:
    """The units on inside steps [start, end) and off just before, best first.

    Parameters
    ----------
    trace : a `GateTrace` (or `CorpusTrace`).
    start, end : the selected steps, end excluded (trace rows; see `GateTrace`).
    threshold : a unit is on at a step where ``state`` is above this.
    state : which gate or state to threshold ("h", as LSTMVis does; any of i f g o c h).
    before : how many steps just before ``start`` must have it off (fewer at the very start;
        none before step 0, where every unit counts as off).
    min_inside : the share of the range's steps it must be on in (1.0: all of them).

    Returns
    -------
    list of `UnitMatch`, highest score first (ties by unit number).
    """
    (state,) = check_gates([state])
    start, end = check_range(trace, start, end)
    if before < 0 or not 0 < min_inside <= 1:
        raise InspectError(f"before={before} must be 0 or more and min_inside={min_inside} in "
                           f"(0, 1]")
    values = np.asarray(trace.gate(state), dtype=np.float64)
    inside_values = values[start:end]
    before_values = values[max(0, start - before):start]
    inside = (inside_values > threshold).mean(axis=0)
    was_on = ((before_values > threshold).mean(axis=0) if len(before_values)
              else np.zeros(trace.n_a))
    contrast = inside_values.mean(axis=0) - (before_values.mean(axis=0) if len(before_values)
                                             else threshold)
    keep = np.flatnonzero((inside >= min_inside - 1e-12) & (was_on == 0))
    keep = keep[np.argsort(-contrast[keep], kind="stable")]
    return [UnitMatch(int(u), float(contrast[u]), float(inside[u]), float(was_on[u]))
            for u in keep]


def firing_mask(trace: Trace, units: Iterable[int], threshold: float = 0.5,
                state: str = "h") -> np.ndarray:
    """Per step, True where every one of ``units`` is on (``state`` above ``threshold``)."""
    (state,) = check_gates([state])
    chosen = check_units(trace, units)
    values = np.asarray(trace.gate(state))[:, chosen]
    return np.asarray((values > threshold).all(axis=1))


def firing_spans(trace: Trace, units: Iterable[int], threshold: float = 0.5,
                 state: str = "h") -> list[tuple[int, int]]:
    """The step ranges [start, end) where all ``units`` are on at once, in order.

    On a `CorpusTrace` a range never runs across two pieces (``trace.locate`` says which
    piece a step belongs to).
    """
    on = firing_mask(trace, units, threshold, state)
    edges = np.diff(np.concatenate([[0], on.astype(np.int8), [0]]))
    spans = list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(),
                     strict=True))
    bounds = getattr(trace, "bounds", None)
    if bounds is None:
        return spans
    cut: list[tuple[int, int]] = []
    for start, end in spans:
        inner = [int(b) for b in bounds if start < b < end]
        points = [start, *inner, end]
        cut += list(pairwise(points))
    return cut
