"""Units explained: the Pearson correlation of each unit's c and h, step by step, with musical
features of the value the step produced; the strongest units per feature."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, TypedDict

import numpy as np

from jazzwidget.errors import InspectError
from jazzwidget.inspect._arrays import Trace, check_gates
from jazzwidget.inspect.features import clip_features

if TYPE_CHECKING:
    from jazzwidget.model.jazz_model import JazzModel
    from jazzwidget.music.clip import Clip
    from jazzwidget.music.corpus import Corpus

MIN_STEPS = 3  # fewer defined steps than this give no correlation


class Record(TypedDict):
    """One unit that follows a feature: ``r`` is Pearson's r over the steps."""

    feature: str
    unit: int
    state: str
    r: float


def pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson's r of the series ``x`` (steps,) with each column of ``y`` (steps, n); NaN for
    a column (or an ``x``) that does not vary."""
    x = np.asarray(x, dtype=np.float64) - np.mean(x)
    y = np.asarray(y, dtype=np.float64)
    y = y - y.mean(axis=0)
    norms = np.sqrt((x ** 2).sum() * (y ** 2).sum(axis=0))
    # below this the series is constant up to float noise (a float32 column of one number)
    flat = norms <= 1e-9 * max(1.0, float(np.abs(x).max(initial=0)) * len(x))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (x @ y) / norms
    r[flat] = np.nan
    return np.clip(r, -1.0, 1.0)


def explain_features(trace: Trace, features: Mapping[str, np.ndarray], top: int = 3,
                     states: Iterable[str] = ("c", "h")) -> list[Record]:
    """For each feature, the ``top`` (unit, state) pairs with the largest |r| between the
    state and the feature over the steps where the feature is defined (not NaN).

    Features that never vary (or have fewer than 3 defined steps) are left out.
    """
    names = check_gates(states)
    if top < 1:
        raise InspectError(f"top={top} lists nothing: give 1 or more")
    records: list[Record] = []
    for feature, values in features.items():
        values = np.asarray(values, dtype=np.float64)
        if len(values) != trace.steps:
            raise InspectError(f"feature {feature!r} has {len(values)} steps but the trace "
                               f"{trace.steps}: compute features of the traced clip")
        defined = np.isfinite(values)
        if defined.sum() < MIN_STEPS:
            continue
        found: list[tuple[float, int, int, float, str]] = []
        for state in names:
            r = pearson(values[defined], np.asarray(trace.gate(state))[defined])
            found += [(-abs(float(r[u])), names.index(state), int(u), float(r[u]), state)
                      for u in np.flatnonzero(np.isfinite(r))]
        for _, _, unit, r_value, state in sorted(found)[:top]:
            records.append(Record(feature=feature, unit=int(unit), state=state, r=r_value))
    return records


def explain(trace: Trace, clip: Clip, top: int = 3) -> list[Record]:
    """The units whose c or h follow each musical feature of ``clip`` most closely.

    Parameters
    ----------
    trace : the trace of ``clip`` (``model.trace(clip)``): row t is the step that chose value t.
    clip : the clip traced; its features are `clip_features` (position in the bar, rest,
        duration, pitch, interval, value type, chord root, chord change).
    top : how many units to list per feature.

    Returns
    -------
    list of records ``{"feature", "unit", "state" ("c" or "h"), "r"}``, features in the order
    of FEATURES, each one's units by |r|, strongest first.
    """
    if len(clip.steps) != trace.steps:
        raise InspectError(f"the clip has {len(clip.steps)} steps but the trace {trace.steps}: "
                           f"explain a trace with the clip it was traced from")
    return explain_features(trace, clip_features(clip), top)


def explain_corpus(model: JazzModel, corpus: Corpus, top: int = 3) -> list[Record]:
    """`explain` over every piece of ``corpus`` at once: each piece traced from a fresh state,
    the steps of all pieces pooled, one r per unit and feature over the whole corpus."""
    from jazzwidget.inspect.corpus import trace_corpus

    traced = trace_corpus(model, corpus)
    pooled = [clip_features(clip) for clip in traced.clips]
    features = {name: np.concatenate([f[name] for f in pooled]) for name in pooled[0]}
    return explain_features(traced, features, top)
