"""Realization: value tokens + a chord progression -> melody events with pitches.

Each value is placed right after the previous one (so the rhythm is exactly the values'
durations) and gets a pitch of its TYPE over the chord sounding at its onset, inside its interval
window from the previous note, in a comfortable register. Choices are random but deterministic
for a given random seed; among the candidates, those nearest the interval actually encoded are
likelier. The melody is monophonic by construction.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from jazzwidget.music.harmony import Chord, parse_chord
from jazzwidget.music.piece import MelodyEvent
from jazzwidget.music.progression import Progression
from jazzwidget.music.values import parse_value

LOWEST = 53  # F3
HIGHEST = 86  # D6
START_CENTER = 67  # G4: where a line with no previous note begins
_FALLBACK = {"C": "C", "S": "SC", "A": "AXC", "X": "XAC"}


def _pick(candidates: list[int], center: float, rng: np.random.Generator) -> int:
    """A candidate pitch, likelier the nearer it is to ``center``."""
    weights = np.array([1.0 / (1.0 + abs(p - center)) for p in candidates])
    return candidates[int(rng.choice(len(candidates), p=weights / weights.sum()))]


def choose_pitch(kind: str, chord: Chord, previous: int | None,
                 window: tuple[int, int] | None, rng: np.random.Generator) -> int:
    """A pitch of grammar type ``kind`` over ``chord`` for one value.

    Looks inside the interval window first and widens it a semitone at a time; types that
    do not exist near there (an X tone over a seven-note chord, say) fall back to A, then C.
    """
    if previous is None or window is None:
        center = float(previous if previous is not None else START_CENTER)
        low, high = center - 6, center + 6
    else:
        low, high = previous + window[0], previous + window[1]
        center = (low + high) / 2
    # A window wholly above or below the range (a leap from near its edge) is searched from the
    # edge inwards, so the nearest pitches of the type inside the range are found.
    low_edge, high_edge = min(int(low), HIGHEST), max(int(high), LOWEST)
    for kinds in _FALLBACK[kind]:
        for widen in range(0, 13):
            a, b = max(LOWEST, low_edge - widen), min(HIGHEST, high_edge + widen)
            candidates = [p for p in range(a, b + 1) if chord.pitch_type(p) in kinds]
            if len(candidates) > 1 and previous is not None:
                candidates = [p for p in candidates if p != previous] or candidates
            if candidates:
                return _pick(candidates, center, rng)
    # unreachable: some chord tone lies within 12 semitones of any pitch in range, so its
    # mutants cannot be killed (docs/mutation.md)
    return int(np.clip(round(center), LOWEST, HIGHEST))  # pragma: no mutate


def realize(tokens: Sequence[str], progression: Progression,
            seed: int | np.random.Generator | None = 0) -> list[MelodyEvent]:
    """Turn value tokens into melody events (beats from 0) over a looping progression.

    Parameters
    ----------
    tokens : grammar ("C,0.500,<P4,m-2>") or pitch ("P64,0.500") values.
    progression : the chords; the chord at each note's onset decides its pitch.
    seed : random seed (or a numpy Generator) for the pitch choices.

    Examples
    --------
    >>> from jazzwidget.music.progression import Progression
    >>> events = realize(["C,1.000", "R,0.500", "S,0.500,<P4,m-2>"], Progression.from_text("C"))
    >>> [(e.start, e.duration, e.pitch) for e in events]  # G: a C tone; A: an S tone, 2 up
    [(0.0, 1.0, 67), (1.0, 0.5, None), (1.5, 0.5, 69)]
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    events: list[MelodyEvent] = []
    onset = 0.0
    previous: int | None = None
    for token in tokens:
        value = parse_value(token)
        if value.is_rest:
            pitch = None
        elif value.kind == "P":
            pitch = value.pitch
        else:
            chord = parse_chord(progression.at(onset))
            pitch = choose_pitch(value.kind, chord, previous, value.window, rng)
        events.append(MelodyEvent(onset, value.duration, pitch))
        previous = pitch if pitch is not None else previous
        onset += value.duration
    return events

