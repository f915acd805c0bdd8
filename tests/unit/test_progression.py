"""Progression: chords over time, looped; from text, from spans, back to text."""

import pytest

from jazzwidget.errors import ChordError
from jazzwidget.music.piece import ChordSpan
from jazzwidget.music.progression import Progression


def spans_of(progression: Progression) -> list[tuple[str, float, float]]:
    return [(s.symbol, s.start, s.end) for s in progression.spans]


def test_a_progression_needs_a_chord_and_a_length():
    for make in (lambda: Progression((), 4.0), lambda: Progression.from_spans([]),
                 lambda: Progression((ChordSpan("C", 0, 4),), 0.0)):
        with pytest.raises(ChordError, match=r"^a chord progression needs at least one chord$"):
            make()
    assert Progression((ChordSpan("C", 0, 0.5),), 0.5).length == 0.5


def test_from_text_keeps_the_meter():
    progression = Progression.from_text("C F | G", beats_per_bar=3)
    assert progression.beats_per_bar == 3 and progression.length == 6
    assert spans_of(progression) == [("C", 0, 1.5), ("F", 1.5, 3), ("G", 3, 6)]


def test_from_spans_shifts_to_zero_and_keeps_length_and_meter():
    spans = [ChordSpan("Dm7", 8, 10), ChordSpan("G7", 10, 12)]
    progression = Progression.from_spans(spans, beats_per_bar=3)
    assert spans_of(progression) == [("Dm7", 0, 2), ("G7", 2, 4)]
    assert progression.length == 4 and progression.beats_per_bar == 3
    assert Progression.from_spans(spans, length=6).length == 6


def test_coerce_takes_text_spans_or_a_progression():
    progression = Progression.from_text("C F")
    assert Progression.coerce(progression) is progression
    assert spans_of(Progression.coerce("C F", beats_per_bar=3)) == [("C", 0, 3), ("F", 3, 6)]
    from_spans = Progression.coerce([ChordSpan("C", 2, 5)], beats_per_bar=3)
    assert spans_of(from_spans) == [("C", 0, 3)] and from_spans.beats_per_bar == 3
    assert Progression.coerce("C").beats_per_bar == 4


def test_at_reads_the_chord_at_a_beat_and_loops():
    progression = Progression.from_text("Dm7 G7 | Cmaj7")
    assert [progression.at(b) for b in (0, 1.99, 2, 4, 7.99, 8, 10, 16.5)] == [
        "Dm7", "Dm7", "G7", "Cmaj7", "Cmaj7", "Dm7", "G7", "Dm7"]


def test_over_loops_the_progression_and_cuts_the_last_chord():
    progression = Progression.from_text("C F")  # 8 beats
    assert [(s.symbol, s.start, s.end) for s in progression.over(4)] == [("C", 0, 4)]
    assert [(s.symbol, s.start, s.end) for s in progression.over(4.5)] == [
        ("C", 0, 4), ("F", 4, 4.5)]
    assert [(s.symbol, s.start, s.end) for s in progression.over(0.5)] == [("C", 0, 0.5)]
    assert [(s.symbol, s.start, s.end) for s in progression.over(20)] == [
        ("C", 0, 4), ("F", 4, 8), ("C", 8, 12), ("F", 12, 16), ("C", 16, 20)]


def test_text_writes_one_symbol_for_a_bar_of_one_chord_and_slots_for_changes():
    assert Progression.from_text("C").text() == "C"
    assert Progression.from_spans([ChordSpan("C", 0, 2), ChordSpan("C", 2, 4)]).text() == "C"
    assert Progression.from_text("C7 C7 C7 F7 | Bb7").text() == "C7 C7 C7 F7 | Bb7"
    # a change off every grid of up to 12 slots: one slot a beat
    odd = Progression.from_spans([ChordSpan("C", 0, 4 / 13), ChordSpan("F", 4 / 13, 4)])
    assert odd.text() == "C F F F" and str(odd) == odd.text()
