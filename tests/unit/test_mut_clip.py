"""A clip built from beats: its defaults, where it is cut, the labels of its steps, and the
measures of its music21 score (found by mutation testing, docs/mutation.md)."""

import pytest

from jazzwidget.music.clip import Clip, Step
from jazzwidget.music.piece import ChordSpan, MelodyEvent

EVENTS = [MelodyEvent(0, 1, 60), MelodyEvent(1, 1, 62), MelodyEvent(2, 2, None)]
CHORDS = [ChordSpan("C7", 0, 4)]


def test_defaults_are_four_four_unlabelled_and_as_long_as_the_events():
    clip = Clip.from_beats(EVENTS, CHORDS, 120)
    assert clip.beats_per_bar == 4
    assert clip.duration == pytest.approx(2.0)  # 4 beats at 120 bpm
    assert [s.value for s in clip.steps] == ["", "", ""]
    assert [(s.start, s.end, s.pitch) for s in clip.steps] == [
        (0.0, 0.5, 60), (0.5, 1.0, 62), (1.0, 2.0, None)]


def test_no_events_make_an_empty_clip():
    clip = Clip.from_beats([], CHORDS, 120)
    assert clip.steps == []
    assert clip.duration == 0.0


def test_an_event_that_starts_where_the_clip_ends_is_left_out():
    clip = Clip.from_beats(EVENTS, CHORDS, 60, duration=2.0)  # ends where the rest starts
    assert [(s.start, s.end, s.pitch) for s in clip.steps] == [(0.0, 1.0, 60), (1.0, 2.0, 62)]
    assert all(s.end > s.start for s in clip.steps)


def test_values_must_label_every_event():
    with pytest.raises(ValueError):
        Clip.from_beats(EVENTS, CHORDS, 120, values=["C,1.000", "S,1.000"])
    with pytest.raises(ValueError):
        Clip.from_beats(EVENTS[:2], CHORDS, 120, values=["C,1.000", "S,1.000", "R,2.000"])


def test_the_score_is_written_in_measures_of_the_clips_meter():
    from music21 import stream

    clip = Clip.from_beats(EVENTS, CHORDS, 120, beats_per_bar=2)
    part = clip.to_music21().parts[0]
    measures = list(part.getElementsByClass(stream.Measure))
    assert [m.barDuration.quarterLength for m in measures] == [2.0, 2.0]
    assert [[n.pitch.midi for n in m.getElementsByClass("Note")] for m in measures] == [
        [60, 62], []]
    assert [len(m.getElementsByClass("Rest")) for m in measures] == [0, 1]


def test_a_step_of_no_length_writes_no_note():
    steps = [Step("", 0.0, 0.5, 60), Step("", 0.5, 0.5, 61), Step("", 0.5, 1.0, 62)]
    part = Clip(steps, CHORDS, 120, 1.0).to_music21().parts[0]
    notes = list(part.flatten().getElementsByClass("Note"))
    assert [(n.pitch.midi, float(n.quarterLength)) for n in notes] == [(60, 1.0), (62, 1.0)]
