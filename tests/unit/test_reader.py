"""One reader: load_corpus, Clip.from_file and the Player read a file to the same music."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pretty_midi
import pytest
from data import badfiles

from jazzwidget.errors import MusicFileError, NoMelodyError
from jazzwidget.music.clip import Clip
from jazzwidget.music.corpus import builtin_sources, load_corpus
from jazzwidget.widgets.player import Player


def player_notes(player: Player) -> list[tuple[int, float, float]]:
    rows = player._music.melody
    return [(int(r[0]), round(float(r[1]), 4), round(float(r[2]), 4)) for r in rows]


def corpus_notes(path: Path, **kwargs) -> tuple[list[tuple[int, float, float]], object]:
    piece = load_corpus(path, **kwargs).pieces[0]
    spb = 60.0 / piece.tempo
    notes = [(n.pitch, round(n.start * spb, 4), round(n.end * spb, 4)) for n in piece.notes]
    return notes, piece


def chords_in_seconds(piece) -> list[tuple[str, float, float]]:
    spb = 60.0 / piece.tempo
    return [(c.symbol, round(c.start * spb, 4), round(c.end * spb, 4)) for c in piece.chords]


@pytest.mark.parametrize("case", ["6/8", "3/4", "5/4", "16 melodic tracks",
                                  "overlapping notes and chords"])
def test_corpus_and_player_read_the_same_melody_chords_and_meter(tmp_path, case):
    path = badfiles.write(case, tmp_path)
    notes, piece = corpus_notes(path)
    player = Player(path)
    assert player_notes(player) == notes
    assert [(c[0], round(c[1], 4), round(c[2], 4)) for c in player._music.chords] \
        == chords_in_seconds(piece)
    assert player.beats_per_bar == piece.beats_per_bar
    assert player.tempo == piece.tempo
    clip = Clip.from_file(path)
    assert [(n.pitch, round(n.start, 4), round(n.end, 4)) for n in clip.notes] == notes


def test_six_eight_counts_three_quarter_notes_a_bar_everywhere(tmp_path):
    path = badfiles.write("6/8", tmp_path)
    assert load_corpus(path).pieces[0].beats_per_bar == 3
    assert Clip.from_file(path).beats_per_bar == 3
    assert Player(path).beats_per_bar == 3


def test_the_builtin_corpus_plays_what_it_trains_on():
    path = builtin_sources()[0]
    notes, piece = corpus_notes(path)
    player = Player(path)
    assert player_notes(player) == notes
    assert piece.chord_source.startswith("chord symbols")
    assert [c[0] for c in player._music.chords] == [c.symbol for c in piece.chords]
    # The bass is accompaniment; the "Chords" track realizes the symbols and is left out.
    midi = pretty_midi.PrettyMIDI(str(path))
    bass = next(i for i in midi.instruments if i.name == "Bass")
    assert sorted(int(r[0]) for r in player._music.accompaniment) \
        == sorted(n.pitch for n in bass.notes)


def test_melody_choice_is_the_same_everywhere(tmp_path):
    path = badfiles.write("16 melodic tracks", tmp_path)
    assert load_corpus(path).pieces[0].tracks[11].name == "Lead"
    for melody in ("Pad 3", 3, "program:3"):
        notes, piece = corpus_notes(path, melody=melody)
        assert piece.melody_track == 3
        assert player_notes(Player(path, melody=melody)) == notes
        assert [(n.pitch, round(n.start, 4), round(n.end, 4))
                for n in Clip.from_file(path, melody).notes] == notes
    with pytest.raises(NoMelodyError, match="no track named 'Tuba'"):
        Player(path, melody="Tuba")


def test_player_plays_musicxml_and_abc_through_the_reader(tmp_path):
    for name, data in (("lead.musicxml", badfiles.musicxml()), ("walk.abc", badfiles.abc())):
        path = tmp_path / name
        path.write_bytes(data)
        notes, piece = corpus_notes(path)
        player = Player(path)
        assert player_notes(player) == notes and len(notes) > 20
        assert [c[0] for c in player._music.chords] == [c.symbol for c in piece.chords]
        assert [c[0] for c in player._music.chords][:4] == ["Dm7", "G7", "Cmaj7", "A7"]


def test_pretty_midi_object_reads_as_its_file(tmp_path):
    path = tmp_path / "tune.mid"
    path.write_bytes(badfiles.lead_sheet_midi(meter=(3, 4), bpm=100))
    from_file = Clip.from_file(path)
    from_object = Clip.from_pretty_midi(pretty_midi.PrettyMIDI(str(path)))
    assert from_object.notes == from_file.notes
    assert from_object.chords == from_file.chords
    assert from_object.accompaniment == from_file.accompaniment
    assert (from_object.tempo, from_object.beats_per_bar) == (100, 3)
    assert player_notes(Player(pretty_midi.PrettyMIDI(str(path)))) == [
        (n.pitch, round(n.start, 4), round(n.end, 4)) for n in from_file.notes]
    with pytest.raises(MusicFileError, match="PrettyMIDI"):
        Clip.from_pretty_midi(b"MThd")


def test_a_clip_written_to_midi_reads_back_to_its_notes_and_chords(tmp_path):
    clip = Clip.from_file(badfiles.write("3/4", tmp_path))
    again = Clip.from_file(clip.to_midi(tmp_path / "again.mid"))
    assert [(n.pitch, round(n.start, 3)) for n in again.notes] \
        == [(n.pitch, round(n.start, 3)) for n in clip.notes]
    assert [c.symbol for c in again.chords] == [c.symbol for c in clip.chords]
    assert sorted(n.pitch for n in again.accompaniment) \
        == sorted(n.pitch for n in clip.accompaniment)  # written on its own track
    assert again.beats_per_bar == 3


def test_the_wav_download_sounds_the_accompaniment(tmp_path):
    path = badfiles.write("3/4", tmp_path)
    player = Player(path)
    with wave.open(io.BytesIO(player.wav_bytes(8000))) as handle:
        frames = handle.getnframes()
        full = np.frombuffer(handle.readframes(frames), dtype="<i2").astype(float)
    assert frames == round(player.duration * 8000)
    alone = Clip(player.clip.steps, player.clip.chords, player.clip.tempo, player.clip.duration,
                 player.clip.beats_per_bar).render(8000)
    assert np.abs(full / 32767 - alone).max() > 0.01  # the bass is in it


def test_synthesis_lives_in_music_and_needs_no_clip():
    import jazzwidget.music.synth as synth

    assert not hasattr(synth, "Clip")
    samples = synth.render([(60, 0.0, 0.5, 100)], [], 1.0, 8000, accompaniment=[(48, 0.5, 1.0, 80)])
    assert len(samples) == 8000
    assert np.abs(samples[:3000]).max() > 0.05 and np.abs(samples[4500:7000]).max() > 0.01
