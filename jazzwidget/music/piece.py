"""Plain data objects for music read from a file: a melody over chord symbols, in beats.

Times here are in beats (quarter notes), as music21 counts them; `Clip` (clip.py) holds music in
seconds once it has a tempo.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from jazzwidget.music.defaults import BEAT_EPSILON


@dataclass(frozen=True)
class MelodyEvent:
    """One melody event: a note (``pitch`` a MIDI number) or a rest (``pitch`` None), in beats."""

    start: float
    duration: float
    pitch: int | None

    @property
    def end(self) -> float:
        return self.start + self.duration

    @property
    def is_rest(self) -> bool:
        return self.pitch is None


@dataclass(frozen=True)
class ChordSpan:
    """A chord symbol sounding from ``start`` to ``end`` (beats, or seconds inside a Clip)."""

    symbol: str
    start: float
    end: float


def chord_at(spans: Sequence[ChordSpan], beat: float,
             starts: Sequence[float] | None = None) -> str:
    """The symbol of the last span that starts at or before ``beat`` (the first span's before
    them all): the one chord-at-a-time lookup, for a Piece and a Progression alike.

    ``starts`` are the spans' starts, when the caller keeps them (they must be sorted).

    >>> chord_at([ChordSpan("Dm7", 0, 2), ChordSpan("G7", 2, 4)], 2.0)
    'G7'
    """
    starts = starts if starts is not None else [span.start for span in spans]
    index = max(bisect.bisect_right(starts, beat + BEAT_EPSILON) - 1, 0)
    return spans[index].symbol


@dataclass(frozen=True)
class TrackInfo:
    """What a file's track or part holds, for ``Corpus.describe()`` and melody choice."""

    index: int
    name: str
    program: int | None
    is_drum: bool
    notes: int
    lowest: int | None
    highest: int | None
    polyphony: float  # share of note onsets that overlap another note of the same track

    def summary(self) -> str:
        kind = "drums" if self.is_drum else f"program {self.program}"
        span = f"{self.lowest}-{self.highest}" if self.notes else "-"
        return (
            f"#{self.index} {self.name or '(unnamed)'!r}: {kind}, {self.notes} notes, "
            f"range {span}, polyphony {self.polyphony:.0%}"
        )


@dataclass
class Piece:
    """A melody over chord symbols, read from one file (or one window of it).

    Attributes
    ----------
    name : where the piece came from (file name or music21 corpus name).
    melody : the melody's notes and rests in time order, gap-free, starting at beat 0.
    chords : chord spans covering the melody, in time order.
    tempo : beats per minute written in the file (120 when it says nothing).
    beats_per_bar : from the time signature (4 when it says nothing).
    tracks : every track or part of the file.
    melody_track : index into ``tracks`` of the melody, and why it was chosen.
    chord_source : how the chords were found ("chord symbols in the file", "estimated ...").
    accompaniment : the other pitched tracks' notes in the same window, as (start, end, pitch)
        in beats from 0, sorted (drums and a "Chords" track that realizes the file's chord
        symbols left out): what a player sounds under the melody.
    """

    name: str
    melody: list[MelodyEvent]
    chords: list[ChordSpan]
    tempo: float = 120.0
    beats_per_bar: int = 4
    tracks: list[TrackInfo] = field(default_factory=list[TrackInfo])
    melody_track: int | None = None
    melody_reason: str = ""
    chord_source: str = ""
    accompaniment: list[tuple[float, float, int]] = field(
        default_factory=list[tuple[float, float, int]])

    @property
    def notes(self) -> list[MelodyEvent]:
        """The melody's notes (rests left out)."""
        return [event for event in self.melody if not event.is_rest]

    @property
    def length(self) -> float:
        """Length in beats."""
        return self.melody[-1].end if self.melody else 0.0

    @property
    def bars(self) -> float:
        return self.length / self.beats_per_bar

    def chord_at(self, beat: float) -> str:
        """The chord symbol sounding at a beat (the last one before it, the first one before)."""
        return chord_at(self.chords, beat)

    def describe(self) -> str:
        """A few lines: tracks, the melody taken and why, where the chords came from."""
        lines = [f"{self.name}: {len(self.notes)} notes, {self.bars:.0f} bars, "
                 f"{self.tempo:g} bpm, {self.beats_per_bar}/4, {len(self.chords)} chords"]
        for track in self.tracks:
            mark = "->" if track.index == self.melody_track else "  "
            lines.append(f"  {mark} {track.summary()}")
        lines.append(f"  melody: {self.melody_reason}")
        lines.append(f"  chords: {self.chord_source}")
        return "\n".join(lines)
