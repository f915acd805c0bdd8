"""`quantized_events` keeps the melody's own start: a melody (a window of a piece) that begins
at beat 2.5 is played from beat 2.5, its events one after the other on the grid (found by
mutation testing, docs/mutation.md)."""

from jazzwidget.music.piece import MelodyEvent
from jazzwidget.music.values import quantized_events


def test_events_start_where_the_melody_starts_and_follow_each_other():
    melody = [MelodyEvent(2.5, 1.0, 60), MelodyEvent(3.5, 0.5, None), MelodyEvent(4.0, 6.0, 64)]
    events = quantized_events(melody)
    # the six-beat note is cut at four beats and goes on as a two-beat rest
    assert [(e.start, e.duration, e.pitch) for e in events] == [
        (2.5, 1.0, 60), (3.5, 0.5, None), (4.0, 4.0, 64), (8.0, 2.0, None)]


def test_no_melody_no_events():
    assert quantized_events([]) == []


def test_leaps_past_two_octaves_are_named_as_two_octaves():
    from jazzwidget.music.values import interval_name

    assert interval_name(24) == "P15" and interval_name(30) == "P15"
    assert interval_name(-40) == "P-15"


def test_a_semitone_below_a_chord_tone_across_the_octave_is_an_approach_tone():
    from jazzwidget.music.harmony import parse_chord

    # B is outside A-flat's scale, a semitone below its C (pitch class 11 below 0)
    assert parse_chord("Ab").pitch_type(71) == "A"
