"""`Generator`: let a trained JazzModel improvise, and play what it made.

Length, tempo, temperature, random seed and a chord progression go in; a `Clip` comes out into
a `Player`, and a `QualityView` below compares it with the music the model learned from. The
progression is checked as it is typed; errors show inline.
"""

from __future__ import annotations

import contextlib
import html
import random
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import traitlets

from jazzwidget.errors import JazzwidgetError, ModelError
from jazzwidget.music.clip import Clip
from jazzwidget.music.defaults import DEFAULT_TEMPO
from jazzwidget.music.harmony import parse_progression
from jazzwidget.widgets._errors import ErrorBox
from jazzwidget.widgets.player import Player
from jazzwidget.widgets.quality import QualityView

if TYPE_CHECKING:
    from jazzwidget.model.jazz_model import JazzModel
    from jazzwidget.music.corpus import Corpus

CONTROL_STYLE = {"description_width": "initial"}
EMPTY_TITLE = "Press Generate to improvise a clip"


class Generator(widgets.VBox):
    """Improvise with a model: settings, a Generate button and a `Player` for the result.

    Parameters
    ----------
    model : a `JazzModel` (trained, or it plays at random); None disables Generate until a
        model is set (``generator.model = model``).
    seconds, tempo, temperature, seed : initial values of the controls.
    chords : initial progression (default: the model's, from its training corpus).
    corpus : the music the Quality view compares clips with (default: the model's training
        values, realized over its progression).

    Attributes
    ----------
    model : JazzModel | None
        The model that improvises (a traitlet).
    clip : Clip | None
        The last clip generated.
    player : Player
        Plays ``clip``.
    quality : QualityView
        ``clip`` against the corpus, updated after each Generate.
    """

    model = traitlets.Any(None)
    clip = traitlets.Instance(Clip, allow_none=True)

    def __init__(self, model: JazzModel | None = None, *, seconds: float = 15.0,
                 tempo: float = DEFAULT_TEMPO, temperature: float = 1.0, seed: int = 1,
                 chords: str | None = None, corpus: Corpus | None = None) -> None:
        self.seconds = widgets.FloatSlider(
            value=seconds, min=2, max=60, step=1, description="seconds", readout_format=".0f",
            style=CONTROL_STYLE, layout=widgets.Layout(width="280px"))
        self.tempo = widgets.IntSlider(
            value=int(tempo), min=40, max=300, step=1, description="tempo (bpm)",
            style=CONTROL_STYLE, layout=widgets.Layout(width="300px"))
        self.temperature = widgets.FloatSlider(
            value=temperature, min=0.0, max=2.0, step=0.05, description="temperature",
            style=CONTROL_STYLE, layout=widgets.Layout(width="300px"),
            tooltip="0 plays the likeliest value each step; 1 samples the model; higher is wilder")
        self.seed = widgets.IntText(value=seed, description="seed", style=CONTROL_STYLE,
                                    layout=widgets.Layout(width="160px"))
        self.new_seed = widgets.Checkbox(value=False, description="new random seed each time",
                                         indent=False, layout=widgets.Layout(width="220px"))
        # A text area that wraps, as wide as the widget: a 24-chord progression stays readable.
        self.chords = widgets.Textarea(
            value=chords or "", description="chords", placeholder="Dm7 G7 | Cmaj7 | Cmaj7",
            continuous_update=True, rows=2, style=CONTROL_STYLE,
            layout=widgets.Layout(width="100%"))
        self.generate_button = widgets.Button(description="Generate", icon="music",
                                              button_style="primary")
        self.status = widgets.HTML()
        self.error_box = ErrorBox()
        self.player = Player(Clip([], [], float(tempo), 0.0), title=EMPTY_TITLE)
        self.corpus = corpus
        self.quality = QualityView()

        self.chords.observe(self._on_chords, names="value")
        self.generate_button.on_click(self._on_generate_click)
        super().__init__(
            children=[
                widgets.HBox([self.seconds, self.tempo, self.temperature],
                             layout=widgets.Layout(flex_flow="row wrap")),
                widgets.HBox([self.seed, self.new_seed],
                             layout=widgets.Layout(flex_flow="row wrap", align_items="center")),
                self.chords,
                widgets.HBox([self.generate_button, self.status],
                             layout=widgets.Layout(align_items="center", flex_flow="row wrap")),
                self.error_box,
                self.player,
                self.quality,
            ],
            model=model,
        )
        self.add_class("jazzwidget-generator")
        self._update_model_state()

    # ---------------------------------------------------------------- public API
    def generate(self) -> Clip:
        """Improvise a clip with the current settings and load it into the player.

        Raises the `JazzwidgetError` (bad chords, no model) after showing it inline.
        """
        self.error_box.clear()
        try:
            if self.model is None:
                raise ModelError("there is no model yet: load music and train a model first")
            chords = self.chords.value.strip() or None
            if chords is not None:
                parse_progression(chords)
            if self.new_seed.value:
                self.seed.value = random.randrange(2**31)
            clip = self.model.generate(
                seconds=float(self.seconds.value), tempo=float(self.tempo.value),
                temperature=float(self.temperature.value), seed=int(self.seed.value),
                chords=chords)
            self.player.clip = clip
            self.quality.set_reference(self.corpus if self.corpus is not None else self.model)
            self.quality.show(clip)
        except Exception as error:  # broad: any failure is shown inline, then re-raised as is
            self.error_box.show(error)
            raise
        self.clip = clip
        self.status.value = html.escape(
            f"{len(clip.notes)} notes over {len(clip.chords)} chords, seed {self.seed.value}")
        return clip

    @property
    def valid(self) -> bool:
        """Whether the chord field reads as a progression (empty means the model's own)."""
        return self._chord_error() is None

    def refresh(self) -> None:
        """Update the hints after the model changed in place (trained more, say)."""
        self._update_model_state()

    # ------------------------------------------------------------------ internals
    def _chord_error(self) -> JazzwidgetError | None:
        text = self.chords.value.strip()
        if not text:
            return None
        try:
            parse_progression(text)
        except JazzwidgetError as error:
            return error
        return None

    def _on_chords(self, _change: dict[str, Any]) -> None:
        error = self._chord_error()
        if error is None:
            self.error_box.clear()
        else:
            self.error_box.show(error)
        self.generate_button.disabled = self.model is None or error is not None

    def _on_generate_click(self, _button: widgets.Button) -> None:
        # generate() has shown the error inline already; a click must not raise.
        with contextlib.suppress(Exception):
            self.generate()

    @traitlets.observe("model")
    def _model_changed(self, _change: dict[str, Any]) -> None:
        if hasattr(self, "generate_button"):
            self._update_model_state()

    def _update_model_state(self) -> None:
        model = self.model
        if model is not None and not self.chords.value.strip():
            self.chords.value = getattr(model, "progression_text", "") or ""
        self.generate_button.disabled = model is None or self._chord_error() is not None
        if model is None:
            self.status.value = "no model yet: load music and train one"
        elif getattr(model, "epochs_trained", 1) == 0:
            self.status.value = "this model is untrained: it will play at random"
        else:
            self.status.value = ""
