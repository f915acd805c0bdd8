"""What the Player sends to the browser: music from a Clip, a PrettyMIDI or a MIDI file.

Notes cross to JavaScript as float32 binary buffers (one row per note), chords as a short JSON
list with the pitches of their voicings, so the browser only synthesizes and draws.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from jazzwidget.audio import write_wav
from jazzwidget.errors import ChordError, MusicFileError
from jazzwidget.music.chords import chord_texts, symbol_spans
from jazzwidget.music.clip import Clip, Step
from jazzwidget.music.harmony import parse_chord
from jazzwidget.music.piece import ChordSpan

if TYPE_CHECKING:
    import pretty_midi

MIDI_SUFFIXES = (".mid", ".midi", ".smf", ".kar")
MELODY_NAME, CHORDS_NAME = "melody", "chords"  # track names that Clip.to_pretty_midi writes

# Pitch type of a melody note over the chord at its onset (the grammar's classes), as sent to JS.
PITCH_TYPES = ("C", "S", "A", "X")
NO_CHORD = 4.0

MELODY_COLUMNS = ("pitch", "start", "end", "velocity", "type")
ACCOMPANIMENT_COLUMNS = ("pitch", "start", "end", "velocity")


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
    midi : the pretty_midi object the MIDI download is written from.
    clip : the music as a Clip (values are empty for music read from a file).
    """

    melody: np.ndarray
    accompaniment: np.ndarray
    chords: list[list]
    tempo: float
    duration: float
    beats_per_bar: int
    midi: pretty_midi.PrettyMIDI
    clip: Clip

    def midi_bytes(self) -> bytes:
        """The standard MIDI file, as bytes."""
        buffer = io.BytesIO()
        self.midi.write(buffer)
        return buffer.getvalue()

    def wav_bytes(self, sample_rate: int = 22050) -> bytes:
        """A 16-bit mono WAV of the synthesized music (melody, chords, accompaniment)."""
        samples = self.clip.render(sample_rate)
        if len(self.accompaniment):
            extra = np.zeros_like(samples)
            for pitch, start, end, velocity in self.accompaniment:
                _add_sine(extra, int(pitch), float(start), float(end), velocity / 127, sample_rate)
            samples = samples + 0.08 * extra
            peak = float(np.abs(samples).max())
            if peak > 0.95:
                samples = samples / peak * 0.9
        return wav_bytes(samples, sample_rate)


def wav_bytes(samples: np.ndarray, sample_rate: int) -> bytes:
    """16-bit mono WAV bytes of float samples in [-1, 1]."""
    buffer = io.BytesIO()
    write_wav(buffer, samples, sample_rate)
    return buffer.getvalue()


def _add_sine(out: np.ndarray, pitch: int, start: float, end: float, gain: float,
              sample_rate: int) -> None:
    i, j = int(start * sample_rate), min(int(end * sample_rate), len(out))
    if j <= i:
        return
    t = np.arange(j - i) / sample_rate
    envelope = np.minimum(1.0, t / 0.01) * np.exp(-t / 1.5)
    out[i:j] += gain * envelope * np.sin(2 * np.pi * 440.0 * 2 ** ((pitch - 69) / 12) * t)


def load_music(source: Clip | pretty_midi.PrettyMIDI | str | Path) -> PlayerMusic:
    """Read what the Player was given: a `Clip`, a `pretty_midi.PrettyMIDI` or a MIDI file path.

    Raises
    ------
    MusicFileError : the path does not exist, is a folder or is not a readable MIDI file, the
        MIDI (file or object) has no notes, or the source is of another type. (A `Clip` without
        notes is accepted: an empty placeholder plays as silence.)
    """
    import pretty_midi

    if isinstance(source, Clip):
        return from_clip(source)
    if isinstance(source, pretty_midi.PrettyMIDI):
        return from_pretty_midi(source)
    if isinstance(source, str | Path):
        path = Path(source)
        return from_pretty_midi(read_midi(path), name=f"the MIDI file {path.name!r}")
    raise MusicFileError(
        f"the Player cannot play a {type(source).__name__}: give it a Clip, a "
        "pretty_midi.PrettyMIDI or the path of a .mid file"
    )


def read_midi(path: Path) -> pretty_midi.PrettyMIDI:
    """Read a MIDI file, turning every failure into a one-line `MusicFileError`."""
    import pretty_midi

    if path.is_dir():
        raise MusicFileError(
            f"{str(path)!r} is a folder, not a MIDI file: give the path of a .mid file"
        )
    if not path.is_file():
        raise MusicFileError(f"no MIDI file at {str(path)!r}: check the path and the file name")
    if path.suffix.lower() not in MIDI_SUFFIXES:
        raise MusicFileError(
            f"{path.name!r} is not a MIDI file: the Player reads .mid files (for MusicXML or "
            "ABC, load it with jazzwidget.load_corpus and play a Clip)"
        )
    try:
        return pretty_midi.PrettyMIDI(str(path))
    except Exception as error:  # mido/pretty_midi raise many types for a damaged file
        raise MusicFileError(
            f"cannot read the MIDI file {path.name!r} ({error}): is it a standard MIDI file?"
        ) from error


