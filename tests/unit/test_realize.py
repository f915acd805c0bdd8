"""Realization: values + chords -> notes, and the encode/realize property."""

import itertools
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jazzwidget.music.clip import Clip
from jazzwidget.music.harmony import parse_chord
from jazzwidget.music.piece import MelodyEvent
from jazzwidget.music.progression import Progression
from jazzwidget.music.realize import HIGHEST, LOWEST, START_CENTER, _pick, choose_pitch, realize
from jazzwidget.music.values import DURATION_GRID, encode_melody, parse_value

PROGRESSIONS = ["Dm7 G7 Cmaj7 Cmaj7", "F7 Bb7 F7 C7", "Cm7 | Fm7 | G7b9 | Cm7", "Bb7 G7 | Cm7 F7"]


@st.composite
def melodies(draw):
    """A melody on the value grid (so the rhythm survives encoding) with rests."""
    events, beat = [], 0.0
    for _ in range(draw(st.integers(2, 40))):
        duration = draw(st.sampled_from(DURATION_GRID[:12]))
        pitch = draw(st.one_of(st.none(), st.integers(55, 84)))
        events.append(MelodyEvent(beat, duration, pitch))
        beat += duration
    return events


@settings(max_examples=60, deadline=None)
@given(melodies(), st.sampled_from(PROGRESSIONS), st.integers(0, 2**16))
def test_realized_rhythm_is_identical_and_c_notes_are_chord_tones(melody, text, seed):
    progression = Progression.from_text(text)
    tokens = encode_melody(melody, progression.at)
    notes = realize(tokens, progression, seed)
    assert [e.pitch is None for e in notes] == [e.pitch is None for e in melody]
    assert [e.start for e in notes] == pytest.approx([e.start for e in melody])
    assert [e.duration for e in notes] == pytest.approx([e.duration for e in melody])
    for token, event in zip(tokens, notes, strict=True):
        chord = parse_chord(progression.at(event.start))
        if token.startswith("C,"):
            assert event.pitch % 12 in chord.tones
        if event.pitch is not None:
            assert LOWEST <= event.pitch <= HIGHEST


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0.05, 3.0), st.one_of(st.none(), st.integers(55, 84))),
                min_size=1, max_size=80))
def test_played_rhythms_keep_their_length_after_quantizing(events):
    """Off-grid (played) durations: rounding must not drift over a piece."""
    melody, beat = [], 0.0
    for duration, pitch in events:
        melody.append(MelodyEvent(beat, duration, pitch))
        beat += duration
    tokens = encode_melody(melody, lambda _: "C7")
    assert abs(sum(parse_value(t).duration for t in tokens) - beat) <= 0.125 + 1e-9


def test_types_are_kept_inside_windows_when_possible():
    progression = Progression.from_text("C")
    tokens = ["C,1.000", "S,0.500,<P4,m-2>", "A,0.500,<M2,M-3>", "X,0.500,<M3,M-2>"]
    notes = realize(tokens, progression, seed=3)
    kinds = [parse_chord("C").pitch_type(n.pitch) for n in notes]
    assert kinds == ["C", "S", "A", "X"]
    for token, before, note in zip(tokens[1:], notes[:-1], notes[1:], strict=True):
        lower, upper = parse_value(token).window
        assert lower <= note.pitch - before.pitch <= upper, (token, before.pitch, note.pitch)


@settings(max_examples=60, deadline=None)
@given(melodies(), st.sampled_from(PROGRESSIONS), st.integers(0, 2**16))
def test_realized_intervals_lie_in_their_encoded_windows(melody, text, seed):
    """Where a pitch of the value's type lies inside its window (and in range), the realized
    pitch is one of them: the window is widened only when it holds none."""
    progression = Progression.from_text(text)
    tokens = encode_melody(melody, progression.at)
    notes = realize(tokens, progression, seed)
    previous = None
    for token, note in zip(tokens, notes, strict=True):
        value = parse_value(token)
        if value.window is not None and previous is not None and value.kind != "X":
            chord = parse_chord(progression.at(note.start))
            low, high = previous + value.window[0], previous + value.window[1]
            inside = [p for p in range(max(low, LOWEST), min(high, HIGHEST) + 1)
                      if chord.pitch_type(p) == value.kind]
            if inside:
                assert note.pitch in inside, (token, previous, note.pitch, chord.symbol)
        previous = note.pitch if note.pitch is not None else previous


def test_same_seed_same_pitches_other_seed_other_pitches():
    progression = Progression.from_text("Dm7 G7 Cmaj7 Cmaj7")
    tokens = ["C,0.500"] + ["S,0.500,<m3,m-3>", "C,0.500,<M3,M-2>"] * 20
    first = [n.pitch for n in realize(tokens, progression, seed=1)]
    assert first == [n.pitch for n in realize(tokens, progression, seed=1)]
    assert first != [n.pitch for n in realize(tokens, progression, seed=2)]


