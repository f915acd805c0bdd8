"""Odd files train (a few epochs) or are refused with a JazzwidgetError; in the Studio a bad
upload is shown inline and the music and model loaded before stay."""

from __future__ import annotations

import datetime
import math
from pathlib import Path

import pytest
from data import badfiles

import jazzwidget
from jazzwidget.errors import JazzwidgetError, ModelError
from jazzwidget.widgets.studio import Studio

TRAINABLE = ["zero-length notes", "overlapping notes and chords", "extreme tempo changes", "3/4",
             "6/8", "5/4", "MusicXML without chords", "16 melodic tracks", "one-hour MIDI"]
REFUSED = ["zero bytes", "random bytes", "truncated MIDI", "text renamed .mid", "drums-only MIDI",
           "broken MusicXML", "broken ABC"]


@pytest.mark.parametrize("case", TRAINABLE)
def test_an_odd_file_trains_and_improvises(tmp_path, case):
    corpus = jazzwidget.load_corpus(badfiles.write(case, tmp_path))
    model = jazzwidget.JazzModel(corpus.vocab, n_a=8)
    model.fit(corpus, epochs=2)
    assert model.epochs_trained == 2
    assert all(math.isfinite(loss) for loss in model.history["loss"])
    clip = model.generate(seconds=5, seed=1)
    assert clip.notes and clip.duration == pytest.approx(5)


def test_one_note_is_too_little_to_train_on(tmp_path):
    corpus = jazzwidget.load_corpus(badfiles.write("one note", tmp_path))
    with pytest.raises(JazzwidgetError, match=r"the corpus has 1 values; at least 32 are needed"
                                              ".*: add music or use a longer excerpt"):
        jazzwidget.JazzModel(["C,0.250", "C,1.000"], n_a=8).fit(corpus, epochs=1)
    with pytest.raises(JazzwidgetError, match="at least two values"):
        jazzwidget.JazzModel(corpus.vocab, n_a=8)


@pytest.fixture(scope="module")
def studio() -> Studio:
    studio = Studio(n_a=8, epochs=1)
    studio.wait_ready()
    return studio


def upload(name: str, content: bytes) -> dict:
    return {"name": name, "type": "", "size": len(content), "content": memoryview(content),
            "last_modified": datetime.datetime.now(datetime.UTC)}


@pytest.mark.parametrize("case", REFUSED)
def test_a_bad_upload_is_shown_inline_and_the_music_and_model_stay(studio, tmp_path, case):
    corpus, model = studio.corpus, studio.model
    name = badfiles.MAKERS[case][0]
    data = badfiles.write(case, tmp_path).read_bytes()
    with pytest.raises(JazzwidgetError):
        studio.load_uploads([upload(name, data)])
    assert name in studio.error_box.message and "\n" not in studio.error_box.message
    assert studio.corpus is corpus and studio.model is model
    studio.upload.value = (upload(name, data),)  # as the browser sets it: no exception
    assert name in studio.error_box.message
    assert studio.corpus is corpus and studio.model is model


def test_an_upload_name_never_leaves_the_upload_folder(studio):
    outside = Path(__file__).resolve().parents[2] / "escaped.mid"
    studio.load_uploads([upload("../../escaped.mid", badfiles.lead_sheet_midi()),
                         upload("/tmp/abs\x00olute.mid", badfiles.lead_sheet_midi(meter=(3, 4)))])
    assert studio.error_box.message == ""
    assert not outside.exists() and not Path("/tmp/absolute.mid").exists()
    assert [p.name for p in studio.corpus.pieces] == ["escaped.mid", "absolute.mid"]
    assert studio.corpus.pieces[1].beats_per_bar == 3


def test_a_model_file_that_is_not_ours_is_refused(tmp_path):
    path = tmp_path / "upload.keras"
    path.write_bytes(badfiles.GOOD_MIDI)
    with pytest.raises(ModelError, match="is not a jazzwidget model file"):
        jazzwidget.JazzModel.load(path)
