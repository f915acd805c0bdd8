"""A MusicXML file read as `read_piece` reads it: part names (or the instrument's), programs,
chords' every pitch, grace notes left out, the meter, 120 bpm when the file says nothing, and
the window of beats asked for."""

import pytest

from jazzwidget.music.clip import Clip
from jazzwidget.music.io import read_piece

MELODY = [72, 74, 76, 77, 79, 77, 76, 74, 72]  # quarters: three bars of 3/4


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    from music21 import chord, instrument, meter, note, stream

    flute = stream.Part()
    flute.partName = "Flute"
    flute.insert(0, instrument.Flute())
    flute.append(meter.TimeSignature("3/4"))
    flute.append(note.Note(71).getGrace())  # a grace note: no length, not read
    for pitch in MELODY:
        flute.append(note.Note(pitch, quarterLength=1))
    piano = stream.Part()
    piano.insert(0, instrument.Piano())  # no part name: the instrument's
    piano.append(meter.TimeSignature("3/4"))
    for pitches in ([48, 52, 55], [45, 48, 52], [43, 47, 50]):
        piano.append(chord.Chord(pitches, quarterLength=3))
    target = tmp_path_factory.mktemp("musicxml") / "waltz.musicxml"
    stream.Score([flute, piano]).write("musicxml", fp=str(target))
    return target


def test_parts_programs_meter_and_tempo(path):
    piece = read_piece(path)
    assert [(t.name, t.program, t.is_drum) for t in piece.tracks] == [
        ("Flute", 73, False), ("Piano", 0, False)]
    assert (piece.beats_per_bar, piece.tempo) == (3, 120)
    assert [e.pitch for e in piece.notes] == MELODY
    assert sorted({p for _, _, p in piece.accompaniment}) == [43, 45, 47, 48, 50, 52, 55]


def test_a_window_of_a_file(path):
    clip = Clip.from_file(path, start_beat=3, end_beat=6)
    assert [n.pitch for n in clip.notes] == MELODY[3:6]
    assert [n.pitch for n in Clip.from_file(path, end_beat=3).notes] == MELODY[:3]
    assert [n.pitch for n in Clip.from_file(path, start_beat=6).notes] == MELODY[6:]


def test_an_abc_book_reads_its_first_tune(tmp_path):
    book = tmp_path / "book.abc"
    book.write_text('X:1\nT:First\nM:3/4\nL:1/4\nQ:1/4=90\nK:C\n"C"CDE|"G7"FGA|]\n\n'
                    'X:2\nT:Second\nM:4/4\nL:1/4\nK:C\n"F"cBAG|"C"FEDC|]\n')
    piece = read_piece(book)
    assert [e.pitch for e in piece.notes] == [60, 62, 64, 65, 67, 69]
    assert (piece.beats_per_bar, piece.tempo) == (3, 90)
    assert [span.symbol for span in piece.chords] == ["C", "G7"]


def test_a_percussion_part_is_drums(tmp_path):
    from music21 import instrument, note, stream

    lead = stream.Part(id="lead")
    for pitch in MELODY:
        lead.append(note.Note(pitch, quarterLength=1))
    kit = stream.Part()
    kit.partName = "Kit"
    kit.insert(0, instrument.Woodblock())
    for _ in MELODY:
        kit.append(note.Note(76, quarterLength=1))
    path = tmp_path / "parts.musicxml"
    stream.Score([lead, kit]).write("musicxml", fp=str(path))
    piece = read_piece(path)
    assert piece.tracks[1].name == "Kit" and piece.tracks[1].is_drum
    assert not piece.tracks[0].is_drum
    assert (piece.beats_per_bar, piece.tempo) == (4, 120)
