"""Checks and views shared by the inspection modules: gate names, unit lists, step ranges."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import numpy as np

from jazzwidget.errors import InspectError
from jazzwidget.model.trace import GATES

SIGMOID_GATES = ("i", "f", "o")  # in (0, 1); g, h and tanh(c) are in (-1, 1)


class Trace(Protocol):
    """What the inspection reads from a `GateTrace` (or a `CorpusTrace`)."""

    @property
    def steps(self) -> int: ...

    @property
    def n_a(self) -> int: ...

    def gate(self, name: str) -> np.ndarray: ...


def check_gates(gates: Iterable[str]) -> tuple[str, ...]:
    """``gates`` as a tuple, each one of i, f, g, o, c, h (a string such as "ifoc" works)."""
    names = tuple(gates)
    bad = [name for name in names if name not in GATES]
    if bad or not names:
        raise InspectError(f"gates {names!r} are not all gate names: choose from "
                           f"{', '.join(GATES)}")
    return names


def bounded(trace: Trace, name: str) -> np.ndarray:
    """Gate ``name`` as float64, the cell state squashed by tanh (as h reads it) so that every
    gate lies in (0, 1) or (-1, 1) and no unit's large c outweighs the others."""
    values = np.asarray(trace.gate(name), dtype=np.float64)
    return np.tanh(values) if name == "c" else values


def unit_interval(trace: Trace, name: str) -> np.ndarray:
    """Gate ``name`` mapped into [0, 1]: sigmoid gates as they are, g, h and tanh(c) as
    (x + 1) / 2, so one pair of saturation thresholds serves every gate."""
    values = bounded(trace, name)
    return values if name in SIGMOID_GATES else (values + 1.0) / 2.0


def check_units(trace: Trace, units: Iterable[int]) -> list[int]:
    """``units`` as a list of ints, each a unit of the trace."""
    try:
        chosen = [int(u) for u in units]
    except (TypeError, ValueError) as error:
        raise InspectError(f"units must be unit numbers, not {units!r}") from error
    if not chosen:
        raise InspectError("no units given: choose at least one unit")
    bad = [u for u in chosen if not 0 <= u < trace.n_a]
    if bad:
        raise InspectError(f"unit {bad[0]} does not exist: this trace has units 0 to "
                           f"{trace.n_a - 1}")
    return chosen


def check_range(trace: Trace, start: int, end: int) -> tuple[int, int]:
    """A step range [start, end) inside the trace, with at least one step."""
    start, end = int(start), int(end)
    if not 0 <= start < end <= trace.steps:
        raise InspectError(f"steps [{start}, {end}) are not a range inside the trace's "
                           f"{trace.steps} steps: give 0 <= start < end <= {trace.steps}")
    return start, end
