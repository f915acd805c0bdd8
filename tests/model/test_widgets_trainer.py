"""Trainer through its Python API: the same code paths as its buttons, with the real thread."""

from __future__ import annotations

import time

import numpy as np
import pytest

import jazzwidget
from jazzwidget.errors import TrainingError
from jazzwidget.music.corpus import Corpus
from jazzwidget.widgets.trainer import REGULARIZATION, Trainer


def wait_for(condition, timeout: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


@pytest.fixture(scope="module")
def small_corpus(builtin_corpus) -> Corpus:
    """Two pieces of the built-in corpus: enough windows, quick epochs."""
    return Corpus(builtin_corpus.pieces[:2])


@pytest.fixture
def trainer(small_corpus) -> Trainer:
    trainer = Trainer(jazzwidget.JazzModel(small_corpus.vocab, n_a=16), small_corpus, epochs=4)
    yield trainer
    trainer.stop()
    assert trainer.wait(30)


def buttons(trainer: Trainer) -> tuple[bool, bool, bool]:
    return (trainer.start_button.disabled, trainer.stop_button.disabled,
            trainer.reset_button.disabled)


def test_start_trains_in_a_thread_and_the_plot_gains_every_epoch(trainer):
    thread = trainer.start()
    assert thread is trainer.thread and thread.daemon
    assert trainer.running
    assert buttons(trainer) == (True, False, True)
    assert all(control.disabled for control in trainer.controls)
    assert trainer.wait(120)
    assert not trainer.running and trainer.error is None
    assert buttons(trainer) == (False, True, False)
    assert not any(control.disabled for control in trainer.controls)
    assert trainer.model.epochs_trained == 4
    assert trainer.liveplot.plot.drawn() == {"loss": 4, "val_loss": 4, "accuracy": 4,
                                             "val_accuracy": 4}
    assert trainer.progress_bar.value == 4
    assert "4 epochs trained" in trainer.status.value


def test_stop_ends_training_within_an_epoch_and_start_continues_from_the_weights(trainer):
    trainer.keep_best.value = False  # every epoch's weights are kept: continuing must move on
    model = trainer.model
    before = [w.copy() for w in model.keras_model.get_weights()]
    trainer.start(10_000)
    wait_for(lambda: trainer.liveplot.epochs >= 3, what="three epochs")
    seen_at_stop = trainer.liveplot.epochs
    trainer.stop()
    assert trainer.wait(30), "training did not stop"
    done = model.epochs_trained
    assert 3 <= done <= seen_at_stop + 1  # Keras stops after the batch it is in
    assert "stopped after" in trainer.status.value
    assert trainer.model is model
    stopped = [w.copy() for w in model.keras_model.get_weights()]
    assert any(not np.array_equal(a, b) for a, b in zip(before, stopped, strict=True))

    trainer.start(2)
    assert trainer.wait(60)
    assert trainer.model is model and model.epochs_trained == done + 2
    assert trainer.liveplot.plot.drawn()["loss"] == done + 2  # the curves go on
    # Continuing moved on from the stopped weights (a small step), not from fresh ones.
    after = model.keras_model.get_weights()
    step = max(float(np.abs(a - b).max()) for a, b in zip(stopped, after, strict=True))
    fresh = jazzwidget.JazzModel(model.vocab, n_a=16).keras_model.get_weights()
    distance = max(float(np.abs(a - b).max()) for a, b in zip(stopped, fresh, strict=True))
    assert 0 < step < distance


def test_a_stop_before_fit_begins_still_counts(trainer):
    trainer.start(10_000)
    trainer.stop()  # before Keras' fit has reset stop_training
    assert trainer.wait(60)
    assert trainer.model.epochs_trained <= 1


def test_reset_builds_fresh_weights_and_clears_the_curves(trainer):
    trainer.start(2)
    assert trainer.wait(60)
    old = trainer.model
    trainer.reset()
    assert trainer.model is not old
    assert trainer.model.epochs_trained == 0 and trainer.model.n_a == 16
    assert trainer.liveplot.epochs == 0
    assert all(len(t.x or ()) == 0 for t in trainer.liveplot.figure.data)
    trainer.start(1)
    assert trainer.wait(60) and trainer.model.epochs_trained == 1


def test_changing_the_hidden_size_rebuilds_the_model(trainer):
    seen = []
    trainer.observe(lambda change: seen.append(change["new"]), names="model")
    trainer.n_a.value = 32
    assert trainer.model.n_a == 32 and seen == [trainer.model]
    lstm = trainer.model.keras_model.get_layer("lstm").get_weights()[1]  # recurrent (n_a, 4 n_a)
    assert lstm.shape == (32, 128)


def test_an_error_in_the_thread_shows_inline_and_the_widget_stays_usable(trainer, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(trainer.liveplot, "on_epoch_end", broken)  # fails inside fit
    trainer.start(3)
    assert trainer.wait(30)
    assert isinstance(trainer.error, TrainingError)
    assert "the disk is on fire" in trainer.error_box.message
    assert trainer.error_box.layout.display is None  # visible
    assert buttons(trainer) == (False, True, False) and not trainer.running

    monkeypatch.undo()
    before = trainer.model.epochs_trained  # whole epochs before the failing callback, if any
    trainer.start(1)
    assert trainer.wait(60)
    assert trainer.error is None and trainer.error_box.message == ""
    assert trainer.model.epochs_trained == before + 1


def test_a_corpus_too_short_for_one_window_is_reported_inline(small_corpus):
    from jazzwidget.music.piece import Piece

    piece = small_corpus.pieces[0]
    tiny = Corpus([Piece(piece.name, piece.melody[:12], piece.chords, piece.tempo)])
    trainer = Trainer(jazzwidget.JazzModel(tiny.vocab, n_a=8), tiny, epochs=2)
    trainer.start()
    assert trainer.wait(30)
    assert trainer.error is not None
    assert "at least" in trainer.error_box.message  # what to do: add music
    assert not trainer.start_button.disabled


# ------------------------------------------------- issue 10 (no lost work, true hints), 7.1
def test_reset_asks_when_epochs_were_trained_and_cancel_keeps_them(trainer, tmp_path):
    trainer.ask_reset()  # nothing trained: at once, no question
    assert trainer.confirm.message == ""
    trainer.start(2)
    assert trainer.wait(60)
    model = trainer.model
    trainer.ask_reset()
    assert "2 epochs" in trainer.confirm.message
    assert trainer.confirm.layout.display is None  # shown
    trainer.confirm.choose("Cancel")
    assert trainer.model is model and trainer.liveplot.epochs == 2
    assert trainer.confirm.layout.display == "none"
    trainer.model_path.value = str(tmp_path / "before-reset.keras")
    trainer.ask_reset()
    trainer.confirm.choose("Save to before-reset.keras, then reset")
    assert (tmp_path / "before-reset.keras").is_file()
    assert trainer.model is not model and trainer.model.epochs_trained == 0
    assert "saved to" in trainer.status.value


def test_save_and_load_a_model_file_brings_back_its_curves(trainer, tmp_path):
    trainer.start(3)
    assert trainer.wait(60)
    trainer.model_path.value = str(tmp_path / "three.keras")
    trainer.save_button.click()
    assert (tmp_path / "three.keras").is_file() and "three.keras" in trainer.status.value
    trained = trainer.model
    trainer.reset()
    trainer.load_button.click()  # nothing trained now: loads without asking
    assert trainer.model is not trained and trainer.model.epochs_trained == 3
    assert trainer.model.history == trained.history
    assert trainer.liveplot.plot.drawn()["loss"] == 3
    assert "3 epochs trained" in trainer.status.value
    trainer.model_path.value = str(tmp_path / "missing.keras")
    trainer.load_button.click()
    assert "no model file" in trainer.error_box.message and trainer.model.epochs_trained == 3


def test_continuing_counts_epochs_over_the_whole_history_as_the_plot_does(trainer):
    trainer.start(3)
    assert trainer.wait(60)
    shown = []
    trainer.status.observe(lambda change: shown.append(change["new"]), names="value")
    trainer.start(2)
    assert trainer.wait(60)
    assert any("epoch <b>5/5</b>" in text for text in shown), shown
    assert not any("/2</b>" in text for text in shown)
    assert (trainer.progress_bar.value, trainer.progress_bar.max) == (5, 5)
    assert trainer.liveplot.plot.drawn()["loss"] == 5


def test_status_and_plot_both_write_accuracy_in_percent(trainer):
    trainer.start(1)
    assert trainer.wait(60)
    accuracy = trainer.model.history["accuracy"][-1]
    assert f"accuracy {accuracy:.1%}" in trainer.status.value
    assert trainer.liveplot.figure.layout.yaxis2.tickformat == ".0%"


@pytest.mark.skipif(not REGULARIZATION, reason="JazzModel takes no dropout/early_stopping yet")
def test_dropout_and_keep_best_reach_the_model_and_the_best_epoch_is_marked(trainer):
    assert trainer.keep_best.value  # on by default
    trainer.dropout.value = 0.2
    assert trainer.model.dropout == pytest.approx(0.2)
    trainer.start(6)
    assert trainer.wait(120)
    best = trainer.model.best_epoch
    assert best is not None and 1 <= best <= trainer.model.epochs_trained
    assert trainer.liveplot.plot.best_epoch == best
    assert [shape.x0 for shape in trainer.liveplot.figure.layout.shapes] == [best, best]
    assert f"best epoch {best} kept" in trainer.status.value

    model = trainer.model
    trainer.dropout.value = 0.1  # a trained model takes it too, with its weights
    assert trainer.model is model and model.dropout == pytest.approx(0.1)
    assert "dropout 0.10" in trainer.status.value
    calls = []
    original = trainer.model.fit
    trainer.model.fit = lambda *a, **k: calls.append(k) or original(*a, **k)
    trainer.keep_best.value = False
    trainer.start(1)
    assert trainer.wait(60)
    assert calls[0]["early_stopping"] is None

