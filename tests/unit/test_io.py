"""Reading music files into Pieces: jazzwidget.music.io (no TensorFlow here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mido
import pretty_midi
import pytest

from jazzwidget.errors import JazzwidgetError, MusicFileError, NoMelodyError
from jazzwidget.music.harmony import parse_chord
from jazzwidget.music.io import (
    SUPPORTED_SUFFIXES,
    expand_sources,
    read_piece,
    read_pieces,
    skyline,
)
from jazzwidget.music.melody import TINY_GAP
from jazzwidget.music.piece import Piece

METHENY = Path(__file__).parents[2].parent / "shared/data/original_metheny.mid"
LEAD_SHEET = "music21:leadSheet/berlinAlexandersRagtime.mxl"
TEMPO = 120.0  # the test files' tempo: one beat is 0.5 s
SPB = 60.0 / TEMPO


# ------------------------------------------------------------------------------ helpers
def instrument(name: str, notes, program: int = 0, is_drum: bool = False) -> pretty_midi.Instrument:
    """A pretty_midi instrument from (start_beat, end_beat, pitch) triples."""
    inst = pretty_midi.Instrument(program, is_drum=is_drum, name=name)
    inst.notes = [pretty_midi.Note(90, p, s * SPB, e * SPB) for s, e, p in notes]
    return inst


def write_midi(path: Path, instruments, texts=(), lyrics=(), numerator: int = 4) -> Path:
    midi = pretty_midi.PrettyMIDI(initial_tempo=TEMPO)
    midi.time_signature_changes.append(pretty_midi.TimeSignature(numerator, 4, 0.0))
    midi.instruments = list(instruments)
    midi.text_events = [pretty_midi.Text(text, beat * SPB) for beat, text in texts]
    midi.lyrics = [pretty_midi.Lyric(text, beat * SPB) for beat, text in lyrics]
    midi.write(str(path))
    return path


def scale_melody(bars: int = 3) -> list[tuple[float, float, int]]:
    """Eighth notes up and down a C major scale, one note at a time."""
    steps = [72, 74, 76, 77, 79, 77, 76, 74]
    return [(i * 0.5, i * 0.5 + 0.5, steps[i % 8]) for i in range(bars * 8)]


def held_triads(symbols: list[str], low: int = 48) -> list[tuple[float, float, int]]:
    """Each chord held for a whole 4/4 bar, in close voicing."""
    return [
        (bar * 4.0, bar * 4.0 + 4.0, pitch)
        for bar, symbol in enumerate(symbols)
        for pitch in parse_chord(symbol).voicing(low)
    ]


def assert_well_formed(piece: Piece) -> None:
    """Gap-free from beat 0, monophonic, chords covering the melody and readable."""
    assert piece.melody, "no melody events"
    assert piece.melody[0].start == 0.0
    for before, after in zip(piece.melody, piece.melody[1:], strict=False):
        assert after.start == pytest.approx(before.end, abs=1e-5)
    assert all(event.duration > 0 for event in piece.melody)
    assert piece.chords[0].start == 0.0
    assert piece.chords[-1].end == pytest.approx(piece.length, abs=1e-5)
    for before, after in zip(piece.chords, piece.chords[1:], strict=False):
        assert after.start == pytest.approx(before.end, abs=1e-5)
        assert after.symbol != before.symbol  # equal neighbours are merged
    for span in piece.chords:
        parse_chord(span.symbol)


@pytest.fixture
def band(tmp_path) -> Path:
    """Drums + bass + melody + pad, in that order (the melody is track 2)."""
    drums = [(i * 0.5, i * 0.5 + 0.25, 42) for i in range(24)]
    bass = [(i * 1.0, i * 1.0 + 0.9, [36, 43, 41, 38][i % 4]) for i in range(12)]
    pad = held_triads(["C", "F", "G7"], low=60)
    return write_midi(tmp_path / "band.mid", [
        instrument("Drums", drums, is_drum=True),
        instrument("Bass", bass, program=33),
        instrument("Lead Flute", scale_melody(), program=73),
        instrument("Pad", pad, program=89),
    ])


# ------------------------------------------------------------------------------ the seed's file
@pytest.mark.skipif(not METHENY.exists(), reason=f"the seed's MIDI file is not at {METHENY}")
def test_seed_solo_window_reads_like_the_seed():
    piece = read_piece(METHENY, melody="Guitar", start_beat=476, end_beat=548)
    assert_well_formed(piece)
    # music21 (quantizing) reads this window as 245 events, 126 of them notes (some as chords).
    assert 245 * 0.85 <= len(piece.melody) <= 245 * 1.15
    assert 126 <= len(piece.notes) <= 200
    assert piece.length == pytest.approx(72.0)  # 18 bars of 4/4
    assert piece.beats_per_bar == 4
    assert piece.tempo == pytest.approx(112, abs=0.01)
    guitar = piece.tracks[piece.melody_track]
    assert (guitar.name, guitar.program, guitar.notes) == ("Guitar", 26, 1330)
    assert "asked for by name" in piece.melody_reason
    assert "Piano" in piece.chord_source and piece.chord_source.startswith("estimated")
    assert 4 <= len(piece.chords) <= 36  # at most one chord per half bar
    pitches = [event.pitch for event in piece.notes]
    assert min(pitches) >= 45 and max(pitches) <= 86
    assert sum(t.is_drum for t in piece.tracks) == 9


@pytest.mark.skipif(not METHENY.exists(), reason=f"the seed's MIDI file is not at {METHENY}")
def test_seed_file_heuristic_finds_the_guitar_and_empty_window_reports_length():
    piece = read_piece(METHENY, start_beat=476, end_beat=548)
    assert piece.tracks[piece.melody_track].name == "Guitar"
    with pytest.raises(NoMelodyError, match=r"868 beats long"):
        read_piece(METHENY, melody="Guitar", start_beat=2000, end_beat=2100)


# ------------------------------------------------------------------------------ music21 sources
def test_music21_lead_sheet_has_its_chord_symbols():
    piece = read_piece(LEAD_SHEET)
    assert_well_formed(piece)
    assert piece.chord_source == "chord symbols in the melody part (19)"
    assert len(piece.chords) >= 10  # 19 symbols, some repeated back to back
    assert {span.symbol for span in piece.chords} >= {"F", "C7", "Bb"}
    assert len(piece.notes) > 100
    assert piece.beats_per_bar == 4


def test_musicxml_chord_symbols_spelled_our_way(tmp_path):
    from music21 import harmony, meter, note, stream

    part = stream.Part()
    part.partName = "Sax"
    part.insert(0, meter.TimeSignature("3/4"))
    part.insert(0, harmony.ChordSymbol("B-7"))
    part.insert(3, harmony.ChordSymbol("E-maj7"))
    part.insert(6, harmony.ChordSymbol("C7 add 9"))  # not in our table: named from its pitches
    for i, pitch in enumerate([70, 74, 77, 75, 79, 82, 72, 76, 79]):
        part.insert(i, note.Note(pitch, quarterLength=1.0))
    path = Path(stream.Score([part]).write("musicxml", fp=tmp_path / "sax.musicxml"))
    piece = read_piece(path)
    assert_well_formed(piece)
    assert [span.symbol for span in piece.chords][:2] == ["Bb7", "Ebmaj7"]
    assert parse_chord(piece.chords[2].symbol).root == 0  # some C chord
    assert piece.beats_per_bar == 3
    assert [e.pitch for e in piece.notes] == [70, 74, 77, 75, 79, 82, 72, 76, 79]
    assert piece.tracks[0].name == "Sax"


def test_abc_tune_reads(tmp_path):
    abc = tmp_path / "tune.abc"
    abc.write_text(
        "X:1\nT:Test tune\nM:4/4\nL:1/8\nQ:1/4=100\nK:C\n"
        '"C"CDEF GABc|"G7"d2 B2 G2 z2|"C"c8|]\n'
    )
    piece = read_piece(abc)
    assert_well_formed(piece)
    assert [span.symbol for span in piece.chords] == ["C", "G7", "C"]
    assert piece.chords[1].start == pytest.approx(4.0)
    assert [e.pitch for e in piece.notes][:4] == [60, 62, 64, 65]
    assert [e.is_rest for e in piece.melody].count(True) == 1  # the z2
    assert piece.tempo == pytest.approx(100)


# ------------------------------------------------------------------------------ MIDI chords
def test_estimated_chords_match_the_held_triads(tmp_path):
    symbols = ["C", "F", "G7", "C"]
    path = write_midi(tmp_path / "est.mid", [
        instrument("Melody", scale_melody(4), program=73),
        instrument("Chords", held_triads(symbols), program=4),
    ])
    piece = read_piece(path, melody="Melody")
    assert_well_formed(piece)
    assert [(s.symbol, s.start, s.end) for s in piece.chords] == [
        ("C", 0.0, 4.0), ("F", 4.0, 8.0), ("G7", 8.0, 12.0), ("C", 12.0, 16.0)]
    assert piece.chord_source.startswith("estimated per half bar from the other tracks")
    assert '"Chords"' in piece.chord_source


def test_chords_from_the_melody_alone_when_nothing_else_plays(tmp_path):
    arpeggios = [(i * 1.0, i * 1.0 + 1.0, p)
                 for i, p in enumerate([60, 64, 67, 72, 65, 69, 72, 77])]
    piece = read_piece(write_midi(tmp_path / "solo.mid", [instrument("Solo", arpeggios)]))
    assert piece.chord_source == "estimated per bar from the melody alone"
    assert [s.symbol for s in piece.chords] == ["C", "F"]


def test_text_event_chord_symbols_read_back_exactly(tmp_path):
    texts = [(0, "Dm7"), (4, "G7"), (8, "Cmaj7"), (12, "Bb7#9"), (14, "F#m7b5")]
    path = write_midi(tmp_path / "texts.mid", [
        instrument("Melody", scale_melody(4)),
        instrument("Chords", held_triads(["E", "E", "E", "E"])),  # ignored: symbols win
    ], texts=[*texts, (0, "Written by us")])
    piece = read_piece(path, melody=0)
    assert [(s.symbol, s.start) for s in piece.chords] == [(sym, float(t)) for t, sym in texts]
    assert piece.chords[-1].end == pytest.approx(16.0)
    assert piece.chord_source == "chord symbols in the file's text events (5)"


def test_lyric_and_marker_chord_symbols(tmp_path):
    lyr = write_midi(tmp_path / "lyr.mid", [instrument("M", scale_melody(2))],
                     lyrics=[(0, "Am7"), (4, "D7")])
    assert [s.symbol for s in read_piece(lyr).chords] == ["Am7", "D7"]

    midi = mido.MidiFile(ticks_per_beat=96)
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("marker", text="Ebmaj7", time=0))
    for pitch in [63, 67, 70, 74]:
        track.append(mido.Message("note_on", note=pitch, velocity=80, time=0))
        track.append(mido.Message("note_off", note=pitch, velocity=0, time=96))
    track.append(mido.MetaMessage("marker", text="Ab7", time=0))
    for pitch in [68, 72]:
        track.append(mido.Message("note_on", note=pitch, velocity=80, time=0))
        track.append(mido.Message("note_off", note=pitch, velocity=0, time=96))
    midi.tracks.append(track)
    midi.save(tmp_path / "markers.mid")
    piece = read_piece(tmp_path / "markers.mid")
    assert [(s.symbol, s.start, s.end) for s in piece.chords] == [
        ("Ebmaj7", 0.0, 4.0), ("Ab7", 4.0, 6.0)]
    assert "markers" in piece.chord_source


def test_clip_midi_round_trip_keeps_chords(tmp_path):
    from jazzwidget.music.clip import Clip, Step
    from jazzwidget.music.piece import ChordSpan

    chords = [ChordSpan("Dm7", 0.0, 2.0), ChordSpan("G7", 2.0, 4.0)]  # seconds, at 120 bpm
    steps = [Step("C,0.5", i * 0.25, i * 0.25 + 0.25, 62 + i) for i in range(16)]
    clip = Clip(steps=steps, chords=chords, tempo=120.0, duration=4.0)
    piece = read_piece(clip.to_midi(tmp_path / "clip.mid"))
    assert [(s.symbol, s.start, s.end) for s in piece.chords] == [
        ("Dm7", 0.0, 4.0), ("G7", 4.0, 8.0)]
    assert piece.tracks[piece.melody_track].name == "Melody"
    assert [e.pitch for e in piece.notes] == [step.pitch for step in steps]


# ------------------------------------------------------------------------------ melody line
def test_polyphonic_track_becomes_a_skyline(tmp_path):
    notes = [
        (0.0, 2.0, 60), (0.0, 2.0, 64), (0.0, 1.0, 67),  # chord: top 67, cut at beat 1
        (1.0, 3.0, 72),  # new onset over held notes
        (2.0, 2.5, 55),  # lower, but a new onset: it takes over and cuts the 72
        (3.0, 4.0, 65), (3.01, 4.0, 69),  # strummed: one onset, the top note
    ]
    piece = read_piece(write_midi(tmp_path / "poly.mid", [instrument("Guitar", notes)]),
                       melody="Guitar")
    line = [(e.start, e.end, e.pitch) for e in piece.melody]
    assert line == [(0.0, 1.0, 67), (1.0, 2.0, 72), (2.0, 2.5, 55), (2.5, 3.0, None),
                    (3.0, 4.0, 69)]
    assert piece.tracks[0].polyphony > 0.5


def test_skyline_function_directly():
    assert skyline([(0, 1, 60), (0, 1, 64), (0.5, 2, 62)]) == [(0, 0.5, 64), (0.5, 2, 62)]
    assert skyline([]) == []


def test_tiny_gaps_fold_zero_length_notes_drop_and_windows_shift(tmp_path):
    notes = [
        (0.0, 0.95, 60),  # gap 0.05 < TINY_GAP: folded into this note
        (1.0, 1.5, 62),  # then a real rest of 0.5
        (2.0, 2.0, 99),  # zero length: dropped
        (2.0, 3.0, 64),
        (5.0, 6.0, 65),
        (9.0, 10.0, 67),
    ]
    path = write_midi(tmp_path / "gaps.mid", [instrument("Lead", notes)])
    piece = read_piece(path)
    assert [(e.start, e.end, e.pitch) for e in piece.melody] == [
        (0.0, 1.0, 60), (1.0, 1.5, 62), (1.5, 2.0, None), (2.0, 3.0, 64), (3.0, 5.0, None),
        (5.0, 6.0, 65), (6.0, 9.0, None), (9.0, 10.0, 67)]
    assert TINY_GAP > 0.05

    window = read_piece(path, start_beat=4, end_beat=8)
    assert [(e.start, e.end, e.pitch) for e in window.melody] == [
        (0.0, 1.0, None), (1.0, 2.0, 65), (2.0, 4.0, None)]
    assert window.length == 4.0


def test_tempo_changes_are_followed_in_beats(tmp_path):
    midi = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(90), time=0))
    track.append(mido.MetaMessage("time_signature", numerator=3, denominator=4, time=0))
    for i, pitch in enumerate([60, 62, 64, 65, 67, 69]):
        if i == 3:
            track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(180), time=0))
        track.append(mido.Message("note_on", note=pitch, velocity=80, time=0))
        track.append(mido.Message("note_off", note=pitch, velocity=0, time=480))
    midi.tracks.append(track)
    midi.save(tmp_path / "tempo.mid")
    piece = read_piece(tmp_path / "tempo.mid")
    assert [(e.start, e.duration) for e in piece.melody] == [(float(i), 1.0) for i in range(6)]
    assert piece.tempo == pytest.approx(90)
    assert piece.beats_per_bar == 3


# ------------------------------------------------------------------------------ melody choice
def test_heuristic_picks_the_melody_among_drums_bass_and_pad(band):
    piece = read_piece(band)
    assert piece.melody_track == 2
    assert '"Lead Flute"' in piece.melody_reason and "polyphony" in piece.melody_reason
    assert [e.pitch for e in piece.notes] == [p for _, _, p in scale_melody()]
    assert piece.tracks[0].is_drum and piece.tracks[3].polyphony == 1.0


@pytest.mark.parametrize(("choice", "expected", "why"), [
    ("Bass", 1, "asked for by name"),
    ("bass", 1, "asked for by name"),
    ("flute", 2, "name contains"),
    (3, 3, "asked for by index"),
    ("3", 3, "asked for by index"),
    ("program:33", 1, "program 33"),
    ("program: 89", 3, "program 89"),
])
def test_melody_by_name_index_and_program(band, choice, expected, why):
    piece = read_piece(band, melody=choice)
    assert piece.melody_track == expected
    assert why in piece.melody_reason
    assert_well_formed(piece)


def test_pad_as_melody_is_reduced_to_its_top_line(band):
    piece = read_piece(band, melody="Pad")
    assert [e.pitch for e in piece.melody] == [67, 72, 77]  # tops of C, F, G7 voiced from 60


@pytest.mark.parametrize("choice", ["Trumpet", 7, -1, "program:1"])
def test_unknown_melody_lists_the_tracks(band, choice):
    with pytest.raises(NoMelodyError) as info:
        read_piece(band, melody=choice)
    message = str(info.value)
    assert '0 "Drums" (drums)' in message and '2 "Lead Flute"' in message
    assert "\n" not in message


def test_chords_only_file_still_gives_a_top_line(tmp_path):
    path = write_midi(tmp_path / "pad.mid", [instrument("Pad", held_triads(["C", "Am"], 60))])
    piece = read_piece(path)
    assert [e.pitch for e in piece.melody] == [67, 76]  # C: 60 64 67; Am: 69 72 76
    assert "100% polyphony" in piece.melody_reason


def test_drum_track_cannot_be_the_melody(band):
    with pytest.raises(NoMelodyError, match="drum track"):
        read_piece(band, melody="Drums")


# ------------------------------------------------------------------------------ errors
def test_missing_file(tmp_path):
    with pytest.raises(MusicFileError, match="no such music file"):
        read_piece(tmp_path / "nothere.mid")


def test_unsupported_suffix_lists_supported_ones(tmp_path):
    (tmp_path / "song.mp3").write_bytes(b"ID3")
    with pytest.raises(MusicFileError) as info:
        read_piece(tmp_path / "song.mp3")
    assert all(suffix in str(info.value) for suffix in SUPPORTED_SUFFIXES)


@pytest.mark.parametrize("name", ["broken.mid", "broken.musicxml"])
def test_corrupt_file_chains_the_cause(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"MThd\x00\x00\x00\x06garbage" if name.endswith(".mid") else b"<score><")
    with pytest.raises(MusicFileError, match="cannot read") as info:
        read_piece(path)
    assert info.value.__cause__ is not None
    assert "\n" not in str(info.value)


def test_files_without_a_melody(tmp_path):
    empty = write_midi(tmp_path / "empty.mid", [])
    with pytest.raises(NoMelodyError, match="no pitched notes"):
        read_piece(empty)
    drums = write_midi(tmp_path / "drums.mid",
                       [instrument("Kit", [(0, 0.5, 36), (1, 1.5, 38)], is_drum=True)])
    with pytest.raises(NoMelodyError, match="no pitched notes"):
        read_piece(drums)


def test_empty_windows_say_how_long_the_file_is(band):
    with pytest.raises(NoMelodyError, match="12 beats long"):
        read_piece(band, start_beat=40, end_beat=48)
    with pytest.raises(NoMelodyError, match="12 beats long"):
        read_piece(band, melody="Lead Flute", start_beat=40)
    with pytest.raises(NoMelodyError, match="end_beat must be after start_beat"):
        read_piece(band, start_beat=8, end_beat=8)


def test_every_error_is_a_jazzwidget_error(tmp_path):
    for bad in [tmp_path / "x.mid", tmp_path / "x.wav", "music21:no/such/piece.mxl"]:
        with pytest.raises(JazzwidgetError):
            read_piece(bad)


# ------------------------------------------------------------------------------ many files
def test_read_pieces_from_folder_list_and_corpus_name(tmp_path, band):
    folder = tmp_path / "songs"
    folder.mkdir()
    write_midi(folder / "b.mid", [instrument("M", scale_melody(1))])
    write_midi(folder / "a.midi", [instrument("M", scale_melody(2))])
    (folder / "notes.txt").write_text("not music")
    assert [Path(p).name for p in expand_sources(folder)] == ["a.midi", "b.mid"]
    pieces = read_pieces([folder, band, LEAD_SHEET])
    assert [p.name for p in pieces] == ["a.midi", "b.mid", "band.mid", LEAD_SHEET]
    assert pieces[0].length == pytest.approx(8.0) and pieces[1].length == pytest.approx(4.0)
    single = read_pieces(band, start_beat=4, end_beat=8)
    assert len(single) == 1 and single[0].length == pytest.approx(4.0)


def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(MusicFileError, match="holds no music files"):
        read_pieces(tmp_path)


def test_io_does_not_import_tensorflow():
    code = "import sys, jazzwidget.music.io; sys.exit('tensorflow' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
