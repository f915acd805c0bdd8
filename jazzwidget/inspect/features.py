"""Musical features of each step of a clip, lined up with the rows of its gate trace."""

from __future__ import annotations

import bisect

import numpy as np

from jazzwidget.music.clip import Clip
from jazzwidget.music.harmony import parse_chord
from jazzwidget.music.values import parse_value

TYPES = ("C", "S", "A", "X", "R")
FEATURES = ("bar_position", "is_rest", "duration", "pitch", "interval",
            *(f"type_{kind}" for kind in TYPES), "chord_root", "chord_change")


def _chord_symbols(clip: Clip) -> list[str | None]:
    """The chord sounding at each step's start (None where the clip has no chord there)."""
    starts = [span.start for span in clip.chords]
    symbols: list[str | None] = []
    for step in clip.steps:
        k = bisect.bisect_right(starts, step.start + 1e-9) - 1
        symbols.append(clip.chords[k].symbol if k >= 0 and step.start < clip.chords[k].end - 1e-9
                       else None)
    return symbols


def clip_features(clip: Clip) -> dict[str, np.ndarray]:
    """Per step of ``clip`` (one row of its trace), float arrays named in FEATURES.

    bar_position : beats since the bar line (0 to beats_per_bar).
    is_rest : 1 for a rest, 0 for a note.
    duration : the value's length in beats.
    pitch : MIDI pitch (NaN for rests).
    interval : semitones from the previous note (NaN for rests and the first note).
    type_C ... type_R : 1 where the value is of that type (chord, scale, approach, other tone,
        rest); for the pitch encoding the type of the pitch over the chord sounding.
    chord_root : pitch class of the chord's root, 0 = C (NaN where no chord sounds).
    chord_change : 1 where the chord differs from the previous step's (and at the first step).

    NaN marks a step where a feature has no value; `explain` leaves those steps out.
    """
    steps = clip.steps
    n = len(steps)
    spb = clip.seconds_per_beat
    symbols = _chord_symbols(clip)
    chords = {s: parse_chord(s) for s in set(symbols) if s is not None}
    out = {name: np.full(n, np.nan) for name in FEATURES}
    previous: int | None = None
    for t, step in enumerate(steps):
        beat = step.start / spb
        out["bar_position"][t] = round(beat % clip.beats_per_bar, 6) % clip.beats_per_bar
        value = parse_value(step.value) if step.value else None
        out["duration"][t] = value.duration if value else (step.end - step.start) / spb
        symbol = symbols[t]
        chord = chords.get(symbol) if symbol is not None else None
        out["is_rest"][t] = float(step.pitch is None)
        kind = value.kind if value and value.kind in TYPES else None
        if step.pitch is not None:
            out["pitch"][t] = step.pitch
            if previous is not None:
                out["interval"][t] = step.pitch - previous
            previous = step.pitch
            if kind is None and chord is not None:
                kind = chord.pitch_type(step.pitch)
        elif kind is None:
            kind = "R"
        for name in TYPES:
            out[f"type_{name}"][t] = float(kind == name) if kind is not None else np.nan
        if chord is not None:
            out["chord_root"][t] = chord.root
        out["chord_change"][t] = float(t == 0 or symbols[t] != symbols[t - 1])
    return out
