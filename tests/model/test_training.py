"""JazzModel.fit: the lean loop, keep-best, dropout, and training at the wrong time (issue 8.6)."""

import threading

import numpy as np
import pytest

import jazzwidget
from jazzwidget.errors import ModelError, TrainingError
from jazzwidget.model.network import network_features, network_weights
from jazzwidget.model.step import LSTMWeights, lstm_step, one_hot, output_probabilities
from jazzwidget.model.training import compiled_steps
from jazzwidget.music.corpus import Corpus


@pytest.fixture(scope="module")
def small_corpus(builtin_corpus):
    """Three pieces: about 330 training windows, 6 batches of 64."""
    return Corpus(builtin_corpus.pieces[:3])


def keras_callback(**hooks):
    """A Keras callback whose hooks are the given functions of (callback, index, logs)."""
    import keras

    class Hooks(keras.callbacks.Callback):
        pass

    for name, hook in hooks.items():
        setattr(Hooks, name, lambda self, i=None, logs=None, hook=hook: hook(self, i, logs))
    return Hooks()


def same(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_callbacks_see_what_keras_fit_shows(small_corpus):
    seen = []
    callback = keras_callback(
        on_train_begin=lambda cb, i, logs: seen.append("begin"),
        on_epoch_begin=lambda cb, i, logs: seen.append(("epoch", i)),
        on_epoch_end=lambda cb, i, logs: seen.append(("end", i, sorted(logs))),
        on_train_end=lambda cb, i, logs: seen.append("finish"))
    model = jazzwidget.JazzModel(small_corpus.vocab, n_a=8, seed=1)
    history = model.fit(small_corpus, epochs=2, callbacks=[callback])
    model.fit(small_corpus, epochs=1, callbacks=[callback])
    keys = ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert seen == ["begin", ("epoch", 0), ("end", 0, keys), ("epoch", 1), ("end", 1, keys),
                    "finish", "begin", ("epoch", 2), ("end", 2, keys), "finish"]
    assert sorted(history.history) == keys and len(history.history["loss"]) == 2
    assert history.history["val_loss"] == model.history["val_loss"][:2]
    assert {len(series) for series in model.history.values()} == {3}


def test_keep_best_restores_the_epoch_with_the_lowest_validation_loss(small_corpus):
    kept, kept_w = [], []  # every array at each epoch end, and the numpy step's W then

    def on_epoch_end(cb, i, logs):
        kept.append(cb.model.get_weights())
        kept_w.append(network_weights(cb.model)[0])

    snap = keras_callback(on_epoch_end=on_epoch_end)
    model = jazzwidget.JazzModel(small_corpus.vocab, n_a=32, dropout=0, seed=2)
    model.fit(small_corpus, epochs=60, early_stopping=3, callbacks=[snap])
    val = model.history["val_loss"]
    best = int(np.argmin(val)) + 1
    assert model.best_epoch == best and len(val) == best + 3 < 60  # memorizes, then stops
    assert same(model.keras_model.get_weights(), kept[best - 1])
    assert np.allclose(model.weights.W, kept_w[best - 1])
    # without keep-best the last weights stay, and the rising validation curve shows
    model = jazzwidget.JazzModel(small_corpus.vocab, n_a=32, dropout=0, seed=2)
    kept.clear()
    model.fit(small_corpus, epochs=len(val), early_stopping=None, callbacks=[snap])
    assert model.best_epoch is None and model.history["val_loss"] == pytest.approx(val)
    assert same(model.keras_model.get_weights(), kept[-1])
    assert val[-1] > min(val)


def test_dropout_is_training_only_and_the_numpy_step_still_equals_keras(small_corpus):
    model = jazzwidget.JazzModel(small_corpus.vocab, n_a=16, dropout=0.5, seed=3)
    assert model.dropout == 0.5
    model.fit(small_corpus, epochs=2)
    ids = small_corpus.ids(model.vocab)[:20]
    x = np.eye(len(model.vocab), dtype=np.float32)[ids][None]
    keras_p = np.asarray(model.keras_model.predict(x, verbose=0))[0]
    noisy = [np.asarray(model.keras_model(x, training=True))[0] for _ in range(2)]
    assert not np.allclose(noisy[0], noisy[1]) and not np.allclose(noisy[0], keras_p)
    w = model.weights
    h, c = np.zeros(w.n_a), np.zeros(w.n_a)
    for t, index in enumerate(ids):
        h, c = _step(w, index, h, c)
        np.testing.assert_allclose(output_probabilities(h, w), keras_p[t], atol=1e-5)
    # changing the rate keeps the weights; saving keeps rate and best epoch
    before = model.keras_model.get_weights()
    model.dropout = 0.1
    assert model.dropout == 0.1 and same(before, model.keras_model.get_weights())
    with pytest.raises(ModelError, match=r"dropout 1\.5"):
        model.dropout = 1.5


@pytest.mark.parametrize("features", [True, False])
def test_the_training_steps_compute_what_the_keras_network_computes(small_corpus, features):
    """The lean loop runs its own arithmetic on the network's variables (gathered input rows,
    an unrolled LSTM, logits): without dropout it must give the Keras network's outputs."""
    model = jazzwidget.JazzModel(small_corpus.vocab, n_a=16, dropout=0.3, features=features,
                                 seed=5)
    model.fit(small_corpus, epochs=1, early_stopping=None)
    steps = compiled_steps(model.keras_model)
    ids = small_corpus.windows(vocab=model.vocab).x_val[:8]
    keras_p = np.asarray(model.keras_model(np.eye(len(model.vocab), dtype=np.float32)[ids]))
    logits = steps.logits(ids)
    lean_p = np.exp(logits - logits.max(-1, keepdims=True))
    lean_p /= lean_p.sum(-1, keepdims=True)
    np.testing.assert_allclose(lean_p, keras_p, atol=1e-5)
    noisy = [steps.logits(ids, training=True) for _ in range(2)]  # dropout: training only
    assert not np.allclose(noisy[0], noisy[1]) and not np.allclose(noisy[0], logits)


def _step(w: LSTMWeights, index: int, h: np.ndarray, c: np.ndarray):
    *_, c, h = lstm_step(one_hot(index, w.vocab_size), h, c, w)
    return h, c


def test_save_and_load_keep_dropout_seed_and_best_epoch(small_corpus, tmp_path):
    model = jazzwidget.JazzModel(small_corpus.vocab, n_a=8, dropout=0.2, seed=4)
    model.fit(small_corpus, epochs=3, early_stopping=5)
    loaded = jazzwidget.JazzModel.load(model.save(tmp_path / "m.keras"))
    assert loaded.dropout == pytest.approx(0.2) and loaded.seed == 4
    assert loaded.best_epoch == model.best_epoch is not None
    assert same(loaded.keras_model.get_weights(), model.keras_model.get_weights())


def test_features_off_is_the_seeds_one_hot_network_and_loads_as_such(small_corpus, tmp_path):
    plain = jazzwidget.JazzModel(small_corpus.vocab, n_a=8, features=False, seed=4)
    factored = jazzwidget.JazzModel(small_corpus.vocab, n_a=8, seed=4)
    assert network_features(plain.keras_model) is None
    table = network_features(factored.keras_model)
    assert table is not None and table.shape[0] == len(small_corpus.vocab) < table.shape[1]
    plain.fit(small_corpus, epochs=2, early_stopping=None)
    lstm_kernel = plain.keras_model.get_layer("lstm").get_weights()[0]
    assert np.array_equal(plain.weights.W, lstm_kernel.astype(np.float64))  # no fold
    loaded = jazzwidget.JazzModel.load(plain.save(tmp_path / "plain.keras"))
    assert network_features(loaded.keras_model) is None
    assert loaded.generate(seconds=4, seed=2).values == plain.generate(seconds=4, seed=2).values


def test_stop_mid_epoch_keeps_the_weights_and_start_continues(small_corpus):
    at_stop = []

    def stop_in_epoch_two(cb, batch, logs):
        if len(model.history.get("loss", [])) == 1 and batch == 2:
            at_stop.append(cb.model.get_weights())
            model.stop()

    model = jazzwidget.JazzModel(small_corpus.vocab, n_a=8, seed=5)
    stopper = keras_callback(on_train_batch_end=stop_in_epoch_two)
    model.fit(small_corpus, epochs=10, early_stopping=None, callbacks=[stopper])
    assert model.epochs_trained == 2 and not model.training
    assert same(model.keras_model.get_weights(), at_stop[0])
    assert same([model.weights.W, model.weights.U], network_weights(model.keras_model)[:2])
    model.fit(small_corpus, epochs=2, early_stopping=None)  # Start after Stop continues
    assert model.epochs_trained == 4
    assert not same(model.keras_model.get_weights(), at_stop[0])


def test_weights_read_during_training_are_always_a_whole_epoch(small_corpus):
    model = jazzwidget.JazzModel(small_corpus.vocab, n_a=16, seed=6)
    epoch_ends = [model.keras_model.get_layer("lstm").get_weights()[1]]  # U, recurrent
    record = keras_callback(on_epoch_end=lambda cb, i, logs: epoch_ends.append(
        cb.model.get_layer("lstm").get_weights()[1]))
    reads = []
    thread = threading.Thread(target=model.fit, args=(small_corpus,),
                              kwargs={"epochs": 6, "early_stopping": None,
                                      "callbacks": [record]})
    thread.start()
    while thread.is_alive() or not reads:
        reads.append(model.weights.U.copy())
        clip = model.generate(seconds=2, seed=1)  # generating while training works
        assert clip.duration == 2
    thread.join()
    assert len(epoch_ends) == 7
    for read in reads:  # every read is exactly one epoch end's weights (float64 copies)
        assert any(np.array_equal(read, end.astype(np.float64)) for end in epoch_ends)


def test_nan_loss_stops_with_a_clear_message_and_the_weights_from_before(small_corpus):
    model = jazzwidget.JazzModel(small_corpus.vocab, n_a=8, seed=7)
    model.fit(small_corpus, epochs=1, early_stopping=None)
    good = model.keras_model.get_weights()

    def poison(cb, batch, logs):
        weights = cb.model.get_weights()
        weights[0][:] = np.nan
        cb.model.set_weights(weights)

    with pytest.raises(TrainingError, match=r"epoch 2: the loss became NaN.*epoch 1 are kept"):
        model.fit(small_corpus, epochs=3, callbacks=[keras_callback(on_train_batch_end=poison)])
    assert same(model.keras_model.get_weights(), good) and model.epochs_trained == 1
    assert np.isfinite(model.weights.W).all() and not model.training
    model.fit(small_corpus, epochs=1)  # still usable
    assert model.epochs_trained == 2


def test_a_callback_error_stops_training_and_is_chained(small_corpus):
    def fail_in_epoch_two(cb, epoch, logs):
        if epoch == 1:
            raise ValueError("the plot went away")

    model = jazzwidget.JazzModel(small_corpus.vocab, n_a=8, seed=8)
    with pytest.raises(TrainingError, match="ValueError: the plot went away") as caught:
        model.fit(small_corpus, epochs=5, early_stopping=None,
                  callbacks=[keras_callback(on_epoch_end=fail_in_epoch_two)])
    assert isinstance(caught.value.__cause__, ValueError)
    assert model.epochs_trained == 2 and not model.training  # epoch 2 itself was whole
    assert model.generate(seconds=3, seed=0).duration == 3


def test_keyboard_interrupt_leaves_the_model_usable(small_corpus):
    model = jazzwidget.JazzModel(small_corpus.vocab, n_a=8, seed=9)
    model.fit(small_corpus, epochs=1, early_stopping=None)
    good = model.keras_model.get_weights()

    def interrupt(cb, batch, logs):
        if batch == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        model.fit(small_corpus, epochs=3, callbacks=[keras_callback(on_train_batch_end=interrupt)])
    assert same(model.keras_model.get_weights(), good) and model.epochs_trained == 1
    assert not model.training and not model.keras_model.stop_training
    model.fit(small_corpus, epochs=1, early_stopping=None)
    assert model.epochs_trained == 2 and model.generate(seconds=3, seed=0).duration == 3


def test_the_same_seed_gives_the_same_windows_weights_and_clip(small_corpus):
    def run():
        corpus = Corpus(small_corpus.pieces)
        model = jazzwidget.JazzModel(corpus.vocab, n_a=16, seed=11)
        start = model.keras_model.get_weights()
        model.fit(corpus, epochs=3)
        return corpus.windows(), start, model

    (w1, start1, m1), (w2, start2, m2) = run(), run()
    assert all(np.array_equal(a, b) for a, b in zip(vars(w1).values(), vars(w2).values(),
                                                    strict=True))
    assert same(start1, start2)
    assert m1.history == m2.history
    assert same(m1.keras_model.get_weights(), m2.keras_model.get_weights())
    assert m1.generate(seed=3).values == m2.generate(seed=3).values
    other = jazzwidget.JazzModel(small_corpus.vocab, n_a=16, seed=12)
    assert not same(start1, other.keras_model.get_weights())


def test_bad_training_arguments_are_clear(small_corpus):
    model = jazzwidget.JazzModel(small_corpus.vocab, n_a=8)
    with pytest.raises(ModelError, match="patience of at least 1"):
        model.fit(small_corpus, epochs=1, early_stopping=0)
    with pytest.raises(ModelError, match="at least 1"):
        model.fit(small_corpus, epochs=0)
    with pytest.raises(ModelError, match=r"dropout -0\.1"):
        jazzwidget.JazzModel(small_corpus.vocab, dropout=-0.1)


def test_the_defaults_learn_more_than_a_bigram_on_held_out_music(builtin_corpus):
    """Issue 7's Done-when: with the defaults, held-out cross-entropy at most 0.95x the
    bigram's (README "Does it learn?"), and the kept epoch is the best."""
    from jazzwidget.model.baselines import baseline_scores

    model = jazzwidget.JazzModel(builtin_corpus.vocab, seed=0)
    model.fit(builtin_corpus, epochs=100)
    ours = model.evaluate(builtin_corpus)["cross_entropy"]
    bigram = baseline_scores(builtin_corpus, model.vocab)["bigram"]["cross_entropy"]
    assert ours <= 0.95 * bigram, (ours, bigram, ours / bigram)
    assert ours == pytest.approx(min(model.history["val_loss"]), rel=1e-4)
    assert model.best_epoch == int(np.argmin(model.history["val_loss"])) + 1 < model.epochs_trained
