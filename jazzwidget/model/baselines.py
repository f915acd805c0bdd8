"""Baselines for held-out cross-entropy: unigram and bigram models over the same values.

No TensorFlow here. A model is fitted on training ids and scored on (previous value, next value)
pairs: for a sequence, each value after the first given the one before it; for windows (as
`JazzModel.fit` cuts them), ``x[k, t] -> y[k, t]`` exactly the targets the LSTM's validation
loss averages over, so the three figures are per value and on the same targets.

Smoothing (chosen on the training part only, by a grid search on its last tenth):

* unigram: additive (Lidstone) smoothing, ``P(w) = (n(w) + alpha) / (N + alpha V)``;
* bigram: Jelinek-Mercer interpolation with that unigram,
  ``P(w | v) = lam * n(v, w) / n(v) + (1 - lam) * P_uni(w)`` (``lam = 0`` where v is unseen).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from jazzwidget.errors import CorpusError
from jazzwidget.music.corpus import TX

if TYPE_CHECKING:
    from jazzwidget.music.corpus import Corpus

ALPHAS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
LAMBDAS = tuple(np.round(np.arange(0.0, 1.0, 0.05), 2))
TUNE_SHARE = 0.1  # the tail of the training part that picks the smoothing


def _pairs(ids: np.ndarray, targets: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    ids = np.asarray(ids, dtype=np.int64)
    if targets is None:
        if ids.ndim != 1:
            raise CorpusError("pass windows together with their targets: "
                              "cross_entropy(x_val, y_val)")
        return ids[:-1], ids[1:]
    targets = np.asarray(targets, dtype=np.int64)
    if targets.shape != ids.shape:
        raise CorpusError(f"inputs {ids.shape} and targets {targets.shape} differ in shape: "
                          f"pass windows.x_val and windows.y_val")
    return ids.ravel(), targets.ravel()


class NGramModel:
    """A unigram (``order=1``) or bigram (``order=2``) model of value ids.

    Attributes
    ----------
    alpha : the unigram's additive smoothing, chosen on the training part.
    lam : the bigram's weight on its own counts (0 for a unigram), chosen likewise.
    """

    def __init__(self, order: int = 2) -> None:
        if order not in (1, 2):
            raise CorpusError(f"order {order} is not supported: use 1 (unigram) or 2 (bigram)")
        self.order = order
        self.alpha = 1.0
        self.lam = 0.0
        self.vocab_size = 0
        self._unigram = np.zeros(0)
        self._bigram = np.zeros((0, 0))
        self._row_totals = np.zeros(0)

    def __repr__(self) -> str:
        name = "unigram" if self.order == 1 else "bigram"
        return f"NGramModel({name}, alpha={self.alpha:g}, lambda={self.lam:g})"

    # --------------------------------------------------------------------- fitting
    def _count(self, ids: np.ndarray, vocab_size: int, alpha: float) -> None:
        counts = np.bincount(ids, minlength=vocab_size).astype(np.float64)
        self._unigram = (counts + alpha) / (counts.sum() + alpha * vocab_size)
        self._bigram = np.zeros((vocab_size, vocab_size))
        if len(ids) > 1:
            np.add.at(self._bigram, (ids[:-1], ids[1:]), 1.0)
        self._row_totals = self._bigram.sum(axis=1)

    def fit(self, train_ids: Sequence[int] | np.ndarray, vocab_size: int) -> NGramModel:
        """Count the training ids; choose the smoothing on their last tenth, then refit on all.

        Raises
        ------
        CorpusError : fewer than 20 training values, or an id outside the vocabulary.
        """
        ids = np.asarray(train_ids, dtype=np.int64).ravel()
        if len(ids) < 20:
            raise CorpusError(f"{len(ids)} training values are too few for a baseline: "
                              f"load more music")
        if ids.min() < 0 or ids.max() >= vocab_size:
            raise CorpusError(f"value ids must lie in 0..{vocab_size - 1}: pass "
                              f"corpus.ids(vocab) with the same vocabulary")
        self.vocab_size = vocab_size
        cut = len(ids) - max(2, round(len(ids) * TUNE_SHARE))
        head, tail = ids[:cut], ids[cut - 1:]  # the tail's first pair joins the two parts

        def tail_loss(alpha: float, lam: float) -> float:
            self._count(head, vocab_size, alpha)
            self.alpha, self.lam = alpha, lam
            return self.cross_entropy(tail)

        self.lam = 0.0
        self.alpha = min(ALPHAS, key=lambda a: tail_loss(a, 0.0))
        if self.order == 2:
            alpha = self.alpha
            self.lam = min(LAMBDAS, key=lambda lam: tail_loss(alpha, lam))
            self.alpha = alpha
        self._count(ids, vocab_size, self.alpha)
        return self

    # --------------------------------------------------------------------- scoring
    def probabilities(self, previous: np.ndarray) -> np.ndarray:
        """Distribution over the next value for each previous id: (n, vocab_size)."""
        previous = np.asarray(previous, dtype=np.int64)
        uni = np.broadcast_to(self._unigram, (len(previous), self.vocab_size))
        if self.order == 1 or self.lam == 0:
            return np.array(uni)
        totals = self._row_totals[previous][:, None]
        ml = np.divide(self._bigram[previous], totals, out=np.zeros_like(uni),
                       where=totals > 0)
        weight = np.where(totals > 0, self.lam, 0.0)
        return weight * ml + (1 - weight) * uni

    def _target_probabilities(self, previous: np.ndarray, nxt: np.ndarray) -> np.ndarray:
        if not self.vocab_size:
            raise CorpusError("fit the baseline first: NGramModel(order).fit(train_ids, vocab)")
        return self.probabilities(previous)[np.arange(len(nxt)), nxt]

    def cross_entropy(self, ids: np.ndarray | Sequence[int],
                      targets: np.ndarray | None = None) -> float:
        """Mean negative log-probability (nats per value) of each target given the value before.

        ``ids`` alone: a sequence, scored on ids[1:] given ids[:-1]. With ``targets``: inputs and
        targets of the same shape (windows ``x, y``), scored pair by pair.
        """
        previous, nxt = _pairs(np.asarray(ids), targets)
        return float(-np.log(self._target_probabilities(previous, nxt)).mean())

    def accuracy(self, ids: np.ndarray | Sequence[int],
                 targets: np.ndarray | None = None) -> float:
        """Share of targets that are the model's likeliest next value (same pairs as
        `cross_entropy`)."""
        previous, nxt = _pairs(np.asarray(ids), targets)
        if not self.vocab_size:
            raise CorpusError("fit the baseline first: NGramModel(order).fit(train_ids, vocab)")
        return float((self.probabilities(previous).argmax(axis=1) == nxt).mean())


def uniform_cross_entropy(vocab_size: int) -> float:
    """A uniform guess over the vocabulary: ``ln V`` nats per value."""
    return float(np.log(vocab_size))


def baseline_scores(corpus: Corpus, vocab: Sequence[str] | None = None, *,
                    validation: float = 0.1) -> dict[str, dict[str, float]]:
    """Held-out cross-entropy (nats per value) and next-value accuracy of a uniform guess, a
    unigram and a bigram, fitted on the training part of ``corpus`` and scored on the targets
    of its validation windows, as `JazzModel.fit` splits them and `JazzModel.evaluate` scores.

    ``vocab`` : the model's vocabulary (default the corpus's own).
    """
    vocab = list(vocab if vocab is not None else corpus.vocab)
    train, _ = corpus.split(TX, validation, vocab)
    windows = corpus.windows(TX, validation, vocab)
    if not len(windows.x_val):
        raise CorpusError("there is no validation part to score on: use validation > 0")
    size = len(vocab)
    scores = {"uniform": {"cross_entropy": uniform_cross_entropy(size),
                          "accuracy": 1.0 / size}}
    for name, order in (("unigram", 1), ("bigram", 2)):
        model = NGramModel(order).fit(train, size)
        scores[name] = {"cross_entropy": model.cross_entropy(windows.x_val, windows.y_val),
                        "accuracy": model.accuracy(windows.x_val, windows.y_val)}
    return scores
