"""The plain intermediate every reader produces: tracks of notes in beats, chord symbols, meter.

`io.py` fills it from a MIDI file or a music21 score; `melody.py` and `chord_reading.py` read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EPS = 1e-9  # beats: shorter than this is zero length

RawNote = tuple[float, float, int]  # start, end (beats), MIDI pitch


@dataclass
class RawTrack:
    name: str
    program: int | None
    is_drum: bool
    notes: list[RawNote]


@dataclass
class RawScore:
    """What a reader hands to the shared pipeline: everything in beats."""

    name: str
    tracks: list[RawTrack]
    symbols: list[tuple[float, str]]  # chord symbols (beat, symbol), from the file
    symbols_from: str  # where the symbols were found, for chord_source
    tempo: float = 120.0
    beats_per_bar: int = 4
    melody_symbols: dict[int, list[tuple[float, str]]] = field(
        default_factory=dict[int, list[tuple[float, str]]])

    @property
    def length(self) -> float:
        ends = [end for track in self.tracks for _, end, _ in track.notes]
        return max(ends, default=0.0)

    @property
    def length_text(self) -> str:
        """The length in beats as messages write it (one decimal at most)."""
        return f"{round(self.length, 1):g}"
