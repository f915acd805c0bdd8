"""Realization: values + chords -> notes, and the encode/realize property."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jazzwidget.music.harmony import parse_chord
from jazzwidget.music.piece import MelodyEvent
from jazzwidget.music.progression import Progression
from jazzwidget.music.realize import HIGHEST, LOWEST, realize
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


def test_same_seed_same_pitches_other_seed_other_pitches():
    progression = Progression.from_text("Dm7 G7 Cmaj7 Cmaj7")
    tokens = ["C,0.500"] + ["S,0.500,<m3,m-3>", "C,0.500,<M3,M-2>"] * 20
    first = [n.pitch for n in realize(tokens, progression, seed=1)]
    assert first == [n.pitch for n in realize(tokens, progression, seed=1)]
    assert first != [n.pitch for n in realize(tokens, progression, seed=2)]


def test_monophonic_never_two_notes_at_one_onset():
    tokens = ["C,0.250"] * 16 + ["R,0.333", "A,0.333,<m3,m-3>", "C,0.333,<M2,M-3>"] * 5
    notes = realize(tokens, Progression.from_text("F7"), seed=0)
    onsets = [n.start for n in notes]
    assert len(set(onsets)) == len(onsets)
    assert all(b.start == pytest.approx(a.end) for a, b in itertools.pairwise(notes))


def test_pitch_encoding_realizes_exact_pitches():
    notes = realize(["P64,0.500", "R,0.500", "P67,1.000"], Progression.from_text("C"), seed=0)
    assert [n.pitch for n in notes] == [64, None, 67]
