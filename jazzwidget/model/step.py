"""The LSTM step in plain numpy: the one definition that sampling and tracing both use.

Keras packs an LSTM's weights as kernel W (inputs, 4n), recurrent kernel U (n, 4n) and bias b (4n),
the four blocks in the order i, f, g, o (g is the candidate, written c~ in the seed):

    z = x W + h_prev U + b
    i = sigmoid(z_i)      input gate (the seed's "update gate")
    f = sigmoid(z_f)      forget gate
    g = tanh(z_g)         candidate cell value
    o = sigmoid(z_o)      output gate
    c = f * c_prev + i * g
    h = o * tanh(c)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class LSTMWeights:
    """The numbers of a trained network: LSTM (W, U, b) and the softmax layer (Wy, by)."""

    W: np.ndarray  # (vocab, 4 n_a)
    U: np.ndarray  # (n_a, 4 n_a)
    b: np.ndarray  # (4 n_a,)
    Wy: np.ndarray  # (n_a, vocab)
    by: np.ndarray  # (vocab,)

    @property
    def n_a(self) -> int:
        return self.U.shape[0]

    @property
    def vocab_size(self) -> int:
        return self.W.shape[0]

    @classmethod
    def from_keras(cls, weights: list[np.ndarray]) -> LSTMWeights:
        """From ``keras_model.get_weights()`` of the network in network.py, as float64."""
        W, U, b, Wy, by = (np.asarray(w, dtype=np.float64) for w in weights)
        return cls(W, U, b, Wy, by)


def lstm_step(x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray,
              w: LSTMWeights) -> tuple[np.ndarray, ...]:
    """One LSTM step for input vector x (vocab,) from state (h_prev, c_prev), each (n_a,).

    Returns the gates and the new state: (i, f, g, o, c, h).
    """
    n = w.n_a
    z = x @ w.W + h_prev @ w.U + w.b
    i = sigmoid(z[:n])
    f = sigmoid(z[n:2 * n])
    g = np.tanh(z[2 * n:3 * n])
    o = sigmoid(z[3 * n:])
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return i, f, g, o, c, h


def output_probabilities(h: np.ndarray, w: LSTMWeights, temperature: float = 1.0) -> np.ndarray:
    """The softmax layer over the vocabulary, sharpened (T < 1) or flattened (T > 1)."""
    logits = h @ w.Wy + w.by
    return softmax(logits / temperature) if temperature > 0 else softmax(logits)


def one_hot(index: int, size: int) -> np.ndarray:
    x = np.zeros(size)
    x[index] = 1.0
    return x


def warm_up(w: LSTMWeights, prime_ids: Sequence[int] = ()
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The state after reading all but the last primer value, and the next input: the last
    primer value, or all zeros with no primer (the seed's first input). Returns (h, c, x)."""
    h, c = np.zeros(w.n_a), np.zeros(w.n_a)
    inputs = [one_hot(index, w.vocab_size) for index in prime_ids] or [np.zeros(w.vocab_size)]
    for x in inputs[:-1]:
        *_, c, h = lstm_step(x, h, c, w)
    return h, c, inputs[-1]
