"""Chord symbols, chord tones and chord scales.

A small, fast reader of lead-sheet chord symbols ("Dm7", "Bb7#9", "F#m7b5", "C/E", "Ebmaj7") into
pitch classes, the scale that goes with each chord (for the grammar's S tones), and chord naming by
template matching when a file has pitches but no symbols. music21's ChordSymbol reads more exotic
figures, but costs about a millisecond a chord and spells flats as "-"; the symbols jazz lead
sheets use fit in the table below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from jazzwidget.errors import ChordError

PITCH_CLASS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
SHARP_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")

# Scales as semitones above the root.
IONIAN = (0, 2, 4, 5, 7, 9, 11)
DORIAN = (0, 2, 3, 5, 7, 9, 10)
MIXOLYDIAN = (0, 2, 4, 5, 7, 9, 10)
AEOLIAN = (0, 2, 3, 5, 7, 8, 10)
LOCRIAN = (0, 1, 3, 5, 6, 8, 10)
MELODIC_MINOR = (0, 2, 3, 5, 7, 9, 11)
LYDIAN_DOMINANT = (0, 2, 4, 6, 7, 9, 10)
ALTERED = (0, 1, 3, 4, 6, 8, 10)
HALF_WHOLE = (0, 1, 3, 4, 6, 7, 9, 10)
WHOLE_HALF = (0, 2, 3, 5, 6, 8, 9, 11)
WHOLE_TONE = (0, 2, 4, 6, 8, 10)

# Quality suffix -> (chord tones above the root, chord scale). Several spellings per quality.
QUALITIES: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "": ((0, 4, 7), IONIAN),
    "maj": ((0, 4, 7), IONIAN),
    "M": ((0, 4, 7), IONIAN),
    "6": ((0, 4, 7, 9), IONIAN),
    "69": ((0, 4, 7, 9, 2), IONIAN),
    "maj7": ((0, 4, 7, 11), IONIAN),
    "M7": ((0, 4, 7, 11), IONIAN),
    "ma7": ((0, 4, 7, 11), IONIAN),
    "^7": ((0, 4, 7, 11), IONIAN),
    "maj9": ((0, 4, 7, 11, 2), IONIAN),
    "m": ((0, 3, 7), DORIAN),
    "min": ((0, 3, 7), DORIAN),
    "-": ((0, 3, 7), DORIAN),
    "m6": ((0, 3, 7, 9), DORIAN),
    "m7": ((0, 3, 7, 10), DORIAN),
    "min7": ((0, 3, 7, 10), DORIAN),
    "-7": ((0, 3, 7, 10), DORIAN),
    "m9": ((0, 3, 7, 10, 2), DORIAN),
    "m11": ((0, 3, 7, 10, 5), DORIAN),
    "mMaj7": ((0, 3, 7, 11), MELODIC_MINOR),
    "mM7": ((0, 3, 7, 11), MELODIC_MINOR),
    "m7b5": ((0, 3, 6, 10), LOCRIAN),
    "-7b5": ((0, 3, 6, 10), LOCRIAN),
    "ø": ((0, 3, 6, 10), LOCRIAN),
    "ø7": ((0, 3, 6, 10), LOCRIAN),
    "7": ((0, 4, 7, 10), MIXOLYDIAN),
    "9": ((0, 4, 7, 10, 2), MIXOLYDIAN),
    "11": ((0, 4, 7, 10, 5), MIXOLYDIAN),
    "13": ((0, 4, 7, 10, 9), MIXOLYDIAN),
    "7b9": ((0, 4, 7, 10, 1), HALF_WHOLE),
    "7#9": ((0, 4, 7, 10, 3), ALTERED),
    "7b13": ((0, 4, 7, 10, 8), ALTERED),
    "7#11": ((0, 4, 7, 10, 6), LYDIAN_DOMINANT),
    "7alt": ((0, 4, 10, 1, 3, 6, 8), ALTERED),
    "7#5": ((0, 4, 8, 10), WHOLE_TONE),
    "7sus4": ((0, 5, 7, 10), MIXOLYDIAN),
    "7sus": ((0, 5, 7, 10), MIXOLYDIAN),
    "sus4": ((0, 5, 7), MIXOLYDIAN),
    "sus": ((0, 5, 7), MIXOLYDIAN),
    "sus2": ((0, 2, 7), IONIAN),
    "dim": ((0, 3, 6), WHOLE_HALF),
    "o": ((0, 3, 6), WHOLE_HALF),
    "dim7": ((0, 3, 6, 9), WHOLE_HALF),
    "o7": ((0, 3, 6, 9), WHOLE_HALF),
    "aug": ((0, 4, 8), WHOLE_TONE),
    "+": ((0, 4, 8), WHOLE_TONE),
    "+7": ((0, 4, 8, 10), WHOLE_TONE),
    "aug7": ((0, 4, 8, 10), WHOLE_TONE),
}

# The qualities chord naming chooses from, simplest first (ties go to the earlier one).
NAMING_QUALITIES = ("", "m", "7", "maj7", "m7", "m7b5", "dim7", "dim", "aug", "6", "m6", "7sus4")

# A "-" after the root is the jazz minor sign ("D-7"), never a flat: music21's "B-7" spelling is
# turned into "Bb7" by the readers before it gets here.
_SYMBOL = re.compile(r"^\s*([A-Ga-g])([#b♯♭]*)(.*?)(?:/([A-Ga-g])([#b♯♭]*))?\s*$")
_ACCIDENTAL = {"#": 1, "♯": 1, "b": -1, "♭": -1}


@dataclass(frozen=True)
class Chord:
    """A chord symbol read into pitch classes.

    Attributes
    ----------
    symbol : the symbol as written, normalized ("Bb7", "F#m7b5", "C/E").
    root : pitch class of the root (0 = C).
    tones : pitch classes of the chord tones, root first.
    scale : pitch classes of the chord scale (the grammar's S tones come from it).
    bass : pitch class of the bass note (the root unless a slash chord says otherwise).
    spelling : the symbol's parts as written: root name, quality, bass name ("" if none).
    """

    symbol: str
    root: int
    tones: tuple[int, ...]
    scale: tuple[int, ...]
    bass: int
    spelling: tuple[str, str, str] = ("C", "", "")

    def pitch_type(self, pitch: int) -> str:
        """The grammar's class of a pitch over this chord: C, S, A or X."""
        pc = pitch % 12
        if pc in self.tones:
            return "C"
        if pc in self.scale:
            return "S"
        if (pc + 1) % 12 in self.tones or (pc - 1) % 12 in self.tones:
            return "A"
        return "X"

    def voicing(self, low: int = 48) -> list[int]:
        """A close voicing of the chord tones (up to four), ascending from the root above low."""
        root = low + (self.root - low) % 12
        pitches = sorted({root + (pc - self.root) % 12 for pc in self.tones[:4]})
        return pitches


def _accidental(text: str) -> int:
    return sum(_ACCIDENTAL[ch] for ch in text)


@lru_cache(maxsize=1024)
def parse_chord(symbol: str) -> Chord:
    """Read a chord symbol such as "Dm7", "Bb7#9", "F#m7b5", "Ebmaj7" or "C/E".

    Raises
    ------
    ChordError : the symbol is not one of the chords listed in QUALITIES.

    Examples
    --------
    >>> chord = parse_chord("Bb7")
    >>> chord.root, chord.tones, chord.pitch_type(62), chord.pitch_type(60), chord.pitch_type(61)
    (10, (10, 2, 5, 8), 'C', 'S', 'A')
    >>> parse_chord("D-7").tones == parse_chord("Dm7").tones, parse_chord("C/E").bass
    (True, 4)
    """
    match = _SYMBOL.match(symbol.replace("Δ", "maj").replace("△", "maj"))
    quality = match.group(3).replace("(", "").replace(")", "") if match else None
    if match is None or quality not in QUALITIES:
        known = "C, Cm, C7, Cmaj7, Cm7, Cm7b5, Cdim7, C7b9, C7sus4, C6, C/E"
        raise ChordError(
            f"cannot read the chord symbol {symbol!r}: write a root A-G with # or b, then a "
            f"quality such as {known}"
        )
    root = (PITCH_CLASS[match.group(1).upper()] + _accidental(match.group(2))) % 12
    intervals, scale = QUALITIES[quality]
    bass = root
    if match.group(4):
        bass = (PITCH_CLASS[match.group(4).upper()] + _accidental(match.group(5))) % 12
    tones = tuple(dict.fromkeys((root + i) % 12 for i in intervals))
    scale_pcs = tuple((root + i) % 12 for i in scale)
    spelling = (match.group(1).upper() + match.group(2), quality,
                (match.group(4).upper() + match.group(5)) if match.group(4) else "")
    return Chord(symbol.strip(), root, tones, scale_pcs, bass, spelling)


def parse_progression(text: str) -> list[list[str]]:
    """Read a progression into bars of chord symbols.

    Without bar lines every symbol is one bar: ``"Dm7 G7 Cmaj7 Cmaj7"``. With bar lines, a bar
    may hold several chords that share it evenly: ``"Dm7 G7 | Cmaj7 | Cmaj7"``.
    Every symbol is checked, so a typo is reported before any music is made.

    >>> parse_progression("Dm7 G7 | Cmaj7 |")
    [['Dm7', 'G7'], ['Cmaj7']]
    """
    text = text.strip()
    if not text:
        raise ChordError("the chord progression is empty: write chords such as 'Dm7 G7 Cmaj7'")
    if "|" in text:
        bars = [bar.split() for bar in text.strip("|").split("|")]
    else:
        bars = [[symbol] for symbol in text.replace(",", " ").split()]
    if any(not bar for bar in bars):
        raise ChordError(f"the progression {text!r} has an empty bar between two '|'")
    for bar in bars:
        for symbol in bar:
            parse_chord(symbol)
    return bars


def pitch_class_name(pc: int) -> str:
    """The usual jazz spelling of a pitch class: C, C#, D, Eb, E, F, F#, G, Ab, A, Bb, B."""
    return SHARP_NAMES[pc % 12]


def name_chord(pitches: Iterable[int], weights: Iterable[float] | None = None) -> str | None:
    """Name the chord that best explains some pitches (template matching), or None if empty.

    Each pitch class votes with its weight (for example its sounding duration); a template
    scores the weight it covers minus the weight it leaves out and the tones it lacks. The bass
    (lowest pitch) gets a small bonus as root.
    """
    pitches = list(pitches)
    if not pitches:
        return None
    weights = list(weights) if weights is not None else [1.0] * len(pitches)
    profile = [0.0] * 12
    for pitch, weight in zip(pitches, weights, strict=True):
        profile[pitch % 12] += weight
    total = sum(profile)
    if total <= 0:
        return None
    bass = min(pitches) % 12
    best: tuple[float, str] | None = None
    for root in range(12):
        for quality in NAMING_QUALITIES:
            tones = {(root + i) % 12 for i in QUALITIES[quality][0]}
            covered = sum(profile[pc] for pc in tones)
            missing = sum(1 for pc in tones if profile[pc] == 0)
            score = covered - (total - covered) - 0.35 * missing * total / len(tones)
            score += 0.1 * total if root == bass else 0.0
            if best is None or score > best[0] + 1e-9:
                best = (score, pitch_class_name(root) + quality)
    return best[1] if best else None
