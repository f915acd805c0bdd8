"""`HeatmapView`: the gate inspector's canvas front end (heatmaps, note strip, chord lane, cursor).

Decision (issue 6): the heatmaps are our own anywidget, the static ES module ``inspector.js``
beside this file (no bundler, no CDN), not plotly heatmaps, because

- the cursor follows the Player front end to front end: the view holds the Player as a widget
  reference (``player``), looks up its model in the browser (``widget_manager.get_model``) and
  listens to its ``position`` and ``playing``; between the Player's ten updates a second it
  extrapolates with ``performance.now()`` and the speed, so the cursor moves every animation
  frame, also while the kernel is busy (no Python observer in the loop);
- the hover shows a cell's own arithmetic (c = f*c_prev + i*g, h = o*tanh(c), kept vs
  written): about ten numbers per cell that plotly would ship as JSON customdata, here computed
  in the browser from the same float32 buffers the colours come from;
- drawing 64 units x 600 steps x 6 gates takes a few milliseconds on a canvas, well inside the
  0.5 s the issue allows (bench/inspector.py measures it).

Each gate crosses once as a float32 buffer, units x steps. Which gates are shown, in which row
order, which units were found and which range is selected are small traits: reordering or
marking never resends the numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from jazzwidget.widgets.inspector_data import InspectorData

HERE = Path(__file__).parent


class HeatmapView(anywidget.AnyWidget):
    """Heatmaps of a trace on the Player's time axis (used inside `GateInspector`).

    Attributes
    ----------
    gates : the gates shown, top first (any of i, f, g, o, c, h).
    rows : the units shown, top row first (an order, maybe only the top k).
    selected_unit : the unit clicked last (-1: none); set from Python to select one.
    selection : [start, end) steps dragged on the note strip ([] when none).
    found : units marked as found by a selection; spans : [start, end) steps where they fire.
    per_step : one column per step instead of each step as wide as it sounds.
    tanh_c : colour the cell state by tanh(c) instead of c / max |c|.
    player : the linked `Player` (its cursor and seeks go front end to front end).
    position : the cursor when no Player is linked (seconds).
    """

    _esm = HERE / "inspector.js"
    _css = HERE / "inspector.css"

    _i = traitlets.Bytes(b"").tag(sync=True)
    _f = traitlets.Bytes(b"").tag(sync=True)
    _g = traitlets.Bytes(b"").tag(sync=True)
    _o = traitlets.Bytes(b"").tag(sync=True)
    _c = traitlets.Bytes(b"").tag(sync=True)
    _h = traitlets.Bytes(b"").tag(sync=True)
    _c_start = traitlets.Bytes(b"").tag(sync=True)
    _steps = traitlets.Bytes(b"").tag(sync=True)
    values = traitlets.List(traitlets.Unicode()).tag(sync=True)
    chords = traitlets.List([]).tag(sync=True)
    duration = traitlets.Float(0.0).tag(sync=True)
    tempo = traitlets.Float(120.0).tag(sync=True)
    beats_per_bar = traitlets.Int(4).tag(sync=True)
    n_a = traitlets.Int(0).tag(sync=True)
    n_steps = traitlets.Int(0).tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)

    gates = traitlets.List(traitlets.Unicode(), ["i", "f", "o", "c"]).tag(sync=True)
    rows = traitlets.List(traitlets.Int()).tag(sync=True)
    selected_unit = traitlets.Int(-1).tag(sync=True)
    selection = traitlets.List(traitlets.Int()).tag(sync=True)
    found = traitlets.List(traitlets.Int()).tag(sync=True)
    spans = traitlets.List(traitlets.List(traitlets.Int())).tag(sync=True)
    per_step = traitlets.Bool(False).tag(sync=True)
    tanh_c = traitlets.Bool(False).tag(sync=True)
    player = traitlets.Instance(widgets.DOMWidget, allow_none=True).tag(
        sync=True, **widgets.widget_serialization)
    position = traitlets.Float(0.0).tag(sync=True)

    def __init__(self, *, open_later: bool = False, **kwargs: Any) -> None:
        # With open_later, the comm opens at `open_filled`, so that its first message carries
        # the trace: anywidget's front end drops every later message to a model whose module
        # took over 2 s to load and initialize (a busy page), and the heatmaps stayed empty.
        self._opening_later = open_later
        super().__init__(**kwargs)

    def open(self) -> None:
        """Open the widget's comm (not while the view waits for `open_filled`)."""
        if not self._opening_later:
            super().open()

    def open_filled(self) -> None:
        """Open the comm now, with everything set so far in its first message."""
        self._opening_later = False
        if self.comm is None:
            self.open()

    def show_data(self, data: InspectorData, n_a: int) -> None:
        """Send a trace (as `inspector_data` made it) to the browser, in one message."""
        with self.hold_sync():
            for name, buffer in data.gates.items():
                setattr(self, f"_{name}", buffer)
            self._c_start = data.c_start
            self._steps = data.steps.tobytes()
            self.values = data.values
            self.chords = data.chords
            self.duration = data.duration
            self.tempo = data.tempo
            self.beats_per_bar = data.beats_per_bar
            self.n_a = n_a
            self.n_steps = len(data.steps)