def _voicing(symbol: str) -> list[int]:
    try:
        return parse_chord(symbol).voicing()
    except ChordError:
        return []


def _chord_rows(chords: list[ChordSpan]) -> list[list]:
    return [[span.symbol, float(span.start), float(span.end), _voicing(span.symbol)]
            for span in chords]


def _pitch_type(pitch: int, start: float, chords: list[ChordSpan]) -> float:
    sounding = [span for span in chords if span.start <= start + 1e-6]
    if not sounding:
        return NO_CHORD
    try:
        return float(PITCH_TYPES.index(parse_chord(sounding[-1].symbol).pitch_type(pitch)))
    except ChordError:
        return NO_CHORD


def _melody_array(notes: list[tuple[int, float, float, int]],
                  chords: list[ChordSpan]) -> np.ndarray:
    rows = [(p, s, e, v, _pitch_type(p, s, chords)) for p, s, e, v in sorted(
        notes, key=lambda n: (n[1], n[0]))]
    return np.asarray(rows, dtype=np.float32).reshape(-1, len(MELODY_COLUMNS))


def from_clip(clip: Clip) -> PlayerMusic:
    """Player music from a generated `Clip` (chord voicings as `Clip.to_pretty_midi` has them)."""
    notes = [(n.pitch, n.start, n.end, n.velocity) for n in clip.notes]
    return PlayerMusic(
        melody=_melody_array(notes, clip.chords),
        accompaniment=np.zeros((0, len(ACCOMPANIMENT_COLUMNS)), dtype=np.float32),
        chords=_chord_rows(clip.chords),
        tempo=float(clip.tempo),
        duration=float(clip.duration),
        beats_per_bar=int(clip.beats_per_bar),
        midi=clip.to_pretty_midi(),
        clip=clip,
    )


def _file_chords(midi: pretty_midi.PrettyMIDI, duration: float) -> list[ChordSpan]:
    """Chord spans from the file's text events (and lyrics) that read as chord symbols."""
    events = [(event.time, event.text) for event in [*midi.text_events, *midi.lyrics]]
    symbols, _ = chord_texts(events, "text events")
    return symbol_spans(symbols, 0.0, duration)


def from_pretty_midi(midi: pretty_midi.PrettyMIDI, name: str = "the MIDI") -> PlayerMusic:
    """Player music from a MIDI file: the non-drum instrument with most notes is the melody
    (one named "Melody" first), the other instruments' notes are accompaniment, text events
    (and lyrics) that read as chord symbols are the chords.

    Raises
    ------
    MusicFileError : the MIDI has no pitched notes (``name`` says which MIDI in the message).
    """
    pitched = [inst for inst in midi.instruments if not inst.is_drum and inst.notes]
    if not pitched:
        raise MusicFileError(
            f"{name} has no notes to play (drum tracks are not played): give a MIDI with a "
            "melody track, or play a Clip"
        )
    named = [inst for inst in pitched if inst.name.strip().lower() == MELODY_NAME]
    melody_track = max(named or pitched, key=lambda inst: len(inst.notes))
    duration = float(midi.get_end_time())
    _, tempi = midi.get_tempo_changes()
    tempo = float(tempi[0]) if len(tempi) else 120.0
    signatures = midi.time_signature_changes
    beats_per_bar = int(signatures[0].numerator) if signatures else 4
    chords = _file_chords(midi, duration)
    melody_notes = [(n.pitch, float(n.start), float(n.end), n.velocity)
                    for n in melody_track.notes]
    # Our own files (Clip.to_pretty_midi) realize the chord symbols on a "Chords" track: the
    # chord voice plays those already.
    others = [(n.pitch, float(n.start), float(n.end), n.velocity)
              for inst in pitched if inst is not melody_track
              and not (chords and inst.name.strip().lower() == CHORDS_NAME)
              for n in inst.notes]
    accompaniment = np.asarray(sorted(others, key=lambda n: (n[1], n[0])),
                               dtype=np.float32).reshape(-1, len(ACCOMPANIMENT_COLUMNS))
    steps = [Step("", start, end, pitch) for pitch, start, end, _ in sorted(
        melody_notes, key=lambda n: (n[1], n[0]))]
    clip = Clip(steps=steps, chords=chords, tempo=tempo, duration=duration,
                beats_per_bar=beats_per_bar)
    return PlayerMusic(
        melody=_melody_array(melody_notes, chords),
        accompaniment=accompaniment,
        chords=_chord_rows(chords),
        tempo=tempo,
        duration=duration,
        beats_per_bar=beats_per_bar,
        midi=midi,
        clip=clip,
    )
