"""The tracks of a clip's MIDI: melody, softer chord voicings, and the accompaniment of a clip
read from a file on its own named piano track."""

import pretty_midi

from jazzwidget.music.clip import Clip, Note, Step
from jazzwidget.music.harmony import parse_chord
from jazzwidget.music.piece import ChordSpan


def test_tracks_programs_names_and_levels():
    clip = Clip([Step("C,1.000", 0.0, 0.5, 72), Step("C,1.000", 0.5, 1.0, 76)],
                [ChordSpan("F7", 0.0, 0.5), ChordSpan("Bb7", 0.5, 1.0)], tempo=120,
                duration=1.0, accompaniment=[Note(41, 0.0, 1.0, 70), Note(36, 0.5, 1.0, 80)])
    melody, chords, backing = clip.to_pretty_midi().instruments
    assert (melody.name, melody.program) == ("Melody", 11)
    assert [(n.pitch, n.velocity) for n in melody.notes] == [(72, 96), (76, 96)]
    assert (chords.name, chords.program) == ("Chords", 4)
    voicings = [*parse_chord("F7").voicing(), *parse_chord("Bb7").voicing()]
    assert [n.pitch for n in chords.notes] == voicings
    assert {n.velocity for n in chords.notes} == {56}  # under the melody
    assert (backing.name, backing.program) == ("Accompaniment", 0)
    assert [(n.pitch, n.velocity, n.start, n.end) for n in backing.notes] == [
        (41, 70, 0.0, 1.0), (36, 80, 0.5, 1.0)]


def test_a_generated_clip_has_no_accompaniment_track():
    clip = Clip([Step("C,1.000", 0.0, 0.5, 72)], [ChordSpan("F7", 0.0, 0.5)], tempo=120,
                duration=0.5)
    midi = clip.to_pretty_midi()
    assert [i.name for i in midi.instruments] == ["Melody", "Chords"]
    assert isinstance(midi, pretty_midi.PrettyMIDI)


def test_times_survive_a_midi_file_to_the_half_millisecond(tmp_path):
    clip = Clip([Step("C,1.000", 0.1234, 0.3711, 72)], [ChordSpan("F7", 0.0, 0.5)], tempo=120,
                duration=0.5)
    again = pretty_midi.PrettyMIDI(str(clip.to_midi(tmp_path / "t.mid")))
    (note,) = again.instruments[0].notes
    assert abs(note.start - 0.1234) < 3e-4 and abs(note.end - 0.3711) < 3e-4
