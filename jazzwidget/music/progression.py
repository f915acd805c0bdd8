"""`Progression`: chord symbols over time, looped, as realization and playback need them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from jazzwidget.errors import ChordError
from jazzwidget.music.defaults import BEAT_EPSILON
from jazzwidget.music.harmony import parse_progression
from jazzwidget.music.piece import ChordSpan, chord_at


@dataclass(frozen=True)
class Progression:
    """Chord spans in beats from 0 to ``length``; ``at(beat)`` loops past the end.

    >>> progression = Progression.from_text("Dm7 G7 | Cmaj7")
    >>> progression.at(2.0), progression.at(7.9), progression.at(8.0), progression.length
    ('G7', 'Cmaj7', 'Dm7', 8.0)
    >>> [(s.symbol, s.start, s.end) for s in progression.over(10)][-2:]
    [('Cmaj7', 4.0, 8.0), ('Dm7', 8.0, 10.0)]
    >>> progression.text()
    'Dm7 G7 | Cmaj7'
    """

    spans: tuple[ChordSpan, ...]
    length: float
    beats_per_bar: int = 4

    def __post_init__(self) -> None:
        if not self.spans or self.length <= 0:
            raise ChordError("a chord progression needs at least one chord")

    @classmethod
    def from_text(cls, text: str, beats_per_bar: int = 4) -> Progression:
        """Read ``"Dm7 G7 Cmaj7 Cmaj7"`` (a chord a bar) or ``"Dm7 G7 | Cmaj7"`` (bars)."""
        spans: list[ChordSpan] = []
        for bar_index, bar in enumerate(parse_progression(text)):
            share = beats_per_bar / len(bar)
            for k, symbol in enumerate(bar):
                start = bar_index * beats_per_bar + k * share
                spans.append(ChordSpan(symbol, start, start + share))
        return cls(tuple(spans), spans[-1].end, beats_per_bar)

    @classmethod
    def from_spans(cls, spans: Sequence[ChordSpan], length: float | None = None,
                   beats_per_bar: int = 4) -> Progression:
        """Wrap chord spans (as a Piece holds them), shifted to start at beat 0."""
        if not spans:
            raise ChordError("a chord progression needs at least one chord")
        origin = spans[0].start
        shifted = tuple(ChordSpan(s.symbol, s.start - origin, s.end - origin) for s in spans)
        return cls(shifted, length if length is not None else shifted[-1].end, beats_per_bar)

    @classmethod
    def coerce(cls, chords: str | Progression | Sequence[ChordSpan],
               beats_per_bar: int = 4) -> Progression:
        """A Progression from text, chord spans, or a Progression."""
        if isinstance(chords, Progression):
            return chords
        if isinstance(chords, str):
            return cls.from_text(chords, beats_per_bar)
        return cls.from_spans(list(chords), beats_per_bar=beats_per_bar)

    @cached_property
    def _starts(self) -> list[float]:
        return [span.start for span in self.spans]

    def at(self, beat: float) -> str:
        """The chord symbol sounding at a beat (looping the progression)."""
        return chord_at(self.spans, beat % self.length, self._starts)

    def over(self, beats: float) -> list[ChordSpan]:
        """The chord spans sounding from beat 0 to ``beats``, looping and cutting the last."""
        out: list[ChordSpan] = []
        offset = 0.0
        while offset < beats - BEAT_EPSILON:
            for span in self.spans:
                start = offset + span.start
                if start >= beats - BEAT_EPSILON:
                    break
                out.append(ChordSpan(span.symbol, start, min(offset + span.end, beats)))
            offset += self.length
        return out

    def text(self) -> str:
        """The progression as ``from_text`` reads it, bars separated by ``|``.

        A bar is written as the fewest equal slots that place every chord change where it is
        (``"C7 C7 C7 F7"`` for a change on beat 4), so the text reads back to the same chords
        whenever changes fall on a grid of up to 12 slots a bar; one chord is one symbol.
        """
        bpb = self.beats_per_bar
        bars: list[str] = []
        for bar in range(max(1, math.ceil(self.length / bpb - BEAT_EPSILON))):
            start = bar * bpb
            changes = [s.start - start for s in self.spans if start < s.start < start + bpb]
            slots = next((n for n in range(1, 13)
                          if all(abs(c * n / bpb - round(c * n / bpb)) < 1e-6 for c in changes)),
                         bpb)
            symbols = [self.at(start + k * bpb / slots) for k in range(slots)]
            bars.append(symbols[0] if len(set(symbols)) == 1 else " ".join(symbols))
        return " | ".join(bars)

    def __str__(self) -> str:
        return self.text()

