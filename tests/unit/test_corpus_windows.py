"""`Corpus.split` and `Corpus.windows`: the validation part is the end of the corpus, at least
one window's worth; windows are consecutive values with targets one value later."""

import numpy as np
import pytest
from data import badfiles

from jazzwidget.errors import CorpusError
from jazzwidget.music.corpus import load_corpus

TX = 4


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return load_corpus(badfiles.write("3/4", tmp_path_factory.mktemp("windows")))


def test_the_validation_part_is_the_end_and_at_least_a_window(corpus):
    ids = corpus.ids()
    n = len(ids)
    train, val = corpus.split(TX, 0.1)
    assert len(val) == max(round(n * 0.1), TX + 1) and np.array_equal(np.r_[train, val], ids)
    assert len(corpus.split(TX, 0.01)[1]) == TX + 1  # a window's worth, not 1% of it
    assert len(corpus.split(TX, 0)[1]) == 0 and len(corpus.split(TX, 0)[0]) == n
    assert len(corpus.split(TX, 0.49)[1]) == round(n * 0.49)


@pytest.mark.parametrize("validation", [-0.1, 0.5, 1.0])
def test_a_validation_share_out_of_range_is_refused(corpus, validation):
    with pytest.raises(CorpusError) as caught:
        corpus.split(TX, validation)
    assert str(caught.value) == f"validation share {validation} is out of range: use 0 to 0.5"


def test_a_corpus_needs_one_window_and_its_target(corpus):
    n = len(corpus.ids())
    train, val = corpus.split(n - 2, 0.1)  # exactly tx + 2 values: one window each side
    assert len(val) == 1 and len(train) == n - 1
    with pytest.raises(CorpusError, match=f"has {n} values; at least {n + 1} are needed"):
        corpus.split(n - 1, 0.1)


def test_ids_in_the_vocabulary_asked_for(corpus):
    vocab = list(reversed(corpus.vocab))
    train, val = corpus.split(TX, 0.1, vocab)
    assert [vocab[i] for i in np.r_[train, val]] == corpus.values
    windows = corpus.windows(TX, 0.1, vocab)
    assert [vocab[i] for i in windows.x_train[0]] == corpus.values[:TX]


def test_windows_are_consecutive_values_and_targets_one_later(corpus):
    train, val = corpus.split(TX, 0.2)
    w = corpus.windows(TX, 0.2)
    assert w.x_train.shape == (len(train) - TX, TX) and w.x_val.shape == (len(val) - TX, TX)
    assert np.array_equal(w.x_train[:, 1:], w.y_train[:, :-1])
    assert np.array_equal(w.x_train[3], train[3:3 + TX]) and w.y_val[-1, -1] == val[-1]
    every_other = corpus.windows(TX, 0.2, stride=2)
    assert np.array_equal(every_other.x_train, w.x_train[::2])
    assert np.array_equal(every_other.x_val, w.x_val[::2])


def test_a_part_shorter_than_a_window_has_no_windows(corpus):
    n = len(corpus.ids())
    w = corpus.windows(n - 2, 0.1)  # the validation part holds tx + 1 ... here 1 value
    assert w.x_val.shape == (0, n - 2) and w.y_val.shape == (0, n - 2)
    assert w.x_val.dtype == np.int32 and w.y_val.dtype == np.int32
