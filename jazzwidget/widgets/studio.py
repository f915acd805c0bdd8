"""`Studio`: the whole exercise in one widget: Data | Train | Generate & Play.

Data loads music (the built-in corpus, a music21 lead sheet, or your own files), shows what was
read and draws any piece of it. Train holds a `Trainer`; Generate & Play holds a `Generator` on
the trainer's model.

The Studio appears at once: the Data tab is built without TensorFlow, and the Train and Generate
tabs say that TensorFlow is loading while a background thread imports it and builds the model;
they become usable when it has (``studio.ready``). Nothing the user made is lost silently:
loading music keeps the trained model when the model can read the new music, and otherwise asks
in the Data tab (save the model, then replace / replace / cancel); a progression typed in the
Generate tab stays until the user changes it.
"""

from __future__ import annotations

import html
import shutil
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import ipywidgets as widgets

from jazzwidget.errors import ModelError, MusicFileError
from jazzwidget.music.clip import Clip
from jazzwidget.music.corpus import Corpus, builtin_sources, load_corpus
from jazzwidget.music.io import SUPPORTED_SUFFIXES, expand_sources, read_piece
from jazzwidget.music.piece import Piece
from jazzwidget.widgets._confirm import ConfirmBar
from jazzwidget.widgets._errors import ErrorBox
from jazzwidget.widgets._uploads import save_uploads
from jazzwidget.widgets.inspector_tab import InspectTab
from jazzwidget.widgets.lossfigure import LossFigure
from jazzwidget.widgets.player import Player

if TYPE_CHECKING:  # the Train and Generate tabs import TensorFlow: built in a thread
    from jazzwidget.model.jazz_model import JazzModel
    from jazzwidget.widgets.generator import Generator
    from jazzwidget.widgets.trainer import Trainer

BUILTIN = "built-in corpus"
MUSIC21 = "music21 lead sheet"
FILES = "my files"
MUSIC21_PIECES = {
    "Irving Berlin: Alexander's Ragtime Band": "music21:leadSheet/berlinAlexandersRagtime.mxl",
    "Stephen Foster: Jeanie with the Light Brown Hair": "music21:leadSheet/fosterBrownHair.mxl",
}
TITLES = ("Data", "Train", "Generate & Play", "Inspect")
LOADING = "TensorFlow is loading…"
READY_TIMEOUT = 600.0  # seconds to wait for the Train and Generate tabs before giving up
_UNKNOWN = object()
AUTOMATIC = -1  # the melody picker's "automatic" (a Dropdown cannot hold None as a value)
WIDE = widgets.Layout(width="100%", max_width="520px")  # shrinks below 520 px, never wider