def test_a_realized_clip_is_monophonic_in_its_midi_file(tmp_path):
    """Through the whole way out (realize, cut to a clip, MIDI export) no two melody notes
    overlap, rests stay silent and the last note ends where the clip does."""
    import pretty_midi

    tokens = ["C,0.250"] * 16 + ["R,0.333", "A,0.333,<m3,m-3>", "C,0.333,<M2,M-3>"] * 5
    progression = Progression.from_text("F7")
    events = realize(tokens, progression, seed=0)
    clip = Clip.from_beats(events, progression.over(8.5), 120, duration=4.25, values=tokens)
    midi = pretty_midi.PrettyMIDI(str(clip.to_midi(tmp_path / "m.mid")))
    melody = next(i for i in midi.instruments if i.name == "Melody").notes
    assert len(melody) == 16 + 10 - 1  # every note value up to 8.5 beats; one cut at the end
    assert all(a.end <= b.start + 1e-3 for a, b in itertools.pairwise(melody))
    assert melody[-1].end == pytest.approx(4.25, abs=1e-3)
    rests = [e for e in events if e.pitch is None and e.start < 8.5]
    assert not any(n.start < r.end * 0.5 - 1e-3 and n.end > r.start * 0.5 + 1e-3
                   for r in rests for n in melody)


def test_pitch_encoding_realizes_exact_pitches():
    notes = realize(["P64,0.500", "R,0.500", "P67,1.000"], Progression.from_text("C"), seed=0)
    assert [n.pitch for n in notes] == [64, None, 67]


def outcomes(kind, symbol, previous, window, draws=200):
    chord = parse_chord(symbol)
    rng = np.random.default_rng(0)
    return [choose_pitch(kind, chord, previous, window, rng) for _ in range(draws)]


def test_without_a_window_a_pitch_stays_within_a_tritone_of_the_previous_note():
    assert set(outcomes("C", "C", 79, None)) == {76, 84}  # 73-85, not the previous note
    assert set(outcomes("C", "G", 79, None)) == {74, 83}
    assert set(outcomes("C", "C", None, None)) == {64, 67, 72}  # around G4, the start


def test_the_previous_pitch_is_not_repeated_when_another_fits():
    assert set(outcomes("C", "C", 67, (-3, 3))) == {64}  # 64 and 67 fit; 67 was just played
    assert set(outcomes("C", "C", 67, (-1, 1))) == {67}  # only 67 fits: it is repeated


def test_candidates_nearer_the_encoded_interval_are_likelier():
    counts = Counter(outcomes("C", "C", 60, (0, 12), draws=3000))
    # 64, 67, 72 fit the window 60-72 (60 was just played); center 66: weights 1/3, 1/2, 1/7
    expected = np.array([1 / 3, 1 / 2, 1 / 7]) / (1 / 3 + 1 / 2 + 1 / 7)
    shares = np.array([counts[64], counts[67], counts[72]]) / 3000
    assert np.abs(shares - expected).max() < 0.03, shares


def test_pick_weighs_by_closeness_to_the_center():
    rng = np.random.default_rng(1)
    picks = Counter(_pick([60, 66], 60.0, rng) for _ in range(4000))
    assert abs(picks[60] / 4000 - 7 / 8) < 0.02  # weights 1 and 1/7


def test_realize_defaults_to_seed_zero_and_takes_a_generator():
    tokens = ["C,0.500"] + ["S,0.500,<m3,m-3>", "C,0.500,<M3,M-2>"] * 8
    progression = Progression.from_text("Dm7 G7")
    default = [e.pitch for e in realize(tokens, progression)]
    assert default == [e.pitch for e in realize(tokens, progression, seed=0)]
    generator = [e.pitch for e in realize(tokens, progression, np.random.default_rng(0))]
    assert generator == default
    assert START_CENTER - 6 <= default[0] <= START_CENTER + 6


def test_a_leap_past_the_top_of_the_range_still_lands_on_a_chord_tone():
    """Found by the property test above: the widest leap up (21 semitones, window 18-24) from
    the top of the range lies more than an octave above it, so the search found nothing and
    fell through to the last resort, the range's top (D6), which is no C7 chord tone."""
    from jazzwidget.music.realize import HIGHEST, choose_pitch

    chord = parse_chord("C7")
    for seed in range(20):
        pitch = choose_pitch("C", chord, HIGHEST, (18, 24), np.random.default_rng(seed))
        assert pitch <= HIGHEST and pitch % 12 in chord.tones
