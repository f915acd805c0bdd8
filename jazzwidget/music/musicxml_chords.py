"""Our chord symbols as MusicXML writes chords, and back: a root, a chord kind, <degree>s, a bass.

MusicXML's <harmony> names a chord by a *kind* (dominant, half-diminished, major-sixth, ...) and
spells what the kind does not say as <degree>s: a tone added ("add b9"), taken away ("subtract
5") or altered ("alter b5"). music21's ChordSymbol holds the same (``chordKind`` and its
ChordStepModifications) and writes and reads them. Writing each of our qualities as the kind a
reader expects plus the degrees that make its exact tones, and reading a kind with its degrees
back into our quality, carries every chord of `harmony.QUALITIES` through a MusicXML file
(``tests/unit/test_music21_kinds.py``).

>>> music21_chord_symbol("D7b9").figure
'D7 add b9'
>>> symbol_of_kind("D", "dominant", [("add", 9, -1)], "")
'D7b9'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from jazzwidget.music.harmony import QUALITIES, parse_chord

if TYPE_CHECKING:
    import music21

# A MusicXML <degree>, as music21 takes it: its type ("add", "subtract" or "alter"), the degree
# (3, 5, 7, 9, 11, 13, or 6 in a sixth chord) and its alteration in semitones from the major or
# perfect interval of that degree (7 with -1 is a minor seventh).
Degree = tuple[str, int, int]

# Semitones above the root of each degree, major or perfect.
DEGREE_SEMITONES = {1: 0, 2: 2, 3: 4, 4: 5, 5: 7, 6: 9, 7: 11, 9: 2, 11: 5, 13: 9}

# MusicXML chord kinds and the tones each names, by degree: semitones above the root. The 9th
# under an 11th and the 9th and 11th under a 13th are implied (music21 stacks them, readers show
# "11" and "13"), as in our own "11" and "13" qualities, so they are left out here.
MUSICXML_KINDS: dict[str, dict[int, int]] = {
    "major": {1: 0, 3: 4, 5: 7},
    "minor": {1: 0, 3: 3, 5: 7},
    "augmented": {1: 0, 3: 4, 5: 8},
    "diminished": {1: 0, 3: 3, 5: 6},
    "dominant": {1: 0, 3: 4, 5: 7, 7: 10},
    "major-seventh": {1: 0, 3: 4, 5: 7, 7: 11},
    "minor-seventh": {1: 0, 3: 3, 5: 7, 7: 10},
    "diminished-seventh": {1: 0, 3: 3, 5: 6, 7: 9},
    "augmented-seventh": {1: 0, 3: 4, 5: 8, 7: 10},
    "half-diminished": {1: 0, 3: 3, 5: 6, 7: 10},
    "major-minor": {1: 0, 3: 3, 5: 7, 7: 11},
    "major-sixth": {1: 0, 3: 4, 5: 7, 6: 9},
    "minor-sixth": {1: 0, 3: 3, 5: 7, 6: 9},
    "dominant-ninth": {1: 0, 3: 4, 5: 7, 7: 10, 9: 2},
    "major-ninth": {1: 0, 3: 4, 5: 7, 7: 11, 9: 2},
    "minor-ninth": {1: 0, 3: 3, 5: 7, 7: 10, 9: 2},
    "dominant-11th": {1: 0, 3: 4, 5: 7, 7: 10, 11: 5},
    "minor-11th": {1: 0, 3: 3, 5: 7, 7: 10, 11: 5},
    "dominant-13th": {1: 0, 3: 4, 5: 7, 7: 10, 13: 9},
    "suspended-second": {1: 0, 2: 2, 5: 7},
    "suspended-fourth": {1: 0, 4: 5, 5: 7},
}
# music21's names for three MusicXML kinds (its harmony.CHORD_ALIASES, the other way round).
_MUSIC21_KIND_NAMES = {"dominant-seventh": "dominant", "minor-major-seventh": "major-minor",
                       "half-diminished-seventh": "half-diminished"}

# A major third with a minor seventh is a dominant, whatever its fifth and tensions: the richest
# of these kinds whose tones (the fifth aside) the chord holds.
_DOMINANT_KINDS = ("dominant-13th", "dominant-11th", "dominant-ninth", "dominant")


def _tones(kind: str) -> frozenset[int]:
    return frozenset(MUSICXML_KINDS[kind].values())


def chord_kind(intervals: Iterable[int]) -> str:
    """The MusicXML chord kind for a chord of these intervals above its root.

    The kind that names the chord exactly wins (half-diminished for m7b5, augmented-seventh for
    7#5). Else a major third with a minor seventh is a dominant, whatever its fifth and tensions
    (7b9 and 7alt are dominants with degrees, never the half-diminished that their #9 and #11
    spell). Else the kind that needs the fewest degrees, kinds that need only added tones first
    (a major-sixth plus a 9th for 6/9, a suspended-fourth plus a minor 7th for 7sus4), the
    richer kind on a tie.

    >>> chord_kind({0, 4, 10, 1, 3, 6, 8}), chord_kind({0, 3, 6, 10}), chord_kind({0, 4, 7, 9, 2})
    ('dominant', 'half-diminished', 'major-sixth')
    """
    chord = frozenset(intervals) | {0}
    for kind in MUSICXML_KINDS:
        if _tones(kind) == chord:
            return kind
    if {4, 10} <= chord:
        return next(kind for kind in _DOMINANT_KINDS if _tones(kind) - {7} <= chord)
    return min(MUSICXML_KINDS, key=lambda kind: (not _tones(kind) <= chord,
                                                 len(_tones(kind) ^ chord), -len(_tones(kind))))


def _degree_of(interval: int, chord: frozenset[int]) -> tuple[int, int]:
    """The degree and alteration that name an interval above the root, in this chord."""
    no_fifth = 7 not in chord
    if interval == 3 and 4 in chord:
        return 9, 1  # a #9 beside the major third
    if interval == 6 and no_fifth and 8 not in chord:
        return 5, -1  # a b5 in the fifth's place
    if interval == 8 and no_fifth and 6 not in chord:
        return 5, 1  # a #5 in the fifth's place
    if interval == 9 and not chord & {10, 11}:
        return 6, 0  # a sixth (no seventh), not a 13th
    return {1: (9, -1), 2: (9, 0), 3: (3, -1), 4: (3, 0), 5: (11, 0), 6: (11, 1), 7: (5, 0),
            8: (13, -1), 9: (13, 0), 10: (7, -1), 11: (7, 0)}[interval]


def chord_degrees(intervals: Iterable[int], kind: str) -> list[Degree]:
    """The <degree>s that make a MusicXML chord kind into exactly these intervals.

    A tone the kind lacks is added, a tone of the kind the chord lacks is subtracted; a
    subtracted and an added tone of the same degree are one alteration (the b5 of a 7b5).

    >>> chord_degrees({0, 4, 10, 1, 3, 6, 8}, "dominant")
    [('subtract', 5, 0), ('add', 9, -1), ('add', 9, 1), ('add', 11, 1), ('add', 13, -1)]
    >>> chord_degrees({0, 4, 6, 10}, "dominant")
    [('alter', 5, -1)]
    """
    chord = frozenset(intervals) | {0}
    named = MUSICXML_KINDS[kind]
    added = [_degree_of(i, chord) for i in sorted(chord - _tones(kind))]
    degrees: list[Degree] = []
    for degree, interval in named.items():
        if interval in chord:
            continue
        same = [alter for d, alter in added if d == degree]
        if same:
            added.remove((degree, same[0]))
            degrees.append(("alter", degree, same[0]))
        else:
            degrees.append(("subtract", degree, interval - DEGREE_SEMITONES[degree]))
    return degrees + [("add", degree, alter) for degree, alter in added]


def music21_chord_symbol(symbol: str) -> music21.harmony.ChordSymbol:
    """A music21 ChordSymbol for one of our symbols, as MusicXML writes a chord.

    Its root and bass are spelled music21's way ("B-", "A-"), its kind is `chord_kind`'s, its
    ChordStepModifications are `chord_degrees`', and our quality is the kind's display text
    (``chordKindStr``, MusicXML's ``<kind text=...>``) when it has no degrees. Its pitches are
    our chord tones and the bass, with the 9th under an 11th and the 9th and 11th under a 13th
    that those kinds imply; `symbol_of_kind` reads it back as the same symbol.

    Raises
    ------
    ChordError : the symbol is not one `harmony.parse_chord` reads.
    """
    from music21 import harmony

    parsed = parse_chord(symbol)
    root, quality, bass = parsed.spelling
    root, bass = (name[:1] + name[1:].replace("b", "-") for name in (root, bass))
    intervals = {(pc - parsed.root) % 12 for pc in parsed.tones}
    kind = chord_kind(intervals)
    degrees = chord_degrees(intervals, kind)
    # A reader shows the kind's text and then the degrees: our quality as the text would say
    # the degrees twice ("7#9(#9)"), so a chord with degrees is shown by its kind ("7(#9)").
    music21_kind = next((name for name, xml in _MUSIC21_KIND_NAMES.items() if xml == kind), kind)
    written = harmony.ChordSymbol(root=root, bass=bass or None, kind=music21_kind,
                                  kindStr="" if degrees else quality)
    for mod_type, degree, alter in degrees:
        written.addChordStepModification(
            harmony.ChordStepModification(mod_type, degree, alter), updatePitches=True)
    return written


def symbol_of_kind(root: str, kind: str, degrees: Iterable[Degree], bass: str) -> str | None:
    """Our symbol for a MusicXML chord (root and bass spelled "Bb" or "B-"), or None when no
    quality of ours has exactly its tones (or the kind is not one of `MUSICXML_KINDS`).

    >>> symbol_of_kind("B-", "dominant", [("add", 9, 1)], "D")
    'Bb7#9/D'
    """
    kind = _MUSIC21_KIND_NAMES.get(kind, kind)
    if kind not in MUSICXML_KINDS:
        return None
    tones = list(MUSICXML_KINDS[kind].items())
    for mod_type, degree, alter in degrees:
        if degree not in DEGREE_SEMITONES:
            return None
        interval = (DEGREE_SEMITONES[degree] + alter) % 12
        if mod_type == "add":
            tones.append((degree, interval))
        elif mod_type == "subtract":
            tones = [(d, i) for d, i in tones if d != degree]
        elif mod_type == "alter":
            tones = [(d, interval if d == degree else i) for d, i in tones]
        else:
            return None
    quality = _QUALITY_OF_INTERVALS.get(frozenset(i for _, i in tones))
    if quality is None:
        return None
    spelled = [name[:1] + name[1:].replace("-", "b") for name in (root, bass)]
    over = f"/{spelled[1]}" if spelled[1] and spelled[1] != spelled[0] else ""
    return parse_chord(spelled[0] + quality + over).symbol


def music21_degrees(symbol: Any) -> list[Degree]:
    """The <degree>s of a music21 ChordSymbol, as `symbol_of_kind` takes them."""
    return [(str(m.modType), int(m.degree),
             int(m.interval.chromatic.semitones) if m.interval is not None else 0)
            for m in symbol.getChordStepModifications()]


# Each quality's intervals above the root; the first spelling in QUALITIES names a set.
_QUALITY_OF_INTERVALS: dict[frozenset[int], str] = {}
for _quality, (_intervals, _) in QUALITIES.items():
    _QUALITY_OF_INTERVALS.setdefault(frozenset(_intervals), _quality)
