"""Studio: offline construction, loading music (good and bad), the model following the corpus."""

from __future__ import annotations

import datetime

import pytest

from jazzwidget.errors import MusicFileError
from jazzwidget.music.clip import Clip
from jazzwidget.widgets._uploads import MAX_UPLOAD_BYTES
from jazzwidget.widgets.studio import LOADING, Studio


@pytest.fixture(scope="module")
def studio() -> Studio:
    return Studio(n_a=16, epochs=2)


def upload(name: str, content: bytes) -> dict:
    return {"name": name, "type": "", "size": len(content), "content": memoryview(content),
            "last_modified": datetime.datetime.now(datetime.UTC)}


def test_studio_builds_offline_on_the_builtin_corpus(studio, builtin_corpus):
    assert studio.titles[:3] == ("Data", "Train", "Generate & Play")  # then H2's Inspect
    studio.wait_ready(120)
    assert [tab.children for tab in studio.children[1:3]] == [(studio.trainer,),
                                                              (studio.generator,)]
    assert studio.corpus.vocab == builtin_corpus.vocab
    assert studio.model.vocab == builtin_corpus.vocab and studio.model.n_a == 16
    assert studio.generator.model is studio.model
    s = builtin_corpus.summary()
    for key in ("files", "bars", "notes", "chords", "vocab_size"):
        assert f"<b>{s[key]}</b>" in studio.summary.value
    first = builtin_corpus.pieces[0]
    assert len(studio.roll.clip.notes) == len(first.notes)
    assert studio.error_box.message == ""


def test_a_bad_upload_is_shown_inline_and_the_music_stays(studio):
    corpus, model = studio.corpus, studio.model
    studio.upload.value = (upload("broken.mid", b"this is not a MIDI file"),)
    assert "broken.mid" in studio.error_box.message
    assert studio.corpus is corpus and studio.model is model


def test_uploads_of_other_types_or_over_10_mb_are_refused(studio):
    with pytest.raises(MusicFileError, match="ending in"):
        studio.load_uploads([upload("notes.txt", b"C D E")])
    assert "notes.txt" in studio.error_box.message
    big = {**upload("huge.mid", b"MThd"), "size": MAX_UPLOAD_BYTES + 1}
    with pytest.raises(MusicFileError, match="10 MB"):
        studio.load_uploads([big])
    assert "10 MB" in studio.error_box.message


def test_a_good_upload_becomes_the_corpus_with_a_new_model(studio, trained_model, tmp_path):
    clip = trained_model.generate(seconds=30, seed=5, chords="Dm7 G7 | Cmaj7 | A7")
    midi = clip.to_midi(tmp_path / "mine.mid").read_bytes()
    old_model = studio.model
    studio.upload.value = (upload("mine.mid", midi),)
    assert studio.error_box.message == ""
    assert studio.corpus.summary()["files"] == 1
    assert studio.model is not old_model and studio.model.vocab == studio.corpus.vocab
    assert studio.generator.model is studio.model
    assert "Dm7" in studio.generator.chords.value
    assert studio.melody.options[0][0].startswith("automatic")
    assert studio.melody.value == studio.melody.options[0][1]
    assert len(studio.melody.options) == 1 + len(studio.corpus.pieces[0].tracks)

    # Picking a melody track reloads the same files with that track.
    melody_index = studio.corpus.pieces[0].melody_track
    studio.melody.value = melody_index
    assert studio.error_box.message == ""
    assert studio.corpus.pieces[0].melody_track == melody_index

    studio.trainer.start(2)
    assert studio.trainer.wait(60) and studio.model.epochs_trained == 2
    assert studio.generator.generate().notes


def test_load_selected_music21_lead_sheet(studio):
    studio.source.value = "music21 lead sheet"
    assert studio.music21_piece in studio._source_row.children
    trained = studio.model
    assert trained.epochs_trained > 0  # trained by the test above: loading asks first
    corpus = studio.load_selected()
    assert corpus.pieces[0].name.startswith("music21:leadSheet/")
    assert studio.pending is corpus and studio.model is trained
    studio.confirm.choose("Replace the model")
    assert studio.corpus is corpus and studio.pending is None
    assert studio.model.vocab == corpus.vocab


def test_the_data_tab_roll_shows_the_piece_as_clip_from_piece_reads_it(builtin_corpus):
    # One conversion of a piece to a clip (Clip.from_piece): notes, chords and any
    # accompaniment in seconds at the piece's tempo.
    studio = Studio(builtin_corpus, n_a=8, epochs=1)
    piece = builtin_corpus.pieces[1]
    studio.show_piece(1)
    clip, expected = studio.roll.clip, Clip.from_piece(piece)
    spb = 60 / piece.tempo
    assert clip.duration == pytest.approx(expected.duration)
    assert clip.duration >= piece.length * spb - 1e-9
    assert [n.pitch for n in clip.notes] == [e.pitch for e in piece.notes]
    assert len(clip.accompaniment) == len(piece.accompaniment)
    assert clip.chords[0].end == pytest.approx(piece.chords[0].end * spb)


def test_the_generate_tab_starts_at_the_models_tempo(builtin_corpus):
    studio = Studio(builtin_corpus, n_a=8, epochs=1)
    assert studio.generator.tempo.value == round(studio.model.tempo)


