"""Author jazzwidget's built-in training corpus: original jazz choruses, dedicated to CC0.

A rule-based improviser plays bebop-flavoured choruses over public-domain progressions (12-bar
blues in F and Bb, the A section of rhythm changes in Bb, ii-V-I cycles through four keys, a
C minor blues) and writes one standard MIDI file per piece into ``jazzwidget/music/data/``.
Every choice comes from a ``random.Random`` seeded with ``SEED`` and the piece's name, so a rerun
writes byte-identical files.

How a line is made
------------------
* Phrases of 1-4 bars separated by rests of one beat or more; a phrase may start on the beat,
  on an "and" or as a pickup, and crosses bar lines and chorus ends freely.
* Rhythm, beat by beat: (swung) eighths written straight, quarters, eighth-note triplets, the odd
  sixteenth turn, dotted quarters, quarter-note triplets and eighth rests inside a phrase.
* Pitch: the notes on beats 1 and 3 (and the phrase's first and last notes) are *targets*, mostly
  chord tones of the chord sounding there (now and then a 9th or 13th). Between targets the line
  walks the chord scale (bebop passing tones on descending runs) or arpeggiates the chord, then
  reaches the target directly, by a chromatic approach tone, or by an enclosure (scale tone
  above, chromatic below). Leaps are occasional and followed by a turn back. Register 55-84.
* Motifs: some phrases repeat their first bar one bar later, transposed with the chord (a
  sequence); the blues tunes also play short blues-scale riffs, stated twice.
* Accompaniment: "Chords" holds each chord's close voicing (``Chord.voicing()``) and "Bass" a
  simple walking line; every chord symbol is also a MIDI text event at its onset.

Usage
-----
    .venv/bin/python scripts/make_corpus.py [--out DIR] [--quiet]     # or: make corpus
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import pretty_midi

from jazzwidget.music.harmony import Chord, parse_chord

SEED = 20261125  # the corpus's fixed seed; each piece seeds Random(f"{SEED}:{piece name}")
RESOLUTION = 480  # MIDI ticks per beat: divisible by 3 and 4, so triplets and 16ths are exact
LOW, HIGH = 55, 84  # the melody's register (MIDI numbers)
BEATS_PER_BAR = 4
PROGRAM_TENOR_SAX, PROGRAM_VIBRAPHONE = 66, 11
PROGRAM_E_PIANO, PROGRAM_BASS = 4, 32

F = Fraction
HALF, THIRD, QUARTER = F(1, 2), F(1, 3), F(1, 4)


# --------------------------------------------------------------------------------------------
# Tunes and pieces


@dataclass(frozen=True)
class Tune:
    """A chorus form: bars of chord symbols (two symbols in a bar split it at beat 3)."""

    slug: str
    title: str
    key: str
    form: tuple[tuple[str, ...], ...]
    blues_tonic: int | None = None  # pitch class of the blues riffs' tonic (blues tunes only)


def _form(text: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(bar.split()) for bar in text.split("|"))


TUNES = {
    "blues_in_f": Tune(
        "blues_in_f",
        "Jazz blues",
        "F",
        _form("F7 | Bb7 | F7 | Cm7 F7 | Bb7 | Bdim7 | F7 | D7b9 | Gm7 | C7 | F7 D7 | Gm7 C7"),
        blues_tonic=5,
    ),
    "blues_in_bb": Tune(
        "blues_in_bb",
        "Jazz blues",
        "Bb",
        _form("Bb7 | Eb7 | Bb7 | Fm7 Bb7 | Eb7 | Edim7 | Bb7 | G7b9 | Cm7 | F7 | Bb7 G7 | Cm7 F7"),
        blues_tonic=10,
    ),
    "rhythm_a": Tune(
        "rhythm_a",
        "Rhythm changes, A section",
        "Bb",
        _form("Bb6 G7 | Cm7 F7 | Bb6 G7 | Cm7 F7 | Fm7 Bb7 | Eb7 Edim7 | Bb6 G7 | Cm7 F7"),
    ),
    "two_five_one": Tune(
        "two_five_one",
        "ii-V-I cycle (C, Bb, Ab, Gb)",
        "C",
        _form(
            "Dm7 | G7 | Cmaj7 | Cmaj7 | Cm7 | F7 | Bbmaj7 | Bbmaj7 | Bbm7 | Eb7b9 | Abmaj7 | "
            "Abmaj7 | Abm7 | Db7 | Gbmaj7 | Em7b5 A7b9"
        ),
    ),
    "minor_blues_in_c": Tune(
        "minor_blues_in_c",
        "Minor blues",
        "C minor",
        _form("Cm7 | Fm7 | Cm7 | Cm7 | Fm7 | Fm7 | Cm7 | Cm7 | Ab7 | G7b9 | Cm7 | Dm7b5 G7b9"),
        blues_tonic=0,
    ),
}


@dataclass(frozen=True)
class PieceSpec:
    """One file: ``choruses`` choruses of one tune at one tempo."""

    tune: str
    number: int
    choruses: int
    tempo: int  # one of 120, 125, 128, 150, 160: whole microseconds per beat in a MIDI file
    program: int

    @property
    def name(self) -> str:
        return f"{self.tune}_{self.number}"


FIRST_PIECES = (
    PieceSpec("blues_in_f", 1, 2, 120, PROGRAM_TENOR_SAX),
    PieceSpec("blues_in_f", 2, 2, 128, PROGRAM_VIBRAPHONE),
    PieceSpec("blues_in_f", 3, 2, 125, PROGRAM_TENOR_SAX),
    PieceSpec("blues_in_f", 4, 2, 150, PROGRAM_TENOR_SAX),
    PieceSpec("blues_in_bb", 1, 2, 125, PROGRAM_TENOR_SAX),
    PieceSpec("blues_in_bb", 2, 2, 120, PROGRAM_VIBRAPHONE),
    PieceSpec("blues_in_bb", 3, 2, 128, PROGRAM_TENOR_SAX),
    PieceSpec("blues_in_bb", 4, 2, 150, PROGRAM_TENOR_SAX),
    PieceSpec("rhythm_a", 1, 3, 150, PROGRAM_TENOR_SAX),
    PieceSpec("rhythm_a", 2, 3, 160, PROGRAM_VIBRAPHONE),
    PieceSpec("rhythm_a", 3, 3, 150, PROGRAM_TENOR_SAX),
    PieceSpec("two_five_one", 1, 2, 128, PROGRAM_TENOR_SAX),
    PieceSpec("two_five_one", 2, 2, 125, PROGRAM_VIBRAPHONE),
    PieceSpec("two_five_one", 3, 1, 150, PROGRAM_TENOR_SAX),
    PieceSpec("minor_blues_in_c", 1, 2, 120, PROGRAM_TENOR_SAX),
    PieceSpec("minor_blues_in_c", 2, 2, 128, PROGRAM_VIBRAPHONE),
    PieceSpec("minor_blues_in_c", 3, 2, 125, PROGRAM_TENOR_SAX),
)
ROUNDS = 3  # each tune's pieces are played this many times over, with new choruses each time


def more_rounds(pieces: Sequence[PieceSpec], rounds: int) -> tuple[PieceSpec, ...]:
    """Each tune's pieces again (same choruses, tempo, instrument), numbered on: new music,
    since every piece seeds its own random generator with its name. Round 1 is ``pieces``.

    Three rounds rather than one: on one round the LSTM cannot beat a bigram on held-out music
    (README "Does it learn?"); the files stay small (about 140 KiB).
    """
    by_tune: dict[str, list[PieceSpec]] = {}
    for spec in pieces:
        by_tune.setdefault(spec.tune, []).append(spec)
    return tuple(replace(spec, number=spec.number + len(specs) * k)
                 for specs in by_tune.values() for k in range(rounds) for spec in specs)


PIECES = more_rounds(FIRST_PIECES, ROUNDS)


# --------------------------------------------------------------------------------------------
# Harmony over time


@dataclass(frozen=True)
class Span:
    symbol: str
    start: Fraction
    end: Fraction

    @property
    def chord(self) -> Chord:
        return parse_chord(self.symbol)


def chord_spans(tune: Tune, choruses: int) -> list[Span]:
    """The piece's chords in beats, equal neighbours merged into one span."""
    spans: list[Span] = []
    bar_start = F(0)
    for _ in range(choruses):
        for bar in tune.form:
            length = F(BEATS_PER_BAR, len(bar))
            for k, symbol in enumerate(bar):
                start = bar_start + k * length
                if spans and spans[-1].symbol == symbol:
                    spans[-1] = Span(symbol, spans[-1].start, start + length)
                else:
                    spans.append(Span(symbol, start, start + length))
            bar_start += BEATS_PER_BAR
    return spans


