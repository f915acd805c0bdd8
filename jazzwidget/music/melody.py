"""The melody line of a piece: which track holds it, and its notes and rests in a window.

A track is reduced to a monophonic line (the "skyline"), cut to the requested window and turned
into melody events: rests fill the silences, and gaps shorter than `TINY_GAP` are folded into the
note before. The track is the one asked for (by name, index or General MIDI program) or the most
melody-like, with the reason for the choice.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from typing import cast

from jazzwidget.errors import NoMelodyError
from jazzwidget.music.piece import MelodyEvent, TrackInfo
from jazzwidget.music.raw import EPS, RawNote, RawScore, RawTrack

# Beats. A silence shorter than a 32nd note is articulation, not a rest: it is folded into the
# note before. (1/16 gave 291 events on the seed's solo, where music21's quantized reading gives
# 245; 1/8 gives 257.) Onsets this much before a window's start (or end) belong to it (or not).
TINY_GAP = 1 / 8
ONSET_TOLERANCE = 1 / 32  # beats: onsets closer than this count as one (strummed chords)
MELODIC_REGISTER = (55, 84)  # MIDI pitches where a melody's median usually lies


def polyphony(notes: Sequence[RawNote]) -> float:
    """Share of notes that sound together with another note of the same track."""
    if not notes:
        return 0.0
    ordered = sorted(notes)
    overlapping: set[int] = set()
    holder, holder_end = -1, -math.inf  # the note that reaches furthest so far
    for i, (start, end, _) in enumerate(ordered):
        if start < holder_end - ONSET_TOLERANCE or (
            holder >= 0 and abs(start - ordered[holder][0]) < ONSET_TOLERANCE
        ):
            overlapping.update((i, holder))
        if end > holder_end:
            holder, holder_end = i, end
    return round(len(overlapping) / len(ordered), 4)


def skyline(notes: Sequence[RawNote]) -> list[RawNote]:
    """A monophonic line: the highest note at each onset, cut where the next onset starts.

    Onsets closer than `ONSET_TOLERANCE` count as one (the earliest start is kept).
    """
    ordered = sorted(notes)
    groups: list[list[RawNote]] = []
    for note in ordered:
        if groups and note[0] - groups[-1][0][0] < ONSET_TOLERANCE:
            groups[-1].append(note)
        else:
            groups.append([note])
    line: list[RawNote] = []
    for group in groups:
        top = max(group, key=lambda n: (n[2], n[1]))
        start = group[0][0]
        if line and line[-1][1] > start:
            prev = line[-1]
            line[-1] = (prev[0], start, prev[2])
        line.append((start, top[1], top[2]))
    return [n for n in line if n[1] > n[0] + EPS]


def cut_window(line: list[RawNote], start: float, end: float) -> list[RawNote]:
    """The notes with an onset in [start, end), tolerant of onsets played just early."""
    inside: list[RawNote] = []
    for note_start, note_end, pitch in line:
        if start - TINY_GAP <= note_start < end - TINY_GAP:
            clipped = (max(note_start, start), min(note_end, end), pitch)
            if clipped[1] > clipped[0] + EPS:
                inside.append(clipped)
    return inside


def _event(start: float, end: float, pitch: int | None) -> MelodyEvent:
    start, end = round(float(start), 6), round(float(end), 6)
    return MelodyEvent(start, round(end - start, 6), pitch)


def melody_events(notes: list[RawNote], start: float, end: float) -> list[MelodyEvent]:
    """Notes and rests from ``start`` to ``end``, shifted to begin at 0, tiny gaps folded."""
    events: list[MelodyEvent] = []
    cursor = start
    for i, (note_start, note_end, pitch) in enumerate(notes):
        if note_start - cursor >= TINY_GAP:
            events.append(_event(cursor - start, note_start - start, None))
        else:
            note_start = cursor  # a tiny gap at the window start: the first note starts there
        next_start = notes[i + 1][0] if i + 1 < len(notes) else end
        if next_start - note_end < TINY_GAP and i + 1 < len(notes):
            note_end = max(note_end, next_start)
        events.append(_event(note_start - start, note_end - start, pitch))
        cursor = note_end
    if end - cursor >= TINY_GAP:
        events.append(_event(cursor - start, end - start, None))
    elif end > cursor and events:
        events[-1] = _event(events[-1].start, end - start, events[-1].pitch)
    return events


# ---------------------------------------------------------------------------- melody choice
def choose_melody(
    raw: RawScore, tracks: list[TrackInfo], melody: str | int | None, start: float, end: float
) -> tuple[int, str]:
    if melody is None:
        return _guess_melody(raw, tracks, start, end)
    if isinstance(melody, bool) or not isinstance(cast("object", melody), int | str):
        raise NoMelodyError(
            f"melody={melody!r} is not a track name, index or 'program:N': {_listing(tracks)}"
        )
    if isinstance(melody, int):
        if not 0 <= melody < len(tracks):
            raise NoMelodyError(
                f"{raw.name!r} has no track {melody}: {_listing(tracks)}; pass one of these "
                "indexes or names as melody="
            )
        return _usable(raw, tracks, melody, f'track {melody} "{tracks[melody].name}" '
                                            "(asked for by index)")
    text = melody.strip()
    program = re.fullmatch(r"program\s*:\s*(\d+)", text, flags=re.IGNORECASE)
    if program:
        number = int(program.group(1))
        matches = [t.index for t in tracks if t.program == number and not t.is_drum and t.notes]
        if not matches:
            raise NoMelodyError(
                f"{raw.name!r} has no track with General MIDI program {number}: "
                f"{_listing(tracks)}; pass one of these as melody="
            )
        best = max(matches, key=lambda i: _melody_score(raw.tracks[i], tracks[i], start, end))
        return _usable(raw, tracks, best, f'track {best} "{tracks[best].name}" '
                                          f"(asked for by program {number})")
    wanted = text.casefold()
    exact = [t.index for t in tracks if t.name.casefold() == wanted]
    partial = [t.index for t in tracks if wanted and wanted in t.name.casefold()]
    matches = exact or partial
    if not matches and text.isdigit():
        return choose_melody(raw, tracks, int(text), start, end)
    if not matches:
        raise NoMelodyError(
            f"{raw.name!r} has no track named {melody!r}: {_listing(tracks)}; pass one of these "
            "names or indexes as melody="
        )
    best = max(matches, key=lambda i: _melody_score(raw.tracks[i], tracks[i], start, end))
    how = "asked for by name" if exact else f"name contains {melody!r}"
    return _usable(raw, tracks, best, f'track {best} "{tracks[best].name}" ({how})')


def _usable(raw: RawScore, tracks: list[TrackInfo], index: int, reason: str) -> tuple[int, str]:
    track = tracks[index]
    if track.is_drum or not track.notes:
        what = "is a drum track" if track.is_drum else "has no notes"
        raise NoMelodyError(
            f'track {index} "{track.name}" of {raw.name!r} {what}, so it cannot be the melody: '
            f"{_listing(tracks)}"
        )
    return index, reason


def _melody_score(raw: RawTrack, info: TrackInfo, start: float, end: float) -> float:
    """How melody-like a track is: many notes, one at a time, in a melodic register."""
    notes = [n for n in raw.notes if start - TINY_GAP <= n[0] < end]
    if info.is_drum or not notes:
        return -1.0
    median = statistics.median(p for _, _, p in notes)
    low, high = MELODIC_REGISTER
    distance = max(low - median, median - high, 0)
    register = math.exp(-distance / 4)
    one_at_a_time = (1 - polyphony(notes)) ** 2 + 0.01  # a chords-only file still gives a line
    return len(notes) * one_at_a_time * register


def _guess_melody(
    raw: RawScore, tracks: list[TrackInfo], start: float, end: float
) -> tuple[int, str]:
    scores = sorted(
        ((_melody_score(raw.tracks[t.index], t, start, end), t.index) for t in tracks),
        reverse=True,
    )
    if not scores or scores[0][0] <= 0:
        raise NoMelodyError(
            f"{raw.name!r} has no pitched notes between beats {start:g} and {end:g}: the file is "
            f"{raw.length_text} beats long; choose a window inside it"
        )
    best = scores[0][1]
    track = tracks[best]
    median = statistics.median(p for _, _, p in raw.tracks[best].notes)
    low, high = MELODIC_REGISTER
    register = "a melodic register" if low <= median <= high else "the best register available"
    reason = (
        f'track {best} "{track.name}": the most melody-like ({track.notes} notes, median pitch '
        f"{median:g} in {register}, {track.polyphony:.0%} polyphony)"
    )
    if len(scores) > 1 and scores[1][0] > 0:
        runner = tracks[scores[1][1]]
        reason += f'; next best track {runner.index} "{runner.name}"'
    return best, reason


def _listing(tracks: list[TrackInfo]) -> str:
    if not tracks:
        return "the file has no tracks"
    return "tracks are " + ", ".join(
        f'{t.index} "{t.name}"' + (" (drums)" if t.is_drum else "") for t in tracks
    )
