"""Unit order for the heatmaps: by index, mean, variance, saturation, or similarity of the
units' traces (average-linkage agglomerative clustering, in numpy)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from jazzwidget.errors import InspectError
from jazzwidget.inspect._arrays import Trace, bounded, check_gates, unit_interval

ORDERS = ("index", "mean", "variance", "saturation", "similarity")
DEFAULT_GATES = ("i", "f", "o", "c")
LOW, HIGH = 0.1, 0.9  # saturation thresholds of Karpathy, Johnson & Fei-Fei (2015)


def unit_scores(trace: Trace, by: str = "variance",
                gates: Iterable[str] = DEFAULT_GATES) -> np.ndarray:
    """Per unit, the figure that ``unit_order`` sorts by (higher first), averaged over gates.

    mean : the gate's mean over steps (c as tanh(c)).
    variance : its variance over steps (c as tanh(c)).
    saturation : the share of steps where it is saturated: below 0.1 or above 0.9 for the
        sigmoid gates i, f, o; below -0.8 or above 0.8 for g, h and tanh(c).
    index : minus the unit number (so that unit 0 comes first).
    """
    names = check_gates(gates)
    if by == "index":
        return -np.arange(trace.n_a, dtype=np.float64)
    if by not in ("mean", "variance", "saturation"):
        raise InspectError(f"no unit score {by!r}: choose mean, variance or saturation")
    if trace.steps == 0:
        return np.zeros(trace.n_a)
    per_gate: list[np.ndarray] = []
    for name in names:
        if by == "saturation":
            values = unit_interval(trace, name)
            per_gate.append(((values < LOW) | (values > HIGH)).mean(axis=0))
        else:
            values = bounded(trace, name)
            per_gate.append(values.mean(axis=0) if by == "mean" else values.var(axis=0))
    return np.mean(per_gate, axis=0)


def unit_order(trace: Trace, by: str = "index", gates: Iterable[str] = DEFAULT_GATES,
               top_k: int | None = None) -> np.ndarray:
    """A permutation of the units, most interesting first.

    Parameters
    ----------
    trace : a `GateTrace` (or `CorpusTrace`).
    by : "index" (0, 1, 2, ...), "mean", "variance" or "saturation" (highest first, ties by
        unit number; see `unit_scores`), or "similarity": units whose traces rise and fall
        together sit next to each other (agglomerative clustering, average linkage on the
        correlation of the units' series over the chosen gates), the most variable end first.
    gates : which of i, f, g, o, c, h the figures are taken over.
    top_k : keep only the first k units.

    Returns
    -------
    np.ndarray of unit numbers (int), length n_a (or top_k).
    """
    if by not in ORDERS:
        raise InspectError(f"no unit order {by!r}: choose one of {', '.join(ORDERS)}")
    if top_k is not None and int(top_k) < 1:
        raise InspectError(f"top_k={top_k} keeps no units: give at least 1 (or None for all)")
    if by == "similarity":
        order = similarity_order(trace, gates)
    else:
        # a stable sort of minus the score: highest first, equal scores by unit number
        order = np.argsort(-unit_scores(trace, by, gates), kind="stable")
    return order[:int(top_k)] if top_k is not None else order


def unit_series(trace: Trace, gates: Iterable[str] = DEFAULT_GATES) -> np.ndarray:
    """Each unit's traces over the gates, standardized and laid end to end: (n_a, gates*steps)
    rows of mean 0 and norm 1 (a constant unit is a row of zeros)."""
    names = check_gates(gates)
    if trace.steps == 0:
        return np.zeros((trace.n_a, 0))
    parts: list[np.ndarray] = []
    for name in names:
        values = bounded(trace, name).T  # (n_a, steps)
        values = values - values.mean(axis=1, keepdims=True)
        scale = np.sqrt((values ** 2).sum(axis=1, keepdims=True))
        parts.append(np.divide(values, scale, out=np.zeros_like(values), where=scale > 1e-12))
    rows = np.concatenate(parts, axis=1)
    norm = np.sqrt((rows ** 2).sum(axis=1, keepdims=True))
    return np.divide(rows, norm, out=np.zeros_like(rows), where=norm > 1e-12)


def similarity_order(trace: Trace, gates: Iterable[str] = DEFAULT_GATES) -> np.ndarray:
    """The leaf order of an average-linkage clustering of the units (distance 1 - r, r the
    correlation of their standardized series); see `agglomerative_order`."""
    names = check_gates(gates)
    series = unit_series(trace, names)
    distance = np.clip(1.0 - series @ series.T, 0.0, 2.0)
    order = agglomerative_order(distance)
    variance = unit_scores(trace, "variance", names)
    return order[::-1].copy() if variance[order[-1]] > variance[order[0]] else order


def agglomerative_order(distance: np.ndarray) -> np.ndarray:
    """Leaf order of average-linkage agglomerative clustering of a symmetric distance matrix.

    The two closest clusters merge, repeatedly (ties: the pair with the lowest numbers); each
    merge lays the two clusters' orders end to end, each one flipped or not so that the two
    leaves that meet are the closest of the four choices. Returns the order (int array).
    """
    n = int(distance.shape[0])
    if n <= 2:
        return np.arange(n)
    between = distance.astype(np.float64).copy()
    np.fill_diagonal(between, np.inf)
    orders: dict[int, list[int]] = {k: [k] for k in range(n)}
    sizes = np.ones(n)
    alive = np.ones(n, dtype=bool)
    for _ in range(n - 1):
        a, b = divmod(int(np.argmin(between)), n)
        a, b = min(a, b), max(a, b)
        orders[a] = _join(orders[a], orders.pop(b), distance)
        # Lance-Williams update for average linkage: the size-weighted mean of the two
        merged = (sizes[a] * between[a] + sizes[b] * between[b]) / (sizes[a] + sizes[b])
        sizes[a] += sizes[b]
        alive[b] = False
        merged[~alive] = np.inf
        merged[a] = np.inf
        between[a], between[:, a] = merged, merged
        between[b], between[:, b] = np.inf, np.inf
    (order,) = orders.values()
    return np.array(order)


def _join(left: list[int], right: list[int], distance: np.ndarray) -> list[int]:
    """``left`` and ``right`` end to end, each flipped or not, whichever puts the two closest
    end leaves next to each other (first choice wins a tie)."""
    choices = [(left, right), (left, right[::-1]), (left[::-1], right), (left[::-1], right[::-1])]
    best = min(range(4), key=lambda k: distance[choices[k][0][-1], choices[k][1][0]])
    first, second = choices[best]
    return first + second
