"""jazzwidget.metrics: each statistic against a small case worked out by hand."""

import math

import numpy as np
import pytest

from jazzwidget import metrics as M
from jazzwidget.errors import MetricsError
from jazzwidget.metrics import Melody
from jazzwidget.music.clip import Clip, Step
from jazzwidget.music.piece import ChordSpan

# C4 (1 beat), E4 (1), rest (1), G4 (0.5), D4 (0.5) over C for 2 beats then G7.
LINE = Melody.from_notes([(60, 0, 1), (64, 1, 2), (67, 3, 3.5), (62, 3.5, 4)],
                         chords=["C", "C", "G7", "G7"],
                         values=["C,1.000", "C,1.000,<m6,P1>", "R,1.000",
                                 "C,0.500,<P4,M-2>", "S,0.500,<P1,d-5>"], length=4)


def test_pitch_class_histogram_weights_by_duration():
    hist = M.pitch_class_histogram(LINE)
    # 3 beats of sound: C 1, E 1, G 0.5, D 0.5.
    expected = np.zeros(12)
    expected[[0, 4, 7, 2]] = [1 / 3, 1 / 3, 1 / 6, 1 / 6]
    np.testing.assert_allclose(hist, expected)
    assert M.pitch_class_histogram(Melody.from_notes([])).sum() == 0


def test_transition_matrix_counts_joined_notes_only():
    matrix = M.pitch_class_transition_matrix(LINE)
    # C->E and G->D touch; E->G is broken by the rest.
    assert matrix.sum() == 2 and matrix[0, 4] == 1 and matrix[7, 2] == 1
    rows = M.pitch_class_transition_matrix(LINE, normalize=1)
    assert rows[0, 4] == 1 and rows[4].sum() == 0
    assert M.pitch_class_transition_matrix(LINE, normalize=2)[7, 2] == 0.5


def test_range_interval_and_onsets():
    assert M.pitch_range(LINE) == 7
    assert M.mean_absolute_interval(LINE) == pytest.approx((4 + 3 + 5) / 3)
    assert M.mean_inter_onset_interval(LINE) == pytest.approx((1 + 2 + 0.5) / 3)
    single = Melody.from_notes([(60, 0, 1)])
    assert math.isnan(M.mean_absolute_interval(single))
    assert math.isnan(M.mean_inter_onset_interval(single))
    assert M.pitch_range(Melody.from_notes([])) == 0


def test_note_length_histogram_nearest_class():
    # Quarter, quarter, eighth, eighth; plus an eighth triplet and a 0.3-beat note (nearest 1/3).
    hist = M.note_length_histogram(LINE)
    labels = dict(zip(M.NOTE_LENGTH_LABELS, hist, strict=True))
    assert labels["1/4"] == 0.5 and labels["1/8"] == 0.5
    triplets = Melody.from_notes([(60, 0, 1 / 3), (62, 1 / 3, 0.63)])
    assert dict(zip(M.NOTE_LENGTH_LABELS, M.note_length_histogram(triplets),
                    strict=True))["1/8t"] == 1.0


def test_scale_consistency_and_entropy():
    # C E G D are all in C major (and in G major, A minor ...): consistency 1.
    assert M.scale_consistency(LINE) == 1.0
    assert M.pitch_in_scale_rate(LINE, root=2, mode="major") == 0.75  # D major: C is out
    chromatic = Melody.from_notes([(60 + k, k, k + 1) for k in range(12)])
    assert M.scale_consistency(chromatic) == pytest.approx(7 / 12)
    assert M.pitch_class_entropy(chromatic) == pytest.approx(math.log2(12))
    assert M.pitch_class_entropy(LINE) == pytest.approx(2.0)  # four classes, once each
    two = Melody.from_notes([(60, 0, 1), (72, 1, 2), (62, 2, 3), (60, 3, 4)])
    p = np.array([3, 1]) / 4
    assert M.pitch_class_entropy(two) == pytest.approx(-(p * np.log2(p)).sum())


def test_empty_beat_rate_muspy_rule():
    # Notes on beats 0-1 and 3-4 (the last ends on beat 4, a fifth beat): beats 0, 1, 2 (the
    # note ending exactly at 2 touches it, as in MusPy), 3, 4 touched -> none empty.
    assert M.empty_beat_rate(LINE) == 0.0
    gap = Melody.from_notes([(60, 0, 0.5), (62, 3, 3.5)])
    # Beats 0..3: 0 and 3 touched, 1 and 2 empty.
    assert M.empty_beat_rate(gap) == 0.5


def test_groove_consistency_hamming():
    same = Melody.from_notes([(60, b, b + 0.5) for b in (0, 1, 4, 5)])
    # Two bars with onsets on 0 and 1: patterns equal -> 1 (the end 5.5 is in bar 2 of 2).
    assert M.groove_consistency(same) == 1.0
    other = Melody.from_notes([(60, 0, 0.5), (60, 1, 1.5), (60, 4, 4.5), (60, 6, 6.5)])
    # Bar ticks 96: onsets at ticks 0, 24 vs 0, 48 -> 2 mismatches of 96.
    assert M.groove_consistency(other) == pytest.approx(1 - 2 / 96)
    assert math.isnan(M.groove_consistency(Melody.from_notes([(60, 0, 1)])))


def test_chord_tones_and_value_types():
    # C over C yes, E over C yes, G over G7 yes, D over G7 yes (the fifth).
    assert M.chord_tone_share(LINE) == 1.0
    off = Melody.from_notes([(61, 0, 1), (60, 1, 2)], chords=["C", "C"])
    assert M.chord_tone_share(off) == 0.5
    assert M.value_types(LINE) == {"C": 0.6, "S": 0.2, "A": 0.0, "X": 0.0, "R": 0.2}


