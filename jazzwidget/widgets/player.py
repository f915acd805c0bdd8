"""`Player`: hear and see a clip in the browser (Web Audio synthesis, piano roll, playhead).

The browser side is the static ES module ``player.js`` beside this file (no bundler, nothing
from a CDN). Python sends the music once (notes as float32 tables in anywidget's binary
convention, chords with their voicings) and the browser schedules the notes itself;
``position`` and ``playing`` come back to Python. Downloads are written here on request, at the
clip's tempo or at the tempo being heard.
"""

from __future__ import annotations

import math
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import anywidget
import traitlets

from jazzwidget.errors import JazzwidgetError
from jazzwidget.widgets._errors import error_message
from jazzwidget.widgets._serialize import (
    ACCOMPANIMENT_COLUMNS,
    MELODY_COLUMNS,
    PlayerMusic,
    binary_table,
    load_music,
)

if TYPE_CHECKING:
    import pretty_midi

    from jazzwidget.music.clip import Clip

HERE = Path(__file__).parent
SPEED_RANGE = (0.5, 2.0)  # the Speed slider's range; player.js clamps to the same
VOLUME_RANGE = (0.0, 1.0)
DEFAULT_FILENAME = "jazzwidget-clip"
EMPTY_TITLE = "Nothing to play yet"
DOWNLOADS = {"midi": ".mid", "wav": ".wav"}


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
    title : shown above the piano roll for this music (default: the file's name, or the chords
        a clip plays over). A new clip (``player.clip = ...``) brings its own title.
    filename : base name of the downloaded files, without extension (default: the file's name,
        else "jazzwidget-clip").

    Attributes
    ----------
    position : float
        Playhead in seconds. The browser updates it about ten times a second while playing;
        setting it from Python moves the playhead (seeks).
    playing : bool
        Whether the browser is playing. Setting it to False pauses; True plays once a click
        on a Play button has allowed sound on the page (browsers start sound only after a
        click); before that it goes back to False and the Player says "Click Play to allow
        sound". It stays False for an empty Player.
    speed : float
        Playback speed, 0.5 to 2 (1 is the clip's own tempo, shown apart as ``tempo``); values
        outside are clamped. A new clip starts at speed 1.
    tempo : float
        The clip's own tempo in beats per minute (read-only in spirit: set a new clip instead).
    title, summary : str
        What the header says: the music's name and "N notes · M chords · S s".
    exclusive : bool
        True (default): starting this Player pauses the other exclusive Players on the page, so
        one sound plays at a time. False lets it play along with others.
    loop : bool
        Start again at the end.
    volume : float
        0 to 1; values outside are clamped.

    Raises
    ------
    MusicFileError : the path is missing, a folder, of another type or unreadable
        (constructor and setter).
    NoMelodyError : the file or PrettyMIDI has no pitched notes to play, or ``melody`` names no
        usable track. A `Clip` without notes is accepted: an empty Player that says so, with
        Play and the downloads disabled.

    Examples
    --------
    >>> player = Player(clip)          # doctest: +SKIP
    >>> player.clip = model.generate()  # doctest: +SKIP
    """

    _esm = HERE / "player.js"
    _css = HERE / "player.css"

    # The music (set from Python only): binary tables (see _serialize.binary_table) and chords.
    _melody = traitlets.Dict({}).tag(sync=True)
    _accompaniment = traitlets.Dict({}).tag(sync=True)
    _chords = traitlets.List([]).tag(sync=True)
    tempo = traitlets.Float(120.0).tag(sync=True)
    duration = traitlets.Float(0.0).tag(sync=True)
    beats_per_bar = traitlets.Int(4).tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    summary = traitlets.Unicode("").tag(sync=True)
    filename = traitlets.Unicode(DEFAULT_FILENAME).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    exclusive = traitlets.Bool(True).tag(sync=True)
    # Names this Player's model on the page: its views share one transport through it.
    _uid = traitlets.Unicode().tag(sync=True)

    # Playback state, shared both ways.
    position = traitlets.Float(0.0).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    speed = traitlets.Float(1.0).tag(sync=True)
    loop = traitlets.Bool(False).tag(sync=True)
    volume = traitlets.Float(0.8).tag(sync=True)

    def __init__(self, clip: Clip | pretty_midi.PrettyMIDI | str | Path, *,
                 melody: str | int | None = None, title: str = "",
                 filename: str | None = None, **kwargs: Any) -> None:
        music = load_music(clip, melody)
        # The music goes into the state the widget's comm opens with (Widget.__init__ opens
        # it): no view starts from an empty Player and waits for an update to fill it (an
        # A/B's first Player was once left showing "Nothing to play yet"). ``speed`` and the
        # other keyword traits are applied after.
        self._music: PlayerMusic = music
        self._filename_given = filename is not None
        self._show(music, clip, title, filename)
        super().__init__(**kwargs)
        self.on_msg(self._on_custom_message)

    @traitlets.default("_uid")
    def _new_uid(self) -> str:
        return uuid.uuid4().hex

    @traitlets.validate("speed")
    def _valid_speed(self, proposal: dict[str, Any]) -> float:
        return _clamp("speed", proposal["value"], *SPEED_RANGE)

    @traitlets.validate("volume")
    def _valid_volume(self, proposal: dict[str, Any]) -> float:
        return _clamp("volume", proposal["value"], *VOLUME_RANGE)

    @traitlets.validate("playing")
    def _valid_playing(self, proposal: dict[str, Any]) -> bool:
        return bool(proposal["value"]) and self.duration > 0  # nothing to play: stays False

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
        self._show(music, source, "", None)

    def _show(self, music: PlayerMusic, source: object, title: str,
              filename: str | None, speed: float = 1.0) -> None:
        path = Path(source) if isinstance(source, str | Path) else None
        if filename is None and not self._filename_given:
            filename = path.stem if path is not None else DEFAULT_FILENAME
        with self.hold_sync():
            self.playing = False
            self.position = 0.0
            self.speed = speed  # a new clip starts at its own tempo (speed 1)
            self.error = ""
            self.tempo = music.tempo
            self.duration = music.duration
            self.beats_per_bar = music.beats_per_bar
            self._melody = binary_table(music.melody, MELODY_COLUMNS)
            self._accompaniment = binary_table(music.accompaniment, ACCOMPANIMENT_COLUMNS)
            self._chords = music.chords
            if filename is not None:
                self.filename = filename
            self.title = title or _title(music, path)
            self.summary = _summary(music)

    # -------------------------------------------------------------- exports
    def midi_bytes(self, speed: float = 1.0) -> bytes:
        """The standard MIDI file that the MIDI button downloads, at the clip's tempo or
        ``speed`` times it (the tempo being heard)."""
        return self._music.at_speed(_clamp("speed", speed, *SPEED_RANGE)).midi_bytes()

    def wav_bytes(self, sample_rate: int = 22050, speed: float = 1.0) -> bytes:
        """The WAV file that the WAV button downloads (numpy synthesis, 16-bit mono), at the
        clip's tempo or ``speed`` times it."""
        return self._music.at_speed(_clamp("speed", speed, *SPEED_RANGE)).wav_bytes(sample_rate)

    def download_name(self, kind: str, speed: float = 1.0) -> str:
        """The file name of a download: ``<filename>.mid`` at the clip's tempo,
        ``<filename>-<bpm>bpm.mid`` at another one."""
        suffix = DOWNLOADS[kind]
        if abs(speed - 1) < 1e-9:
            return f"{self.filename}{suffix}"
        return f"{self.filename}-{round(self.tempo * speed)}bpm{suffix}"

    def _on_custom_message(self, _widget: Any, content: object, _buffers: list[Any]) -> None:
        if not isinstance(content, dict):
            return
        message = cast("dict[str, Any]", content)  # a JSON object from the browser
        kind, request = message.get("format"), message.get("request")
        if message.get("type") != "download" or not isinstance(kind, str) or kind not in DOWNLOADS:
            return
        try:
            speed = _clamp("speed", float(message.get("speed", 1.0)), *SPEED_RANGE)
            data = self.midi_bytes(speed) if kind == "midi" else self.wav_bytes(speed=speed)
            self.send({"type": "download", "format": kind, "request": request,
                       "filename": self.download_name(kind, speed)}, buffers=[data])
        except Exception as error:
            # Broad on purpose: whatever failed, the page must hear of it (its download button
            # waits for an answer) and the widget stays usable. A bad speed or an error of ours
            # ends here; anything else is a bug, re-raised so that ipywidgets' message handler
            # prints its traceback.
            self.send({"type": "download-error", "format": kind, "request": request,
                       "message": f"{kind.upper()} export failed: {error_message(error)}"})
            if not isinstance(error, JazzwidgetError | traitlets.TraitError | ValueError
                              | TypeError):
                raise

    # ---------------------------------------------------------------- repr
    def __repr__(self) -> str:
        state = "playing" if self.playing else "stopped"
        return f"Player({self._music.clip!r}, {state} at {self.position:.2f} s)"


def _title(music: PlayerMusic, path: Path | None) -> str:
    """A title for music that came without one: the file's name, else the chords it plays."""
    if music.duration <= 0:
        return EMPTY_TITLE
    if path is not None:
        return path.name
    symbols: list[str] = []
    for row in music.chords:
        if not symbols or symbols[-1] != row[0]:
            symbols.append(str(row[0]))
    if not symbols:
        return "Melody without chords"
    shown = " ".join(symbols[:6])
    return f"Over {shown} …" if len(symbols) > 6 else f"Over {shown}"


def _summary(music: PlayerMusic) -> str:
    """The header's one line about the music (the tempo and speed are shown apart)."""
    if music.duration <= 0:
        return "nothing to play: give the Player a clip or a file"
    notes, chords = len(music.melody), len(music.chords)
    return (f"{notes} note{'s' * (notes != 1)} · {chords} chord{'s' * (chords != 1)} · "
            f"{music.duration:.1f} s")
