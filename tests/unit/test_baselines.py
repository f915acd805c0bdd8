"""Unigram and bigram baselines: smoothing by hand, the split JazzModel.fit uses, scores."""

import math

import numpy as np
import pytest

from jazzwidget.errors import CorpusError
from jazzwidget.model.baselines import NGramModel, baseline_scores


def test_unigram_additive_smoothing_by_hand():
    model = NGramModel(1).fit([0, 1] * 10 + [0, 0], vocab_size=3)
    n0, n1, total = 12, 10, 22
    a = model.alpha
    p = model.probabilities(np.array([2]))[0]
    assert p == pytest.approx([(n0 + a) / (total + 3 * a), (n1 + a) / (total + 3 * a),
                               a / (total + 3 * a)])
    # On a sequence, the targets are ids[1:].
    assert model.cross_entropy([1, 0, 2]) == pytest.approx(-(math.log(p[0]) + math.log(p[2])) / 2)


def test_bigram_interpolates_with_the_unigram():
    ids = [0, 1, 2] * 10
    model = NGramModel(2).fit(ids, vocab_size=4)
    assert model.lam > 0.5  # a strictly periodic line: the bigram's own counts win
    p = model.probabilities(np.array([0, 3]))
    uni = model.probabilities(np.array([3]))[0]
    assert p[0, 1] == pytest.approx(model.lam + (1 - model.lam) * uni[1])
    assert p[1] == pytest.approx(uni)  # 3 never seen: the unigram alone
    assert p.sum(axis=1) == pytest.approx([1, 1])
    assert model.accuracy([0, 1, 2, 0]) == 1.0
    assert model.cross_entropy([0, 1, 2]) < NGramModel(1).fit(ids, 4).cross_entropy([0, 1, 2])


def test_windows_pairs_and_errors():
    model = NGramModel(2).fit([0, 1, 2] * 10, vocab_size=3)
    x, y = np.array([[0, 1], [1, 2]]), np.array([[1, 2], [2, 0]])
    assert model.cross_entropy(x, y) == pytest.approx(model.cross_entropy([0, 1, 2, 0]))
    with pytest.raises(CorpusError, match="shape"):
        model.cross_entropy(x, y[:1])
    with pytest.raises(CorpusError, match="order"):
        NGramModel(3)
    with pytest.raises(CorpusError, match="too few"):
        NGramModel(1).fit([0, 1], 2)
    with pytest.raises(CorpusError, match=r"0\.\.1"):
        NGramModel(1).fit([0, 1, 5] * 10, 2)
    with pytest.raises(CorpusError, match="fit the baseline first"):
        NGramModel(2).cross_entropy([0, 1])


def test_smoothing_is_chosen_on_the_training_part_only():
    import jazzwidget

    corpus = jazzwidget.load_corpus()
    train, val = corpus.split()
    assert len(train) + len(val) == len(corpus.values)
    windows = corpus.windows()
    assert np.array_equal(windows.x_val[0], val[:30])  # validation windows are the tail
    bigram = NGramModel(2).fit(train, len(corpus.vocab))
    # The smoothing picked on the training tail is no worse there than its neighbours.
    assert 0 < bigram.lam < 1 and bigram.alpha > 0
    scores = baseline_scores(corpus)
    assert scores["uniform"]["cross_entropy"] == pytest.approx(math.log(len(corpus.vocab)))
    assert scores["bigram"]["cross_entropy"] < scores["unigram"]["cross_entropy"] \
        < scores["uniform"]["cross_entropy"]
    assert scores["bigram"]["cross_entropy"] == pytest.approx(
        bigram.cross_entropy(windows.x_val, windows.y_val))