class Harmony:
    """The chord sounding at any beat."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = list(spans)
        self.end = spans[-1].end

    def at(self, beat: Fraction) -> Chord:
        for span in self.spans:
            if span.start <= beat < span.end:
                return span.chord
        return self.spans[-1].chord


# --------------------------------------------------------------------------------------------
# Pitch helpers


def members(pcs: Sequence[int]) -> list[int]:
    """Every MIDI pitch in a wide register whose pitch class is in pcs, ascending."""
    wanted = set(pcs)
    return [p for p in range(LOW - 12, HIGH + 13) if p % 12 in wanted]


def bebop_scale(chord: Chord) -> list[int]:
    """The chord scale plus the bebop passing tone (major 7th over 7, #5 over maj, 3 over m7)."""
    pcs = set(chord.scale)
    intervals = {(pc - chord.root) % 12 for pc in chord.tones}
    if {4, 10} <= intervals:
        pcs.add((chord.root + 11) % 12)
    elif {4, 11} <= intervals or intervals == {0, 4, 7, 9}:
        pcs.add((chord.root + 8) % 12)
    elif {3, 10} <= intervals and 6 not in intervals:
        pcs.add((chord.root + 4) % 12)
    return members(sorted(pcs))


def step(pitch: int, direction: int, pool: Sequence[int], skip: int = 0) -> int:
    """The next pitch of pool beyond pitch in direction (skip=1 jumps one member)."""
    if direction > 0:
        beyond = [p for p in pool if p > pitch]
        return beyond[min(skip, len(beyond) - 1)] if beyond else pitch - 2
    beyond = [p for p in pool if p < pitch]
    return beyond[-1 - min(skip, len(beyond) - 1)] if beyond else pitch + 2


def nearest(pitch: int, pool: Sequence[int]) -> int:
    return min(pool, key=lambda p: (abs(p - pitch), p))


def snap(pitch: int, kind: str, chord: Chord) -> int:
    """Move a transposed pitch to the nearest chord tone (kind C) or scale tone (kind S)."""
    if kind == "C" and chord.pitch_type(pitch) != "C":
        return nearest(pitch, [p for p in members(chord.tones) if LOW <= p <= HIGH])
    if kind == "S" and chord.pitch_type(pitch) not in "CS":
        return nearest(pitch, [p for p in members(chord.scale) if LOW <= p <= HIGH])
    return pitch


def weighted(rng: random.Random, options: dict):
    """Draw a key of options with probability proportional to its weight."""
    keys = list(options)
    return rng.choices(keys, weights=[options[k] for k in keys])[0]


# --------------------------------------------------------------------------------------------
# Rhythm


@dataclass
class Event:
    """A melody note (pitch set later) or a rest, in beats."""

    start: Fraction
    duration: Fraction
    rest: bool = False
    pitch: int | None = None


# beat-cells: durations; a negative duration is a rest inside the phrase
CELLS: dict[tuple[Fraction, ...], float] = {
    (HALF, HALF): 0.60,
    (F(1),): 0.12,
    (THIRD, THIRD, THIRD): 0.09,
    (F(3, 2), HALF): 0.05,
    (-HALF, HALF): 0.05,
    (QUARTER, QUARTER, HALF): 0.03,
    (F(2, 3), F(2, 3), F(2, 3)): 0.02,
    (HALF, F(1), HALF): 0.04,
}


def cells_until(rng: random.Random, start: Fraction, stop: Fraction, style: str) -> list[Event]:
    """Beat-cells of notes (and eighth rests) filling start..stop, never ending on a rest."""
    events: list[Event] = []
    t = start
    if t % 1:  # a phrase that starts on an "and" begins with one eighth
        events.append(Event(t, HALF))
        t += HALF
    cells = dict(CELLS)
    cells[(HALF, HALF)] = {"bebop": 0.75, "lyric": 0.40, "mixed": 0.60}[style]
    cells[(F(1),)] = {"bebop": 0.06, "lyric": 0.25, "mixed": 0.12}[style]
    while t < stop:
        cell = weighted(rng, cells)
        if sum(abs(d) for d in cell) > stop - t or (cell[0] < 0 and not events):
            cell = (HALF, HALF) if stop - t >= 1 else (HALF,)
        for d in cell:
            events.append(Event(t, abs(d), rest=d < 0))
            t += abs(d)
    if events and events[-1].rest:  # an eighth rest at the end becomes a longer last note
        events.pop()
        events[-1].duration += HALF
    return events


def final_note(rng: random.Random, start: Fraction) -> Event:
    """A phrase's last note: long, or now and then a short "bop"."""
    return Event(start, F(weighted(rng, {"1": 0.3, "1.5": 0.15, "2": 0.3, "3": 0.1, "0.5": 0.15})))


def phrase_rhythm(rng: random.Random, start: Fraction, stop: Fraction, style: str) -> list[Event]:
    """Notes (and eighth rests) from start until about stop; the last event is the final note."""
    body = cells_until(rng, start, max(stop - 1, start + 1), style)
    return [*body, final_note(rng, body[-1].start + body[-1].duration)]


# --------------------------------------------------------------------------------------------
# Pitch lines


@dataclass
class LineState:
    """What the improviser remembers between segments and phrases."""

    pitch: int = 67
    direction: int = -1


def is_anchor(beat: Fraction) -> bool:
    """Beats 1 and 3 of a 4/4 bar (onsets at whole even beats)."""
    return beat % 2 == 0


def approach(rng: random.Random, target: int, chord: Chord, length: int) -> list[int]:
    """Notes that lead into target: chromatic approach, scale step or enclosure."""
    scale = members(chord.scale)
    above = step(target, +1, scale)
    below = step(target, -1, scale)
    if length == 1:
        return [weighted(rng, {target - 1: 0.5, above: 0.3, target + 1: 0.1, below: 0.1})]
    if length == 2:
        pattern = weighted(rng, {"above-below": 0.5, "below-above": 0.25, "chromatic": 0.25})
        if pattern == "above-below":
            return [above, target - 1]
        if pattern == "below-above":
            return [target - 1, above] if rng.random() < 0.5 else [below, target + 1]
        return [target - 2, target - 1] if rng.random() < 0.7 else [target + 2, target + 1]
    # three notes: above, below (scale), chromatic below; or above, chromatic above and below
    if rng.random() < 0.5 and below != target - 1:
        return [above, below, target - 1]
    return [above, target + 1, target - 1] if above != target + 1 else [above + 1, above, below]


def target_candidates(chord: Chord, final: bool, tension: bool) -> list[tuple[int, float]]:
    """Pitches a target may take, with a preference weight each."""
    if tension:
        pcs = [pc for pc in chord.scale if pc not in chord.tones]
        return [(p, 1.0) for p in members(pcs) if LOW <= p <= HIGH]
    out = []
    for p in members(chord.tones):
        if LOW <= p <= HIGH:
            interval = (p - chord.root) % 12
            weight = 1.0
            if final:  # phrases end on stable tones: 3rd, root, 5th, then the rest
                weight = {3: 2.0, 4: 2.0, 0: 1.6, 7: 1.4}.get(interval, 0.7)
            out.append((p, weight))
    return out


def pick_target(
    rng: random.Random,
    chord: Chord,
    origin: int,
    direction: int,
    approach_len: int,
    final: bool,
    strong: bool,
) -> tuple[int, list[int]]:
    """Choose the next target and its approach so the line moves on smoothly from origin."""
    tension = strong and not final and rng.random() < 0.15
    ideal = origin + direction * (2 if approach_len else 3)
    scored = []
    for pitch, weight in target_candidates(chord, final, tension):
        lead = approach(rng, pitch, chord, approach_len) if approach_len else []
        first = (lead or [pitch])[0]
        cost = abs(first - ideal) / 1.5
        cost += 3.0 if first == origin else 0.0
        cost += 2.0 if not 59 <= pitch <= 81 else 0.0
        cost += 4.0 if any(not LOW <= p <= HIGH for p in lead) else 0.0
        if all(LOW <= p <= HIGH for p in lead):
            scored.append((cost - math.log(weight), pitch, lead))
    scored.sort(key=lambda s: (s[0], s[1]))
    shortlist = scored[:4]
    weights = [math.exp(-s[0]) for s in shortlist]
    _, pitch, lead = rng.choices(shortlist, weights=weights)[0]
    return pitch, lead


def start_line(rng: random.Random, first: Event, harmony: Harmony, state: LineState) -> None:
    """A phrase's first note: near where the last phrase ended, or in a fresh register."""
    chord = harmony.at(first.start)
    centre = state.pitch + rng.choice([-7, -5, -3, 0, 2, 4, 7])
    if rng.random() < 0.25:
        centre = rng.randint(62, 76)
    pool = (
        members(chord.tones)
        if is_anchor(first.start) or rng.random() < 0.6
        else members(chord.scale)
    )
    first.pitch = nearest(min(max(centre, 60), 79), pool)
    if first.pitch > 74:
        state.direction = -1
    elif first.pitch < 64:
        state.direction = +1


def fill_line(
    rng: random.Random,
    notes: list[Event],
    harmony: Harmony,
    state: LineState,
    keep_first: bool = False,
) -> None:
    """Give pitches to the notes of a phrase (targets on strong beats, lines between).

    With keep_first, the first note already has its pitch and the line goes on from it.
    """
    anchors = [0] + [i for i, n in enumerate(notes) if i and is_anchor(n.start)]
    if anchors[-1] != len(notes) - 1:
        anchors.append(len(notes) - 1)
    if not keep_first:
        start_line(rng, notes[0], harmony, state)
    for a, b in itertools.pairwise(anchors):
        origin = notes[a].pitch
        assert origin is not None
        between = b - a - 1
        max_len = min(3, between)
        approach_len = weighted(rng, {0: 0.3, 1: 0.35, 2: 0.25, 3: 0.1}) if between else 0
        approach_len = min(approach_len, max_len)
        body = between - approach_len
        arpeggio = rng.random() < (0.55 if state.direction > 0 else 0.3)
        leap = body > 0 and rng.random() < 0.12
        pitch = origin
        for k in range(body):
            here = harmony.at(notes[a + 1 + k].start)
            pool_k = (
                members(here.tones)
                if arpeggio
                else (bebop_scale(here) if state.direction < 0 else members(here.scale))
            )
            nxt = step(pitch, state.direction, pool_k, skip=1 if leap and k == 0 else 0)
            if not LOW + 2 <= nxt <= HIGH - 2:
                state.direction *= -1
                nxt = step(pitch, state.direction, pool_k)
            if leap and k == 0:
                state.direction *= -1  # after a leap, turn back
            notes[a + 1 + k].pitch = nxt
            pitch = nxt
        final = b == len(notes) - 1
        target_chord = harmony.at(notes[b].start)
        target, lead = pick_target(
            rng,
            target_chord,
            pitch,
            state.direction,
            approach_len,
            final,
            is_anchor(notes[b].start),
        )
        for k, p in enumerate(lead):
            notes[a + 1 + body + k].pitch = p
        notes[b].pitch = target
        if target > 77:
            state.direction = -1
        elif target < 62:
            state.direction = +1
        elif rng.random() < 0.3:
            state.direction *= -1
    soften_long_approaches(notes, harmony)
    state.pitch = notes[-1].pitch or state.pitch


def soften_long_approaches(notes: list[Event], harmony: Harmony) -> None:
    """A chromatic note held a beat or more clashes: make it a scale step into the next note."""
    for note, nxt in itertools.pairwise(notes):
        assert note.pitch is not None and nxt.pitch is not None
        chord = harmony.at(note.start)
        if note.duration >= 1 and chord.pitch_type(note.pitch) in "AX":
            side = 1 if note.pitch > nxt.pitch else -1
            note.pitch = step(nxt.pitch, side, members(chord.scale))


def sequence_phrase(
    rng: random.Random,
    start: Fraction,
    stop: Fraction,
    style: str,
    harmony: Harmony,
    state: LineState,
) -> list[Event]:
    """A phrase whose first bar comes back one bar later, transposed with the chord.

    The restatement keeps the motif's rhythm and shape; each note then moves to the nearest
    chord (or scale) tone if the new chord needs it. The phrase goes on from there as a line.
    """
    bar_end = (start // BEATS_PER_BAR + 1) * BEATS_PER_BAR
    motif = cells_until(rng, start, bar_end, style)
    copy = [Event(e.start + BEATS_PER_BAR, e.duration, e.rest) for e in motif]
    tail_start = bar_end + BEATS_PER_BAR
    tail = cells_until(rng, tail_start, stop - 1, style) if stop - tail_start >= 2 else []
    tail_end = tail[-1].start + tail[-1].duration if tail else tail_start
    events = [*motif, *copy, *tail, final_note(rng, tail_end)]
    motif_notes = [e for e in motif if not e.rest]
    fill_line(rng, [*motif_notes, copy[0]], harmony, state)
    if start % BEATS_PER_BAR:  # a breath between motif and restatement: land on a chord tone
        fix_final(motif_notes, harmony)
    old, new = harmony.at(motif_notes[0].start), harmony.at(copy[0].start)
    shift = (new.root - old.root) % 12
    shift = shift - 12 if shift > 6 else shift
    if old.symbol == new.symbol and rng.random() < 0.5:
        shift = rng.choice([-2, 2])  # same chord: sequence a step away (snapped to the chord)
    for m, c in zip(motif, copy, strict=True):
        if m.rest:
            continue
        assert m.pitch is not None
        kind = harmony.at(m.start).pitch_type(m.pitch)
        c.pitch = snap(m.pitch + shift, kind, harmony.at(c.start))
    if any(not LOW <= (c.pitch or LOW) <= HIGH for c in copy):
        for m, c in zip(motif, copy, strict=True):
            if m.pitch is not None:  # too high or low to transpose: restate it where it was
                kind = harmony.at(m.start).pitch_type(m.pitch)
                c.pitch = snap(m.pitch, kind, harmony.at(c.start))
    rest_notes = [e for e in events if not e.rest]
    last_copy = [e for e in copy if not e.rest][-1]
    from_copy = rest_notes[rest_notes.index(last_copy) :]
    fill_line(rng, from_copy, harmony, state, keep_first=True)
    return events


# Blues riffs: (onset in the bar, duration, semitones above the blues tonic), stated twice.
RIFFS = (
    ((HALF, HALF, 3), (F(1), HALF, 4), (F(3, 2), HALF, 7), (F(2), F(1), 10), (F(3), F(1), 7)),
    (
        (F(0), HALF, 12),
        (HALF, HALF, 10),
        (F(1), HALF, 7),
        (F(3, 2), HALF, 6),
        (F(2), F(1), 7),
        (F(3), F(1), 3),
    ),
    (
        (F(0), THIRD, 7),
        (THIRD, THIRD, 10),
        (F(2, 3), THIRD, 12),
        (F(1), HALF, 10),
        (F(3, 2), HALF, 7),
        (F(2), F(2), 12),
    ),
    ((HALF, HALF, 5), (F(1), HALF, 6), (F(3, 2), HALF, 7), (F(2), HALF, 10), (F(5, 2), F(3, 2), 7)),
)


def riff_phrase(rng: random.Random, bar_start: Fraction, tonic_pc: int) -> list[Event]:
    """A blues-scale riff over two bars, stated twice."""
    riff = rng.choice(RIFFS)
    base = 60 + (tonic_pc - 60) % 12
    if base > 66:
        base -= 12
    events = []
    for bar in range(2):
        for onset, dur, semis in riff:
            start = bar_start + bar * BEATS_PER_BAR + onset
            events.append(Event(start, dur, pitch=base + semis))
    return events


# --------------------------------------------------------------------------------------------
# A whole solo

REST_BEATS = {"1": 0.25, "1.5": 0.25, "2": 0.25, "2.5": 0.1, "3": 0.1, "4": 0.05}


def solo(rng: random.Random, tune: Tune, harmony: Harmony) -> list[Event]:
    """Notes and rests covering the piece from beat 0 to its end, gap-free."""
    end = harmony.end
    state = LineState(pitch=rng.randint(64, 72))
    events: list[Event] = []
    t = F(rng.choice([0, 0, 1, 2])) + (HALF if rng.random() < 0.3 else 0)
    while end - t >= 4:
        bars_left = int((end - t) // BEATS_PER_BAR)
        length = min(weighted(rng, {1: 0.15, 2: 0.4, 3: 0.25, 4: 0.2}), max(bars_left, 1))
        at_bar = t % BEATS_PER_BAR == 0
        if tune.blues_tonic is not None and at_bar and length >= 2 and rng.random() < 0.2:
            phrase = riff_phrase(rng, t, tune.blues_tonic)
        else:
            stop = t + length * BEATS_PER_BAR - weighted(rng, {1: 0.3, 2: 0.45, 3: 0.25})
            style = weighted(rng, {"bebop": 0.5, "mixed": 0.35, "lyric": 0.15})
            if length >= 2 and t % BEATS_PER_BAR <= 1 and rng.random() < 0.3:
                phrase = sequence_phrase(rng, t, stop, style, harmony, state)
            else:
                phrase = phrase_rhythm(rng, t, max(stop, t + 2), style)
                fill_line(rng, [e for e in phrase if not e.rest], harmony, state)
        phrase = [e for e in phrase if e.start < end]
        last = phrase[-1]
        last.duration = min(last.duration, end - last.start)
        fix_final([e for e in phrase if not e.rest], harmony)
        events.extend(phrase)
        t = last.start + last.duration
        rest = F(weighted(rng, REST_BEATS))
        if last.duration < 1:
            rest += 1
        t += rest
    notes = [e for e in events if not e.rest]
    return notes


def fix_final(notes: list[Event], harmony: Harmony) -> None:
    """Make sure a phrase ends on a chord tone."""
    last = notes[-1]
    assert last.pitch is not None
    last.pitch = snap(last.pitch, "C", harmony.at(last.start))


# --------------------------------------------------------------------------------------------
# Accompaniment


def walking_bass(rng: random.Random, spans: Sequence[Span], end: Fraction) -> list[Event]:
    """Quarter notes: the root on each chord's onset, chord tones, a chromatic approach."""
    harmony = Harmony(spans)
    changes = {s.start for s in spans} | {F(b) for b in range(0, int(end), BEATS_PER_BAR)}
    line: list[Event] = []
    pitch, direction = 41, 1
    for beat in range(int(end)):
        t = F(beat)
        chord = harmony.at(t)
        if t in changes:
            pitch = nearest(pitch, [p for p in range(33, 48) if p % 12 == chord.root])
        elif t + 1 < end and t + 1 in changes:
            root = nearest(pitch, [p for p in range(33, 48) if p % 12 == harmony.at(t + 1).root])
            sides = [root + d for d in (-1, 1) if root + d != pitch]
            sides.sort(key=lambda p: abs(p - pitch))  # the nearer side, now and then the other
            pitch = sides[0] if len(sides) == 1 or rng.random() < 0.75 else sides[1]
        else:
            tones = [p for p in range(31, 51) if p % 12 in chord.tones]
            if not tones[0] < pitch < tones[-1]:
                direction = 1 if pitch <= tones[0] else -1
            pitch = step(pitch, direction, tones)
        line.append(Event(t, F(1), pitch=pitch))
    return line


# --------------------------------------------------------------------------------------------
# Writing


def seconds(beats: Fraction, tempo: int) -> float:
    return float(beats * 60 / tempo)


def build_midi(spec: PieceSpec) -> tuple[pretty_midi.PrettyMIDI, list[Event], list[Span]]:
    """The piece as a PrettyMIDI object, plus its melody and chords in beats."""
    tune = TUNES[spec.tune]
    rng = random.Random(f"{SEED}:{spec.name}")
    spans = chord_spans(tune, spec.choruses)
    harmony = Harmony(spans)
    melody = solo(rng, tune, harmony)
    pm = pretty_midi.PrettyMIDI(resolution=RESOLUTION, initial_tempo=float(spec.tempo))
    pm.time_signature_changes.append(pretty_midi.TimeSignature(4, 4, 0.0))
    lead = pretty_midi.Instrument(program=spec.program, name="Melody")
    for note in melody:
        assert note.pitch is not None
        accent = 96 if note.start % 1 else 88  # swing players lean on the offbeats
        velocity = accent + rng.randint(-6, 6)
        lead.notes.append(
            pretty_midi.Note(
                velocity,
                note.pitch,
                seconds(note.start, spec.tempo),
                seconds(note.start + note.duration, spec.tempo),
            )
        )
    comp = pretty_midi.Instrument(program=PROGRAM_E_PIANO, name="Chords")
    for span in spans:
        for pitch in span.chord.voicing(low=52):
            comp.notes.append(
                pretty_midi.Note(
                    64, pitch, seconds(span.start, spec.tempo), seconds(span.end, spec.tempo)
                )
            )
        pm.text_events.append(pretty_midi.Text(span.symbol, seconds(span.start, spec.tempo)))
    bass = pretty_midi.Instrument(program=PROGRAM_BASS, name="Bass")
    for note in walking_bass(rng, spans, harmony.end):
        assert note.pitch is not None
        bass.notes.append(
            pretty_midi.Note(
                80,
                note.pitch,
                seconds(note.start, spec.tempo),
                seconds(note.start + note.duration, spec.tempo),
            )
        )
    pm.instruments.extend([lead, comp, bass])
    return pm, melody, spans


# --------------------------------------------------------------------------------------------
# Statistics (a listen-check by numbers)


def statistics(pieces: Sequence[tuple[PieceSpec, list[Event], list[Span]]]) -> str:
    """Per-piece counts and corpus-wide musical statistics, as text."""
    lines = []
    strong = strong_ct = 0
    kinds: Counter[str] = Counter()
    intervals: Counter[str] = Counter()
    durations: Counter[str] = Counter()
    rest_beats = total_beats = 0.0
    rests_1 = 0
    lowest, highest = 127, 0
    phrase_end_ct = phrases = 0
    restated = 0
    for spec, melody, spans in pieces:
        harmony = Harmony(spans)
        bars = int(harmony.end) // BEATS_PER_BAR
        lines.append(
            f"{spec.name + '.mid':26} {spec.choruses} x {len(TUNES[spec.tune].form):2} bars "
            f"@ {spec.tempo} bpm: {len(melody):4} notes, {len(melody) / spec.choruses:5.1f} "
            f"per chorus, {len(melody) / bars:4.1f} per bar"
        )
        total_beats += float(harmony.end)
        restated += count_restated_bars(melody)
        cursor = F(0)
        for i, note in enumerate(melody):
            assert note.pitch is not None
            chord = harmony.at(note.start)
            kind = chord.pitch_type(note.pitch)
            kinds[kind] += 1
            if is_anchor(note.start):
                strong += 1
                strong_ct += kind == "C"
            gap = note.start - cursor
            rest_beats += float(gap)
            if gap >= 1:
                rests_1 += 1
                if i:
                    phrases += 1
                    prev = melody[i - 1]
                    assert prev.pitch is not None
                    phrase_end_ct += harmony.at(prev.start).pitch_type(prev.pitch) == "C"
            elif i and gap == 0:
                prev_pitch = melody[i - 1].pitch
                assert prev_pitch is not None
                jump = abs(note.pitch - prev_pitch)
                label = (
                    "0"
                    if jump == 0
                    else "1-2 step"
                    if jump <= 2
                    else "3-4 third"
                    if jump <= 4
                    else "5-7 leap"
                    if jump <= 7
                    else "8+ big leap"
                )
                intervals[label] += 1
            durations[_dur_name(note.duration)] += 1
            cursor = note.start + note.duration
            lowest, highest = min(lowest, note.pitch), max(highest, note.pitch)
    notes = sum(len(m) for _, m, _ in pieces)
    choruses = sum(s.choruses for s, _, _ in pieces)
    n_int = sum(intervals.values())
    lines += [
        "",
        f"total: {len(pieces)} files, {choruses} choruses, {notes} melody notes",
        f"chord tones on beats 1 and 3: {strong_ct / strong:.1%} of {strong} onsets",
        "pitch types (C chord, S scale, A approach, X other): "
        + ", ".join(f"{k} {kinds[k] / notes:.1%}" for k in "CSAX"),
        "intervals inside phrases: "
        + ", ".join(f"{k} {v / n_int:.1%}" for k, v in sorted(intervals.items())),
        "durations: " + ", ".join(f"{k} {v}" for k, v in durations.most_common()),
        f"rests: {rest_beats / total_beats:.1%} of the time, {rests_1} rests of >= 1 beat",
        f"phrases ending on a chord tone: {phrase_end_ct}/{phrases}",
        f"register: MIDI {lowest}-{highest}",
        f"bars that restate the previous bar's rhythm and intervals (motifs): {restated}",
    ]
    return "\n".join(lines)


def count_restated_bars(melody: Sequence[Event]) -> int:
    """Bars that restate the bar before: same rhythm (3 notes or more), shape within 2 semitones."""
    bars: dict[int, list[Event]] = {}
    for note in melody:
        bars.setdefault(int(note.start // BEATS_PER_BAR), []).append(note)

    def rhythm(bar: int) -> list[tuple[Fraction, Fraction]]:
        return [(n.start % BEATS_PER_BAR, n.duration) for n in bars.get(bar, [])]

    def shape(bar: int) -> list[int]:
        notes = bars[bar]
        return [(n.pitch or 0) - (notes[0].pitch or 0) for n in notes]

    return sum(
        1
        for bar in bars
        if len(bars[bar]) >= 3
        and rhythm(bar) == rhythm(bar - 1)
        and all(abs(a - b) <= 2 for a, b in zip(shape(bar), shape(bar - 1), strict=True))
    )


def _dur_name(d: Fraction) -> str:
    return {
        F(1, 4): "16th",
        F(1, 3): "8th-triplet",
        F(1, 2): "8th",
        F(2, 3): "quarter-triplet",
        F(1): "quarter",
        F(3, 2): "dotted quarter",
        F(2): "half",
    }.get(d, f"{float(d):g} beats")


def write_corpus(out: Path, report: Callable[[str], None] | None = print) -> list[Path]:
    """Write every piece into out (created if missing); return the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written, made = [], []
    for spec in PIECES:
        pm, melody, spans = build_midi(spec)
        path = out / f"{spec.name}.mid"
        pm.write(str(path))
        written.append(path)
        made.append((spec, melody, spans))
    if report is not None:
        report(statistics(made))
    return written


def main(argv: Sequence[str] | None = None) -> int:
    default = Path(__file__).resolve().parents[1] / "jazzwidget" / "music" / "data"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default, help="folder for the MIDI files")
    parser.add_argument("--quiet", action="store_true", help="print no statistics")
    args = parser.parse_args(argv)
    paths = write_corpus(args.out, None if args.quiet else print)
    size = sum(p.stat().st_size for p in paths)
    if not args.quiet:
        print(f"wrote {len(paths)} files, {size / 1024:.1f} KiB, into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
