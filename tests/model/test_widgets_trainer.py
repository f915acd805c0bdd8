"""Trainer through its Python API: the same code paths as its buttons, with the real thread."""

from __future__ import annotations

import time

import numpy as np
import pytest

import jazzwidget
from jazzwidget.errors import TrainingError
from jazzwidget.music.corpus import Corpus
from jazzwidget.widgets.trainer import Trainer


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
    lstm = trainer.model.keras_model.get_weights()[1]  # recurrent kernel (n_a, 4 n_a)
    assert lstm.shape == (32, 128)


def test_an_error_in_the_thread_shows_inline_and_the_widget_stays_usable(trainer, monkeypatch):
    def broken_fit(*args, **kwargs):
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(trainer.model.keras_model, "fit", broken_fit)
    trainer.start(3)
    assert trainer.wait(30)
    assert isinstance(trainer.error, TrainingError)
    assert "the disk is on fire" in trainer.error_box.message
    assert trainer.error_box.layout.display is None  # visible
    assert buttons(trainer) == (False, True, False) and not trainer.running

    monkeypatch.undo()
    trainer.start(1)
    assert trainer.wait(60)
    assert trainer.error is None and trainer.error_box.message == ""
    assert trainer.model.epochs_trained == 1


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