def test_longest_copied_run():
    corpus = [["a", "b", "c", "d"], ["x", "y", "z"]]
    assert M.longest_copied_run(["q", "b", "c", "d", "q"], corpus) == 3
    # Runs do not join the end of one piece to the start of the next.
    assert M.longest_copied_run(["c", "d", "x", "y"], corpus) == 2
    assert M.longest_copied_run(["q", "r"], corpus) == 0
    assert M.longest_copied_run(["a", "b"], ["a", "b", "a"]) == 2  # one flat sequence


def test_kde_matches_hand_computation():
    # Two samples at 0 and 2: Scott's bandwidth sqrt(2) * 2 ** -0.2; density at 1 is N(1; 0, h).
    h = math.sqrt(2) * 2 ** -0.2
    expected = math.exp(-0.5 / h**2) / (h * math.sqrt(2 * math.pi))
    assert M.gaussian_kde(np.array([0.0, 2.0]), np.array([1.0]))[0] == pytest.approx(expected)


def test_overlap_and_kl():
    rng = np.random.default_rng(0)
    a = rng.normal(0, 1, 400)
    assert M.kl_divergence(a, a) == pytest.approx(0.0, abs=1e-12)
    # Identical sets: the overlap is the density's mass inside the samples' range (~0.99).
    assert M.overlapped_area(a, a) > 0.97
    far = a + 50
    assert M.overlapped_area(a, far) < 1e-6
    assert M.kl_divergence(a, far) > 10
    half = a + 1.0  # unit normals one sd apart overlap by 2 Phi(-0.5) = 0.617
    assert M.overlapped_area(a, half) == pytest.approx(0.617, abs=0.06)


def test_intra_and_inter_distances():
    x = np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]])
    intra = M.intra_set_distances(x)
    assert sorted(intra) == pytest.approx(sorted([5, 1, 5, 1, math.sqrt(18), math.sqrt(18)]))
    inter = M.inter_set_distances(x[:1], x[1:])
    assert list(inter) == pytest.approx([5.0, 1.0])
    same = M.compare_feature(x, x)
    assert same["overlapped_area"] > 0.5 and math.isnan(
        M.compare_feature(x[:1], x)["overlapped_area"])


def test_inputs_clip_list_and_errors():
    steps = [Step("C,1.000", 0.0, 0.5, 60), Step("R,1.000", 0.5, 1.0, None),
             Step("C,1.000,<m6,P1>", 1.0, 1.5, 64)]
    clip = Clip(steps, [ChordSpan("C", 0.0, 1.5)], tempo=120, duration=1.5)
    (melody,) = M.melodies(clip)
    np.testing.assert_allclose(melody.starts, [0, 2])  # seconds at 120 bpm -> beats
    np.testing.assert_allclose(melody.ends, [1, 3])
    assert melody.length == 3 and melody.chords == ("C", "C")
    table = M.features([clip, clip], names=("pitch_range", "pitch_class_histogram"))
    assert list(table["pitch_range"]) == [4, 4] and table["pitch_class_histogram"].shape == (2, 12)
    assert M.copied_runs([clip], [["C,1.000", "R,1.000"]]) == [2]
    with pytest.raises(MetricsError, match="Clip"):
        M.melodies("a string")
    with pytest.raises(MetricsError, match="unknown feature"):
        M.features(clip, names=("loudness",))
    with pytest.raises(MetricsError, match="no clips"):
        M.clip_report([], [clip])


def test_corpus_segments_and_comparison():
    import jazzwidget

    corpus = jazzwidget.load_corpus()
    with pytest.raises(MetricsError, match=r"segment length 0 beats is not positive"):
        M.segments(corpus, 0)
    long_clip = Clip([Step("C,1.000", 0.0, 0.5, 60)], [ChordSpan("C", 0.0, 1000.0)],
                     tempo=120, duration=1000.0)  # 2,000 beats: longer than any piece
    with pytest.raises(MetricsError, match=r"makes 0 excerpt\(s\) of 2000 beats"):
        M.clip_report([long_clip], corpus)
    pieces = M.melodies(corpus)
    assert len(pieces) == len(corpus.pieces)
    assert sum(len(m.values) for m in pieces) == len(corpus.values)
    parts = M.segments(corpus, 32)
    assert len(parts) > len(pieces) and all(m.starts.min() >= 0 for m in parts)
    assert all(m.ends.max() <= 32 + 4 for m in parts)  # a note may ring past the cut
    # The corpus against itself, two halves: alike.
    result = M.compare(parts[::2], parts[1::2])
    assert result["pitch_class_histogram"]["overlapped_area"] > 0.7
    profile = M.profile(corpus)
    assert profile["pitch_class_histogram"].sum() == pytest.approx(1.0)
    assert profile["notes"] == sum(len(p.notes) for p in corpus.pieces)


def test_pitch_encoded_values_stack_with_grammar_ones():
    pitched = Melody.from_notes([(60, 0, 1)], values=["P60,1.000", "R,1.000", "P62,0.500"])
    assert M.value_types(pitched)["P"] == pytest.approx(2 / 3)
    rests = Melody.from_notes([], values=["R,1.000"])
    table = M.features([pitched, rests, LINE], names=("value_types",))["value_types"]
    assert table.shape == (3, 6)  # C, S, A, X, R, P for every melody
    assert table[1, 4] == 1.0 and table[0, 5] == pytest.approx(2 / 3)
