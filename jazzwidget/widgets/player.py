"""`Player`: hear and see a clip in the browser (Web Audio synthesis, piano roll, playhead).

The browser side is the static ES module ``player.js`` beside this file (no bundler, nothing
from a CDN). Python sends the music once (notes as float32 buffers, chords with their voicings)
and the browser schedules the notes itself; ``position`` and ``playing`` come back to Python.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from jazzwidget.errors import JazzwidgetError
from jazzwidget.widgets._serialize import PlayerMusic, load_music

if TYPE_CHECKING:
    import pretty_midi

    from jazzwidget.music.clip import Clip

HERE = Path(__file__).parent
SPEED_RANGE = (0.5, 2.0)  # the Tempo slider's range; player.js clamps to the same
VOLUME_RANGE = (0.0, 1.0)


def _clamp(name: str, value: float, low: float, high: float) -> float:
    if math.isnan(value):
        raise traitlets.TraitError(f"{name} must be a number from {low:g} to {high:g}, not NaN")
    return min(max(float(value), low), high)


class Player(anywidget.AnyWidget):
    """Play a clip in the browser: synthesized melody and chords, a piano roll and a playhead.

    Parameters
    ----------
    clip : a `Clip`, a `pretty_midi.PrettyMIDI` or the path of a MIDI, MusicXML or ABC file.
        Files and PrettyMIDI objects are read as `jazzwidget.load_corpus` reads them
        (`Clip.from_file`): the same melody track, chords and meter; the other pitched tracks
        are accompaniment.
    melody : the melody track of a file or PrettyMIDI, by name, index or ``"program:N"``
        (default: the most melody-like track, as `load_corpus` chooses).
    title : shown above the piano roll (default: a summary of the music).
    filename : base name of the downloaded files (without extension).

    Attributes
    ----------
    position : float
        Playhead in seconds. The browser updates it about ten times a second while playing;
        setting it from Python moves the playhead (seeks).
    playing : bool
        Whether the browser is playing. Setting it to False pauses; True asks the browser to
        play (a desktop browser may wait for a click on Play before it makes sound).
    speed : float
        Playback speed, 0.5 to 2 (1 is the clip's own tempo); values outside are clamped.
    loop : bool
        Start again at the end.
    volume : float
        0 to 1; values outside are clamped.

    Raises
    ------
    MusicFileError : the path is missing, a folder, of another type or unreadable
        (constructor and setter).
    NoMelodyError : the file or PrettyMIDI has no pitched notes to play, or ``melody`` names no
        usable track. A `Clip` without notes is accepted (silence).

    Examples
    --------
    >>> player = Player(clip)          # doctest: +SKIP
    >>> player.clip = model.generate()  # doctest: +SKIP
    """

    _esm = HERE / "player.js"
    _css = HERE / "player.css"

    # The music (set from Python only; see _serialize.PlayerMusic for the layouts).
    _melody = traitlets.Bytes(b"").tag(sync=True)
    _accompaniment = traitlets.Bytes(b"").tag(sync=True)
    _chords = traitlets.List([]).tag(sync=True)
    _midi = traitlets.Bytes(b"").tag(sync=True)
    tempo = traitlets.Float(120.0).tag(sync=True)
    duration = traitlets.Float(0.0).tag(sync=True)
    beats_per_bar = traitlets.Int(4).tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    filename = traitlets.Unicode("jazzwidget-clip").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)

    # Playback state, shared both ways.
    position = traitlets.Float(0.0).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    speed = traitlets.Float(1.0).tag(sync=True)
    loop = traitlets.Bool(False).tag(sync=True)
    volume = traitlets.Float(0.8).tag(sync=True)

    def __init__(self, clip: Clip | pretty_midi.PrettyMIDI | str | Path, *,
                 melody: str | int | None = None, title: str = "",
                 filename: str = "jazzwidget-clip", **kwargs: Any) -> None:
        music = load_music(clip, melody)
        super().__init__(filename=filename, **kwargs)
        self._music: PlayerMusic = music
        self._title = title
        self._show(music)
        self.on_msg(self._on_custom_message)

    @traitlets.validate("speed")
    def _valid_speed(self, proposal: dict) -> float:
        return _clamp("speed", proposal["value"], *SPEED_RANGE)

    @traitlets.validate("volume")
    def _valid_volume(self, proposal: dict) -> float:
        return _clamp("volume", proposal["value"], *VOLUME_RANGE)

    # ------------------------------------------------------------------ music
    @property
    def clip(self) -> Clip:
        """The music being played, as a `Clip`. Set it to play other music.

        A failing set (a bad path) shows the error inline, keeps the music that was there and
        raises the `JazzwidgetError`.
        """
        return self._music.clip

    @clip.setter
    def clip(self, source: Clip | pretty_midi.PrettyMIDI | str | Path) -> None:
        try:
            music = load_music(source)
        except JazzwidgetError as error:
            self.error = str(error)
            raise
        self._music = music
        self._show(music)

    def _show(self, music: PlayerMusic) -> None:
        with self.hold_sync():
            self.playing = False
            self.position = 0.0
            self.error = ""
            self.tempo = music.tempo
            self.duration = music.duration
            self.beats_per_bar = music.beats_per_bar
            self._melody = music.melody.tobytes()
            self._accompaniment = music.accompaniment.tobytes()
            self._chords = music.chords
            self._midi = music.midi_bytes()
            self.title = self._title or self._summary(music)

    @staticmethod
    def _summary(music: PlayerMusic) -> str:
        return (f"{len(music.melody)} notes · {len(music.chords)} chords · "
                f"{music.duration:.1f} s · {music.tempo:g} bpm")

    # -------------------------------------------------------------- exports
    def midi_bytes(self) -> bytes:
        """The standard MIDI file that the MIDI button downloads."""
        return self._music.midi_bytes()

    def wav_bytes(self, sample_rate: int = 22050) -> bytes:
        """The WAV file that the WAV button downloads (numpy synthesis, 16-bit mono)."""
        return self._music.wav_bytes(sample_rate)

    def _on_custom_message(self, _widget: Any, content: dict, _buffers: list) -> None:
        if not isinstance(content, dict) or content.get("type") != "wav":
            return
        try:
            self.send({"type": "wav", "filename": f"{self.filename}.wav"},
                      buffers=[self.wav_bytes()])
        except Exception as error:  # shown inline: the widget must stay usable
            self.send({"type": "wav-error", "message": f"WAV export failed: {error}"})

    # ---------------------------------------------------------------- repr
    def __repr__(self) -> str:
        state = "playing" if self.playing else "stopped"
        return f"Player({self._music.clip!r}, {state} at {self.position:.2f} s)"
