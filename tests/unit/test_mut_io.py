"""Reading MusicXML and ABC through music21: the guard against mistyped note lengths (its limit,
its suffixes, the units it counts in, its message), the messages of unreadable files, and how
parts become tracks (names, drums, meter, what a part holds) (found by mutation testing,
docs/mutation.md)."""

import re
from pathlib import Path

import pytest

from jazzwidget.errors import MusicFileError, NoMelodyError
from jazzwidget.music.io import MAX_NOTE_BEATS, _from_music21, _longest_note, read_piece

ABC = "X:1\nT:Long\nM:4/4\nL:1/4\nK:C\n{}|]\n"


def musicxml(divisions: str, durations: list[int]) -> bytes:
    """A one-part MusicXML skeleton with the given <divisions> element and note durations."""
    notes = "".join(f"<note><pitch><step>C</step><octave>4</octave></pitch>"
                    f"<duration>{d}</duration></note>" for d in durations)
    return (f'<?xml version="1.0"?>\n<score-partwise><part-list><score-part id="P1">'
            f"<part-name>Lead</part-name></score-part></part-list><part id=\"P1\"><measure "
            f'number="1"><attributes>{divisions}</attributes>{notes}</measure></part>'
            f"</score-partwise>\n").encode()


def test_the_longest_abc_length_leaves_out_headers_and_chord_symbols(tmp_path):
    path = tmp_path / "tune.abc"
    path.write_text('X:1\nT:Tune 99\nM:4/4\nL:1/4\nK:C\n"G7"C2 D E|"Cmaj7"F6|]\n')
    assert _longest_note(path) == 6.0
    path.write_text("X:1\nT:Only headers 99\nM:4/4\nL:1/4\nK:C\n")
    assert _longest_note(path) == 0.0


@pytest.mark.parametrize("suffix", [".xml", ".musicxml", ".XML", ".MusicXML"])
def test_the_longest_musicxml_duration_is_in_beats_of_its_divisions(tmp_path, suffix):
    path = tmp_path / f"score{suffix}"
    path.write_bytes(musicxml("<divisions>4</divisions>", [2, 6000, 4]))
    assert _longest_note(path) == 1500.0
    path.write_bytes(musicxml("<divisions>1</divisions>", [1500, 3]))
    assert _longest_note(path) == 1500.0
    path.write_bytes(musicxml("", [1500]))  # no divisions: one a beat
    assert _longest_note(path) == 1500.0
    path.write_bytes(musicxml("<divisions>4</divisions>", []))
    assert _longest_note(path) == 0.0


def test_other_files_have_no_longest_note(tmp_path):
    path = tmp_path / "tune.mid"
    path.write_bytes(b"C99999")
    assert _longest_note(path) == 0.0


def test_a_note_as_long_as_the_limit_is_read_and_a_longer_one_refused(tmp_path):
    path = tmp_path / "long.abc"
    path.write_text(ABC.format(f"C{MAX_NOTE_BEATS}"))
    assert read_piece(path).melody[0].duration == MAX_NOTE_BEATS
    path.write_text(ABC.format(f"C{MAX_NOTE_BEATS + 1}"))
    with pytest.raises(MusicFileError) as error:
        read_piece(path)
    assert str(error.value) == (
        "cannot read 'long.abc': it has a note or rest 1,025 beats long, so it is damaged or "
        "mistyped (a length like 'C99997'); fix that note in a text or score editor")


def test_a_too_long_note_in_an_xml_file_is_refused(tmp_path):
    path = tmp_path / "score.xml"
    path.write_bytes(musicxml("<divisions>1</divisions>", [1, 99999]))
    with pytest.raises(MusicFileError, match="it has a note or rest 99,999 beats long"):
        read_piece(path)


def test_an_unreadable_score_names_the_error_and_the_file_type(tmp_path, monkeypatch):
    from music21 import converter

    def broken(_path: str) -> None:
        raise ValueError("bad measure")

    monkeypatch.setattr(converter, "parse", broken)
    path = tmp_path / "Broken.XML"
    path.write_bytes(musicxml("<divisions>1</divisions>", [1]))
    with pytest.raises(MusicFileError) as error:
        read_piece(path)
    assert str(error.value) == (
        "cannot read 'Broken.XML' (ValueError: bad measure); check that it is a valid .xml file, "
        "e.g. by opening it in MuseScore")
    assert isinstance(error.value.__cause__, ValueError)


def test_messages_name_the_file(tmp_path):
    from music21 import note, stream

    part = stream.Part([note.Rest(quarterLength=4)])
    path = tmp_path / "rests.musicxml"
    stream.Score([part]).write("musicxml", fp=str(path))
    with pytest.raises(NoMelodyError, match=re.escape("'rests.musicxml' has no pitched notes")):
        read_piece(path)


