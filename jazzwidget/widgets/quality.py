"""`QualityView`: how a generated clip compares with the music the model learned from.

Three bar charts in one plotly FigureWidget (pitch classes by sounding time, note lengths in
Yang & Lerch's classes, value types C/S/A/X/R), the clip's bars beside the corpus's, and a line
with the chord-tone share of both and the longest run of values the clip copied verbatim from
the corpus. `Generator` updates it after each Generate.

The corpus side is a `Corpus` when one is given (its real pitches); else the values a model was
trained on (``model.corpus_values``; the first `REFERENCE_VALUES` of them), realized over the
model's progression with a fixed seed, so a saved model still has a reference.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np

from jazzwidget.metrics import NOTE_LENGTH_LABELS, VALUE_TYPES, Melody, copied_runs, profile
from jazzwidget.music.harmony import pitch_class_name
from jazzwidget.widgets._plotly import figure_widget_class
from jazzwidget.widgets.plotfit import PlotBox, responsive

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from jazzwidget.model.jazz_model import JazzModel
    from jazzwidget.music.clip import Clip
    from jazzwidget.music.corpus import Corpus

PANELS = ("pitch classes (share of time)", "note lengths (share of notes)", "value types")
CLIP_COLOR, CORPUS_COLOR = "#1f77b4", "#b0b0b0"
PITCH_LABELS = tuple(pitch_class_name(pc) for pc in range(12))
EMPTY_NOTE = "Generate a clip to compare it with the corpus"
# Realizing a model's training values costs about 1 ms a value: enough of them for steady
# histograms (copied runs are still looked up in all of them).
REFERENCE_VALUES = 2000


def _bars(profile_: dict[str, Any] | None) -> list[np.ndarray]:
    if profile_ is None:
        return [np.zeros(12), np.zeros(len(NOTE_LENGTH_LABELS)), np.zeros(len(VALUE_TYPES))]
    return [profile_["pitch_class_histogram"], profile_["note_length_histogram"],
            np.array([profile_["value_types"].get(k, 0.0) for k in VALUE_TYPES])]


def model_reference(model: JazzModel, limit: int = REFERENCE_VALUES) -> Melody | None:
    """The model's training values (the first ``limit``) realized over its progression with
    seed 0, or None before any training."""
    from jazzwidget.music.progression import Progression
    from jazzwidget.music.realize import realize

    values = list(getattr(model, "corpus_values", []) or [])[:limit]
    if not values:
        return None
    progression = Progression.coerce(model.progression_text)
    events = realize(values, progression, np.random.default_rng(0))
    return Melody.from_events(events, progression.at, values=values,
                              beats_per_bar=progression.beats_per_bar)


class QualityView(widgets.VBox):
    """Generated clip vs corpus: pitch classes, note lengths, value types, chord tones, copying.

    Parameters
    ----------
    reference : a `Corpus` (or a model, whose training values are realized); None until
        `set_reference` is called.

    Attributes
    ----------
    figure : the plotly FigureWidget (three bar charts).
    summary : an HTML line with the chord-tone shares and the longest copied run.
    last : the figures of the last clip shown (``profile`` plus ``copied_run``), or None.
    """

    def __init__(self, reference: Corpus | JazzModel | None = None) -> None:
        from plotly.subplots import make_subplots

        layout = make_subplots(rows=1, cols=3, subplot_titles=PANELS,
                               horizontal_spacing=0.06).layout
        layout.update(autosize=True, height=260,  # the container's width, never a fixed one
                      margin={"l": 40, "r": 10, "t": 40, "b": 40},
                      barmode="group", legend={"orientation": "h", "y": -0.25},
                      bargap=0.2)
        for axis in ("yaxis", "yaxis2", "yaxis3"):
            layout[axis].tickformat = ".0%"
            layout[axis].rangemode = "tozero"
        self.figure: go.FigureWidget = responsive(figure_widget_class()(layout=layout))
        labels = (PITCH_LABELS, NOTE_LENGTH_LABELS, VALUE_TYPES)
        for column, x in enumerate(labels):
            axis = "" if column == 0 else str(column + 1)  # subplots' axes: x, x2, x3
            for name, color in (("this clip", CLIP_COLOR), ("corpus", CORPUS_COLOR)):
                self.figure.add_bar(x=list(x), y=[0.0] * len(x), name=name,
                                    marker_color=color, showlegend=column == 0,
                                    legendgroup=name, xaxis=f"x{axis}", yaxis=f"y{axis}")
        self.summary = widgets.HTML(EMPTY_NOTE)
        self.last: dict[str, Any] | None = None
        self._reference: dict[str, Any] | None = None
        self._corpus_values: Any = None
        self._source: Any = None
        # in a PlotBox: the figure follows the tab's width (drawn while hidden, it took 700 px)
        super().__init__([self.summary, PlotBox([self.figure])])
        self.add_class("jazzwidget-quality")
        if reference is not None:
            self.set_reference(reference)

    def set_reference(self, reference: Corpus | JazzModel | None) -> None:
        """Compare with this corpus (or this model's training music) from now on."""
        from jazzwidget.music.corpus import Corpus

        key = _reference_key(reference)
        if key == self._source:
            return  # the same corpus, or a model whose training music did not change
        self._source = key
        if reference is None:
            self._reference, self._corpus_values = None, None
        elif isinstance(reference, Corpus):
            self._reference, self._corpus_values = profile(reference), reference
        else:
            melody = model_reference(reference)
            self._reference = profile(melody) if melody is not None else None
            self._corpus_values = (list(reference.corpus_values) if melody is not None
                                   else None)
        self._draw()

    def show(self, clip: Clip) -> dict[str, Any]:
        """Draw ``clip`` against the reference; returns its figures (also kept in ``last``)."""
        figures = profile(clip)
        figures["copied_run"] = (copied_runs(clip, self._corpus_values)[0]
                                 if self._corpus_values is not None else None)
        self.last = figures
        self._draw()
        return figures

    # ------------------------------------------------------------------ internals
    def _draw(self) -> None:
        clip_bars, corpus_bars = _bars(self.last), _bars(self._reference)
        with self.figure.batch_update():
            for k in range(3):
                self.figure.data[2 * k].y = clip_bars[k].tolist()
                self.figure.data[2 * k + 1].y = corpus_bars[k].tolist()
        self.summary.value = self._summary_text()

    def _summary_text(self) -> str:
        if self.last is None:
            return html.escape(EMPTY_NOTE)
        share = self.last["chord_tone_share"]
        parts = [f"chord tones: <b>{_percent(share)}</b> of this clip's notes"]
        if self._reference is not None:
            parts[0] += f" (corpus {_percent(self._reference['chord_tone_share'])})"
        run = self.last["copied_run"]
        if run is not None:
            parts.append(f"longest run copied from the corpus: <b>{run}</b> values")
        return " &middot; ".join(parts)


def _reference_key(reference: Any) -> Any:
    """What identifies a reference: the object, and for a model the music it last trained on."""
    if reference is None:
        return None
    values = getattr(reference, "corpus_values", None)
    if values is None:
        return (id(reference),)
    return (id(reference), len(values), getattr(reference, "progression_text", ""))


def _percent(share: float) -> str:
    return "-" if share != share else f"{share:.0%}"  # NaN (no notes) shows as a dash
