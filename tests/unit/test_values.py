"""The value grammar: encoding a melody over chords into tokens."""

import pytest

from jazzwidget.errors import CorpusError
from jazzwidget.music.piece import MelodyEvent
from jazzwidget.music.values import (
    DURATION_GRID,
    encode_melody,
    interval_name,
    interval_semitones,
    parse_value,
    quantize_duration,
    total_beats,
)


def over_c7(beat):
    return "C7"


def test_grammar_tokens_for_a_short_line():
    melody = [MelodyEvent(0, 1, 60), MelodyEvent(1, 0.5, 62), MelodyEvent(1.5, 0.5, None),
              MelodyEvent(2, 1 / 3, 61), MelodyEvent(2 + 1 / 3, 2 / 3, 70)]
    assert encode_melody(melody, over_c7) == [
        "C,1.000",               # the first note has no previous note: no window
        "S,0.500,<P4,m-2>",      # up a whole step: window M2 +- m3
        "R,0.500",
        "A,0.333,<M2,M-3>",      # down a semitone (C#: a semitone from C)
        "C,0.667,<P8,d5>",       # up a major sixth to Bb, the seventh: window M6 +- m3
    ]


def test_pitch_encoding():
    melody = [MelodyEvent(0, 0.5, 64), MelodyEvent(0.5, 0.5, None)]
    assert encode_melody(melody, over_c7, "pitch") == ["P64,0.500", "R,0.500"]


def test_unknown_encoding_is_an_error():
    with pytest.raises(CorpusError, match="unknown encoding"):
        encode_melody([], over_c7, "midi")


@pytest.mark.parametrize(("raw", "grid"), [(0.26, 0.25), (0.32, 1 / 3), (0.1, 0.25),
                                            (0.7, 2 / 3), (1.05, 1.0), (9.0, 4.0)])
def test_durations_snap_to_sixteenths_and_triplets(raw, grid):
    assert quantize_duration(raw) == pytest.approx(grid)


def test_grid_holds_sixteenths_and_eighth_triplets_only():
    assert all(abs(g * 4 - round(g * 4)) < 1e-9 or abs(g * 3 - round(g * 3)) < 1e-9
               for g in DURATION_GRID)


def test_long_notes_are_cut_and_long_rests_split():
    tokens = encode_melody([MelodyEvent(0, 6, 60), MelodyEvent(6, 9, None)], over_c7)
    assert tokens[0] == "C,4.000"
    assert all(parse_value(t).duration <= 4 for t in tokens)
    assert total_beats(tokens) == pytest.approx(15)


@pytest.mark.parametrize("semitones", range(-24, 25))
def test_interval_names_round_trip(semitones):
    assert interval_semitones(interval_name(semitones)) == semitones


def test_parse_value():
    value = parse_value("A,0.333,<M2,M-3>")
    assert (value.kind, value.window) == ("A", (-4, 2))
    assert value.duration == pytest.approx(1 / 3)
    assert parse_value("P64,0.500").pitch == 64


def test_a_melody_keeps_its_own_start_and_nothing_encodes_to_nothing():
    melody = [MelodyEvent(2.0, 1.0, 60), MelodyEvent(3.0, 0.5, 64)]
    assert encode_melody(melody, over_c7) == ["C,1.000", "C,0.500,<P5,m2>"]
    assert encode_melody([], over_c7) == []


def test_a_thirty_second_note_rounds_up_to_a_sixteenth():
    melody = [MelodyEvent(0.0, 0.125, 60), MelodyEvent(0.125, 0.875, 62)]
    assert [t.split(",")[1] for t in encode_melody(melody, over_c7)] == ["0.250", "0.750"]


def test_unknown_encoding_lists_the_known_ones():
    with pytest.raises(CorpusError, match=r"use one of grammar, pitch$"):
        encode_melody([MelodyEvent(0, 1, 60)], over_c7, encoding="midi")
