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

from typing import TYPE_CHECKING, Any

from jazzwidget.inspect.corpus import CorpusTrace, passage_clip, trace_corpus
from jazzwidget.inspect.correlation import Record, explain, explain_corpus
from jazzwidget.inspect.features import FEATURES, clip_features
from jazzwidget.inspect.hypothesis import UnitMatch, find_units, firing_mask, firing_spans
from jazzwidget.inspect.ordering import ORDERS, unit_order, unit_scores

if TYPE_CHECKING:  # loaded on first use by __getattr__ below (they import Keras)
    from jazzwidget.inspect.snapshots import GateSnapshots, Snapshot

__all__ = ["FEATURES", "ORDERS", "CorpusTrace", "GateSnapshots", "Record", "Snapshot",
           "UnitMatch", "clip_features", "explain", "explain_corpus", "find_units",
           "firing_mask", "firing_spans", "passage_clip", "trace_corpus", "unit_order",
           "unit_scores"]


def __getattr__(name: str) -> Any:
    """`GateSnapshots` and `Snapshot` import Keras, so they load on first use."""
    if name in ("GateSnapshots", "Snapshot"):
        from jazzwidget.inspect import snapshots

        return getattr(snapshots, name)
    raise AttributeError(f"module 'jazzwidget.inspect' has no attribute {name!r}")
