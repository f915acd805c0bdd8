"""A `pretty_midi.PrettyMIDI` object in memory is read as its file would be: the melody track
asked for, the window asked for, and messages that name the MIDI."""

import pretty_midi
import pytest

from jazzwidget.errors import MusicFileError, NoMelodyError
from jazzwidget.music.clip import Clip
from jazzwidget.music.io import read_pretty_midi

LEAD = [72, 74, 76, 77, 79, 77, 76, 74] * 2  # eighth notes, 8 beats
COMP = [48, 52, 55, 59]  # whole notes under it


def two_tracks() -> pretty_midi.PrettyMIDI:
    """A vibraphone lead in eighths over a piano in half notes, 8 beats at 120 bpm."""
    midi = pretty_midi.PrettyMIDI(initial_tempo=120)
    lead = pretty_midi.Instrument(11, name="Vibes")
    lead.notes = [pretty_midi.Note(90, p, k * 0.25, (k + 1) * 0.25) for k, p in enumerate(LEAD)]
    comp = pretty_midi.Instrument(0, name="Piano")
    comp.notes = [pretty_midi.Note(60, p, k * 1.0, (k + 1) * 1.0) for k, p in enumerate(COMP)]
    midi.instruments = [lead, comp]
    return midi


def test_the_melody_track_asked_for_is_the_melody():
    assert [n.pitch for n in Clip.from_pretty_midi(two_tracks()).notes] == LEAD
    piano = Clip.from_pretty_midi(two_tracks(), melody="Piano")
    assert [n.pitch for n in piano.notes] == COMP
    assert [n.pitch for n in piano.accompaniment] == LEAD
    # in seconds, as the file has them (120 bpm)
    assert [(n.start, n.end) for n in piano.accompaniment[:2]] == [(0.0, 0.25), (0.25, 0.5)]
    piece = read_pretty_midi(two_tracks(), melody=1)
    assert [event.pitch for event in piece.notes] == COMP


def test_a_window_of_beats_reads_only_those_beats():
    # beats 2 to 6: the eighths from the fifth to the twelfth, from 0 s on
    clip = Clip.from_pretty_midi(two_tracks(), start_beat=2, end_beat=6)
    assert [n.pitch for n in clip.notes] == LEAD[4:12]
    assert clip.notes[0].start == pytest.approx(0.0)
    assert [n.pitch for n in Clip.from_pretty_midi(two_tracks(), end_beat=4).notes] == LEAD[:8]
    assert [n.pitch for n in Clip.from_pretty_midi(two_tracks(), start_beat=4).notes] \
        == LEAD[8:]
    piece = read_pretty_midi(two_tracks(), start_beat=4)
    assert [event.pitch for event in piece.notes] == LEAD[8:]


def test_messages_name_the_midi():
    damaged = two_tracks()
    damaged.resolution = 0
    with pytest.raises(MusicFileError, match=r"^'the MIDI' says it has 0 ticks per beat"):
        read_pretty_midi(damaged)
    with pytest.raises(MusicFileError, match=r"^'take 3' says it has 0 ticks per beat"):
        read_pretty_midi(damaged, name="take 3")


def test_not_a_pretty_midi_says_what_to_give():
    with pytest.raises(MusicFileError) as caught:
        read_pretty_midi(b"MThd")  # type: ignore[arg-type]
    assert str(caught.value) == ("expected a pretty_midi.PrettyMIDI, not a bytes: give a "
                                 "PrettyMIDI object or the path of a music file")


def test_a_missing_track_lists_the_tracks_there_are():
    midi = two_tracks()
    kit = pretty_midi.Instrument(0, is_drum=True, name="Kit")
    kit.notes = [pretty_midi.Note(100, 36, 0.0, 0.1)]
    midi.instruments.append(kit)
    with pytest.raises(NoMelodyError) as caught:
        read_pretty_midi(midi, melody="Sax")
    assert str(caught.value) == ("'the MIDI' has no track named 'Sax': tracks are 0 \"Vibes\", "
                                 "1 \"Piano\", 2 \"Kit\" (drums); pass one of these names or "
                                 "indexes as melody=")



def test_chords_are_estimated_per_bar_in_an_odd_meter_and_per_half_bar_in_an_even_one():
    waltz = two_tracks()
    waltz.time_signature_changes = [pretty_midi.TimeSignature(3, 4, 0.0)]
    piece = read_pretty_midi(waltz)
    assert piece.chord_source == 'estimated per 3 beats from the other tracks ("Piano")'
    assert {span.end - span.start for span in piece.chords[:-1]} <= {3.0, 6.0}
    four = read_pretty_midi(two_tracks())
    assert four.chord_source == 'estimated per half bar from the other tracks ("Piano")'


def test_a_drum_or_empty_track_asked_for_cannot_be_the_melody():
    midi = two_tracks()
    kit = pretty_midi.Instrument(0, is_drum=True, name="Kit")
    kit.notes = [pretty_midi.Note(100, 36, 0.0, 0.1)]
    midi.instruments += [kit, pretty_midi.Instrument(0, name="Empty")]
    listing = 'tracks are 0 "Vibes", 1 "Piano", 2 "Kit" (drums), 3 "Empty"'
    with pytest.raises(NoMelodyError) as caught:
        read_pretty_midi(midi, melody=2)
    assert str(caught.value) == (f"track 2 \"Kit\" of 'the MIDI' is a drum track, so it cannot "
                                 f"be the melody: {listing}")
    with pytest.raises(NoMelodyError) as caught:
        read_pretty_midi(midi, melody="Empty")
    assert str(caught.value) == (f"track 3 \"Empty\" of 'the MIDI' has no notes, so it cannot "
                                 f"be the melody: {listing}")


def test_a_music21_corpus_name_it_lacks_says_how_names_look():
    from jazzwidget.music.io import read_piece

    with pytest.raises(MusicFileError) as caught:
        read_piece("music21:no/such/piece.mxl")
    message = str(caught.value)
    assert message.startswith("cannot read 'no/such/piece.mxl' from music21's corpus (")
    assert message.endswith("); check the name, e.g. "
                            "'music21:leadSheet/berlinAlexandersRagtime.mxl'")
    assert "NoneType" not in message
