"""Musical statistics of one melody, from their published definitions.

Yang & Lerch, "On the evaluation of generative models in music", Neural Computing and
Applications 32:4773-4784 (2020, online 2018), doi:10.1007/s00521-018-3849-7 (toolbox
RichardYang40148/mgeval): pitch-class histogram, pitch-class transition matrix, pitch range,
average pitch interval, average inter-onset interval, note-length histogram.

Dong, Chen, McAuley & Berg-Kirkpatrick, "MusPy: A Toolkit for Symbolic Music Generation",
ISMIR 2020 (``muspy/metrics/metrics.py``): scale consistency, pitch-class entropy, empty-beat
rate, groove consistency (the last two after Dong et al. 2018 and Wu & Yang, ISMIR 2020).

Ours: chord-tone share (notes whose pitch class is a tone of the chord sounding at their onset)
and the distribution of value types (C, S, A, X, R of the value grammar).

Times are in beats, not seconds (mgeval works in seconds at the file's tempo): a clip at 130 bpm
and a corpus at 120 bpm then compare by their music, not by their tempo.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from jazzwidget.metrics.melody import Melody, pitch_array
from jazzwidget.music.harmony import parse_chord

# mgeval's 12 note-length classes in units of bar/96: full, half, quarter, 8th, 16th, dotted
# half, dotted quarter, dotted 8th, dotted 16th, half triplet, quarter triplet, 8th triplet.
NOTE_LENGTH_UNITS = (96, 48, 24, 12, 6, 72, 36, 18, 9, 32, 16, 8)
NOTE_LENGTH_LABELS = ("1", "1/2", "1/4", "1/8", "1/16", "1/2.", "1/4.", "1/8.", "1/16.",
                      "1/2t", "1/4t", "1/8t")
TICKS_PER_BEAT = 24  # MusPy's default resolution; holds sixteenths and eighth-note triplets
MAJOR = np.array([1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1], bool)  # MusPy's masks, rolled from C
MINOR = np.array([1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0], bool)
VALUE_TYPES = ("C", "S", "A", "X", "R")


def _entropy2(counts: np.ndarray) -> float:
    total = counts.sum()
    if total == 0:
        return float("nan")
    p = counts[counts > 0] / total
    return float(-(p * np.log2(p)).sum())


# ------------------------------------------------------------------ Yang & Lerch (mgeval)
def pitch_class_histogram(melody: Melody) -> np.ndarray:
    """PCH: the time each pitch class sounds, normalised to sum 1 (mgeval sums piano-roll
    activity, so it is weighted by duration). All zeros for a melody without notes."""
    hist = np.bincount(melody.pitches % 12, weights=melody.ends - melody.starts,
                       minlength=12).astype(np.float64)
    total = hist.sum()
    return hist / total if total > 0 else hist


def pitch_class_transition_matrix(melody: Melody, normalize: int = 0,
                                  gap: float = 0.1) -> np.ndarray:
    """PCTM: counts of pitch-class transitions from a note to one starting within ``gap``
    beats of its end (pretty_midi's ``get_pitch_class_transition_matrix``, whose threshold is
    0.05 s; 0.1 beat is that at 120 bpm), so a rest breaks the chain.

    normalize : 0 counts, 1 each row sums to 1 (rows with no transition stay 0), 2 the whole
        matrix sums to 1 (mgeval's options).
    """
    matrix = np.zeros((12, 12))
    if len(melody.pitches) > 1:
        sources, targets = np.nonzero(np.abs(np.subtract.outer(melody.ends, melody.starts))
                                      < gap)
        np.add.at(matrix, (melody.pitches[sources] % 12, melody.pitches[targets] % 12), 1)
    if normalize == 1:
        rows = matrix.sum(axis=1, keepdims=True)
        return np.divide(matrix, rows, out=np.zeros_like(matrix), where=rows > 0)
    if normalize == 2 and matrix.sum() > 0:
        return matrix / matrix.sum()
    return matrix


def pitch_range(melody: Melody) -> int:
    """PR: highest minus lowest pitch in semitones (0 without notes, as in MusPy)."""
    return int(melody.pitches.max() - melody.pitches.min()) if len(melody.pitches) else 0


def mean_absolute_interval(melody: Melody) -> float:
    """PI: mean absolute interval between consecutive notes in semitones (mgeval's
    ``avg_pitch_shift``); NaN with fewer than two notes."""
    pitches = pitch_array(melody)
    if len(pitches) < 2:
        return float("nan")
    return float(np.abs(np.diff(pitches)).mean())


def mean_inter_onset_interval(melody: Melody) -> float:
    """IOI: mean time between consecutive note onsets, in beats (mgeval's ``avg_IOI`` in
    seconds); NaN with fewer than two notes."""
    onsets = melody.onsets
    if len(onsets) < 2:
        return float("nan")
    return float(np.diff(onsets).mean())


def note_length_histogram(melody: Melody) -> np.ndarray:
    """NLH: each note's length mapped to the nearest of mgeval's 12 classes (in units of a
    bar / 96; order as ``NOTE_LENGTH_LABELS``), normalised to sum 1 (zeros without notes)."""
    unit = melody.beats_per_bar / 96.0
    classes = np.array(NOTE_LENGTH_UNITS) * unit
    lengths = melody.ends - melody.starts
    hist = np.zeros(len(classes))
    if len(lengths):
        nearest = np.abs(lengths[:, None] - classes[None, :]).argmin(axis=1)
        hist = np.bincount(nearest, minlength=len(classes)).astype(np.float64)
        hist /= hist.sum()
    return hist


# -------------------------------------------------------------------------------- MusPy
def pitch_in_scale_rate(melody: Melody, root: int, mode: str = "major") -> float:
    """Share of notes (by count) whose pitch class is in the major or natural minor scale of
    ``root`` (MusPy's ``pitch_in_scale_rate``); NaN without notes."""
    if not len(melody.pitches):
        return float("nan")
    mask = np.roll(MAJOR if mode == "major" else MINOR, root)
    return float(mask[melody.pitches % 12].mean())


def scale_consistency(melody: Melody) -> float:
    """The largest `pitch_in_scale_rate` over the 12 roots and the two modes (MusPy)."""
    if not len(melody.pitches):
        return float("nan")
    return max(pitch_in_scale_rate(melody, root, mode)
               for root in range(12) for mode in ("major", "minor"))


def pitch_class_entropy(melody: Melody) -> float:
    """Entropy in bits of the pitch-class histogram of note counts (MusPy; Wu & Yang's H)."""
    return _entropy2(np.bincount(melody.pitches % 12, minlength=12).astype(np.float64))


def _ticks(beats: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(beats) * TICKS_PER_BEAT).astype(np.int64)


def empty_beat_rate(melody: Melody) -> float:
    """Share of beats no note touches (MusPy, fixed version): with the length taken as the last
    note's end, there are ``end // beat + 1`` beats and a note touches beats ``start // beat``
    to ``end // beat`` inclusive. NaN without notes."""
    if not len(melody.pitches):
        return float("nan")
    starts, ends = _ticks(melody.starts), _ticks(melody.ends)
    n_beats = int(ends.max() // TICKS_PER_BEAT + 1)
    touched = np.zeros(n_beats, bool)
    for first, last in zip(starts // TICKS_PER_BEAT, ends // TICKS_PER_BEAT, strict=True):
        touched[first:last + 1] = True
    return float(1.0 - touched.mean())


def groove_consistency(melody: Melody) -> float:
    """1 - mean Hamming distance between the onset patterns of neighbouring bars, divided by
    the ticks in a bar (MusPy; Wu & Yang's grooving similarity). Bars are counted as
    ``end // bar + 1`` from the last note's end; NaN with fewer than two bars."""
    if not len(melody.pitches):
        return float("nan")
    bar = melody.beats_per_bar * TICKS_PER_BEAT
    n_bars = int(_ticks(melody.ends).max() // bar + 1)
    if n_bars < 2:
        return float("nan")
    patterns = np.zeros((n_bars, bar), bool)
    measure, position = np.divmod(_ticks(melody.starts), bar)
    patterns[measure, position] = True
    mismatches = np.count_nonzero(patterns[:-1] != patterns[1:])
    return float(1.0 - mismatches / (bar * (n_bars - 1)))


# ---------------------------------------------------------------------------------- ours
def chord_tone_share(melody: Melody) -> float:
    """Share of notes whose pitch class is a chord tone of the chord at their onset (what the
    grammar calls C); notes with no known chord are left out. NaN when none is left."""
    known = [(p, c) for p, c in zip(melody.pitches, melody.chords, strict=True) if c]
    if not known:
        return float("nan")
    return float(np.mean([int(p) % 12 in parse_chord(c).tones for p, c in known]))


def value_types(melody: Melody) -> dict[str, float]:
    """Share of each value type among the melody's values: C, S, A, X, R for the grammar
    (P for the pitch encoding); every grammar type is present, 0 when unused."""
    kinds = Counter(value.split(",", 1)[0][:1] for value in melody.values)
    total = sum(kinds.values())
    shares: dict[str, float] = dict.fromkeys(VALUE_TYPES, 0.0)
    for kind, count in kinds.items():
        shares[kind] = count / total
    return shares
