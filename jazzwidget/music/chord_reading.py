"""Reading the chords of a piece: the file's own chord symbols, or chords estimated from its notes.

Symbols come from MIDI text events, lyrics or markers, or from music21 chord symbols. Without
them, chords are named per beat or half bar from the other tracks (piano-like ones first) with
`harmony.name_chord`, or per bar from the melody alone; equal neighbours are merged into one span.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from typing import Any

from jazzwidget.errors import ChordError
from jazzwidget.music.harmony import name_chord, parse_chord
from jazzwidget.music.melody import TINY_GAP
from jazzwidget.music.musicxml_chords import music21_degrees, symbol_of_kind
from jazzwidget.music.piece import ChordSpan, TrackInfo
from jazzwidget.music.raw import EPS, RawNote, RawScore

CHORD_TRACK_WORDS = ("piano", "keys", "keyboard", "comp", "chord", "rhodes")
_MUSIC21_FLAT = re.compile(r"(^|/)([A-Ga-g])(-+)")


def chord_texts(
    events: Sequence[tuple[float, str]], where: str
) -> tuple[list[tuple[float, str]], str]:
    """The events whose text is a chord symbol, if the texts look like a chord track."""
    texts = [(t, text.strip()) for t, text in events if text and text.strip()]
    symbols: list[tuple[float, str]] = []
    for t, text in texts:
        try:
            symbols.append((t, parse_chord(text).symbol))
        except ChordError:
            continue
    # One stray "A" in a title is not a chord track: ask for two symbols, or only symbols.
    if not symbols or (len(symbols) < 2 and len(symbols) < len(texts)):
        return [], ""
    symbols = sorted(set(symbols))
    return symbols, f"chord symbols in the file's {where}"


def music21_symbol(symbol: Any) -> str | None:
    """Our spelling of a music21 ChordSymbol: its figure ('B-7' -> 'Bb7'); else its MusicXML
    kind with its <degree>s ('D7 add b9' -> 'D7b9', 'E-6 add 9' -> 'Eb69'); else a name for its
    pitches (`name_chord`)."""
    figure = symbol.figure or ""
    figure = _MUSIC21_FLAT.sub(lambda m: m.group(1) + m.group(2) + "b" * len(m.group(3)), figure)
    try:
        return parse_chord(figure).symbol
    except ChordError:
        pass
    root, bass = symbol.root(), symbol.bass()
    if root is not None and symbol.chordKind:
        found = symbol_of_kind(root.name, symbol.chordKind, music21_degrees(symbol),
                               bass.name if bass is not None else "")
        if found is not None:
            return found
    return name_chord([int(p.midi) for p in symbol.pitches])


def find_chords(
    raw: RawScore, melody_index: int, tracks: list[TrackInfo], start: float, end: float
) -> tuple[list[ChordSpan], str]:
    symbols, where = raw.symbols, raw.symbols_from
    if not symbols and raw.melody_symbols:
        part = melody_index if melody_index in raw.melody_symbols else min(raw.melody_symbols)
        symbols = raw.melody_symbols[part]
        where = "chord symbols in the melody part" if part == melody_index else (
            f'chord symbols in part {part} "{tracks[part].name}"')
    if symbols:
        spans = symbol_spans(symbols, start, end)
        if spans:
            used = sum(1 for t, _ in symbols if start - EPS <= t < end)
            return spans, f"{where} ({used})"

    sources = _chord_tracks(raw, melody_index, tracks, start, end)
    if sources:
        step = _estimate_step(raw.beats_per_bar)
        spans = _estimate(
            [n for i in sources for n in raw.tracks[i].notes], start, end, step
        )
        if spans:
            names = ", ".join(f'"{tracks[i].name}"' for i in sources)
            unit = "beat" if step == 1 else "half bar" if step * 2 == raw.beats_per_bar else \
                f"{step:g} beats"
            return spans, f"estimated per {unit} from the other tracks ({names})"
    spans = _estimate(raw.tracks[melody_index].notes, start, end, float(raw.beats_per_bar))
    return spans, "estimated per bar from the melody alone"


def _estimate_step(beats_per_bar: int) -> float:
    """Chord estimation step in beats: half a bar in even meters, else a bar."""
    return beats_per_bar / 2 if beats_per_bar % 2 == 0 else float(beats_per_bar)


def _chord_tracks(
    raw: RawScore, melody_index: int, tracks: list[TrackInfo], start: float, end: float
) -> list[int]:
    """Tracks to estimate chords from: piano-like tracks first, else all other pitched ones."""
    playing = [
        t.index for t in tracks
        if t.index != melody_index and not t.is_drum
        and any(start - TINY_GAP <= s < end and e > start for s, e, _ in raw.tracks[t.index].notes)
    ]
    exact = [i for i in playing if tracks[i].name.casefold() == "piano"]
    if exact:
        return exact
    keyboards = [i for i in playing if any(w in tracks[i].name.casefold()
                                           for w in CHORD_TRACK_WORDS)]
    return keyboards or playing


def symbol_spans(symbols: list[tuple[float, str]], start: float, end: float) -> list[ChordSpan]:
    """Spans from chord symbols: the one sounding at ``start`` and those after, to ``end``."""
    before = [s for s in symbols if s[0] <= start + EPS]
    inside = [s for s in symbols if start + EPS < s[0] < end - EPS]
    chosen = ([before[-1]] if before else []) + inside
    if not chosen:
        return []
    spans: list[ChordSpan] = []
    for i, (t, symbol) in enumerate(chosen):
        span_start = 0.0 if i == 0 else t - start
        span_end = chosen[i + 1][0] - start if i + 1 < len(chosen) else end - start
        spans.append(ChordSpan(symbol, round(span_start, 6), round(span_end, 6)))
    return _merge(spans)


def _estimate(notes: list[RawNote], start: float, end: float, step: float) -> list[ChordSpan]:
    """Name the chord of each step-long segment on the file's own grid; merge equal neighbours."""
    notes = sorted(notes)
    starts = [s for s, _, _ in notes]
    longest = max((e - s for s, e, _ in notes), default=0.0)
    first = math.floor(start / step + EPS) * step
    segments: list[tuple[float, float, str | None]] = []
    t = first
    while t < end - EPS:
        a, b = max(t, start), min(t + step, end)
        pitches: list[int] = []
        weights: list[float] = []
        for s, e, p in notes[bisect.bisect_left(starts, a - longest):
                             bisect.bisect_left(starts, b)]:
            overlap = min(e, b) - max(s, a)
            if overlap > EPS:
                pitches.append(p)
                weights.append(overlap)
        segments.append((a, b, name_chord(pitches, weights)))
        t += step
    names = [name for _, _, name in segments]
    if not any(names):
        return []
    filled: list[str] = []
    carry = next(name for name in names if name)
    for name in names:  # silent segments keep the chord before (the first found at the start)
        carry = name or carry
        filled.append(carry)
    spans = [ChordSpan(name, round(a - start, 6), round(b - start, 6))
             for (a, b, _), name in zip(segments, filled, strict=True)]
    return _merge(spans)


def _merge(spans: list[ChordSpan]) -> list[ChordSpan]:
    merged: list[ChordSpan] = []
    for span in spans:
        if merged and merged[-1].symbol == span.symbol:
            merged[-1] = ChordSpan(span.symbol, merged[-1].start, span.end)
        elif span.end > span.start + EPS:
            merged.append(span)
    return merged
