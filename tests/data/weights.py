"""Random LSTM weights over a small vocabulary, for the numpy step's tests (no TensorFlow)."""

import numpy as np

from jazzwidget.model.step import LSTMWeights

SMALL_VOCAB = ["C,0.250", "C,0.500", "R,0.250", "S,0.250", "S,1.000", "X,0.500"]


def random_weights(vocab_size: int, n_a: int, seed: int) -> LSTMWeights:
    """W ~ N(0, 1), U ~ N(0, 0.6), b ~ N(0, 0.5), Wy ~ N(0, 1), by = 0, drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    v, n = vocab_size, n_a
    return LSTMWeights(rng.normal(0, 1.0, (v, 4 * n)), rng.normal(0, 0.6, (n, 4 * n)),
                       rng.normal(0, 0.5, 4 * n), rng.normal(0, 1.0, (n, v)), np.zeros(v))
