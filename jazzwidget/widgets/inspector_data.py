"""What the gate inspector sends to the browser: a trace and its clip as binary buffers.

Each gate crosses as one float32 buffer laid out units x steps (row u is unit u over time), so
the browser draws a heatmap row straight from a slice and computes a cell's arithmetic from the
same numbers the trace holds. Steps cross as float32 rows (start, end, pitch, type); chords as a
short JSON list. No widgets here: this module is plain numpy and testable without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jazzwidget.errors import ChordError, JazzwidgetError
from jazzwidget.model.trace import GATES, GateTrace
from jazzwidget.music.clip import Clip
from jazzwidget.music.harmony import parse_chord
from jazzwidget.music.piece import chord_at
from jazzwidget.music.values import parse_value

STEP_COLUMNS = ("start", "end", "pitch", "type")
TYPES = ("C", "S", "A", "X", "R")  # the grammar's value types, as indices sent to the browser
REST, UNKNOWN = 4.0, 5.0
NO_PITCH = -1.0


@dataclass
class InspectorData:
    """A trace ready for the browser.

    Attributes
    ----------
    gates : gate name -> float32 bytes, (n_a, steps) row-major, for each of i, f, g, o, c, h.
    c_start : float32 bytes (n_a,): the cell state before the first step (the primed state).
    steps : float32 array (steps, 4): start and end (seconds, or beats without a clip), MIDI
        pitch (-1 for a rest or unknown), value type (0 C, 1 S, 2 A, 3 X, 4 rest, 5 unknown).
    values : the value token of each step.
    chords : [symbol, start, end] per chord span.
    duration, tempo, beats_per_bar : the time axis (seconds), as the Player has it.
    """

    gates: dict[str, bytes]
    c_start: bytes
    steps: np.ndarray
    values: list[str]
    chords: list[list[str | float]]
    duration: float
    tempo: float
    beats_per_bar: int


def initial_cell(trace: GateTrace) -> np.ndarray:
    """The cell state before step 0, recovered from step 0: c0 = f0 * c_prev + i0 * g0.

    Exact where f0 is not tiny (a sigmoid rarely is); where it is, c_prev hardly mattered and 0
    is given.
    """
    if trace.steps == 0:
        return np.zeros(trace.n_a, dtype=np.float32)
    c0, f0 = trace.c[0].astype(np.float64), trace.f[0].astype(np.float64)
    written = trace.i[0].astype(np.float64) * trace.g[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        previous = np.where(f0 > 1e-6, (c0 - written) / f0, 0.0)
    return previous.astype(np.float32)


def _type_of(value: str, pitch: int | None, chord: str | None) -> float:
    """The value type of a step: from its grammar token, else from its pitch over the chord."""
    if value:
        try:
            kind = parse_value(value).kind
        except (ValueError, IndexError, KeyError):
            kind = ""
        if kind in TYPES:
            return float(TYPES.index(kind))
    if pitch is None:
        return REST if value else UNKNOWN
    if chord is None:
        return UNKNOWN
    try:
        return float(TYPES.index(parse_chord(chord).pitch_type(pitch)))
    except ChordError:
        return UNKNOWN


def _chord_at(clip: Clip, time: float) -> str | None:
    """The chord at ``time`` by `chord_at`, the one lookup the Player and the encoding use
    (the first chord counts before them all); None for a clip without chords."""
    return chord_at(clip.chords, time) if clip.chords else None


def step_rows(trace: GateTrace, clip: Clip | None) -> np.ndarray:
    """(steps, 4) float32: start, end, pitch, type of every traced step."""
    rows = np.zeros((trace.steps, len(STEP_COLUMNS)), dtype=np.float32)
    for k in range(trace.steps):
        value = trace.values[k] if k < len(trace.values) else ""
        if clip is not None:
            step = clip.steps[k]
            start, end, pitch = step.start, step.end, step.pitch
        else:
            start, end = float(trace.starts[k]), float(trace.ends[k])
            pitch = None
            try:
                pitch = parse_value(value).pitch if value else None
            except (ValueError, IndexError, KeyError):
                pitch = None
        chord = _chord_at(clip, start) if clip is not None else None
        rows[k] = (start, end, NO_PITCH if pitch is None else pitch, _type_of(value, pitch, chord))
    return rows


def check_match(trace: GateTrace, clip: Clip) -> None:
    """Raise a `JazzwidgetError` unless the trace has one step per step of the clip."""
    if trace.steps != len(clip.steps):
        raise JazzwidgetError(
            f"the trace has {trace.steps} steps but the clip has {len(clip.steps)}: pass the clip "
            "that was traced (model.trace(clip)), or pass the model and the clip"
        )


def inspector_data(trace: GateTrace, clip: Clip | None = None) -> InspectorData:
    """Everything the inspector's front end draws, from a trace and (optionally) its clip.

    Raises
    ------
    JazzwidgetError : the clip does not have one step per traced step.
    """
    if clip is not None:
        check_match(trace, clip)
    steps = step_rows(trace, clip)
    gates = {name: np.ascontiguousarray(trace.gate(name).T, dtype=np.float32).tobytes()
             for name in GATES}
    if clip is not None:
        chords = [[span.symbol, float(span.start), float(span.end)] for span in clip.chords]
        duration, tempo, bpb = float(clip.duration), float(clip.tempo), int(clip.beats_per_bar)
    else:
        chords: list[list[str | float]] = []
        duration = float(steps[:, 1].max()) if len(steps) else 0.0
        tempo, bpb = 60.0, 4  # a trace of bare values runs in beats: one "second" a beat
    return InspectorData(gates=gates, c_start=initial_cell(trace).tobytes(), steps=steps,
                         values=list(trace.values), chords=chords, duration=duration,
                         tempo=tempo, beats_per_bar=bpb)
