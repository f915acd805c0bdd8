"""A corpus through the LSTM: each piece as a clip lined up with its values, traced one after
another into a `CorpusTrace` (saturation, unit order and firing spans over the whole corpus)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from jazzwidget.errors import InspectError
from jazzwidget.model.step import Ablation, LSTMWeights
from jazzwidget.model.trace import GATES, GateTrace, trace_values
from jazzwidget.music.clip import Clip
from jazzwidget.music.piece import ChordSpan
from jazzwidget.music.values import quantized_events

if TYPE_CHECKING:
    from jazzwidget.model.jazz_model import JazzModel
    from jazzwidget.music.corpus import Corpus


def passage_clip(corpus: Corpus, piece: int = 0, start: int = 0,
                 end: int | None = None) -> Clip:
    """Values ``start`` to ``end`` (end excluded) of one piece as a clip that starts at 0 s.

    Each step is one value of the corpus (its real pitch, at the piece's tempo), so the clip's
    trace lines up with the piano roll; the piece's values before ``start`` become the clip's
    ``primed_with``, so tracing it gives the states the whole piece reaches there.
    """
    if not 0 <= piece < len(corpus.pieces):
        raise InspectError(f"there is no piece {piece}: the corpus has pieces 0 to "
                           f"{len(corpus.pieces) - 1}")
    source, values = corpus.pieces[piece], corpus.piece_values[piece]
    end = len(values) if end is None else end
    if not 0 <= start < end <= len(values):
        raise InspectError(f"values [{start}, {end}) are not inside piece {piece}'s "
                           f"{len(values)} values")
    events = quantized_events(source.melody)[start:end]
    offset, stop = events[0].start, events[-1].end
    shifted = [type(e)(e.start - offset, e.duration, e.pitch) for e in events]
    chords = [ChordSpan(span.symbol, max(span.start, offset) - offset, min(span.end, stop) - offset)
              for span in source.chords if span.end > offset and span.start < stop]
    return Clip.from_beats(shifted, chords, source.tempo, values=values[start:end],
                           beats_per_bar=source.beats_per_bar, primed_with=values[:start])


@dataclass
class CorpusTrace(GateTrace):
    """The traces of every piece of a corpus, end to end (each piece from a fresh state).

    A `GateTrace` over all steps (times run on from piece to piece), plus:
    names : each piece's name.
    bounds : the first step of each piece, and the total number of steps at the end.
    clips : each piece as a clip (see `passage_clip`), lined up with its rows.
    """

    names: list[str] = field(default_factory=list[str])
    bounds: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    clips: list[Clip] = field(default_factory=list[Clip])

    def locate(self, step: int) -> tuple[int, int]:
        """(piece, step within that piece) of a row of the pooled trace."""
        if not 0 <= step < self.steps:
            raise InspectError(f"step {step} is outside the corpus trace's {self.steps} steps")
        piece = int(np.searchsorted(self.bounds, step, side="right")) - 1
        return piece, int(step - self.bounds[piece])

    def piece(self, index: int) -> GateTrace:
        """The trace of one piece alone (times from 0 s)."""
        start, end = int(self.bounds[index]), int(self.bounds[index + 1])
        offset = self.starts[start] if end > start else 0.0
        return GateTrace(values=self.values[start:end], starts=self.starts[start:end] - offset,
                         ends=self.ends[start:end] - offset, ablation=self.ablation,
                         **{name: self.gate(name)[start:end] for name in GATES})


def trace_corpus(model: JazzModel, corpus: Corpus, *, weights: LSTMWeights | None = None,
                 ablate: Ablation | Mapping[str, Any] | None = None) -> CorpusTrace:
    """Trace every piece of ``corpus`` through ``model`` (or through other ``weights`` of the
    same shape, such as a `GateSnapshots` epoch's) and pool the steps.

    ``trace_corpus(model, corpus).saturation("f")`` is the saturation plot's numbers over the
    whole corpus.
    """
    weights = weights if weights is not None else model.weights
    clips = [passage_clip(corpus, k) for k in range(len(corpus.pieces))]
    traces = [trace_values(weights, model.vocab, clip, ablate) for clip in clips]
    offsets = np.cumsum([0.0, *(clip.duration for clip in clips)])
    bounds = np.cumsum([0, *(t.steps for t in traces)])
    return CorpusTrace(
        values=[v for t in traces for v in t.values],
        starts=np.concatenate([t.starts + off for t, off in zip(traces, offsets, strict=False)]),
        ends=np.concatenate([t.ends + off for t, off in zip(traces, offsets, strict=False)]),
        ablation=traces[0].ablation,
        names=[piece.name for piece in corpus.pieces], bounds=bounds, clips=clips,
        **{name: np.concatenate([t.gate(name) for t in traces]) for name in GATES})
