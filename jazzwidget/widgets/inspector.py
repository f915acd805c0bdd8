"""`GateInspector`: look inside the LSTM while its music plays.

Heatmaps of the gates (i, f, o, the candidate g, the cell state c and h), units x time, on the
Player's time axis, under a note strip and a chord lane (`HeatmapView`, our own canvas widget:
see `jazzwidget.widgets.inspector_view` for why it is not plotly); a cursor that follows the
Player front end to front end; hover arithmetic; units found by selecting a range on the notes
(LSTMVis); the saturation plot and the selected unit's lines (plotly); the units that follow
musical features; ablation with an A/B of two Players; an epoch slider over `GateSnapshots`.
The numbers come from `jazzwidget.inspect` (numpy only).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any, cast

import ipywidgets as widgets

from jazzwidget.errors import InspectError, JazzwidgetError
from jazzwidget.inspect import ORDERS, find_units, firing_spans, unit_order
from jazzwidget.model.trace import GATES, GateTrace
from jazzwidget.music.clip import Clip
from jazzwidget.music.piece import ChordSpan
from jazzwidget.music.progression import Progression
from jazzwidget.widgets._errors import ErrorBox
from jazzwidget.widgets.inspector_ablation import AblationPanel
from jazzwidget.widgets.inspector_data import check_match, inspector_data
from jazzwidget.widgets.inspector_figures import SaturationFigure, UnitLines, explain_table
from jazzwidget.widgets.inspector_view import HeatmapView
from jazzwidget.widgets.player import Player

DEFAULT_GATES = ("i", "f", "o", "c")
MARKED_UNITS = 3  # the firing places of this many found units (all on at once) are marked
DEFAULT_GENERATION = {"seconds": 15.0, "temperature": 1.0, "seed": 0}


def clip_settings(clip: Clip) -> dict[str, Any]:
    """Generation settings that remake a clip's frame: its length, tempo, chords and prime
    (seed 0 and temperature 1 unless the caller knows the clip's own)."""
    spb = clip.seconds_per_beat
    settings: dict[str, Any] = {"seconds": clip.duration, "tempo": clip.tempo,
                                "prime": list(clip.primed_with), "temperature": 1.0,
                                "seed": 0}
    if clip.chords:
        spans = [ChordSpan(s.symbol, s.start / spb, s.end / spb) for s in clip.chords]
        settings["chords"] = Progression.from_spans(spans, beats_per_bar=clip.beats_per_bar)
    return settings


def epoch_title(epoch: int) -> str:
    """The title of the Player that plays the clip an epoch's weights make."""
    return f"epoch {epoch}: the clip the model would have made then"


def _is_model(thing: Any) -> bool:
    return all(hasattr(thing, name) for name in ("trace", "generate", "weights", "vocab"))


class GateInspector(widgets.VBox):
    """Heatmaps of an LSTM's gates over a clip, linked to a Player, with the tools to read them.

    Parameters
    ----------
    model_or_trace : a trained `JazzModel` (everything: tracing, corpus saturation, ablation,
        generation) or a `GateTrace` (the views of that one trace).
    clip : the clip to trace and show. With a model and no clip, the model generates one with
        ``generation``; with a trace, the clip it was traced from (for the note strip, chords
        and a Player; without it the time axis is in beats).
    gates : the gates shown, any of i, f, g, o, c, h.
    order : unit order: "index", "mean", "variance", "saturation" or "similarity".
    top_k : show only the first k units of the order (None: all).
    snapshots : a `GateSnapshots` from `fit`: adds the epoch slider and the epoch's clip.
    corpus : the training `Corpus`: adds the saturation plot's "the corpus" view (every piece
        traced, `jazzwidget.inspect.trace_corpus`).
    generation : the settings the clip was generated with (seconds, tempo, temperature, seed,
        chords, prime), for ablation and the epoch clips: then the A/B's original is the clip
        itself. Default: the clip's own length, tempo, chords and primer with seed 0 (both
        clips of an A/B are then made with those).
    threshold : the level above which a unit counts as on when finding units.
    unit : the unit selected at the start (its rows outlined, its lines drawn).

    Attributes
    ----------
    trace, clip, model : what is shown. view : the `HeatmapView`. player : the linked `Player`.
    saturation, unit_lines : the plotly figures. ablation : the `AblationPanel` (None without
    a model). matches : the `UnitMatch` list of the last range selection.

    Raises
    ------
    JazzwidgetError : a trace and a clip that do not match, an unknown gate or order, a bad
        top_k (`InspectError`); no model and no trace.

    Examples
    --------
    >>> inspector = GateInspector(model, clip)          # doctest: +SKIP
    >>> inspector.find(10, 14)                            # doctest: +SKIP
    >>> inspector.ablation.regenerate([12, 40], "zero")  # doctest: +SKIP
    """

    def __init__(self, model_or_trace: Any, clip: Clip | None = None, *,
                 gates: Sequence[str] = DEFAULT_GATES, order: str = "index",
                 top_k: int | None = None, snapshots: Any = None, corpus: Any = None,
                 generation: Mapping[str, Any] | None = None, threshold: float = 0.5,
                 unit: int | None = None,
                 **kwargs: Any) -> None:
        self.model = model_or_trace if _is_model(model_or_trace) else None
        if self.model is None and not isinstance(model_or_trace, GateTrace):
            raise JazzwidgetError(
                f"GateInspector needs a JazzModel or a GateTrace, not "
                f"{type(model_or_trace).__name__}: try GateInspector(model, clip)")
        self.snapshots = snapshots
        self._corpus = corpus
        self._corpus_trace: Any = None
        if clip is None and snapshots is not None and isinstance(
                getattr(snapshots, "passage", None), Clip):
            clip = snapshots.passage
        if self.model is not None:
            if clip is None:
                settings = {**DEFAULT_GENERATION, "tempo": self.model.tempo, **(generation or {})}
                clip = self.model.generate(**settings)
            elif generation is None:
                settings = clip_settings(clip)
            else:  # the clip's own settings: its primer came from its seed, do not pin it
                frame = {k: v for k, v in clip_settings(clip).items() if k != "prime"}
                settings = {**frame, **generation}
            trace = self.model.trace(clip)
        else:
            trace = model_or_trace
            if clip is not None:
                check_match(trace, clip)
            settings = dict(generation or {})
        self.generation = settings
        self.trace: GateTrace = trace
        self.clip = clip
        self.matches: list[Any] = []
        self.epoch: int | None = None

        self.error = ErrorBox()
        self.view = HeatmapView(open_later=True)  # opened below, with the trace in its state
        self.player: Player | None = Player(clip, title="traced clip") if clip else None
        self._player_box = widgets.Box([self.player] if self.player else [])
        self._build_controls(gates, order, top_k, threshold)
        first_unit = -1 if unit is None else int(unit)
        if not -1 <= first_unit < trace.n_a:
            raise InspectError(f"unit {unit} does not exist: this LSTM has units 0 to "
                               f"{trace.n_a - 1}")
        self.view.selected_unit = first_unit
        # Built with the selection: a figure's first state is what every view starts from.
        self.saturation = SaturationFigure(self.select_unit, trace, self._saturation_label(),
                                           first_unit)
        self.unit_lines = UnitLines(trace, first_unit)
        self.found = widgets.HTML("", layout=widgets.Layout(min_height="20px"))
        self.explanation = widgets.HTML("")
        self.ablation = (AblationPanel(self._generate, trace.n_a)
                         if self.model is not None else None)
        if self.ablation is not None and first_unit >= 0:
            self.ablation.units.value = str(first_unit)
        self.timeline = self._build_timeline() if snapshots is not None else None

        figures = widgets.HBox([self.saturation.figure, self.unit_lines.figure],
                               layout=widgets.Layout(flex_flow="row wrap"))
        figures.add_class("jw-inspector-figures")
        plots = widgets.VBox([self._source, figures])
        plots.add_class("jw-inspector-plots")
        # The epoch slider sits right above the heatmaps it redraws, the epoch's clip right
        # under them; the A/B at the end.
        timeline = [] if self.timeline is None else [self.timeline]
        epoch_clip = [] if self.timeline is None else [self._epoch_box]
        children = [self.error, self._player_box, *timeline, self.controls, self.view,
                    *epoch_clip, self.found, plots, self.explanation]
        children += [self.ablation] if self.ablation is not None else []
        # The figures were built with this trace: no edits before they are displayed (see
        # `inspector_figures.opened_filled`); the view opens with the trace and the Player.
        self._show_trace(trace, clip, figures=False)
        if self.player is not None:
            self.link(self.player)
        self.view.open_filled()
        super().__init__(children, **kwargs)
        self.add_class("jw-gate-inspector")
        self.view.observe(self._on_selected_unit, "selected_unit")
        self.view.observe(self._on_selection, "selection")

    # ------------------------------------------------------------------ building
    def _build_controls(self, gates: Sequence[str], order: str, top_k: int | None,
                        threshold: float) -> None:
        wanted = self._check_gates(gates)
        if order not in ORDERS:
            raise InspectError(f"no unit order {order!r}: choose one of {', '.join(ORDERS)}")
        if top_k is not None and int(top_k) < 1:
            raise InspectError(f"top_k={top_k} keeps no units: give at least 1 (or None)")
        self._gate_buttons = {
            g: widgets.ToggleButton(value=g in wanted, description=g, tooltip=f"show {g}",
                                    layout=widgets.Layout(width="38px"))
            for g in GATES}
        self._order = widgets.Dropdown(options=list(ORDERS), value=order, description="order",
                                       layout=widgets.Layout(width="190px"))
        self._top_k = widgets.BoundedIntText(value=int(top_k or 0), min=0,
                                             max=self.trace.n_a, description="top k",
                                             tooltip="0 shows every unit",
                                             layout=widgets.Layout(width="140px"))
        self._threshold = widgets.FloatSlider(value=threshold, min=0.05, max=0.95, step=0.05,
                                              description="on above",
                                              tooltip="a unit is on where h exceeds this",
                                              layout=widgets.Layout(width="260px"))
        for button in self._gate_buttons.values():
            button.observe(self._on_controls, "value")
        for control in (self._order, self._top_k):
            control.observe(self._on_controls, "value")
        self._threshold.observe(self._on_threshold, "value")
        self._source = widgets.ToggleButtons(options=["this clip"], value="this clip",
                                             description="saturation",
                                             style={"button_width": "90px"})
        if self.model is not None and self._corpus is not None:
            self._source.options = ["this clip", "the corpus"]
        self._source.observe(lambda _: self._show_saturation(), "value")
        self.controls = widgets.HBox(
            [widgets.HTML("<b>gates</b>&nbsp;"), *self._gate_buttons.values(), self._order,
             self._top_k, self._threshold],
            layout=widgets.Layout(flex_flow="row wrap", align_items="center"))

    def _build_timeline(self) -> widgets.VBox:
        epochs = list(self.snapshots.epochs)
        if not epochs:
            raise JazzwidgetError("the GateSnapshots holds no snapshots yet: pass it to "
                                  "model.fit(..., callbacks=[snapshots]) first")
        self._epoch_slider = widgets.SelectionSlider(options=epochs, value=epochs[-1],
                                                     description="epoch",
                                                     continuous_update=False,
                                                     layout=widgets.Layout(width="420px"))
        self._epoch_button = widgets.Button(description="Play this epoch's clip", icon="play",
                                            layout=widgets.Layout(width="auto"),
                                            tooltip="generate with this epoch's weights "
                                                    "(same seed and chords)")
        self.epoch_player: Player | None = None
        self._epoch_box = widgets.Box([])
        self._epoch_slider.observe(lambda change: self.show_epoch(change["new"]), "value")
        self._epoch_button.on_click(lambda _: self.play_epoch())
        header = widgets.HTML("<b>Learning timeline</b>: the passage's gates at each "
                              "snapshot, and the clip the model would have made then")
        self._epoch_box.add_class("jw-inspector-epoch-clip")  # shown under the heatmaps
        timeline = widgets.VBox([header, widgets.HBox([self._epoch_slider,
                                                       self._epoch_button])])
        timeline.add_class("jw-inspector-timeline")
        return timeline

    # ------------------------------------------------------------------ public
    @property
    def gates(self) -> tuple[str, ...]:
        """The gates shown, in i, f, g, o, c, h order; set a sequence of names to change."""
        return tuple(g for g in GATES if self._gate_buttons[g].value)

    @gates.setter
    def gates(self, names: Sequence[str]) -> None:
        wanted = self._check_gates(names)
        with self.view.hold_sync():
            for g, button in self._gate_buttons.items():
                button.value = g in wanted

    @property
    def order(self) -> str:
        """The unit order ("index", "mean", "variance", "saturation", "similarity")."""
        return str(self._order.value)

    @order.setter
    def order(self, by: str) -> None:
        if by not in ORDERS:
            raise InspectError(f"no unit order {by!r}: choose one of {', '.join(ORDERS)}")
        self._order.value = by

    @property
    def top_k(self) -> int | None:
        """How many units are shown (None: all)."""
        return self._top_k.value or None

    @top_k.setter
    def top_k(self, k: int | None) -> None:
        if k is not None and int(k) < 1:
            raise InspectError(f"top_k={k} keeps no units: give at least 1 (or None)")
        self._top_k.value = min(int(k or 0), self.trace.n_a)

    @property
    def rows(self) -> list[int]:
        """The units shown, top row first."""
        return list(self.view.rows)

    @property
    def selected_unit(self) -> int | None:
        """The unit selected in the heatmaps or the saturation plot (None: none)."""
        return None if self.view.selected_unit < 0 else self.view.selected_unit

    def select_unit(self, unit: int | None) -> None:
        """Select a unit: outline its rows, show its lines, ring it in the saturation plot."""
        unit = -1 if unit is None else int(unit)
        if not -1 <= unit < self.trace.n_a:
            raise InspectError(f"unit {unit} does not exist: this LSTM has units 0 to "
                               f"{self.trace.n_a - 1}")
        self.view.selected_unit = unit
        self._on_selected_unit()

    def link(self, player: Player) -> None:
        """Let a Player drive the cursor and take the seeks (front end to front end)."""
        if not isinstance(cast("object", player), Player):  # a notebook may pass anything
            raise JazzwidgetError(f"link takes a jazzwidget Player, not "
                                  f"{type(player).__name__}")
        if self.clip is not None and abs(player.clip.duration - self.clip.duration) > 1e-3:
            self.error.show(f"the linked Player's music lasts {player.clip.duration:.2f} s but "
                            f"the traced clip {self.clip.duration:.2f} s: the cursor follows "
                            "it anyway; play the traced clip to hear these gates")
        self.view.player = player

    def find(self, start: int, end: int, threshold: float | None = None) -> list[Any]:
        """Units on inside steps [start, end) and off just before (LSTMVis), moved to the top
        of the heatmaps; the places where the best of them fire together are marked.

        Returns the `UnitMatch` list (best first); an empty list says no unit fits.
        """
        if threshold is not None:
            self._threshold.value = threshold
        threshold = self._threshold.value
        self.matches = find_units(self.trace, start, end, threshold)
        units = [m.unit for m in self.matches]
        spans = (firing_spans(self.trace, units[:MARKED_UNITS], threshold) if units else [])
        with self.view.hold_sync():
            if list(self.view.selection) != [start, end]:
                self.view.selection = [start, end]
            self.view.found = units
            self.view.spans = [[int(a), int(b)] for a, b in spans]
            self._update_rows()
        self._describe_matches(start, end, threshold, spans)
        if units and self.ablation is not None:
            self.ablation.units.value = ", ".join(map(str, units[:MARKED_UNITS]))
        return self.matches

    def show_epoch(self, epoch: int) -> None:
        """Show the snapshot taken after ``epoch`` (0: before training) in the heatmaps and
        the saturation plot."""
        if self.snapshots is None:
            raise JazzwidgetError("no snapshots: pass snapshots=GateSnapshots(...) that was "
                                  "given to fit")
        trace = self.snapshots.snapshot(int(epoch)).trace
        clip = self.clip if self.clip is not None and trace.steps == len(self.clip.steps) else None
        self.epoch = int(epoch)
        self._show_trace(trace, clip)
        if self._epoch_slider.value != self.epoch:
            self._epoch_slider.value = self.epoch

    def play_epoch(self, epoch: int | None = None) -> Clip:
        """Generate the clip the model would have made at ``epoch`` (default the slider's)
        with the inspector's settings (same seed and chords), and show it in a Player."""
        if self.snapshots is None:
            raise JazzwidgetError("no snapshots: pass snapshots=GateSnapshots(...)")
        epoch = int(self._epoch_slider.value) if epoch is None else int(epoch)
        keys = ("seconds", "tempo", "temperature", "seed", "chords", "prime")
        try:
            clip = self.snapshots.clip_at(epoch, **{k: v for k, v in self.generation.items()
                                                    if k in keys})
        except JazzwidgetError as error:
            self.error.show(error)
            raise
        if self.epoch_player is None:
            self.epoch_player = Player(clip, title=epoch_title(epoch))
            self._epoch_box.children = [self.epoch_player]
        else:
            self.epoch_player.clip = clip
            self.epoch_player.title = epoch_title(epoch)
        return clip

    # ------------------------------------------------------------------ internals
    @staticmethod
    def _check_gates(names: Sequence[str]) -> tuple[str, ...]:
        names = tuple(names)
        bad = [g for g in names if g not in GATES]
        if bad or not names:
            raise InspectError(f"gates {names!r}: choose one or more of {', '.join(GATES)}")
        return names

    def _generate(self, ablate: Any = None) -> Clip:
        if self.model is None:
            raise InspectError("there is no model to generate with: give the inspector a "
                               "JazzModel, not a trace")
        return self.model.generate(**self.generation, ablate=ablate)

    def _show_trace(self, trace: GateTrace, clip: Clip | None, figures: bool = True) -> None:
        self.trace = trace
        data = inspector_data(trace, clip)
        with self.view.hold_sync():
            self.view.show_data(data, trace.n_a)
            self.view.found, self.view.spans, self.view.selection = [], [], []
            self.view.gates = list(self.gates)
            self._update_rows()
            self.view.title = self._title(trace, clip)
        self.matches = []
        self.found.value = ""
        if figures:
            self._show_saturation()
            self._on_selected_unit()
        self._explain(trace, clip)

    def _title(self, trace: GateTrace, clip: Clip | None) -> str:
        length = f"{clip.duration:.1f} s" if clip is not None else "time in beats"
        epoch = f" · epoch {self.epoch}" if self.epoch is not None else ""
        return f"{trace.n_a} units · {trace.steps} steps · {length}{epoch}"

    def _update_rows(self) -> None:
        order = unit_order(self.trace, by=self.order, gates=self.gates)
        found = list(self.view.found)
        rows = found + [int(u) for u in order if int(u) not in set(found)]
        k = self._top_k.value
        self.view.rows = rows[:k] if k else rows

    def _on_controls(self, _change: Any = None) -> None:
        if not self.gates:  # keep at least one gate: undo the last toggle off
            self._gate_buttons["i"].value = True
            return
        self.error.clear()
        with self.view.hold_sync():
            self.view.gates = list(self.gates)
            self._update_rows()

    def _on_threshold(self, _change: Any) -> None:
        if len(self.view.selection) == 2:
            self.find(*self.view.selection)

    def _on_selection(self, change: Any) -> None:
        selection = list(change["new"])
        if len(selection) != 2 or selection == list(change["old"]):
            return
        try:
            self.find(*selection)
        except JazzwidgetError as error:
            self.error.show(error)

    def _on_selected_unit(self, _change: Any = None) -> None:
        unit = self.view.selected_unit
        self.unit_lines.show(self.trace, unit)
        self.saturation.mark(unit)
        if unit >= 0 and self.ablation is not None and not self.matches:
            self.ablation.units.value = str(unit)

    def _describe_matches(self, start: int, end: int, threshold: float,
                          spans: list[tuple[int, int]]) -> None:
        where = f"steps {start} to {end - 1}"
        if not self.matches:
            self.found.value = (f"<span class='jwi-found'>No unit is on (h &gt; {threshold:g}) "
                                f"throughout {where} and off just before: widen the range or "
                                "lower the threshold.</span>")
            return
        shown = ", ".join(f"<b>{m.unit}</b> ({m.score:+.2f})" for m in self.matches[:12])
        more = f" and {len(self.matches) - 12} more" if len(self.matches) > 12 else ""
        self.found.value = (
            f"<span class='jwi-found'>{len(self.matches)} unit(s) on (h &gt; {threshold:g}) "
            f"throughout {where} and off just before, moved to the top: {shown}{more}. "
            f"The first {min(MARKED_UNITS, len(self.matches))} fire together in "
            f"{len(spans)} place(s) of this clip (amber marks under the notes).</span>")

    def _show_saturation(self) -> None:
        if self._source.value == "the corpus" and self.model is not None:
            if self._corpus_trace is None:
                self._corpus_trace = self._trace_corpus()
            self.saturation.show(self._corpus_trace, "the corpus")
        else:
            self.saturation.show(self.trace, self._saturation_label())
        self.saturation.mark(self.view.selected_unit)

    def _saturation_label(self) -> str:
        return "this clip" if self.epoch is None else f"the passage at epoch {self.epoch}"

    def _trace_corpus(self) -> Any:
        from jazzwidget.inspect import trace_corpus

        if self.model is None or self._corpus is None:
            raise InspectError("the corpus' saturation needs the model and its corpus: give "
                               "the inspector both")
        return trace_corpus(self.model, self._corpus)

    def _explain(self, trace: GateTrace, clip: Clip | None) -> None:
        if clip is None or not any(clip.values):
            self.explanation.value = ""
            return
        from jazzwidget.inspect import explain

        try:
            records = explain(trace, clip, top=3)
        except JazzwidgetError as error:
            self.explanation.value = f"<i>{html.escape(str(error))}</i>"
            return
        strongest = sorted(records, key=lambda r: -abs(float(r["r"])))
        self.explanation.value = explain_table(strongest if len(strongest) < 60
                                               else strongest[:60])

    def __repr__(self) -> str:
        return (f"GateInspector({self.trace.n_a} units x {self.trace.steps} steps, gates "
                f"{''.join(self.gates)}, order {self.order!r})")
