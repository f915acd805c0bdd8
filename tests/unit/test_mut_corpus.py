"""Corpus windows on a long corpus (more than MAX_WINDOWS windows: they start every few values,
never more than half a window apart), a part exactly a window and a value long, and the
message for six values missing from a vocabulary (found by mutation testing,
docs/mutation.md)."""

import numpy as np
import pytest
from data import badfiles

from jazzwidget.errors import CorpusError
from jazzwidget.music.corpus import MAX_WINDOWS, Corpus, load_corpus
from jazzwidget.music.piece import ChordSpan, MelodyEvent, Piece

SCALE = [60, 62, 64, 65, 67, 69, 71, 72]


def long_corpus(n: int) -> Corpus:
    """One piece of ``n`` quarter notes up and down a C scale over C: ``n`` values."""
    pitches = [SCALE[i % 14 if i % 14 < 8 else 14 - i % 14] for i in range(n)]
    melody = [MelodyEvent(i, 1, p) for i, p in enumerate(pitches)]
    corpus = Corpus([Piece("scales", melody, [ChordSpan("C", 0, n)])])
    assert len(corpus.ids()) == n
    return corpus


@pytest.mark.parametrize(("n", "tx", "stride"), [
    (900, 30, 1),    # fewer than MAX_WINDOWS windows: every value
    (1100, 30, 2),   # 1,100 values (train and validation together): every second value
    (1100, 3, 1),    # ... but never more than half a window (3 // 2 = 1) apart
    (3100, 6, 3),    # every fourth would do; half a window is 3
])
def test_windows_of_a_long_corpus_start_every_few_values(n, tx, stride):
    corpus = long_corpus(n)
    assert MAX_WINDOWS == 1000
    w = corpus.windows(tx, 0.1)
    every = corpus.windows(tx, 0.1, stride=stride)
    for part in ("x_train", "y_train", "x_val", "y_val"):
        got = getattr(w, part)
        assert got.dtype == np.int32 and np.array_equal(got, getattr(every, part)), part
    train, val = corpus.split(tx, 0.1)
    assert len(w.x_train) == -(-(len(train) - tx) // stride)
    assert len(w.x_val) == -(-(len(val) - tx) // stride)


def test_a_part_one_window_and_a_value_long_has_one_window(tmp_path):
    corpus = load_corpus(badfiles.write("3/4", tmp_path))
    _, val = corpus.split(4, 0.01)
    assert len(val) == 5
    w = corpus.windows(4, 0.01)
    assert np.array_equal(w.x_val, [val[:4]]) and np.array_equal(w.y_val, [val[1:]])


def test_six_missing_values_show_five_and_an_ellipsis():
    corpus = long_corpus(40)
    vocab = corpus.vocab
    assert len(vocab) > 6
    with pytest.raises(CorpusError) as caught:
        corpus.ids(vocab[6:])
    shown = ", ".join(sorted(vocab[:6])[:5])
    assert str(caught.value) == (f"6 value(s) of this corpus are not in the model's vocabulary "
                                 f"({shown} ...): build a new model with JazzModel(corpus.vocab)")


def test_an_unknown_encoding_names_the_encodings():
    piece = long_corpus(8).pieces[0]
    with pytest.raises(CorpusError) as caught:
        Corpus([piece], encoding="midi")
    assert str(caught.value) == "unknown encoding 'midi': use one of grammar, pitch"


def test_load_corpus_encodes_as_asked(tmp_path):
    path = badfiles.write("3/4", tmp_path)
    pitches = load_corpus(path, encoding="pitch")
    assert pitches.encoding == "pitch"
    assert pitches.values and all(v[0] in "PR" for v in pitches.values)
    assert load_corpus(path).values[0][0] in "CSAX"


def test_an_empty_corpus_says_what_to_give():
    with pytest.raises(CorpusError) as caught:
        Corpus([])
    assert str(caught.value) == "the corpus is empty: give at least one music file"