def test_an_abc_book_without_tunes_says_so():
    from music21 import stream

    with pytest.raises(NoMelodyError) as error:
        _from_music21(stream.Opus(), "book.abc")
    assert str(error.value) == "'book.abc' holds no tunes: check the file in a score editor"


def part_of(*elements, name=None, id_=None, inst=None):
    from music21 import stream

    part = stream.Part(id=id_) if id_ is not None else stream.Part()
    if name is not None:
        part.partName = name
    if inst is not None:
        part.insert(0, inst)
    for element in elements:
        part.append(element)
    return part


def notes(*pitches):
    from music21 import note

    return [note.Note(p, quarterLength=1) for p in pitches]


def test_a_stream_without_parts_is_one_track():
    raw = _from_music21(part_of(*notes(60, 62), name="Solo"), "solo")
    assert [(t.name, t.notes) for t in raw.tracks] == [("Solo", [(0.0, 1.0, 60), (1.0, 2.0, 62)])]


def test_track_names_come_from_the_part_its_instrument_or_its_id():
    from music21 import instrument, stream

    parts = [part_of(*notes(60), name="Lead", inst=instrument.Flute()),
             part_of(*notes(60), inst=instrument.Flute()),
             part_of(*notes(60), id_="horns"),
             part_of(*notes(60))]
    raw = _from_music21(stream.Score(parts), "parts")
    assert [t.name for t in raw.tracks] == ["Lead", "Flute", "horns", ""]
    assert [t.program for t in raw.tracks] == [73, 73, None, None]
    assert [t.is_drum for t in raw.tracks] == [False] * 4


def test_percussion_or_the_drum_channel_is_drums():
    from music21 import instrument, stream

    block = instrument.Woodblock()
    block.midiChannel = None  # percussion by its class alone
    piano = instrument.Piano()
    piano.midiChannel = 9  # General MIDI's drum channel (10, counted from 1)
    organ = instrument.Organ()
    organ.midiChannel = 10  # channel 11: not drums
    raw = _from_music21(stream.Score([part_of(*notes(60), inst=block),
                                      part_of(*notes(60), inst=piano),
                                      part_of(*notes(60), inst=organ)]), "kit")
    assert [t.is_drum for t in raw.tracks] == [True, True, False]


def test_no_chord_marks_and_grace_notes_are_skipped_and_the_rest_read():
    from music21 import harmony, note, stream

    part = stream.Part()
    part.insert(0, harmony.NoChord())
    part.insert(0, note.Note(60, quarterLength=1))
    part.insert(1, note.Note(59).getGrace())
    part.insert(1, note.Note(62, quarterLength=1))
    part.insert(2, harmony.ChordSymbol("F7"))
    part.insert(2, note.Note(65, quarterLength=2))
    raw = _from_music21(stream.Score([part]), "nc")
    assert raw.tracks[0].notes == [(0.0, 1.0, 60), (1.0, 2.0, 62), (2.0, 4.0, 65)]
    assert raw.melody_symbols == {0: [(2.0, "F7")]}
    assert (raw.symbols, raw.symbols_from) == ([], "")  # chord symbols belong to their parts


@pytest.mark.parametrize(("signature", "beats"), [(None, 4), ("1/4", 1), ("3/4", 3), ("6/8", 3)])
def test_the_bar_is_the_first_time_signatures_in_beats_or_four(signature, beats):
    from music21 import meter, stream

    elements = ([meter.TimeSignature(signature)] if signature else []) + notes(60, 62, 64, 65)
    raw = _from_music21(stream.Score([part_of(*elements)]), "meter")
    assert raw.beats_per_bar == beats
    assert raw.tempo == 120.0


def test_musicxml_skeleton_reads(tmp_path):
    path = Path(tmp_path) / "lead.musicxml"
    path.write_bytes(musicxml("<divisions>2</divisions>", [2, 4]))
    piece = read_piece(path)
    assert [(e.start, e.duration, e.pitch) for e in piece.melody] == [(0.0, 1.0, 60),
                                                                      (1.0, 2.0, 60)]
    assert piece.tracks[0].name == "Lead"