# ------------------------------------------------------------------ issue 10: Studio findings
def test_studio_returns_before_tensorflow_has_loaded_and_says_so(builtin_corpus):
    studio = Studio(builtin_corpus, n_a=8, epochs=1)
    train_tab, generate_tab = studio.children[1], studio.children[2]
    if not studio.ready.is_set():  # TensorFlow may already be in this process (other tests)
        assert LOADING in train_tab.children[0].value
        assert LOADING in generate_tab.children[0].value
        assert studio.load_button.disabled
    studio.wait_ready(120)
    assert studio.loading_error is None
    assert train_tab.children == (studio.trainer,) and generate_tab.children == (
        studio.generator,)
    assert not studio.load_button.disabled and studio.generator.model is studio.model


@pytest.fixture
def trained_studio() -> Studio:
    studio = Studio(n_a=8, epochs=2)
    studio.trainer.start(2)
    assert studio.trainer.wait(120) and studio.model.epochs_trained == 2
    return studio


def test_reloading_music_the_model_can_read_keeps_the_trained_model_and_typed_chords(
        trained_studio):
    studio = trained_studio
    model, history = studio.model, dict(studio.model.history)
    studio.generator.chords.value = "Dm7 G7 | Cmaj7 | A7"
    studio.load_selected()  # the built-in corpus again, as the Load button does
    assert studio.model is model and studio.confirm.message == "" and studio.pending is None
    assert studio.model.history == history and studio.model.epochs_trained == 2
    assert "2 epochs trained" in studio.trainer.status.value
    assert studio.trainer.liveplot.epochs == 2  # the curves stay
    assert studio.generator.model is model and "untrained" not in studio.generator.status.value
    assert studio.generator.chords.value == "Dm7 G7 | Cmaj7 | A7"


def test_an_untyped_progression_follows_the_music(trained_studio):
    studio = trained_studio
    sheet = studio.load("music21:leadSheet/berlinAlexandersRagtime.mxl", replace=True)
    assert studio.generator.chords.value == sheet.progression.text()


def test_music_the_model_cannot_read_asks_save_replace_or_cancel(trained_studio, tmp_path):
    studio = trained_studio
    model = studio.model
    studio.trainer.model_path.value = str(tmp_path / "mine.keras")
    sheet = studio.load("music21:leadSheet/berlinAlexandersRagtime.mxl")
    assert studio.pending is sheet and studio.corpus is not sheet and studio.model is model
    assert "2 epochs" in studio.confirm.message and "cannot read" in studio.confirm.message
    assert studio.confirm.choices == ["Save to mine.keras, then replace", "Replace the model",
                                      "Cancel"]
    studio.confirm.choose("Save to mine.keras, then replace")
    assert (tmp_path / "mine.keras").is_file()
    assert studio.corpus is sheet and studio.model is not model
    assert studio.model.vocab == sheet.vocab and studio.generator.model is studio.model
    assert "saved to" in studio.trainer.status.value
    # A second save on the user's behalf never overwrites the first.
    studio.trainer.start(1)
    assert studio.trainer.wait(60)
    studio.load(None)
    assert studio.confirm.choices[0] == "Save to mine-2.keras, then replace"
    studio.confirm.choose("Cancel")
    assert studio.corpus is sheet and studio.model.epochs_trained == 1


def test_the_data_tab_draws_any_piece_with_its_name_and_its_own_tracks(builtin_corpus):
    studio = Studio(n_a=8, epochs=1)
    studio.wait_ready(120)
    count = len(builtin_corpus.pieces)
    assert len(studio.piece.options) == count and studio.piece.value == 0
    assert studio.piece.options[4][0] == f"5 of {count}: {builtin_corpus.pieces[4].name}"
    piece = studio.show_piece(4)
    assert piece.name in studio.piece_label.value and f"piece 5 of {count}" in (
        studio.piece_label.value)
    assert len(studio.roll.clip.notes) == len(piece.notes)
    assert studio.roll.filename == piece.name.removesuffix(".mid")
    assert [value for _, value in studio.melody.options][1:] == [t.index for t in piece.tracks]

    # Another melody track for piece 5 only; the other pieces stay as read.
    other = next(t.index for t in piece.tracks if t.index != piece.melody_track and t.notes)
    studio.melody.value = other
    assert studio.error_box.message == ""
    assert studio.corpus.pieces[4].melody_track == other
    assert studio.corpus.pieces[3] is builtin_corpus.pieces[3] or (
        studio.corpus.pieces[3].melody == builtin_corpus.pieces[3].melody)
    assert studio.piece.value == 4 and studio.melody.value == other
    studio.show_piece(0)
    assert studio.melody.value == studio.melody.options[0][1]  # piece 1: automatic still


def test_during_training_the_generate_tab_says_training_is_running(trained_studio):
    studio = trained_studio
    seen = []
    studio.generator.status.observe(lambda change: seen.append(change["new"]), names="value")
    studio.trainer.start(10_000)
    assert "training is running" in studio.generator.status.value
    studio.trainer.stop()
    assert studio.trainer.wait(60)
    assert not any("untrained" in text for text in seen)
    assert studio.generator.status.value == ""
