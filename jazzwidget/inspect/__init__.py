"""Looking inside the LSTM: numbers for the gate inspector, numpy only (no TensorFlow).

- `unit_order` / `unit_scores`: which units to show first (index, mean, variance, saturation,
  similarity).
- `find_units` / `firing_spans`: units that switch on in a selected range, and where else they
  fire (LSTMVis).
- `trace_corpus`: one trace over every piece of a corpus (saturation over the corpus).
- `clip_features` / `explain` / `explain_corpus`: units that follow musical features (Pearson r).
- `GateSnapshots`: a Keras callback that traces a passage every few epochs (imports Keras, so it
  loads only when asked for).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from jazzwidget.inspect.hypothesis import UnitMatch, find_units, firing_mask, firing_spans
from jazzwidget.inspect.ordering import ORDERS, unit_order, unit_scores

_LAZY = {
    "clip_features": "jazzwidget.inspect.features",
    "FEATURES": "jazzwidget.inspect.features",
    "explain": "jazzwidget.inspect.explain",
    "explain_corpus": "jazzwidget.inspect.explain",
    "CorpusTrace": "jazzwidget.inspect.corpus",
    "trace_corpus": "jazzwidget.inspect.corpus",
    "passage_clip": "jazzwidget.inspect.corpus",
    "GateSnapshots": "jazzwidget.inspect.snapshots",
    "Snapshot": "jazzwidget.inspect.snapshots",
}

__all__ = ["ORDERS", "UnitMatch", "find_units", "firing_mask", "firing_spans", "unit_order",
           "unit_scores", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'jazzwidget.inspect' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
