"""Chord symbols, chord tones, chord naming and progressions."""

import pytest

from jazzwidget.errors import ChordError
from jazzwidget.music.harmony import name_chord, parse_chord, parse_progression, pitch_class_name
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


def test_an_approach_tone_below_a_chord_tone_across_the_octave():
    # C (pc 0) is a semitone under B, a tone of B major, and outside B's scale
    assert parse_chord("B").pitch_type(60) == "A"
    assert parse_chord("B").pitch_type(61) == "S"


def test_voicing_stacks_up_to_four_chord_tones_from_the_root_above_low():
    assert parse_chord("Bb7").voicing() == [58, 62, 65, 68]
    assert parse_chord("Bb7").voicing(50) == [58, 62, 65, 68]
    assert parse_chord("C9").voicing() == [48, 52, 55, 58]  # the 9th is left out


def test_accidentals_and_octaves_of_pitch_class_names():
    assert [parse_chord(s).root for s in ("C#", "Db", "F##", "Bbb", "E♭", "G♯")] == [
        1, 1, 7, 9, 3, 8]
    assert pitch_class_name(12) == "C" and pitch_class_name(-1) == "B"


def test_progressions_with_commas_or_outer_bar_lines():
    assert parse_progression("Dm7,G7, Cmaj7") == [["Dm7"], ["G7"], ["Cmaj7"]]
    assert parse_progression("| Dm7 G7 | Cmaj7 |") == [["Dm7", "G7"], ["Cmaj7"]]
    with pytest.raises(ChordError, match=r"^the chord progression is empty: write chords such "
                                         r"as 'Dm7 G7 Cmaj7'$"):
        parse_progression("  ")
    with pytest.raises(ChordError, match=r"has an empty bar between two '\|'"):
        parse_progression("Dm7 || G7")


@pytest.mark.parametrize(
    ("pitches", "weights", "name"),
    [([57, 60, 64, 67], None, "Am7"),  # the bass decides between Am7 and C6
     ([48, 57, 64, 67], None, "C6"),
     ([59, 62, 65, 69], None, "Bm7b5"),
     ([60, 63, 66, 69], None, "Cdim7"),
     ([60, 64, 68], None, "Caug"),
     ([60, 65, 67, 70], None, "C7sus4"),
     ([50, 60, 64, 67], None, "D7sus4"),
     ([60, 64], None, "C"),  # a missing fifth still names the triad
     ([60], None, "C"),
     ([60, 60, 60, 63, 67, 70], None, "Cm7"),
     ([60, 64, 67, 69, 72], [1, 1, 1, 3, 1], "C6"),
     ([52, 55, 59, 62], [4, 1, 1, 1], "Em7"),
     # clusters where the details of the score decide: the doubled F# counts twice (else
     # Fmaj7), the bass bonus is small (else E), a missing tone costs in proportion to the total
     ([66, 65, 52, 78], None, "F#7"),
     ([64, 71, 55, 53, 65, 76], None, "Em")],
)
def test_name_chord_by_weighted_template_matching(pitches, weights, name):
    assert name_chord(pitches, weights) == name


def test_name_chord_needs_sounding_weight_and_one_weight_per_pitch():
    assert name_chord([]) is None and name_chord([60, 64], [0, 0]) is None
    with pytest.raises(ValueError, match="zip"):
        name_chord([60, 64, 67], [1, 1])