def test_cue_points_hold_chord_symbols_as_markers_do(tmp_path):
    import mido

    midi = mido.MidiFile(ticks_per_beat=96)
    track = mido.MidiTrack()
    for symbol, pitches in (("Dm7", [62, 65]), ("G7", [67, 71])):
        track.append(mido.MetaMessage("cue_marker", text=symbol, time=0))
        for pitch in pitches:
            track.append(mido.Message("note_on", note=pitch, velocity=80, time=0))
            track.append(mido.Message("note_off", note=pitch, velocity=0, time=96))
    midi.tracks.append(track)
    midi.save(tmp_path / "cues.mid")
    piece = read_piece(tmp_path / "cues.mid")
    assert [(s.symbol, s.start, s.end) for s in piece.chords] == [("Dm7", 0.0, 2.0),
                                                                  ("G7", 2.0, 4.0)]
    assert piece.chord_source == "chord symbols in the file's markers (2)"


def test_a_midi_file_cut_short_says_so(tmp_path):
    from data import badfiles

    path = tmp_path / "cut.mid"
    path.write_bytes(badfiles.truncated_midi())
    with pytest.raises(MusicFileError) as error:
        read_piece(path)
    assert str(error.value) == (
        "cannot read the MIDI file 'cut.mid': it ends too early, cut short (an unfinished "
        "upload or download?); get the file again or export it again")


def test_an_unreadable_midi_file_names_the_error(tmp_path, monkeypatch):
    import mido

    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError(7)

    monkeypatch.setattr(mido, "MidiFile", broken)
    path = tmp_path / "odd.mid"
    path.write_bytes(b"MThd")
    with pytest.raises(MusicFileError) as error:
        read_piece(path)
    assert str(error.value) == (
        "cannot read the MIDI file 'odd.mid' (KeyError: 7); check that it is a valid .mid file, "
        "e.g. by opening it in a MIDI player")


def test_one_tick_a_beat_is_a_resolution_and_none_is_damage():
    import pretty_midi

    from jazzwidget.music.io import read_pretty_midi

    midi = pretty_midi.PrettyMIDI(resolution=1, initial_tempo=60)
    lead = pretty_midi.Instrument(0, name="Lead")
    lead.notes = [pretty_midi.Note(90, p, k, k + 1) for k, p in enumerate([60, 62, 64])]
    midi.instruments.append(lead)
    piece = read_pretty_midi(midi)
    assert [(e.start, e.duration, e.pitch) for e in piece.melody] == [
        (0.0, 1.0, 60), (1.0, 1.0, 62), (2.0, 1.0, 64)]
    midi.resolution = 0
    with pytest.raises(MusicFileError) as error:
        read_pretty_midi(midi, name="take 3")
    assert str(error.value) == ("'take 3' says it has 0 ticks per beat: it is damaged; export "
                                "it again from your music program")


def test_as_many_notes_as_the_limit_are_read_and_one_more_refused(monkeypatch):
    import pretty_midi

    from jazzwidget.music import io
    from jazzwidget.music.io import read_pretty_midi

    monkeypatch.setattr(io, "MAX_NOTES", 3)
    midi = pretty_midi.PrettyMIDI(initial_tempo=60)
    lead = pretty_midi.Instrument(0, name="Lead")
    lead.notes = [pretty_midi.Note(90, p, k, k + 1) for k, p in enumerate([60, 62, 64])]
    midi.instruments.append(lead)
    assert [e.pitch for e in read_pretty_midi(midi).melody] == [60, 62, 64]
    lead.notes.append(pretty_midi.Note(90, 65, 3, 4))
    with pytest.raises(MusicFileError) as error:
        read_pretty_midi(midi, name="long take")
    assert str(error.value) == (
        "'long take' holds 4 notes; more than 3 are refused (hours of music, minutes to read): "
        "use a shorter piece, or cut it in a MIDI editor")


def pretty(pitches_and_times, **kwargs):
    import pretty_midi

    midi = pretty_midi.PrettyMIDI(initial_tempo=60, **kwargs)
    lead = pretty_midi.Instrument(0, name="Lead")
    lead.notes = [pretty_midi.Note(90, p, a, b) for p, a, b in pitches_and_times]
    midi.instruments.append(lead)
    return midi


def test_notes_of_no_length_or_outside_midi_pitches_are_dropped():
    from jazzwidget.music.io import read_pretty_midi

    midi = pretty([(60, 0, 1), (61, 1, 1), (62, 1, 2), (200, 2, 3), (64, 3, 4)])
    piece = read_pretty_midi(midi)
    assert [(e.start, e.duration, e.pitch) for e in piece.melody] == [
        (0.0, 1.0, 60), (1.0, 1.0, 62), (2.0, 1.0, None), (3.0, 1.0, 64)]


