"""Which text events are a chord track (found by mutation testing, docs/mutation.md): blank
texts do not count, and one chord symbol among other texts (a title that happens to read as a
chord) is not a chord track, while a lone text that is a chord symbol is."""

from jazzwidget.music.chord_reading import chord_texts

WHERE = "chord symbols in the file's text events"


def test_blank_texts_do_not_count_against_a_lone_symbol():
    assert chord_texts([(0.0, " C7 "), (4.0, "   "), (8.0, "")], "text events") == (
        [(0.0, "C7")], WHERE)


def test_one_symbol_among_other_texts_is_no_chord_track():
    assert chord_texts([(0.0, "Blue in Green"), (0.0, "A")], "text events") == ([], "")
    assert chord_texts([(0.0, "Blue in Green"), (0.0, "A"), (4.0, "D7")], "text events") == (
        [(0.0, "A"), (4.0, "D7")], WHERE)


def test_a_window_of_a_file_with_chord_symbols_starts_its_chords_at_zero():
    import pretty_midi

    from jazzwidget.music.io import read_pretty_midi

    midi = pretty_midi.PrettyMIDI(initial_tempo=60)
    lead = pretty_midi.Instrument(0, name="Lead")
    lead.notes = [pretty_midi.Note(90, 60 + k, k, k + 1) for k in range(8)]
    midi.instruments.append(lead)
    midi.lyrics = [pretty_midi.Lyric(s, t) for s, t in
                   (("Dm7", 0.0), ("G7", 2.0), ("C", 4.5), ("A7", 6.0), ("Dm7", 7.0))]
    piece = read_pretty_midi(midi, start_beat=3, end_beat=7)
    # G7 sounds at beat 3 (the window's 0); C from 4.5, A7 from 6, to the window's end
    assert [(s.symbol, s.start, s.end) for s in piece.chords] == [
        ("G7", 0.0, 1.5), ("C", 1.5, 3.0), ("A7", 3.0, 4.0)]
    # the symbols written inside the window: not G7 (before it), not Dm7 (where it ends)
    assert piece.chord_source == "chord symbols in the file's lyrics (2)"


def test_chord_symbols_come_from_the_melody_part_else_the_first_part_with_some(tmp_path):
    from music21 import harmony, note, stream

    from jazzwidget.music.io import read_piece

    def part(name: str, pitch: int, symbols: list[str]) -> stream.Part:
        p = stream.Part()
        p.partName = name
        for k in range(4):
            p.insert(k, note.Note(pitch + k, quarterLength=1))
        for k, symbol in enumerate(symbols):
            p.insert(2 * k, harmony.ChordSymbol(symbol))
        return p

    path = tmp_path / "parts.musicxml"
    stream.Score([part("Guitar", 60, []), part("Piano", 64, ["F", "B-"]),
                  part("Horn", 67, ["C", "G"])]).write("musicxml", fp=str(path))
    horn = read_piece(path, melody="Horn")
    assert [s.symbol for s in horn.chords] == ["C", "G"]
    assert horn.chord_source == "chord symbols in the melody part (2)"
    guitar = read_piece(path, melody="Guitar")
    assert [s.symbol for s in guitar.chords] == ["F", "Bb"]
    assert guitar.chord_source == 'chord symbols in part 1 "Piano" (2)'


def test_in_two_four_chords_are_estimated_per_beat():
    import pretty_midi

    from jazzwidget.music.io import read_pretty_midi

    midi = pretty_midi.PrettyMIDI(initial_tempo=60)
    midi.time_signature_changes = [pretty_midi.TimeSignature(2, 4, 0.0)]
    lead = pretty_midi.Instrument(0, name="Lead")
    lead.notes = [pretty_midi.Note(90, 72 + k % 3, k, k + 1) for k in range(4)]
    piano = pretty_midi.Instrument(0, name="Piano")
    piano.notes = [pretty_midi.Note(70, p, k, k + 1) for k, chord in
                   enumerate([(48, 52, 55), (53, 57, 60), (55, 59, 62), (48, 52, 55)])
                   for p in chord]
    midi.instruments.extend([lead, piano])
    piece = read_pretty_midi(midi, melody="Lead")
    assert piece.beats_per_bar == 2
    assert [(s.symbol, s.start, s.end) for s in piece.chords] == [
        ("C", 0.0, 1.0), ("F", 1.0, 2.0), ("G", 2.0, 3.0), ("C", 3.0, 4.0)]
    assert piece.chord_source == 'estimated per beat from the other tracks ("Piano")'


def test_two_symbols_at_one_beat_make_no_chord_of_no_length():
    import pretty_midi

    from jazzwidget.music.io import read_pretty_midi

    midi = pretty_midi.PrettyMIDI(initial_tempo=60)
    lead = pretty_midi.Instrument(0, name="Lead")
    lead.notes = [pretty_midi.Note(90, 60 + k, k, k + 1) for k in range(4)]
    midi.instruments.append(lead)
    midi.lyrics = [pretty_midi.Lyric(s, t) for s, t in (("Dm7", 0.0), ("G7", 2.0), ("A7", 2.0))]
    chords = read_pretty_midi(midi).chords
    assert [(s.start, s.end) for s in chords] == [(0.0, 2.0), (2.0, 4.0)]  # one of the two
    assert chords[0].symbol == "Dm7" and chords[1].symbol in {"G7", "A7"}
