"""`Studio`: the whole exercise in one widget: Data | Train | Generate & Play.

Data loads music (the built-in corpus, a music21 lead sheet, or your own files) and shows what
was read; loading builds a new model for the new vocabulary. Train holds a `Trainer`; Generate &
Play holds a `Generator` on the trainer's model.
"""

from __future__ import annotations

import html
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from jazzwidget.errors import MusicFileError
from jazzwidget.model.jazz_model import JazzModel
from jazzwidget.music.clip import Clip
from jazzwidget.music.corpus import Corpus, load_corpus
from jazzwidget.music.io import SUPPORTED_SUFFIXES
from jazzwidget.music.piece import Piece
from jazzwidget.widgets._errors import ErrorBox
from jazzwidget.widgets.generator import Generator
from jazzwidget.widgets.player import Player
from jazzwidget.widgets.trainer import Trainer

BUILTIN = "built-in corpus"
MUSIC21 = "music21 lead sheet"
FILES = "my files"
MUSIC21_PIECES = {
    "Irving Berlin: Alexander's Ragtime Band": "music21:leadSheet/berlinAlexandersRagtime.mxl",
    "Stephen Foster: Jeanie with the Light Brown Hair": "music21:leadSheet/fosterBrownHair.mxl",
}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
TITLES = ("Data", "Train", "Generate & Play")
_UNKNOWN = object()
AUTOMATIC = -1  # the melody picker's "automatic" (a Dropdown cannot hold None as a value)


def piece_clip(piece: Piece) -> Clip:
    """A piece as a `Clip` (seconds at the piece's tempo), for the Player's piano roll."""
    return Clip.from_beats(piece.melody, piece.chords, piece.tempo,
                           beats_per_bar=piece.beats_per_bar)


