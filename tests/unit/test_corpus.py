"""Corpus: values, vocabulary, windows and the validation split by position."""

import numpy as np
import pytest

import jazzwidget
from jazzwidget.errors import CorpusError
from jazzwidget.music.corpus import Corpus, builtin_sources
from jazzwidget.music.piece import ChordSpan, MelodyEvent, Piece
from jazzwidget.music.values import total_beats


def make_piece(n: int, name: str = "p") -> Piece:
    melody = [MelodyEvent(k * 0.5, 0.5, 60 + (k * 5) % 17 if k % 7 else None) for k in range(n)]
    return Piece(name, melody, [ChordSpan("C7", 0, n * 0.5)])


def test_the_seed_file_gives_the_seed_sized_problem(seed_solo):
    corpus = jazzwidget.load_corpus(seed_solo.path, melody="Guitar",
                                    start_beat=seed_solo.start_beat, end_beat=seed_solo.end_beat)
    windows = corpus.windows()
    assert 180 <= len(corpus.values) <= 290  # the seed counted 245 events (the made file 197)
    assert total_beats(corpus.values) == pytest.approx(72, abs=0.125)  # 18 bars, no drift
    assert 60 <= len(corpus.vocab) <= 110  # the seed had 78 (2018) and 90 (2021) values
    assert len(windows.x_train) >= 60 and windows.x_train.shape[1] == 30
    assert "Piano" in corpus.describe()


def test_the_melody_heuristic_takes_the_guitar_solo_and_chords_come_from_the_piano(seed_solo):
    corpus = jazzwidget.load_corpus(seed_solo.path, start_beat=seed_solo.start_beat,
                                    end_beat=seed_solo.end_beat)
    piece = corpus.pieces[0]
    assert piece.tracks[piece.melody_track].name == "Guitar"
    assert "most melody-like" in piece.melody_reason
    assert piece.chord_source.startswith("estimated") and "Piano" in piece.chord_source


def test_the_made_seed_like_file_gives_back_the_chords_its_piano_plays(tmp_path):
    from tests.data.seedlike import PROGRESSION, SOLO, write_seedlike

    corpus = jazzwidget.load_corpus(write_seedlike(tmp_path), start_beat=SOLO[0],
                                    end_beat=SOLO[1])
    chords = corpus.pieces[0].chords
    first_bar = int(SOLO[0] // 4)
    assert [c.symbol for c in chords] == [PROGRESSION[(first_bar + k) % len(PROGRESSION)]
                                          for k in range(18)]
    assert [c.start for c in chords] == [4.0 * k for k in range(18)]


def test_builtin_corpus_loads_offline_with_a_sorted_vocabulary():
    corpus = jazzwidget.load_corpus()
    assert len(corpus.pieces) == len(builtin_sources()) >= 10
    assert corpus.vocab == sorted(set(corpus.values))
    summary = corpus.summary()
    assert summary["notes"] >= 2000 and summary["vocab_size"] == len(corpus.vocab)
    assert str(corpus.progression).startswith(corpus.pieces[0].chords[0].symbol)


def test_windows_are_teacher_forcing_pairs_and_validation_is_the_end():
    corpus = Corpus([make_piece(100)])
    ids = corpus.ids()
    w = corpus.windows(tx=10, validation=0.2)
    assert (w.x_train[:, 1:] == w.y_train[:, :-1]).all()  # y[t] = x[t + 1]
    n_val = 20
    assert (w.x_train[0] == ids[:10]).all()
    assert w.y_train.max(initial=0) < len(corpus.vocab)
    # no training target reaches into the last n_val values, and validation lives only there
    last_train_target = len(w.x_train) - 1 + 10  # index of the last target in the training part
    assert last_train_target < len(ids) - n_val
    assert (w.x_val[0] == ids[len(ids) - n_val:len(ids) - n_val + 10]).all()


def test_large_corpora_stride_their_windows():
    corpus = Corpus([make_piece(3000)])
    w = corpus.windows(validation=0.1)
    assert 500 <= len(w.x_train) <= 1000
    assert np.array_equal(w.x_train[1], corpus.ids()[3:33])


def test_values_outside_the_vocabulary_are_named():
    corpus = Corpus([make_piece(60)])
    with pytest.raises(CorpusError, match=r"JazzModel\(corpus\.vocab\)"):
        corpus.ids(corpus.vocab[:3])


def test_too_short_or_empty_corpora_are_clear_errors():
    with pytest.raises(CorpusError, match="at least 32"):
        Corpus([make_piece(10)]).windows()
    with pytest.raises(CorpusError, match="empty"):
        Corpus([])
