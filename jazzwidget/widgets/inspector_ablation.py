"""The gate inspector's ablation panel: silence units, regenerate, hear and count the change.

The original and the ablated clip are generated with the same settings (seed, chords, prime,
length, tempo, temperature), so the only difference between the two Players is the clamp, which
happens inside the numpy LSTM step (`jazzwidget.model.step.Ablation`).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets

from jazzwidget.errors import InspectError
from jazzwidget.metrics import chord_tone_share, pitch_range
from jazzwidget.metrics.melody import Melody
from jazzwidget.model.step import CLAMPS
from jazzwidget.music.clip import Clip
from jazzwidget.widgets._errors import ErrorBox
from jazzwidget.widgets.player import Player

CLAMP_LABELS = {
    "zero": "h and c held at 0",
    "forget0": "forget gate forced to 0 (forget everything)",
    "forget1": "forget gate forced to 1 (keep everything)",
    "output0": "output gate forced to 0",
}
# The clamp in a few characters, for the ablated Player's title (the full label is in the menu).
CLAMP_SHORT = {"zero": "h=c=0", "forget0": "f=0", "forget1": "f=1", "output0": "o=0"}
FIGURES = ("notes", "rests", "mean duration (beats)", "pitch range (semitones)",
           "chord-tone share")


def clip_figures(clip: Clip) -> dict[str, float]:
    """Simple figures of a clip: notes, rests, mean note duration in beats, pitch range in
    semitones, share of notes on a chord tone (NaN where a figure has nothing to count)."""
    melody = Melody.from_clip(clip)
    durations = melody.ends - melody.starts
    return {
        "notes": float(len(melody.pitches)),
        "rests": float(sum(step.pitch is None for step in clip.steps)),
        "mean duration (beats)": float(durations.mean()) if len(durations) else math.nan,
        "pitch range (semitones)": float(pitch_range(melody)),
        "chord-tone share": chord_tone_share(melody),
    }


def _figure_text(value: float, name: str) -> str:
    if math.isnan(value):
        return "n/a"
    if name == "chord-tone share":
        return f"{value:.0%}"
    return f"{value:.0f}" if name in ("notes", "rests", "pitch range (semitones)") else (
        f"{value:.2f}")


def figures_table(original: dict[str, float], ablated: dict[str, float]) -> str:
    """An HTML table: each figure for the original, the ablated clip and the change."""
    rows = []
    for name in FIGURES:
        a, b = original[name], ablated[name]
        change = "n/a" if math.isnan(a) or math.isnan(b) else (
            f"{b - a:+.0%}" if name == "chord-tone share" else f"{b - a:+.2f}".rstrip("0")
            .rstrip("."))
        rows.append(f"<tr><td>{html.escape(name)}</td><td>{_figure_text(a, name)}</td>"
                    f"<td>{_figure_text(b, name)}</td><td>{change}</td></tr>")
    head = "<tr><th></th><th>original</th><th>ablated</th><th>change</th></tr>"
    return (f"<table class='jwi-figures' style='font-size:12px;border-collapse:collapse'>"
            f"{head}{''.join(rows)}</table>")


def ablated_title(units: list[int], clamp: str, shown: int = 2) -> str:
    """A title short enough for half a row: ``"ablated 4, 0 +4 · h=c=0"`` (the units field
    and the clamp menu above the Players say it in full)."""
    listed = ", ".join(str(u) for u in units[:shown])
    more = f" +{len(units) - shown}" if len(units) > shown else ""
    return f"ablated {listed}{more} · {CLAMP_SHORT[clamp]}"


def parse_units(text: str, n_a: int) -> list[int]:
    """Unit numbers from text such as ``"12, 40"`` or ``"12 40"``.

    Raises
    ------
    InspectError : a part is not a whole number, or a unit does not exist.
    """
    parts = [p for p in text.replace(",", " ").split() if p]
    units = []
    for part in parts:
        try:
            units.append(int(part))
        except ValueError as error:
            raise InspectError(f"{part!r} is not a unit number: type units such as 12, 40"
                               ) from error
    bad = [u for u in units if not 0 <= u < n_a]
    if bad:
        raise InspectError(f"unit {bad[0]} does not exist: this LSTM has units 0 to {n_a - 1}")
    return units


class AblationPanel(widgets.VBox):
    """Pick units and a clamp, regenerate, and compare the two clips side by side.

    Parameters
    ----------
    generate : makes a clip with the inspector's generation settings, taking ``ablate=``.
    n_a : the number of units.
    """

    def __init__(self, generate: Callable[..., Clip], n_a: int, **kwargs: Any) -> None:
        self._generate = generate
        self.n_a = n_a
        self.units = widgets.Text(value="", description="units",
                                  placeholder="e.g. 12, 40 (the selected or found units)",
                                  layout=widgets.Layout(width="320px"))
        self.clamp = widgets.Dropdown(options=[(CLAMP_LABELS[k], k) for k in CLAMPS],
                                      value="zero", description="clamp",
                                      layout=widgets.Layout(width="380px"))
        self.button = widgets.Button(description="Regenerate", icon="refresh",
                                     button_style="primary",
                                     tooltip="generate again with these units clamped")
        self.error = ErrorBox()
        self.original_player: Player | None = None
        self.ablated_player: Player | None = None
        self.figures = widgets.HTML("")
        self.players = widgets.HBox([], layout=widgets.Layout(width="100%"))
        self.button.on_click(lambda _: self.regenerate())
        header = widgets.HTML("<b>Ablation</b>: silence units and hear what changes (same "
                              "seed, chords and prime)")
        super().__init__([header, widgets.HBox([self.units, self.clamp, self.button]),
                          self.error, self.players, self.figures], **kwargs)
        self.add_class("jw-inspector-ablation")

    def regenerate(self, units: list[int] | None = None, clamp: str | None = None
                   ) -> tuple[Clip, Clip]:
        """Generate the original and the ablated clip and show them; returns both.

        An error (bad units) is shown in the panel and raised; the panel stays usable.
        """
        self.error.clear()
        try:
            if units is None:
                units = parse_units(self.units.value, self.n_a)
            else:
                self.units.value = ", ".join(str(u) for u in units)
            if clamp is not None:
                self.clamp.value = clamp
            if not units:
                raise InspectError("no units to ablate: type unit numbers (e.g. 12, 40) or "
                                   "select a unit in the heatmaps")
            spec: Mapping[str, Any] = {"units": units, "clamp": self.clamp.value}
            original = self._generate(ablate=None)
            ablated = self._generate(ablate=spec)
        except Exception as error:
            self.error.show(error)
            raise
        self._show(original, ablated, units)
        return original, ablated

    def _show(self, original: Clip, ablated: Clip, units: list[int]) -> None:
        title = ablated_title(units, str(self.clamp.value))
        if self.original_player is None or self.ablated_player is None:
            self.original_player = Player(original, title="original", filename="original")
            self.ablated_player = Player(ablated, title=title, filename="ablated")
            self.players.children = [
                widgets.Box([player], layout=widgets.Layout(width="50%"))
                for player in (self.original_player, self.ablated_player)]
        else:  # a new clip brings its own title: name both again
            self.original_player.clip = original
            self.original_player.title = "original"
            self.ablated_player.clip = ablated
            self.ablated_player.title = title
        same = original.values == ablated.values
        note = ("<br><i>The ablated clip is the same as the original: these units did not "
                "change the choices.</i>" if same else "")
        self.figures.value = figures_table(clip_figures(original), clip_figures(ablated)) + note
