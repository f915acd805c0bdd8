"""The Player's Python side: what it sends to the browser from a Clip, a PrettyMIDI or a file."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pretty_midi
import pytest
import traitlets

from jazzwidget.errors import MusicFileError, NoMelodyError
from jazzwidget.music.clip import Clip, Step
from jazzwidget.music.harmony import parse_chord
from jazzwidget.music.piece import ChordSpan
from jazzwidget.widgets._serialize import ACCOMPANIMENT_COLUMNS, MELODY_COLUMNS, table_array
from jazzwidget.widgets.player import Player
from tests.conftest import imported_by

TRIPLET = 60 / 130 / 3  # a triplet eighth at 130 bpm: off the tick grid of a 220-tick file


def make_clip() -> Clip:
    pitches = [62, 65, None, 69, 72, 71, 68, 67]
    steps = [Step("v", i * TRIPLET, (i + 1) * TRIPLET, p) for i, p in enumerate(pitches)]
    chords = [ChordSpan("Dm7", 0.0, 4 * TRIPLET), ChordSpan("G7", 4 * TRIPLET, 8 * TRIPLET)]
    return Clip(steps, chords, tempo=130, duration=8 * TRIPLET, beats_per_bar=3)


def melody_rows(player: Player) -> np.ndarray:
    return table_array(player._melody)


def accompaniment_rows(player: Player) -> np.ndarray:
    return table_array(player._accompaniment)


def test_notes_cross_as_binary_tables_with_dtype_shape_and_columns() -> None:
    player = Player(make_clip())
    table = player._melody
    assert set(table) == {"view", "dtype", "shape", "columns"}
    assert isinstance(table["view"], memoryview)  # ipywidgets sends it as a binary buffer
    assert table["dtype"] == "float32"
    assert table["shape"] == [7, 5]
    assert table["columns"] == list(MELODY_COLUMNS)
    assert table["view"].nbytes == 7 * 5 * 4
    assert player._accompaniment["shape"] == [0, len(ACCOMPANIMENT_COLUMNS)]
    assert player._accompaniment["columns"] == list(ACCOMPANIMENT_COLUMNS)
    # What the browser receives: the state with the buffers taken out, JSON for the rest.
    from ipywidgets.widgets.widget import _remove_buffers

    state, paths, buffers = _remove_buffers(player.get_state())
    assert ["_melody", "view"] in paths and ["_accompaniment", "view"] in paths
    assert state["_melody"] == {"dtype": "float32", "shape": [7, 5],
                                "columns": list(MELODY_COLUMNS)}
    assert bytes(buffers[paths.index(["_melody", "view"])]) == table["view"].tobytes()


def test_player_from_clip_sends_notes_chords_and_meter() -> None:
    clip = make_clip()
    player = Player(clip)
    rows = melody_rows(player)
    notes = clip.notes
    assert rows[:, 0].tolist() == [n.pitch for n in notes]
    np.testing.assert_allclose(rows[:, 1], [n.start for n in notes], atol=1e-6)
    np.testing.assert_allclose(rows[:, 2], [n.end for n in notes], atol=1e-6)
    assert rows[:, 3].tolist() == [n.velocity for n in notes]
    # pitch types over the chord at each onset: 0 chord tone, 1 scale tone, 2 approach
    expected_types = [
        "CSAX".index(parse_chord("Dm7" if n.start < 4 * TRIPLET - 1e-9 else "G7")
                     .pitch_type(n.pitch)) for n in notes]
    assert rows[:, 4].astype(int).tolist() == expected_types
    assert len(accompaniment_rows(player)) == 0
    assert player._chords == [
        ["Dm7", 0.0, pytest.approx(4 * TRIPLET), parse_chord("Dm7").voicing()],
        ["G7", pytest.approx(4 * TRIPLET), pytest.approx(8 * TRIPLET), parse_chord("G7").voicing()],
    ]
    assert (player.tempo, player.beats_per_bar) == (130, 3)
    assert player.duration == pytest.approx(clip.duration)
    assert (player.position, player.playing, player.error) == (0.0, False, "")
    assert player.clip is clip
    assert player.title == "Over Dm7 G7"
    assert player.summary == "7 notes · 2 chords · 1.2 s"
    assert "Player(Clip(7 notes" in repr(player)


def test_midi_bytes_read_back_to_the_same_notes_within_a_millisecond() -> None:
    clip = make_clip()
    player = Player(clip)
    midi = pretty_midi.PrettyMIDI(io.BytesIO(player.midi_bytes()))
    melody = next(inst for inst in midi.instruments if inst.name == "Melody")
    assert [n.pitch for n in melody.notes] == [n.pitch for n in clip.notes]
    for got, want in zip(melody.notes, clip.notes, strict=True):
        assert abs(got.start - want.start) < 1e-3
        assert abs(got.end - want.end) < 1e-3
    assert [t.text for t in midi.text_events] == ["Dm7", "G7"]


def test_wav_bytes_are_a_mono_wav_of_the_clip_length() -> None:
    player = Player(make_clip())
    with wave.open(io.BytesIO(player.wav_bytes(sample_rate=8000))) as handle:
        assert handle.getnchannels() == 1
        assert handle.getsampwidth() == 2
        assert handle.getnframes() == round(8 * TRIPLET * 8000)
        samples = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2")
    assert np.abs(samples).max() > 1000  # there is sound


def test_download_requests_from_the_browser_are_answered_with_the_bytes() -> None:
    player = Player(make_clip(), filename="take-1")
    sent: list[tuple[dict, list]] = []
    player.send = lambda content, buffers=None: sent.append((content, buffers))
    player._on_custom_message(player, {"type": "download", "format": "wav", "request": "r1"}, [])
    player._on_custom_message(player, {"type": "download", "format": "midi", "speed": 1.5,
                                       "request": "r2"}, [])
    player._on_custom_message(player, {"type": "download", "format": "exe"}, [])
    player._on_custom_message(player, {"type": "something else"}, [])
    assert len(sent) == 2
    (wav, wav_buffers), (midi, midi_buffers) = sent
    assert wav == {"type": "download", "format": "wav", "request": "r1",
                   "filename": "take-1.wav"}
    assert wav_buffers[0][:4] == b"RIFF"
    assert midi == {"type": "download", "format": "midi", "request": "r2",
                    "filename": "take-1-195bpm.mid"}  # 130 bpm heard at 1.5x
    assert midi_buffers[0][:4] == b"MThd"


def test_a_failed_download_answers_the_page_and_a_bug_keeps_its_traceback() -> None:
    player = Player(make_clip(), filename="take-1")
    sent: list[dict] = []
    player.send = lambda content, buffers=None: sent.append(content)
    # A bad speed from the page: answered with the error, nothing raised.
    player._on_custom_message(player, {"type": "download", "format": "wav", "speed": "fast",
                                       "request": "r1"}, [])
    assert [(m["type"], m["request"]) for m in sent] == [("download-error", "r1")]
    assert sent[0]["message"].startswith("WAV export failed: ValueError")

    # A bug in the export: the page hears of it, and the error goes on with its traceback.
    def broken(speed: float = 1.0) -> bytes:
        raise RuntimeError("a bug")

    player.midi_bytes = broken
    with pytest.raises(RuntimeError, match="a bug"):
        player._on_custom_message(player, {"type": "download", "format": "midi",
                                           "request": "r2"}, [])
    assert sent[-1] == {"type": "download-error", "format": "midi", "request": "r2",
                        "message": "MIDI export failed: RuntimeError: a bug"}


def test_pitch_types_come_from_the_one_chord_lookup() -> None:
    # Before the first chord the first chord counts (as when the values were encoded);
    # music without chords has no pitch types.
    steps = [Step("v", 0.0, 0.5, 61), Step("v", 0.5, 1.0, 62), Step("v", 1.0, 1.5, 65)]
    clip = Clip(steps, [ChordSpan("Dm7", 0.5, 1.5)], tempo=120, duration=1.5)
    expected = ["CSAX".index(parse_chord("Dm7").pitch_type(p)) for p in (61, 62, 65)]
    assert melody_rows(Player(clip))[:, 4].astype(int).tolist() == expected == [2, 0, 0]
    bare = Clip(steps, [], tempo=120, duration=1.5)
    assert melody_rows(Player(bare))[:, 4].tolist() == [4.0, 4.0, 4.0]


def test_downloads_at_the_tempo_heard_are_the_same_music_faster() -> None:
    clip = make_clip()
    player = Player(clip)
    midi = pretty_midi.PrettyMIDI(io.BytesIO(player.midi_bytes(speed=2.0)))
    assert midi.get_tempo_changes()[1][0] == pytest.approx(260, abs=0.01)  # MIDI microseconds
    melody = next(inst for inst in midi.instruments if inst.name == "Melody")
    assert [n.pitch for n in melody.notes] == [n.pitch for n in clip.notes]
    for got, want in zip(melody.notes, clip.notes, strict=True):
        assert got.start == pytest.approx(want.start / 2, abs=1e-3)
        assert got.end == pytest.approx(want.end / 2, abs=1e-3)
    assert [t.time for t in midi.text_events] == pytest.approx([0.0, 2 * TRIPLET], abs=1e-3)
    with wave.open(io.BytesIO(player.wav_bytes(sample_rate=8000, speed=2.0))) as handle:
        assert handle.getnframes() == pytest.approx(4 * TRIPLET * 8000, abs=2)
    assert player.download_name("midi") == "jazzwidget-clip.mid"
    assert player.download_name("wav", 0.5) == "jazzwidget-clip-65bpm.wav"


def test_a_new_clip_starts_at_speed_1_with_its_own_title_and_summary(tmp_path: Path) -> None:
    player = Player(Clip([], [], 130, 0.0), title="Press Generate to improvise a clip",
                    speed=1.5)
    assert (player.title, player.speed) == ("Press Generate to improvise a clip", 1.5)
    assert player.summary.startswith("nothing to play")
    player.clip = make_clip()
    assert (player.title, player.summary) == ("Over Dm7 G7", "7 notes · 2 chords · 1.2 s")
    assert player.speed == 1.0
    player.speed = 1.7
    path = make_clip().to_midi(tmp_path / "take 2.mid")
    player.clip = path
    assert (player.title, player.filename, player.speed) == ("take 2.mid", "take 2", 1.0)
    named = Player(path, filename="mine")
    named.clip = make_clip()
    assert named.filename == "mine"  # a name the user gave stays


def two_track_midi() -> pretty_midi.PrettyMIDI:
    midi = pretty_midi.PrettyMIDI(initial_tempo=100)
    midi.time_signature_changes.append(pretty_midi.TimeSignature(3, 4, 0.0))
    lead = pretty_midi.Instrument(65, name="Sax")
    lead.notes = [pretty_midi.Note(90, p, i * 0.3, i * 0.3 + 0.25) for i, p in
                  enumerate([67, 69, 71, 72, 74])]
    bass = pretty_midi.Instrument(33, name="Bass")
    bass.notes = [pretty_midi.Note(70, 43, 0.0, 0.9), pretty_midi.Note(70, 36, 0.9, 1.5)]
    drums = pretty_midi.Instrument(0, is_drum=True, name="Drums")
    drums.notes = [pretty_midi.Note(100, 36, i * 0.1, i * 0.1 + 0.05) for i in range(15)]
    midi.instruments = [bass, drums, lead]
    midi.text_events = [pretty_midi.Text("G7", 0.0), pretty_midi.Text("Intro", 0.5),
                        pretty_midi.Text("Cmaj7", 0.9)]
    return midi


def check_two_track(player: Player) -> None:
    rows = melody_rows(player)
    assert rows[:, 0].tolist() == [67, 69, 71, 72, 74]  # the sax, not the busier drums
    assert rows[:, 3].tolist() == [96] * 5  # the reader keeps pitches and times, not velocities
    assert accompaniment_rows(player)[:, 0].tolist() == [43, 36]
    assert [c[0] for c in player._chords] == ["G7", "Cmaj7"]  # "Intro" is not a chord
    assert player._chords[0][2] == pytest.approx(0.9)
    assert player.tempo == pytest.approx(100)
    assert player.beats_per_bar == 3
    assert player.duration == pytest.approx(1.5)
    assert [n.pitch for n in player.clip.notes] == [67, 69, 71, 72, 74]


def test_player_from_pretty_midi_takes_the_melody_and_the_rest_as_accompaniment() -> None:
    check_two_track(Player(two_track_midi()))


def test_player_from_a_midi_file_path(tmp_path: Path) -> None:
    path = tmp_path / "tune.mid"
    two_track_midi().write(str(path))
    check_two_track(Player(path))
    check_two_track(Player(str(path)))


def test_our_own_midi_file_plays_its_melody_over_its_chords(tmp_path: Path) -> None:
    clip = make_clip()
    player = Player(clip.to_midi(tmp_path / "clip.mid"))
    assert melody_rows(player)[:, 0].tolist() == [n.pitch for n in clip.notes]
    assert len(accompaniment_rows(player)) == 0  # the Chords track is what the chord voice plays
    assert [c[0] for c in player._chords] == ["Dm7", "G7"]


@pytest.mark.parametrize("name", ["missing.mid", "notes.txt", "broken.mid"])
def test_a_bad_path_raises_music_file_error(tmp_path: Path, name: str) -> None:
    if name != "missing.mid":
        (tmp_path / name).write_bytes(b"not a midi file")
    with pytest.raises(MusicFileError, match=name):
        Player(tmp_path / name)


def test_a_failing_clip_setter_shows_the_error_and_keeps_the_music(tmp_path: Path) -> None:
    player = Player(make_clip())
    before = player._melody
    player.position = 1.0
    with pytest.raises(MusicFileError):
        player.clip = tmp_path / "missing.mid"
    assert "missing.mid" in player.error
    assert player._melody == before
    player.clip = two_track_midi()  # a good set replaces the music and clears the error
    assert player.error == ""
    assert player.position == 0.0
    assert melody_rows(player)[:, 0].tolist() == [67, 69, 71, 72, 74]


def test_a_folder_is_named_as_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "songs"
    folder.mkdir()
    with pytest.raises(MusicFileError, match="is a folder, not a music file") as caught:
        Player(folder)
    assert "songs" in str(caught.value) and "\n" not in str(caught.value)


def test_a_midi_without_notes_is_refused_with_one_line() -> None:
    with pytest.raises(NoMelodyError, match="has no pitched notes") as caught:
        Player(pretty_midi.PrettyMIDI())
    assert "\n" not in str(caught.value)
    drums_only = pretty_midi.PrettyMIDI()
    drums = pretty_midi.Instrument(0, is_drum=True)
    drums.notes = [pretty_midi.Note(100, 36, 0.0, 0.1)]
    drums_only.instruments.append(drums)
    with pytest.raises(NoMelodyError, match="has no pitched notes"):
        Player(drums_only)


def test_a_midi_file_without_notes_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "empty.mid"
    pretty_midi.PrettyMIDI().write(str(path))
    with pytest.raises(NoMelodyError, match=r"'empty\.mid' has no pitched notes"):
        Player(path)
    player = Player(make_clip())
    with pytest.raises(NoMelodyError):
        player.clip = path
    assert "has no pitched notes" in player.error
    assert len(melody_rows(player)) == len(make_clip().notes)  # the music stays


def test_an_empty_clip_is_a_silent_placeholder() -> None:
    player = Player(Clip([], [], 120, 0.0))  # what the Generator shows before its first clip
    assert len(melody_rows(player)) == 0 and player._chords == []
    assert player.duration == 0.0
    assert player.title == "Nothing to play yet"
    player.playing = True  # nothing to play: it does not pretend to
    assert player.playing is False


@pytest.mark.parametrize(("name", "given", "expected"), [
    ("speed", 0, 0.5), ("speed", -3.0, 0.5), ("speed", 0.49, 0.5), ("speed", 1.25, 1.25),
    ("speed", 2.5, 2.0), ("speed", float("inf"), 2.0),
    ("volume", -0.1, 0.0), ("volume", 0.3, 0.3), ("volume", 1.5, 1.0), ("volume", 1, 1.0),
])
def test_speed_and_volume_are_clamped(name: str, given: float, expected: float) -> None:
    player = Player(make_clip())
    setattr(player, name, given)
    assert getattr(player, name) == expected
    assert Player(make_clip(), **{name: given}).trait_values()[name] == expected


@pytest.mark.parametrize("name", ["speed", "volume"])
def test_speed_and_volume_refuse_nan(name: str) -> None:
    player = Player(make_clip())
    before = getattr(player, name)
    with pytest.raises(traitlets.TraitError, match=name):
        setattr(player, name, float("nan"))
    assert getattr(player, name) == before


def test_something_else_is_refused() -> None:
    with pytest.raises(MusicFileError, match="Clip"):
        Player([60, 62, 64])


def test_the_player_does_not_import_tensorflow() -> None:
    code = ("from jazzwidget.music.clip import Clip, Step\n"
            "from jazzwidget.widgets.player import Player\n"
            "Player(Clip([Step('C,1.000', 0.0, 0.5, 60)], [], tempo=120, duration=0.5))")
    assert not {"tensorflow", "keras"} & set(imported_by(code))
