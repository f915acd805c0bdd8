"""`Melody`: one monophonic line in beats, the common input of every metric.

A generated `Clip` (seconds), a `Corpus` (one Melody per piece) or a list of clips all become
`Melody` records, so each statistic is written once. Times are in beats so that tempo never enters
a comparison between a clip played at 130 bpm and a corpus written at another tempo.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union, cast

import numpy as np

from jazzwidget.errors import MetricsError
from jazzwidget.music.piece import chord_at
from jazzwidget.music.values import encode_melody

if TYPE_CHECKING:
    from jazzwidget.music.clip import Clip
    from jazzwidget.music.corpus import Corpus
    from jazzwidget.music.piece import MelodyEvent, Piece

Source = Union["Clip", "Corpus", "Melody", Sequence[Union["Clip", "Melody"]]]


@dataclass(frozen=True)
class Melody:
    """A melody's notes in beats, the chord at each note's onset, and its values.

    Attributes
    ----------
    pitches : MIDI pitch of each note (rests left out), int array.
    starts, ends : onset and end of each note in beats, float arrays.
    chords : the chord symbol sounding at each note's onset ("" where none is known).
    values : the value tokens of the line (rests included), as the model reads them.
    length : length of the line in beats (rests at the end included).
    beats_per_bar : meter.
    """

    pitches: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    chords: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    length: float = 0.0
    beats_per_bar: int = 4

    @classmethod
    def from_notes(cls, notes: Sequence[tuple[int, float, float]], *,
                   chords: Sequence[str] = (), values: Sequence[str] = (),
                   length: float | None = None, beats_per_bar: int = 4) -> Melody:
        """From (pitch, start, end) triples in beats, as in the tests' hand-made cases."""
        pitches = np.array([n[0] for n in notes], dtype=np.int64)
        starts = np.array([n[1] for n in notes], dtype=np.float64)
        ends = np.array([n[2] for n in notes], dtype=np.float64)
        if length is None:
            length = float(ends.max()) if len(ends) else 0.0
        return cls(pitches, starts, ends, tuple(chords) or ("",) * len(notes), tuple(values),
                   float(length), beats_per_bar)

    @classmethod
    def from_clip(cls, clip: Clip) -> Melody:
        """A generated clip: its steps' notes, from seconds to beats, and its values."""
        spb = clip.seconds_per_beat
        starts = [span.start for span in clip.chords]
        chords = [chord_at(clip.chords, n.start, starts) if clip.chords else ""
                  for n in clip.notes]
        notes = [(n.pitch, n.start / spb, n.end / spb) for n in clip.notes]
        return cls.from_notes(notes, chords=chords,
                              values=clip.values, length=clip.duration / spb,
                              beats_per_bar=clip.beats_per_bar)

    @classmethod
    def from_events(cls, events: Sequence[MelodyEvent], chord_at: Callable[[float], str], *,
                    values: Sequence[str], beats_per_bar: int = 4,
                    offset: float = 0.0) -> Melody:
        """Melody events in beats (a Piece's), shifted back by ``offset`` beats."""
        notes = [(e.pitch, e.start - offset, e.end - offset) for e in events
                 if e.pitch is not None]
        length = (events[-1].end - offset) if events else 0.0
        return cls.from_notes(notes, chords=[chord_at(e.start) for e in events
                                             if e.pitch is not None],
                              values=values, length=length, beats_per_bar=beats_per_bar)

    @classmethod
    def from_piece(cls, piece: Piece, values: Sequence[str]) -> Melody:
        """One piece of a corpus with its encoded values."""
        return cls.from_events(piece.melody, piece.chord_at, values=values,
                               beats_per_bar=piece.beats_per_bar)

    @property
    def onsets(self) -> np.ndarray:
        """Note onsets in time order."""
        return np.sort(self.starts)


def melodies(source: Source) -> list[Melody]:
    """Every metric's input: a Clip, a list of Clips (or Melody records) or a Corpus.

    Raises
    ------
    MetricsError : the source is none of these.
    """
    from jazzwidget.music.clip import Clip
    from jazzwidget.music.corpus import Corpus

    if isinstance(source, Melody):
        return [source]
    if isinstance(source, Clip):
        return [Melody.from_clip(source)]
    if isinstance(source, Corpus):
        return [Melody.from_piece(p, v) for p, v in zip(source.pieces, source.piece_values,
                                                       strict=True)]
    given = cast("object", source)  # checked at run time: a notebook may pass anything
    if isinstance(given, Sequence) and not isinstance(given, str):
        out: list[Melody] = []
        for item in cast("Sequence[object]", given):
            if not isinstance(item, Clip | Melody):
                raise MetricsError(f"metrics read Clips, a list of Clips or a Corpus, not a "
                                      f"list holding {type(item).__name__}: pass "
                                      f"model.generate(...) results or load_corpus(...)")
            out.extend(melodies(item))
        return out
    raise MetricsError(f"metrics read a Clip, a list of Clips or a Corpus, not "
                          f"{type(source).__name__}: pass model.generate(...) results or "
                          f"load_corpus(...)")


def segments(corpus: Corpus, beats: float) -> list[Melody]:
    """The corpus cut into consecutive excerpts of ``beats`` beats (the last shorter part of
    each piece left out when under half that), each re-encoded into values.

    Comparing 15-second clips with whole pieces would mix up length with style: sets of
    excerpts as long as the clips make the intra-set and inter-set distances comparable.
    """
    if beats <= 0:
        raise MetricsError(f"segment length {beats} beats is not positive: use e.g. 32")
    out: list[Melody] = []
    for piece in corpus.pieces:
        start = 0.0
        while piece.length - start >= beats / 2:
            end = start + beats
            events = [e for e in piece.melody if start - 1e-9 <= e.start < end - 1e-9]
            if events:
                values = encode_melody(events, piece.chord_at, corpus.encoding)
                out.append(Melody.from_events(events, piece.chord_at, values=values,
                                              beats_per_bar=piece.beats_per_bar, offset=start))
            start = end
    return out


def pitch_array(melody: Melody) -> np.ndarray:
    """The pitches in onset order."""
    return melody.pitches[np.argsort(melody.starts, kind="stable")]

