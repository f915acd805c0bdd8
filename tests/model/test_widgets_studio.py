"""Studio: offline construction, loading music (good and bad), the model following the corpus."""

from __future__ import annotations

import datetime

import pytest

from jazzwidget.errors import MusicFileError
from jazzwidget.widgets.studio import MAX_UPLOAD_BYTES, Studio, piece_clip


@pytest.fixture(scope="module")
def studio() -> Studio:
    return Studio(n_a=16, epochs=2)


def upload(name: str, content: bytes) -> dict:
    return {"name": name, "type": "", "size": len(content), "content": memoryview(content),
            "last_modified": datetime.datetime.now(datetime.UTC)}


def test_studio_builds_offline_on_the_builtin_corpus(studio, builtin_corpus):
    assert studio.titles == ("Data", "Train", "Generate & Play")
    assert studio.children == (studio.children[0], studio.trainer, studio.generator)
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
    corpus = studio.load_selected()
    assert corpus.pieces[0].name.startswith("music21:leadSheet/")
    assert studio.model.vocab == corpus.vocab


def test_piece_clip_keeps_notes_and_chords_in_seconds(builtin_corpus):
    piece = builtin_corpus.pieces[0]
    clip = piece_clip(piece)
    spb = 60 / piece.tempo
    assert clip.duration == pytest.approx(piece.length * spb)
    assert [n.pitch for n in clip.notes] == [e.pitch for e in piece.notes]
    assert clip.chords[0].end == pytest.approx(piece.chords[0].end * spb)
