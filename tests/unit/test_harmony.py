"""Chord symbols, chord tones, chord naming and progressions."""

import pytest

from jazzwidget.errors import ChordError
from jazzwidget.music.harmony import name_chord, parse_chord, parse_progression
from jazzwidget.music.piece import ChordSpan
from jazzwidget.music.progression import Progression


@pytest.mark.parametrize(
    ("symbol", "tones"),
    [
        ("C", {0, 4, 7}),
        ("Dm7", {2, 5, 9, 0}),
        ("G7", {7, 11, 2, 5}),
        ("Bb7", {10, 2, 5, 8}),
        ("Ebmaj7", {3, 7, 10, 2}),
        ("F#m7b5", {6, 9, 0, 4}),
        ("Bdim7", {11, 2, 5, 8}),
        ("C/E", {0, 4, 7}),
        ("D-7", {2, 5, 9, 0}),  # "-" is the minor sign, not a flat
        ("C-", {0, 3, 7}),
        ("Bb-7", {10, 1, 5, 8}),
        ("D-7b5", {2, 5, 8, 0}),
    ],
)
def test_chord_tones(symbol, tones):
    assert set(parse_chord(symbol).tones) == tones


def test_slash_chord_keeps_root_and_bass():
    chord = parse_chord("C/E")
    assert (chord.root, chord.bass) == (0, 4)


def test_pitch_types():
    g7 = parse_chord("G7")
    assert [g7.pitch_type(p) for p in (67, 71, 69, 68, 61)] == ["C", "C", "S", "A", "A"]
    assert parse_chord("C").pitch_type(70) == "X"  # Bb: not in C major, no chord tone beside it


@pytest.mark.parametrize("bad", ["H7", "Cfoo", "", "7"])
def test_bad_symbol_says_what_to_write(bad):
    with pytest.raises(ChordError, match="cannot read the chord symbol"):
        parse_chord(bad)


@pytest.mark.parametrize(
    ("pitches", "name"),
    [([60, 64, 67], "C"), ([57, 60, 64], "Am"), ([55, 59, 62, 65], "G7"),
     ([62, 65, 69, 72], "Dm7"), ([53, 57, 60, 64], "Fmaj7")],
)
def test_name_chord_from_pitches(pitches, name):
    assert name_chord(pitches) == name


def test_progression_text_round_trip():
    text = "Dm7 G7 | Cmaj7 | A7b9 | Dm7 G7"
    progression = Progression.from_text(text)
    assert progression.length == 16
    assert progression.text() == text
    assert [progression.at(b) for b in (0, 2, 4, 8, 14, 16)] == [
        "Dm7", "G7", "Cmaj7", "A7b9", "G7", "Dm7"]


def test_progression_text_keeps_uneven_changes():
    spans = [ChordSpan("C7", 0, 3), ChordSpan("F7", 3, 6), ChordSpan("G7", 6, 8)]
    progression = Progression.from_spans(spans)
    text = progression.text()
    assert text == "C7 C7 C7 F7 | F7 G7"
    again = Progression.from_text(text)
    assert [again.at(b / 2) for b in range(16)] == [progression.at(b / 2) for b in range(16)]


def test_progression_over_cuts_the_last_chord():
    spans = Progression.from_text("C F").over(6)
    assert [(s.symbol, s.start, s.end) for s in spans] == [("C", 0, 4), ("F", 4, 6)]


def test_bad_progression_names_the_symbol():
    with pytest.raises(ChordError, match="Gx7"):
        parse_progression("Dm7 Gx7 Cmaj7")
    with pytest.raises(ChordError, match="empty"):
        parse_progression("  ")
