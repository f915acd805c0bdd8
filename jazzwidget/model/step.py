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

An `Ablation` silences chosen units inside this same step (Lakretz et al. 2019): "zero" holds
their h and c at 0, "forget0" / "forget1" force their forget gate to 0 (forget everything) or 1
(keep everything), "output0" closes their output gate (h = 0, c still runs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from jazzwidget.errors import ModelError


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
        """From the five arrays of `network.network_weights` (Keras' order), as float64."""
        W, U, b, Wy, by = (np.asarray(w, dtype=np.float64) for w in weights)
        return cls(W, U, b, Wy, by)


# What each clamp holds, and at what: {clamp: ((array, value), ...)}.
CLAMPS: dict[str, tuple[tuple[str, float], ...]] = {
    "zero": (("c", 0.0), ("h", 0.0)),
    "forget0": (("f", 0.0),),
    "forget1": (("f", 1.0),),
    "output0": (("o", 0.0),),
}


@dataclass(frozen=True)
class Ablation:
    """Units to silence and how: ``clamp`` one of "zero", "forget0", "forget1", "output0".

    An ablation with no units changes nothing (the step is then exactly the plain one).
    """

    units: tuple[int, ...]
    clamp: str = "zero"

    def __post_init__(self) -> None:
        if self.clamp not in CLAMPS:
            raise ModelError(f"unknown clamp {self.clamp!r}: use one of {', '.join(CLAMPS)}")
        try:
            units = tuple(sorted({int(u) for u in self.units}))
        except (TypeError, ValueError) as error:
            raise ModelError(f"ablation units must be unit numbers (ints), not "
                             f"{self.units!r}") from error
        if units and units[0] < 0:
            raise ModelError(f"unit {units[0]} is negative: units count from 0")
        object.__setattr__(self, "units", units)

    def __bool__(self) -> bool:
        return bool(self.units)

    def clamp_at(self, name: str, values: np.ndarray) -> np.ndarray:
        """``values`` of gate or state ``name`` with the ablated units held (a copy), or
        ``values`` itself where this clamp does not act on ``name``."""
        for target, held in CLAMPS[self.clamp]:
            if target == name and self.units:
                values = values.copy()
                values[list(self.units)] = held
        return values

    def check(self, n_a: int) -> Ablation:
        """Itself, after checking that every unit exists in a layer of ``n_a`` units."""
        if self.units and self.units[-1] >= n_a:
            raise ModelError(f"unit {self.units[-1]} does not exist: this LSTM has units "
                             f"0 to {n_a - 1}")
        return self

    @classmethod
    def coerce(cls, spec: Ablation | Mapping[str, Any] | None,
               n_a: int | None = None) -> Ablation | None:
        """An Ablation from ``{"units": [12, 40], "clamp": "zero"}`` (clamp default "zero"),
        an Ablation, or None; units are checked against ``n_a`` when given."""
        if spec is None:
            return None
        if isinstance(spec, Mapping):
            unknown = set(spec) - {"units", "clamp"}
            if unknown or "units" not in spec:
                raise ModelError(f"an ablation is {{'units': [...], 'clamp': ...}}, not "
                                 f"{dict(spec)!r}")
            units = spec["units"]
            spec = cls((units,) if isinstance(units, int) else tuple(units),
                       spec.get("clamp", "zero"))
        if not isinstance(cast("object", spec), Ablation):  # a notebook may pass anything
            raise ModelError(f"ablate must be a dict such as {{'units': [12, 40], 'clamp': "
                             f"'zero'}} or an Ablation, not {type(spec).__name__}")
        return spec if n_a is None else spec.check(n_a)


def lstm_cell(xw: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, w: LSTMWeights,
              ablation: Ablation | None = None) -> tuple[np.ndarray, ...]:
    """One LSTM step from the input already projected, ``xw = x @ W`` (for a one-hot x, the
    row ``W[k]``: sampling and tracing pass rows and skip the product), and the state
    (h_prev, c_prev), each (n_a,).

    ``ablation`` clamps some units inside the step (see `Ablation`); None or no units leaves
    it the plain step. Returns the gates and the new state: (i, f, g, o, c, h).
    """
    n = w.n_a
    z = xw + h_prev @ w.U + w.b
    i = sigmoid(z[:n])
    f = sigmoid(z[n:2 * n])
    g = np.tanh(z[2 * n:3 * n])
    o = sigmoid(z[3 * n:])
    if ablation:
        f, o = ablation.clamp_at("f", f), ablation.clamp_at("o", o)
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    if ablation:
        c, h = ablation.clamp_at("c", c), ablation.clamp_at("h", h)
    return i, f, g, o, c, h


def lstm_step(x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray,
              w: LSTMWeights, ablation: Ablation | None = None) -> tuple[np.ndarray, ...]:
    """One LSTM step for input vector x (vocab,): `lstm_cell` of ``x @ W``."""
    return lstm_cell(x @ w.W, h_prev, c_prev, w, ablation)


def output_probabilities(h: np.ndarray, w: LSTMWeights, temperature: float = 1.0) -> np.ndarray:
    """The softmax layer over the vocabulary, sharpened (T < 1) or flattened (T > 1)."""
    logits = h @ w.Wy + w.by
    return softmax(logits / temperature) if temperature > 0 else softmax(logits)


def one_hot(index: int, size: int) -> np.ndarray:
    x = np.zeros(size)
    x[index] = 1.0
    return x


def warm_up(w: LSTMWeights, prime_ids: Sequence[int] = (), ablation: Ablation | None = None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The state after reading all but the last primer value, and the next input projected,
    ``x @ W``: the last primer value's row of W, or zeros with no primer (the seed's first
    input is all zeros). Returns (h, c, xw). An ``ablation`` holds in the warm-up too (the
    lesioned network reads the primer)."""
    h, c = np.zeros(w.n_a), np.zeros(w.n_a)
    rows = [w.W[index] for index in prime_ids] or [np.zeros(w.W.shape[1])]
    for xw in rows[:-1]:
        *_, c, h = lstm_cell(xw, h, c, w, ablation)
    return h, c, rows[-1]