def test_the_first_time_signature_sets_the_bar():
    import pretty_midi

    from jazzwidget.music.io import read_pretty_midi

    notes = [(60 + k, k, k + 1) for k in range(8)]
    for signatures, beats in (([(6, 8, 0.0)], 3), ([(3, 4, 2.0), (5, 4, 0.0)], 5),
                              ([(1, 4, 0.0)], 1), ([(1, 8, 0.0)], 1), ([(2, 1, 0.0)], 8),
                              ([], 4)):
        midi = pretty(notes)
        midi.time_signature_changes = [pretty_midi.TimeSignature(n, d, t)
                                       for n, d, t in signatures]
        assert read_pretty_midi(midi).beats_per_bar == beats, signatures


def test_accompaniment_notes_of_no_length_or_outside_midi_pitches_are_dropped():
    import pretty_midi

    from jazzwidget.music.io import read_pretty_midi

    midi = pretty([(72, k, k + 1) for k in range(4)])
    bass = pretty_midi.Instrument(33, name="Bass")
    bass.notes = [pretty_midi.Note(90, 36, 0, 2), pretty_midi.Note(90, 38, 2, 2),
                  pretty_midi.Note(90, 40, 2, 4), pretty_midi.Note(90, 0, 1, 2),
                  pretty_midi.Note(90, 127, 1, 2), pretty_midi.Note(90, 128, 1, 2)]
    midi.instruments.append(bass)
    piece = read_pretty_midi(midi, melody="Lead")
    # MIDI pitches 0 and 127 are notes; 128 (a hand-made PrettyMIDI can hold it) is not
    assert piece.accompaniment == [(0.0, 2.0, 36), (1.0, 2.0, 0), (1.0, 2.0, 127),
                                   (2.0, 4.0, 40)]
    assert [t.notes for t in piece.tracks] == [4, 4]


def test_a_note_time_with_no_tick_names_the_error():
    from jazzwidget.music.io import read_pretty_midi

    midi = pretty([(60, 0, 1), (62, 1, 2)])
    midi.instruments[0].notes[1].start = float("nan")
    with pytest.raises(MusicFileError) as error:
        read_pretty_midi(midi, name="take 3")
    message = str(error.value)
    assert message.startswith("cannot read the notes of 'take 3' (ValueError: ")  # NaN ...
    assert message.endswith("); check its tempo and note times, e.g. by opening it in a MIDI "
                            "player")
    assert isinstance(error.value.__cause__, ValueError)


def test_a_time_signature_of_nothing_is_ignored():
    import pretty_midi

    from jazzwidget.music.io import read_pretty_midi

    for field in ("numerator", "denominator"):
        midi = pretty([(60 + k, k, k + 1) for k in range(4)])
        broken = pretty_midi.TimeSignature(3, 4, 0.0)
        setattr(broken, field, 0)  # pretty_midi refuses it when made, not when changed
        midi.time_signature_changes = [broken]
        assert read_pretty_midi(midi).beats_per_bar == 4, field


def test_chord_symbols_in_lyrics_say_where_they_were_found():
    import pretty_midi

    from jazzwidget.music.io import read_pretty_midi

    midi = pretty([(60 + k, k, k + 1) for k in range(4)])
    midi.lyrics = [pretty_midi.Lyric("Dm7", 0.0), pretty_midi.Lyric("G7", 2.0)]
    piece = read_pretty_midi(midi)
    assert [(s.symbol, s.start, s.end) for s in piece.chords] == [("Dm7", 0.0, 2.0),
                                                                  ("G7", 2.0, 4.0)]
    assert piece.chord_source == "chord symbols in the file's lyrics (2)"


def test_sources_after_a_music21_name_are_kept(tmp_path):
    from jazzwidget.music.io import expand_sources

    (tmp_path / "b.mid").write_bytes(b"")
    (tmp_path / "a.ABC").write_bytes(b"")
    (tmp_path / "notes.txt").write_bytes(b"")
    assert expand_sources(["music21:bach/bwv66.6", tmp_path / "one.mid", tmp_path]) == [
        "music21:bach/bwv66.6", tmp_path / "one.mid", tmp_path / "a.ABC", tmp_path / "b.mid"]


def test_a_folder_without_music_lists_the_file_types(tmp_path):
    from jazzwidget.music.io import expand_sources

    (tmp_path / "notes.txt").write_bytes(b"")
    with pytest.raises(MusicFileError) as error:
        expand_sources(tmp_path)
    assert str(error.value) == (
        f"the folder {str(tmp_path)!r} holds no music files: put files ending in .mid, .midi, "
        ".xml, .mxl, .musicxml, .abc in it")