def _loading_note(what: str) -> widgets.HTML:
    note = widgets.HTML(
        f"<div style='padding:12px 4px;color:#555'>⏳ {LOADING} The {what} appears here as soon "
        "as it has (a few seconds, once per kernel); the Data tab works meanwhile.</div>")
    note.add_class("jazzwidget-loading")
    return note


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
    pending : Corpus | None
        Music read but not taken yet, while the Data tab asks whether to replace the trained
        model (see ``confirm``).
    ready : threading.Event
        Set once the Train and Generate tabs are built (TensorFlow loaded), or failed to
        (``loading_error`` then says why).
    trainer : Trainer
        The Train tab (``trainer.model`` is the model); waits for ``ready``.
    generator : Generator
        The Generate & Play tab; waits for ``ready``.
    inspect_tab : InspectTab
        The Inspect tab: the last generated clip or a corpus passage in a `GateInspector`.
    piece : ipywidgets.Dropdown
        Which piece of the corpus the Data tab draws (and whose tracks the melody picker lists).
    confirm : ConfirmBar
        The Data tab's question before a trained model is replaced.
    error_box : ErrorBox
        Errors of the Data tab (a bad file, say), shown inline.
    """

    def __init__(self, corpus: Corpus | None = None, *, n_a: int = 64, epochs: int = 100) -> None:
        self._upload_dir: Path | None = None
        self._melody_all: str | int | None = None  # the melody given to load()
        self._melody_choices: dict[int, str | int | None] = {}  # picked per piece since
        # What to reload when another melody track is picked (unknown for a corpus passed in).
        self._sources: Any = None if corpus is None else _UNKNOWN
        self._files: list[str | Path] = [] if corpus is not None else list(builtin_sources())
        self.corpus = corpus if corpus is not None else load_corpus()
        self.pending: Corpus | None = None
        self._auto_chords = self.corpus.progression.text()  # the progression the Studio set
        self._trainer: Trainer | None = None
        self._generator: Generator | None = None
        self.ready = threading.Event()
        self.loading_error: BaseException | None = None
        corpus = self.corpus

        # Data tab
        self.source = widgets.ToggleButtons(options=(BUILTIN, MUSIC21, FILES), value=BUILTIN,
                                            tooltips=("the built-in corpus (offline, CC0)",
                                                      "a lead sheet from music21's corpus",
                                                      "MIDI, MusicXML or ABC files of yours"),
                                            style={"button_width": "150px"})
        self.music21_piece = widgets.Dropdown(options=MUSIC21_PIECES, description="piece",
                                              layout=WIDE)
        self.upload = widgets.FileUpload(accept=",".join(SUPPORTED_SUFFIXES), multiple=True,
                                         description="Upload files")
        self.load_button = widgets.Button(description="Load", icon="folder-open",
                                          button_style="primary",
                                          tooltip="Read the music (a trained model is kept "
                                                  "if it can read it; else you are asked)")
        self.load_button.add_class("jazzwidget-load-music")
        self.piece = widgets.Dropdown(description="piece shown", style={"description_width":
                                                                         "initial"},
                                      layout=WIDE)
        self.piece.add_class("jazzwidget-piece-picker")
        self.melody = widgets.Dropdown(description="melody track",
                                       style={"description_width": "initial"}, layout=WIDE)
        self.confirm = ConfirmBar()
        self.error_box = ErrorBox()
        self.summary = widgets.HTML()
        self.summary.add_class("jazzwidget-corpus-summary")
        self.piece_label = widgets.HTML()
        self.piece_label.add_class("jazzwidget-piece-label")
        self.description = widgets.HTML()
        self.roll = Player(Clip.from_piece(corpus.pieces[0]), filename=_stem(corpus.pieces[0]))
        self.roll.add_class("jazzwidget-corpus-roll")
        self._source_row = widgets.HBox([self.load_button], layout=widgets.Layout(
            align_items="center", flex_flow="row wrap"))
        data_tab = widgets.VBox([self.source, self._source_row, self.confirm, self.error_box,
                                 self.summary, self.piece, self.melody, self.piece_label,
                                 self.roll, self.description])

        # Train and Generate tabs: a note now, the real tabs once TensorFlow has loaded.
        self._train_slot = widgets.VBox([_loading_note("Trainer")])
        # The Train tab's plotly figure is made here, in the kernel's thread, not in the build
        # thread: made there while the page was still taking in the Studio, its layout and
        # traces sometimes never reached the page (plotly's view then draws an empty plot).
        self._loss_figure = LossFigure()
        self._generate_slot = widgets.VBox([_loading_note("Generator")])

        self.source.observe(lambda _: self._show_source_row(), names="value")
        self.load_button.on_click(lambda _: self._guard(self.load_selected))
        self.upload.observe(self._on_upload, names="value")
        self._observers_on = True
        self.melody.observe(self._on_melody, names="value")
        self.piece.observe(self._on_piece, names="value")

        # Inspect tab: the last clip or a corpus passage in a GateInspector (issue 6)
        self.inspect_tab = InspectTab(
            model=lambda: self._trainer.model if self._trainer is not None else None,
            corpus=lambda: self.corpus, last_clip=self._last_clip)

        super().__init__(children=[data_tab, self._train_slot, self._generate_slot,
                                   self.inspect_tab], titles=TITLES)
        self.add_class("jazzwidget-studio")
        self._show_source_row()
        self._show_corpus()
        self._set_loading(True)
        self._builder = threading.Thread(target=self._build, args=(n_a, epochs), daemon=True,
                                         name="jazzwidget-studio-build")
        self._builder.start()

    # ---------------------------------------------------------------- public API
    @property
    def trainer(self) -> Trainer:
        """The Train tab (waits until TensorFlow has loaded)."""
        self.wait_ready()
        assert self._trainer is not None
        return self._trainer

    @property
    def generator(self) -> Generator:
        """The Generate & Play tab (waits until TensorFlow has loaded)."""
        self.wait_ready()
        assert self._generator is not None
        return self._generator

    @property
    def model(self) -> JazzModel:
        """The model being trained and played (the Train tab's)."""
        return self.trainer.model

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        """Wait until the Train and Generate tabs are built; raise the error if that failed."""
        if not self.ready.wait(timeout):
            raise ModelError(f"TensorFlow has not loaded in {timeout:g} s: restart the kernel "
                             "and run the cell again")
        if self.loading_error is not None:
            raise ModelError(f"the Train and Generate tabs could not be built: "
                             f"{self.loading_error}") from self.loading_error

    def load(self, sources: Any = None, *, melody: str | int | None = None,
             replace: bool = False) -> Corpus:
        """Read music (as `jazzwidget.load_corpus` takes it) and train on it from now on.

        A trained model is kept when it can read the new music (same encoding, every value in
        its vocabulary); otherwise the Data tab asks whether to save it, replace it or cancel,
        and the music waits in ``pending`` (``replace=True`` replaces it without asking). An
        untrained model is always rebuilt for the new vocabulary. A progression typed in the
        Generate tab stays.

        Returns the music read. Raises the `JazzwidgetError` after showing it inline; the music
        loaded before stays.
        """
        self.error_box.clear()
        try:
            corpus = load_corpus(sources, melody=melody)
            files: list[str | Path] = (list(builtin_sources()) if sources is None
                                       else list(expand_sources(sources)))
        except Exception as error:  # any reader error: shown inline, then raised as it is
            self.error_box.show(error)
            raise

        def take() -> None:
            self._sources, self._files = sources, files
            self._melody_all, self._melody_choices = melody, {}

        self._offer(corpus, take, replace=replace)
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
        except Exception as error:  # a refused or unwritable file: shown inline, then raised
            self.error_box.show(error)
            raise
        return self.load(paths)

    def show_piece(self, index: int) -> Piece:
        """Draw piece ``index`` of the corpus in the Data tab's roll, with its name, and list
        its own tracks in the melody picker."""
        self.piece.value = index  # the observer draws it
        return self.corpus.pieces[index]

    def set_melody(self, index: int, melody: str | int | None, *,
                   replace: bool = False) -> Corpus:
        """Read piece ``index`` again with another melody track (by index, name or
        ``"program:N"``; None for automatic); the other pieces stay as they are. The model is
        kept or replaced as in `load`."""
        if self._sources is _UNKNOWN:
            raise MusicFileError("this corpus was passed in, so its files are unknown here: "
                                 "load the music from the Data tab to choose its melody track")
        self.error_box.clear()
        try:
            piece = read_piece(self._files[index], melody=melody)
        except Exception as error:  # any reader error: shown inline, then raised as it is
            self.error_box.show(error)
            raise
        pieces = list(self.corpus.pieces)
        pieces[index] = piece
        corpus = Corpus(pieces, self.corpus.encoding)

        def take() -> None:
            self._melody_choices[index] = melody

        self._offer(corpus, take, replace=replace, shown=index)
        return corpus

    # ------------------------------------------------------------------ internals
    def _offer(self, corpus: Corpus, take: Callable[[], None], *, replace: bool,
               shown: int = 0) -> None:
        """Use ``corpus`` if that loses nothing (or ``replace``); else ask in the Data tab."""
        from jazzwidget.widgets.trainer import unknown_values

        trainer = self.trainer
        missing = unknown_values(trainer.model, corpus)

        def use(new_model: bool) -> None:
            self.pending = None
            take()
            self._use(corpus, new_model=new_model, shown=shown)

        if not missing or trainer.model.epochs_trained == 0 or replace:
            use(new_model=bool(missing) or trainer.model.epochs_trained == 0)
            return
        self.pending = corpus

        def cancel() -> None:
            self.pending = None
            self._show_corpus()  # the pickers show the music that stays

        trainer.ask_before_losing(
            "Replace the model", lambda: use(new_model=True), bar=self.confirm, cancel=cancel,
            why=(f"The music read has {len(missing)} value(s) that the model cannot read, so "
                 "training on it needs a new model."))

    def _use(self, corpus: Corpus, *, new_model: bool, shown: int = 0) -> None:
        self.corpus = corpus
        if new_model:
            self.trainer.set_corpus(corpus)  # a new model: a new vocabulary
        else:
            self.trainer.use_corpus(corpus)  # the trained model goes on with this music
        chords = self.generator.chords
        if chords.value.strip() in ("", self._auto_chords.strip()):
            self._auto_chords = chords.value = corpus.progression.text()
        self._show_corpus(shown)

    def _last_clip(self) -> tuple[Clip | None, dict[str, Any]]:
        """The Generate tab's last clip and the settings that made it (for the Inspect tab)."""
        generator = self._generator
        if generator is None or generator.clip is None:
            return None, {}
        # length and tempo come from the clip itself (the fields may have changed since)
        settings: dict[str, Any] = {"temperature": float(generator.temperature.value),
                                    "seed": int(generator.seed.value)}
        if generator.chords.value.strip():
            settings["chords"] = generator.chords.value.strip()
        # Generator.clip is a traitlets.Instance(Clip, allow_none=True), typed T | Any by traitlets
        return cast("Clip | None", generator.clip), settings

    def _build(self, n_a: int, epochs: int) -> None:
        """Import TensorFlow, build the model and the Train and Generate tabs (in a thread)."""
        try:
            from jazzwidget.model.jazz_model import JazzModel
            from jazzwidget.widgets.generator import Generator
            from jazzwidget.widgets.trainer import Trainer

            corpus = self.corpus
            trainer = Trainer(JazzModel(corpus.vocab, n_a=n_a, encoding=corpus.encoding),
                              corpus, epochs=epochs, plot=self._loss_figure)
            generator = Generator(trainer.model, chords=self._auto_chords,
                                  tempo=trainer.model.tempo)
            trainer.observe(self._on_model, names="model")
            trainer.observe(self._on_running, names="running")
            self._trainer, self._generator = trainer, generator
            self._train_slot.children = [trainer]
            self._generate_slot.children = [generator]
        except BaseException as error:  # the Studio must say so, not hang on "loading"
            self.loading_error = error
            for slot in (self._train_slot, self._generate_slot):
                box = ErrorBox()
                box.show(f"TensorFlow could not be loaded: {error}. Restart the kernel; if it "
                         "happens again, reinstall jazzwidget (pip install jazzwidget).")
                slot.children = [box]
        finally:
            self.ready.set()
            self._set_loading(False)

    def _set_loading(self, loading: bool) -> None:
        """The controls that need the model wait for it (the piece picker does not)."""
        for control in (self.load_button, self.upload):
            control.disabled = loading
            control.tooltip = LOADING if loading else None
        if loading:
            self.melody.disabled = True
        else:
            self._show_melody_options()

    def _save_uploads(self, files: Sequence[Mapping[str, Any]]) -> list[Path]:
        paths = save_uploads(files)  # checks names, sizes and count before writing
        folder = paths[0].parent
        if self._upload_dir is not None:
            shutil.rmtree(self._upload_dir, ignore_errors=True)
        self._upload_dir = folder
        return paths

    def _show_source_row(self) -> None:
        extra = {BUILTIN: [], MUSIC21: [self.music21_piece], FILES: [self.upload]}
        self._source_row.children = [*extra[str(self.source.value)], self.load_button]

    def _show_corpus(self, shown: int | None = None) -> None:
        """The summary, the piece picker (keeping the piece shown unless told) and its roll."""
        corpus = self.corpus
        s = corpus.summary()
        cells = "".join(
            f"<span style='margin-right:14px;white-space:nowrap'><b>{s[key]}</b> {label}</span>"
            for key, label in (("files", "files"), ("bars", "bars"), ("notes", "notes"),
                               ("chords", "chords"), ("vocab_size", "values in the vocabulary"))
        )
        self.summary.value = f"<div style='display:flex;flex-wrap:wrap'>{cells}</div>"
        self.description.value = (
            "<details><summary>what was read</summary><pre style='font-size:12px;"
            f"max-height:260px;overflow:auto;white-space:pre-wrap'>"
            f"{html.escape(corpus.describe())}</pre></details>"
        )
        count = len(corpus.pieces)
        options = [(f"{k + 1} of {count}: {piece.name}", k)
                   for k, piece in enumerate(corpus.pieces)]
        index = shown if shown is not None else self.piece.value
        index = index if isinstance(index, int) and 0 <= index < count else 0
        self._observers_on = False
        try:
            self.piece.options = options
            self.piece.value = index
        finally:
            self._observers_on = True
        self.piece.disabled = count < 2
        self._draw_piece(index)

    def _draw_piece(self, index: int) -> None:
        piece = self.corpus.pieces[index]
        self.roll.filename = _stem(piece)
        self.roll.clip = Clip.from_piece(piece)
        self.piece_label.value = (
            f"<b>{html.escape(piece.name)}</b> · piece {index + 1} of "
            f"{len(self.corpus.pieces)} · {piece.bars:.3g} bars · {len(piece.notes)} notes · "
            f"{piece.tempo:g} bpm · {html.escape(piece.chord_source)}")
        self._show_melody_options()

    def _show_melody_options(self) -> None:
        index = self.piece.value if isinstance(self.piece.value, int) else 0
        piece = self.corpus.pieces[index]
        automatic = "automatic" + (
            f" (took #{piece.melody_track})" if piece.melody_track is not None else "")
        options: list[tuple[str, str | int]] = [(automatic, AUTOMATIC)]
        options += [(track.summary(), track.index) for track in piece.tracks]
        chosen = self._melody_choices.get(index, self._melody_all)
        chosen = AUTOMATIC if chosen is None else chosen
        if chosen not in [value for _, value in options]:
            options.append((str(chosen), chosen))  # a name or "program:N" given to load()
        self._observers_on = False
        try:
            self.melody.options = options
            self.melody.value = chosen
        finally:
            self._observers_on = True
        self.melody.disabled = (self._sources is _UNKNOWN or len(piece.tracks) < 2
                                or not self.ready.is_set())
        self.melody.tooltip = None if not self.melody.disabled else (
            LOADING if not self.ready.is_set()
            else "one track only" if self._sources is not _UNKNOWN
            else "load the music from the Data tab to choose its melody track")

    def _on_piece(self, change: dict[str, Any]) -> None:
        if self._observers_on and isinstance(change["new"], int):
            self._guard(lambda: self._draw_piece(change["new"]))

    def _on_melody(self, change: dict[str, Any]) -> None:
        if not self._observers_on or self._sources is _UNKNOWN:
            return
        choice = None if change["new"] == AUTOMATIC else change["new"]
        if not self._guard(lambda: self.set_melody(int(self.piece.value or 0), choice)):
            self._show_corpus()  # the error is shown; the pickers show the music that stays

    def _on_upload(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self._guard(lambda: self.load_uploads(change["new"]))

    def _on_model(self, change: dict[str, Any]) -> None:
        self.generator.model = change["new"]

    def _on_running(self, change: dict[str, Any]) -> None:
        if change["new"]:
            # The model is not untrained while it trains: say what Generate would play.
            self.generator.status.value = (
                "training is running (see the Train tab): Generate plays the weights trained "
                "so far")
        else:
            self.generator.refresh()

    def _guard(self, action: Callable[[], object]) -> bool:
        """Run a control's action; its error is shown inline and the Studio stays usable.
        Returns whether the action went through."""
        try:
            self.error_box.clear()
            action()
        except Exception as error:  # from a click, with no caller to raise to: shown inline
            self.error_box.show(error)
            return False
        return True


def _stem(piece: Piece) -> str:
    """A download name for a piece: its file name without folder or suffix."""
    name = piece.name.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return Path(name).stem or "jazzwidget-piece"
