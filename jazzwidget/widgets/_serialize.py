"""What the Player sends to the browser: music from a Clip, a PrettyMIDI or a music file.

Files and PrettyMIDI objects are read by `Clip.from_file` / `Clip.from_pretty_midi`, the reader
`load_corpus` uses, so the Player plays the melody, chords and meter the model trains on.

Notes cross to JavaScript as float32 binary tables (one row per note) in anywidget's binary
convention, ``{"view", "dtype", "shape"}`` plus the names of the columns (`binary_table`): the
columns are described here once and player.js looks them up by name. Chords go as a short JSON
list with the pitches of their voicings, so the browser only synthesizes and draws.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from jazzwidget.errors import ChordError, MusicFileError
from jazzwidget.music.clip import Clip
from jazzwidget.music.harmony import parse_chord
from jazzwidget.music.piece import ChordSpan, chord_at
from jazzwidget.music.synth import wav_bytes

if TYPE_CHECKING:
    import pretty_midi

# Pitch type of a melody note over the chord at its onset (the grammar's classes), as sent to JS;
# NO_CHORD for music without chords or with a symbol the chord reader does not know.
PITCH_TYPES = ("C", "S", "A", "X")
NO_CHORD = 4.0

# One chord for the browser: [symbol, start, end, the MIDI pitches of its voicing] (JSON).
ChordRow = list[str | float | list[int]]

MELODY_COLUMNS = ("pitch", "start", "end", "velocity", "type")
ACCOMPANIMENT_COLUMNS = ("pitch", "start", "end", "velocity")
TABLE_DTYPE = "float32"


def binary_table(array: np.ndarray, columns: tuple[str, ...]) -> dict[str, Any]:
    """A table for the browser: ``{"view": memoryview, "dtype", "shape", "columns"}``.

    ipywidgets sends the memoryview as a binary buffer (it arrives in JavaScript as a
    ``DataView``); ``dtype`` and ``shape`` say how to read it, ``columns`` name its columns.
    """
    table = np.ascontiguousarray(array, dtype=TABLE_DTYPE).reshape(-1, len(columns))
    return {"view": memoryview(table.tobytes()), "dtype": TABLE_DTYPE,
            "shape": list(table.shape), "columns": list(columns)}


def table_array(table: dict[str, Any]) -> np.ndarray:
    """The numpy array of a `binary_table` (the inverse, for tests and for Python readers)."""
    return np.frombuffer(table["view"], dtype=table["dtype"]).reshape(table["shape"])


@dataclass
class PlayerMusic:
    """Music ready for the Player: melody and accompaniment notes, chords, meter.

    Attributes
    ----------
    melody : float32 array (n, 5): pitch, start, end, velocity, pitch type (0 C, 1 S, 2 A, 3 X,
        4 no chord), sorted by start.
    accompaniment : float32 array (m, 4): pitch, start, end, velocity (other tracks of a file).
    chords : [symbol, start, end, voicing pitches] per chord span.
    tempo : beats per minute; duration : seconds; beats_per_bar : meter.
    clip : the music as a Clip (values are empty for music read from a file); the MIDI and
        WAV downloads are written from it.
    """

    melody: np.ndarray
    accompaniment: np.ndarray
    chords: list[ChordRow]
    tempo: float
    duration: float
    beats_per_bar: int
    clip: Clip

    def at_speed(self, speed: float) -> PlayerMusic:
        """The same music played ``speed`` times as fast (times divided, tempo multiplied):
        what the downloads write when they are asked for the tempo being heard."""
        if speed == 1:
            return self
        clip = self.clip
        faster = replace(
            clip,
            steps=[replace(step, start=step.start / speed, end=step.end / speed)
                   for step in clip.steps],
            chords=[ChordSpan(c.symbol, c.start / speed, c.end / speed) for c in clip.chords],
            tempo=clip.tempo * speed, duration=clip.duration / speed,
            accompaniment=[replace(note, start=note.start / speed, end=note.end / speed)
                           for note in clip.accompaniment])
        return from_clip(faster)

    def midi_bytes(self) -> bytes:
        """The standard MIDI file, as bytes."""
        buffer = io.BytesIO()
        self.clip.to_pretty_midi().write(buffer)
        return buffer.getvalue()

    def wav_bytes(self, sample_rate: int = 22050) -> bytes:
        """A 16-bit mono WAV of the synthesized music (melody, chords, accompaniment)."""
        return wav_bytes(self.clip.render(sample_rate), sample_rate)


def load_music(source: Clip | pretty_midi.PrettyMIDI | str | Path,
               melody: str | int | None = None) -> PlayerMusic:
    """Read what the Player was given: a `Clip`, a `pretty_midi.PrettyMIDI` or the path of a
    MIDI, MusicXML or ABC file (``melody`` picks the melody track of the last two).

    Raises
    ------
    MusicFileError : the path is missing, a folder, of another type or unreadable, or the
        source is of another type.
    NoMelodyError : the file or PrettyMIDI has no track that can be the melody. (A `Clip`
        without notes is accepted: an empty placeholder plays as silence.)
    """
    import pretty_midi

    given = cast("object", source)  # checked at run time: a notebook may pass anything
    if isinstance(given, Clip):
        return from_clip(given)
    if isinstance(given, pretty_midi.PrettyMIDI):
        return from_clip(Clip.from_pretty_midi(given, melody))
    if isinstance(given, str | Path):
        path = Path(given)
        if path.is_dir():
            raise MusicFileError(
                f"{str(path)!r} is a folder, not a music file: give the path of a .mid, .xml, "
                ".mxl, .musicxml or .abc file"
            )
        return from_clip(Clip.from_file(given, melody))
    raise MusicFileError(
        f"the Player cannot play a {type(given).__name__}: give it a Clip, a "
        "pretty_midi.PrettyMIDI or the path of a MIDI, MusicXML or ABC file"
    )


def _voicing(symbol: str) -> list[int]:
    try:
        return parse_chord(symbol).voicing()
    except ChordError:
        return []


def _chord_rows(chords: list[ChordSpan]) -> list[ChordRow]:
    return [[span.symbol, float(span.start), float(span.end), _voicing(span.symbol)]
            for span in chords]


def _pitch_type(pitch: int, start: float, chords: list[ChordSpan], starts: list[float]) -> float:
    """The grammar's class of a note over the chord at its onset, found by `chord_at` (the one
    chord-at-a-time lookup: the first chord counts before them all, as in the encoding)."""
    if not chords:
        return NO_CHORD
    try:
        return float(PITCH_TYPES.index(parse_chord(chord_at(chords, start, starts))
                                       .pitch_type(pitch)))
    except ChordError:
        return NO_CHORD


def _melody_array(notes: list[tuple[int, float, float, int]],
                  chords: list[ChordSpan]) -> np.ndarray:
    starts = [span.start for span in chords]
    rows = [(p, s, e, v, _pitch_type(p, s, chords, starts)) for p, s, e, v in sorted(
        notes, key=lambda n: (n[1], n[0]))]
    return np.asarray(rows, dtype=np.float32).reshape(-1, len(MELODY_COLUMNS))


def from_clip(clip: Clip) -> PlayerMusic:
    """Player music from a `Clip` (chord voicings as `Clip.to_pretty_midi` has them)."""
    notes = [(n.pitch, n.start, n.end, n.velocity) for n in clip.notes]
    backing = sorted(((n.pitch, n.start, n.end, n.velocity) for n in clip.accompaniment),
                     key=lambda n: (n[1], n[0]))
    return PlayerMusic(
        melody=_melody_array(notes, clip.chords),
        accompaniment=np.asarray(backing, dtype=np.float32).reshape(
            -1, len(ACCOMPANIMENT_COLUMNS)),
        chords=_chord_rows(clip.chords),
        tempo=float(clip.tempo),
        duration=float(clip.duration),
        beats_per_bar=int(clip.beats_per_bar),
        clip=clip,
    )