class Studio(widgets.Tab):
    """Load music, train the LSTM on it, and play what it improvises: three tabs.

    Parameters
    ----------
    corpus : the music to start with (default: the built-in corpus, offline).
    n_a : hidden size of the model.
    epochs : initial number of epochs in the Train tab.

    Attributes
    ----------
    corpus : Corpus
        The music loaded now.
    trainer : Trainer
        The Train tab (``trainer.model`` is the model).
    generator : Generator
        The Generate & Play tab.
    error_box : ErrorBox
        Errors of the Data tab (a bad file, say), shown inline.
    """

    def __init__(self, corpus: Corpus | None = None, *, n_a: int = 64, epochs: int = 100) -> None:
        self._upload_dir: Path | None = None
        self._melody_choice: str | int | None = None
        # What to reload when another melody track is picked (unknown for a corpus passed in).
        self._sources: Any = None if corpus is None else _UNKNOWN
        self.corpus = corpus if corpus is not None else load_corpus()
        corpus = self.corpus

        # Data tab
        self.source = widgets.ToggleButtons(options=(BUILTIN, MUSIC21, FILES), value=BUILTIN,
                                            tooltips=("the built-in corpus (offline, CC0)",
                                                      "a lead sheet from music21's corpus",
                                                      "MIDI, MusicXML or ABC files of yours"),
                                            style={"button_width": "150px"})
        self.music21_piece = widgets.Dropdown(options=MUSIC21_PIECES, description="piece",
                                              layout=widgets.Layout(width="420px"))
        self.upload = widgets.FileUpload(accept=",".join(SUPPORTED_SUFFIXES), multiple=True,
                                         description="Upload files")
        self.load_button = widgets.Button(description="Load", icon="folder-open",
                                          button_style="primary",
                                          tooltip="Read the music and build a new model for it")
        self.melody = widgets.Dropdown(description="melody track",
                                       style={"description_width": "initial"},
                                       layout=widgets.Layout(width="520px"))
        self.error_box = ErrorBox()
        self.summary = widgets.HTML()
        self.summary.add_class("jazzwidget-corpus-summary")
        self.description = widgets.HTML()
        self.roll = Player(piece_clip(corpus.pieces[0]), filename="jazzwidget-corpus")
        self.roll.add_class("jazzwidget-corpus-roll")
        self._source_row = widgets.HBox([self.load_button],
                                        layout=widgets.Layout(align_items="center"))
        data_tab = widgets.VBox([self.source, self._source_row, self.melody, self.error_box,
                                 self.summary, self.roll, self.description])

        # Train and Generate tabs
        self.trainer = Trainer(JazzModel(corpus.vocab, n_a=n_a, encoding=corpus.encoding),
                               corpus, epochs=epochs)
        self.generator = Generator(self.trainer.model, chords=corpus.progression.text(),
                                   tempo=130)

        self.source.observe(lambda _: self._show_source_row(), names="value")
        self.load_button.on_click(lambda _: self._guard(self.load_selected))
        self.upload.observe(self._on_upload, names="value")
        self._melody_observer_on = True
        self.melody.observe(self._on_melody, names="value")
        self.trainer.observe(self._on_model, names="model")
        self.trainer.observe(self._on_running, names="running")

        super().__init__(children=[data_tab, self.trainer, self.generator], titles=TITLES)
        self.add_class("jazzwidget-studio")
        self._show_source_row()
        self._show_corpus()

    # ---------------------------------------------------------------- public API
    @property
    def model(self) -> JazzModel:
        """The model being trained and played (the Train tab's)."""
        return self.trainer.model

    def load(self, sources: Any = None, *, melody: str | int | None = None) -> Corpus:
        """Load music (as `jazzwidget.load_corpus` takes it) and build a new model for it.

        Raises the `JazzwidgetError` after showing it inline; the music loaded before stays.
        """
        self.error_box.clear()
        try:
            corpus = load_corpus(sources, melody=melody)
        except Exception as error:
            self.error_box.show(error)
            raise
        self._sources = sources
        self._melody_choice = melody
        self._use(corpus)
        return corpus

    def load_selected(self) -> Corpus:
        """Load what the Data tab's controls name (the Load button)."""
        if self.source.value == BUILTIN:
            return self.load(None)
        if self.source.value == MUSIC21:
            return self.load(self.music21_piece.value)
        # Uploads load as soon as they arrive; Load reads them again (automatic melody).
        if not self.upload.value:
            raise MusicFileError("no files uploaded yet: press 'Upload files' and choose "
                                 f"{', '.join(SUPPORTED_SUFFIXES)} files")
        return self.load_uploads(self.upload.value)

    def load_uploads(self, files: Sequence[Mapping[str, Any]]) -> Corpus:
        """Load files as ipywidgets' FileUpload gives them (dicts with ``name``, ``content``).

        Files over 10 MB or of other types are refused with an inline error.
        """
        self.error_box.clear()
        try:
            paths = self._save_uploads(files)
        except Exception as error:
            self.error_box.show(error)
            raise
        return self.load(paths)

    # ------------------------------------------------------------------ internals
    def _save_uploads(self, files: Sequence[Mapping[str, Any]]) -> list[Path]:
        if not files:
            raise MusicFileError("no files were uploaded: choose one or more music files")
        for item in files:
            name = Path(str(item.get("name", ""))).name
            size = int(item.get("size") or len(item.get("content", b"")))
            if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                raise MusicFileError(f"cannot read {name!r}: upload files ending in "
                                     f"{', '.join(SUPPORTED_SUFFIXES)}")
            if size > MAX_UPLOAD_BYTES:
                raise MusicFileError(f"{name!r} is {size / 2**20:.1f} MB; files over 10 MB are "
                                     "refused: upload a shorter piece or one movement")
        folder = Path(tempfile.mkdtemp(prefix="jazzwidget-upload-"))
        paths = []
        for item in files:
            path = folder / Path(str(item["name"])).name
            path.write_bytes(bytes(item["content"]))
            paths.append(path)
        if self._upload_dir is not None:
            shutil.rmtree(self._upload_dir, ignore_errors=True)
        self._upload_dir = folder
        return paths

    def _use(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.trainer.set_corpus(corpus)  # a new model: a new vocabulary
        self.generator.chords.value = corpus.progression.text()
        self.roll.clip = piece_clip(corpus.pieces[0])
        self._show_corpus()

    def _show_source_row(self) -> None:
        extra = {BUILTIN: [], MUSIC21: [self.music21_piece], FILES: [self.upload]}
        self._source_row.children = [*extra[self.source.value], self.load_button]

    def _show_corpus(self) -> None:
        corpus = self.corpus
        s = corpus.summary()
        cells = "".join(
            f"<td style='padding:2px 14px 2px 0'><b>{s[key]}</b> {label}</td>"
            for key, label in (("files", "files"), ("bars", "bars"), ("notes", "notes"),
                               ("chords", "chords"), ("vocab_size", "values in the vocabulary"))
        )
        self.summary.value = f"<table><tr>{cells}</tr></table>"
        self.description.value = (
            "<details><summary>what was read</summary><pre style='font-size:12px;"
            f"max-height:260px;overflow:auto'>{html.escape(corpus.describe())}</pre></details>"
        )
        piece = corpus.pieces[0]
        automatic = "automatic" + (
            f" (took #{piece.melody_track})" if piece.melody_track is not None else "")
        options: list[tuple[str, str | int]] = [(automatic, AUTOMATIC)]
        options += [(track.summary(), track.index) for track in piece.tracks]
        chosen = AUTOMATIC if self._melody_choice is None else self._melody_choice
        if chosen not in [value for _, value in options]:
            options.append((str(chosen), chosen))  # a name or "program:N" given to load()
        self._melody_observer_on = False
        try:
            self.melody.options = options
            self.melody.value = chosen
        finally:
            self._melody_observer_on = True
        self.melody.disabled = self._sources is _UNKNOWN or len(piece.tracks) < 2
        self.melody.tooltip = None if not self.melody.disabled else (
            "one track only" if self._sources is not _UNKNOWN
            else "load the music from the Data tab to choose its melody track")

    def _on_melody(self, change: dict[str, Any]) -> None:
        if not self._melody_observer_on or self._sources is _UNKNOWN:
            return
        try:
            self.load(self._sources, melody=None if change["new"] == AUTOMATIC else change["new"])
        except Exception:
            self._show_corpus()  # the error is shown; the music that was there stays

    def _on_upload(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self._guard(lambda: self.load_uploads(change["new"]))

    def _on_model(self, change: dict[str, Any]) -> None:
        self.generator.model = change["new"]

    def _on_running(self, change: dict[str, Any]) -> None:
        if not change["new"]:
            self.generator.refresh()

    def _guard(self, action: Any) -> None:
        """Run a button's action; its error is shown inline and the Studio stays usable."""
        try:
            self.error_box.clear()
            action()
        except Exception as error:
            self.error_box.show(error)
