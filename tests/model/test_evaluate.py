"""JazzModel.evaluate: the held-out figure is Keras' val_loss, on the baselines' targets."""

import math

import numpy as np
import pytest

from jazzwidget.errors import ModelError
from jazzwidget.model.baselines import baseline_scores


def test_evaluate_equals_val_loss_and_shares_targets(builtin_corpus):
    import keras

    import jazzwidget

    keras.utils.set_random_seed(3)
    model = jazzwidget.JazzModel(builtin_corpus.vocab)
    model.fit(builtin_corpus, epochs=3)
    # The weights fit leaves: the last epoch's, or the best one's where fit restores it.
    epoch = getattr(model, "best_epoch", None) or model.epochs_trained
    result = model.evaluate(builtin_corpus)
    assert result["cross_entropy"] == pytest.approx(model.history["val_loss"][epoch - 1],
                                                    rel=1e-3)
    assert result["accuracy"] == pytest.approx(model.history["val_accuracy"][epoch - 1],
                                               abs=1e-3)
    windows = builtin_corpus.windows(vocab=model.vocab)
    assert result["targets"] == windows.y_val.size
    # The same figure from the Keras network's own probabilities, computed here.
    x = np.eye(len(model.vocab), dtype=np.float32)[windows.x_val]
    p = np.asarray(model.keras_model.predict(x, verbose=0), np.float64)
    target = np.take_along_axis(p, windows.y_val[..., None], axis=-1)[..., 0]
    assert result["cross_entropy"] == pytest.approx(-np.log(target).mean(), rel=1e-4)
    assert result["accuracy"] == pytest.approx((p.argmax(-1) == windows.y_val).mean())
    scores = baseline_scores(builtin_corpus, model.vocab)
    assert scores["uniform"]["cross_entropy"] == pytest.approx(math.log(len(model.vocab)))
    assert 0 < result["cross_entropy"] < 2 * scores["uniform"]["cross_entropy"]


def test_evaluate_refuses_a_corpus_it_cannot_read(builtin_corpus):
    import jazzwidget

    model = jazzwidget.JazzModel(builtin_corpus.vocab[:10])
    with pytest.raises(ModelError, match="vocabulary"):
        model.evaluate(builtin_corpus)
    with pytest.raises(ModelError, match="validation"):
        jazzwidget.JazzModel(builtin_corpus.vocab).evaluate(builtin_corpus, validation=0)



def test_cli_evaluate_prints_all_three_and_the_clip_statistics(builtin_corpus, tmp_path,
                                                               capsys):
    import jazzwidget
    from jazzwidget.cli import main

    model = jazzwidget.JazzModel(builtin_corpus.vocab)
    model.fit(builtin_corpus, epochs=2)
    path = model.save(tmp_path / "m.keras")
    assert main(["evaluate", "--model", str(path), "--clips", "3", "--seconds", "8"]) == 0
    out = capsys.readouterr().out
    expected = model.evaluate(builtin_corpus)["cross_entropy"]
    lstm = next(line for line in out.splitlines() if line.startswith("LSTM"))
    assert f"{expected:.3f}" in lstm
    for row in ("uniform", "unigram", "bigram", "pitch_class_histogram",
                "note_length_histogram", "chord-tone share", "longest run copied"):
        assert row in out
    assert "3 clips of 8 s" in out


def test_cli_evaluate_reports_a_model_of_other_music(builtin_corpus, tmp_path, capsys):
    import jazzwidget
    from jazzwidget.cli import main

    path = jazzwidget.JazzModel(builtin_corpus.vocab[:20]).save(tmp_path / "small.keras")
    assert main(["evaluate", "--model", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("jazzwidget: error:") and "vocabulary" in err
