"""`Clip`: generated music in seconds, with its values and chords, and its exports.

Like pretty_midi's objects: plain data, times in seconds. A clip keeps one `Step` per generated
value, so the gate trace of a clip lines up with its notes step by step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from jazzwidget.music import synth
from jazzwidget.music.harmony import parse_chord
from jazzwidget.music.musicxml_chords import music21_chord_symbol
from jazzwidget.music.piece import ChordSpan, MelodyEvent, Piece

if TYPE_CHECKING:
    import music21
    import numpy as np
    import pretty_midi
    from IPython.display import Audio

MIDI_RESOLUTION = 960  # ticks per beat: half a millisecond at 130 bpm, so times survive a file
MELODY_PROGRAM = 11  # General MIDI vibraphone
CHORD_PROGRAM = 4  # General MIDI electric piano
ACCOMPANIMENT_PROGRAM = 0  # General MIDI acoustic grand piano


@dataclass(frozen=True)
class Note:
    """A sounding note: MIDI pitch, start and end in seconds, velocity (1-127)."""

    pitch: int
    start: float
    end: float
    velocity: int = 96

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Step:
    """One value of the generated sequence and where it sounds: a note, or a rest (pitch None)."""

    value: str
    start: float
    end: float
    pitch: int | None


@dataclass
class Clip:
    """A generated melody over chords.

    Attributes
    ----------
    steps : one per value, in time order (rests included); the last may be cut at ``duration``.
    chords : chord spans in seconds covering the clip.
    tempo : beats per minute.
    duration : length of the clip in seconds (exactly what was asked for).
    beats_per_bar : meter, for bar lines.
    primed_with : the values generation was primed with (empty for music read from a file).
    accompaniment : other notes that sound under the melody (the other tracks of a file read
        with `from_file`); empty for generated clips.
    """

    steps: list[Step]
    chords: list[ChordSpan]
    tempo: float
    duration: float
    beats_per_bar: int = 4
    primed_with: list[str] = field(default_factory=list[str])
    accompaniment: list[Note] = field(default_factory=list[Note])

    @classmethod
    def from_beats(cls, events: Sequence[MelodyEvent], chords: Sequence[ChordSpan],
                   tempo: float, *, duration: float | None = None,
                   values: Sequence[str] | None = None, beats_per_bar: int = 4,
                   primed_with: Sequence[str] = ()) -> Clip:
        """A clip from melody events and chord spans in beats, played at ``tempo``.

        Steps are cut at ``duration`` seconds (default: where the last event ends); ``values``
        label the steps (default: empty labels, for music that was not generated).
        """
        spb = 60.0 / tempo
        if duration is None:
            duration = events[-1].end * spb if events else 0.0
        steps: list[Step] = []
        for value, event in zip(values or [""] * len(events), events, strict=True):
            start = event.start * spb
            if start >= duration - 1e-9:
                break
            steps.append(Step(value, start, min(event.end * spb, duration), event.pitch))
        spans = [ChordSpan(span.symbol, span.start * spb, span.end * spb) for span in chords]
        return cls(steps, spans, tempo, duration, beats_per_bar, list(primed_with))

    @classmethod
    def from_piece(cls, piece: Piece) -> Clip:
        """A piece read from a file as a clip: its melody, chords and accompaniment in seconds
        at its own tempo, lasting until its last note ends (any track)."""
        spb = 60.0 / piece.tempo
        end = max([piece.length, *(e for _, e, _ in piece.accompaniment)])
        clip = cls.from_beats(piece.melody, piece.chords, piece.tempo, duration=end * spb,
                              beats_per_bar=piece.beats_per_bar)
        clip.accompaniment = [Note(pitch, start * spb, stop * spb)
                              for start, stop, pitch in piece.accompaniment]
        return clip

    @classmethod
    def from_file(cls, path: str | Path, melody: str | int | None = None, *,
                  start_beat: float | None = None, end_beat: float | None = None) -> Clip:
        """Read a MIDI, MusicXML or ABC file (or a ``"music21:..."`` corpus name) into a clip.

        The file is read exactly as `jazzwidget.load_corpus` reads it (`music.io.read_piece`):
        the same melody track, skyline, chords and meter. The other pitched tracks become
        ``accompaniment``; step values are empty (the music was not generated).

        Parameters
        ----------
        path : the file (or music21 corpus name).
        melody : the melody track by name, index or ``"program:N"`` (default: a heuristic).
        start_beat, end_beat : read only this window (quarter notes).

        Raises
        ------
        MusicFileError : the file is missing, of an unsupported type, too big or unreadable.
        NoMelodyError : no track can be the melody, or the window holds none of its notes.
        """
        from jazzwidget.music.io import read_piece

        return cls.from_piece(read_piece(path, melody=melody, start_beat=start_beat,
                                         end_beat=end_beat))

    @classmethod
    def from_pretty_midi(cls, midi: pretty_midi.PrettyMIDI, melody: str | int | None = None, *,
                         start_beat: float | None = None,
                         end_beat: float | None = None) -> Clip:
        """Read a `pretty_midi.PrettyMIDI` into a clip, as `from_file` reads a MIDI file.

        Raises
        ------
        MusicFileError : not a PrettyMIDI, or times that cannot be read.
        NoMelodyError : no track can be the melody, or the window holds none of its notes.
        """
        from jazzwidget.music.io import read_pretty_midi

        return cls.from_piece(read_pretty_midi(midi, melody=melody, start_beat=start_beat,
                                               end_beat=end_beat))

    @property
    def values(self) -> list[str]:
        """The generated values, one per step."""
        return [step.value for step in self.steps]

    @property
    def notes(self) -> list[Note]:
        """The melody's notes (rests left out), each ending where its step ends."""
        return [
            Note(step.pitch, step.start, step.end)
            for step in self.steps
            if step.pitch is not None and step.end > step.start
        ]

    @property
    def seconds_per_beat(self) -> float:
        return 60.0 / self.tempo

    def __repr__(self) -> str:
        return (
            f"Clip({len(self.notes)} notes, {len(self.steps)} values, {len(self.chords)} chords, "
            f"{self.duration:.2f} s at {self.tempo:g} bpm)"
        )

    # ----------------------------------------------------------------- exports
    def to_pretty_midi(self) -> pretty_midi.PrettyMIDI:
        """Melody (vibraphone) and chord voicings (electric piano) with the chord symbols as
        text events, which `load_corpus` reads back as chord symbols; the accompaniment, if
        any, on a piano track."""
        import pretty_midi

        midi = pretty_midi.PrettyMIDI(resolution=MIDI_RESOLUTION, initial_tempo=self.tempo)
        midi.time_signature_changes.append(pretty_midi.TimeSignature(self.beats_per_bar, 4, 0.0))
        melody = pretty_midi.Instrument(MELODY_PROGRAM, name="Melody")
        melody.notes = [pretty_midi.Note(n.velocity, n.pitch, n.start, n.end) for n in self.notes]
        comping = pretty_midi.Instrument(CHORD_PROGRAM, name="Chords")
        for span in self.chords:
            for pitch in parse_chord(span.symbol).voicing():
                comping.notes.append(pretty_midi.Note(56, pitch, span.start, span.end))
            midi.text_events.append(pretty_midi.Text(span.symbol, span.start))
        midi.instruments = [melody, comping]
        if self.accompaniment:
            backing = pretty_midi.Instrument(ACCOMPANIMENT_PROGRAM, name="Accompaniment")
            backing.notes = [pretty_midi.Note(n.velocity, n.pitch, n.start, n.end)
                             for n in self.accompaniment]
            midi.instruments.append(backing)
        return midi

    def to_midi(self, path: str | Path) -> Path:
        """Write a standard MIDI file; returns its path."""
        path = Path(path)
        self.to_pretty_midi().write(str(path))
        return path

    def to_music21(self) -> music21.stream.Score:
        """A music21 score: one part with the melody, rests and chord symbols, and the tempo."""
        from music21 import clef, meter, note, stream, tempo

        spb = self.seconds_per_beat
        part = stream.Part(id="Melody")
        for step in self.steps:
            length = (step.end - step.start) / spb
            if length > 0:
                element = note.Rest() if step.pitch is None else note.Note(step.pitch)
                element.quarterLength = length
                part.insert(step.start / spb, element)
        # Sixteenths and eighth-note triplets, as the value grammar writes them.
        part.quantize((4, 3), processOffsets=True, processDurations=True, inPlace=True)
        part.insert(0, clef.TrebleClef())
        part.insert(0, tempo.MetronomeMark(number=self.tempo))
        part.insert(0, meter.TimeSignature(f"{self.beats_per_bar}/4"))
        for span in self.chords:
            symbol = music21_chord_symbol(span.symbol)
            symbol.quarterLength = 0
            part.insert(round(span.start / spb * 12) / 12, symbol)
        part.makeNotation(inPlace=True)
        return stream.Score([part])

    def to_musicxml(self, path: str | Path) -> Path:
        """Write MusicXML (through music21); returns its path."""
        path = Path(path)
        self.to_music21().write("musicxml", fp=str(path))
        return path

    def render(self, sample_rate: int = 22050) -> np.ndarray:
        """Synthesize melody, chords and accompaniment to float32 samples in [-1, 1], exactly
        ``duration`` seconds long (see `jazzwidget.music.synth`)."""
        return synth.render(
            [(n.pitch, n.start, n.end, n.velocity) for n in self.notes], self.chords,
            self.duration, sample_rate,
            [(n.pitch, n.start, n.end, n.velocity) for n in self.accompaniment])

    def to_wav(self, path: str | Path, sample_rate: int = 22050) -> Path:
        """Write a 16-bit mono WAV of the synthesized clip; returns its path."""
        path = Path(path)
        synth.write_wav(path, self.render(sample_rate), sample_rate)
        return path

    def audio(self, sample_rate: int = 22050) -> Audio:
        """An ``IPython.display.Audio`` player of the synthesized clip (pure Python fallback)."""
        from IPython.display import Audio

        return Audio(self.render(sample_rate), rate=sample_rate, normalize=False)