def test_accompaniment_stops_where_the_window_ends():
    import pretty_midi

    from jazzwidget.music.io import read_pretty_midi

    midi = pretty([(72 + k, k, k + 1) for k in range(6)])
    bass = pretty_midi.Instrument(33, name="Bass")
    bass.notes = [pretty_midi.Note(90, 36, 0, 3), pretty_midi.Note(90, 38, 3, 4),
                  pretty_midi.Note(90, 40, 4, 6)]
    midi.instruments.append(bass)
    piece = read_pretty_midi(midi, melody="Lead", start_beat=1, end_beat=4)
    # notes that start in the window (36 began before it; 40 starts where it ends)
    assert piece.accompaniment == [(2.0, 3.0, 38)]


def test_tracks_report_their_lowest_and_highest_pitch():
    import pretty_midi

    from jazzwidget.music.io import read_pretty_midi

    midi = pretty([(72, 0, 1), (79, 1, 2), (67, 2, 3)])
    midi.instruments.append(pretty_midi.Instrument(0, name="Silent"))
    tracks = read_pretty_midi(midi, melody="Lead").tracks
    assert [(t.lowest, t.highest) for t in tracks] == [(67, 79), (None, None)]


def test_a_tempo_is_rounded_to_hundredths_and_120_when_not_a_number():
    from jazzwidget.music.io import _tempo

    assert _tempo(97.1234) == 97.12
    assert _tempo(float("nan")) == 120.0 and _tempo(float("inf")) == 120.0


def test_a_window_from_half_a_beat_or_from_before_the_start():
    from jazzwidget.music.io import read_pretty_midi

    midi = pretty([(60 + k, k, k + 1) for k in range(4)])
    piece = read_pretty_midi(midi, start_beat=0.5)
    assert [(e.start, e.duration, e.pitch) for e in piece.melody] == [
        (0.0, 0.5, None), (0.5, 1.0, 61), (1.5, 1.0, 62), (2.5, 1.0, 63)]
    assert read_pretty_midi(midi, start_beat=-2).melody == read_pretty_midi(midi).melody


def test_a_drums_only_file_has_no_melody():
    from jazzwidget.music.io import read_pretty_midi

    midi = pretty([(38, k, k + 1) for k in range(4)])
    midi.instruments[0].is_drum = True
    with pytest.raises(NoMelodyError) as error:
        read_pretty_midi(midi, name="kit")
    assert str(error.value) == ("'kit' has no pitched notes to take a melody from: choose a "
                                "file with a melody (drum-only and empty files cannot be used)")


def test_a_melody_track_silent_in_the_window_says_so():
    import pretty_midi

    from jazzwidget.music.io import read_pretty_midi

    midi = pretty([(72 + k, k, k + 1) for k in range(4)])
    bass = pretty_midi.Instrument(33, name="Bass")
    bass.notes = [pretty_midi.Note(90, 36, 0, 1)]
    midi.instruments.append(bass)
    with pytest.raises(NoMelodyError) as error:
        read_pretty_midi(midi, melody="Bass", start_beat=2, name="take 3")
    assert str(error.value) == (
        "track 1 'Bass' of 'take 3' has no notes between beats 2 and inf: the file is 4 beats "
        "long; choose a window inside it")


def test_file_type_size_and_emptiness_messages(tmp_path, monkeypatch):
    from data import badfiles

    from jazzwidget.music import io

    for name, shown in (("notes", "'(none)'"), ("notes.txt", "'.txt'")):
        with pytest.raises(MusicFileError) as error:
            read_piece(tmp_path / name)
        assert str(error.value) == (
            f"cannot read {name!r}: unsupported file type {shown}; use one of .mid, .midi, "
            ".xml, .mxl, .musicxml, .abc or a music21 corpus name 'music21:...'")
    empty = tmp_path / "empty.mid"
    empty.write_bytes(b"")
    with pytest.raises(MusicFileError) as error:
        read_piece(empty)
    assert str(error.value) == ("'empty.mid' is empty (0 bytes): the upload or download did "
                                "not finish; get the file again")
    path = tmp_path / "tune.mid"
    path.write_bytes(badfiles.lead_sheet_midi())
    monkeypatch.setattr(io, "MAX_MIDI_BYTES", path.stat().st_size)  # as large as allowed
    assert read_piece(path).melody
    monkeypatch.setattr(io, "MAX_MIDI_BYTES", path.stat().st_size - 1)
    with pytest.raises(MusicFileError) as error:
        read_piece(path)
    assert str(error.value).endswith(
        "KB; .mid files over 0 KB are refused (they hold hours of music and would take minutes "
        "to read): use a shorter piece, one movement, or cut it with start_beat/end_beat in a "
        "music editor")
