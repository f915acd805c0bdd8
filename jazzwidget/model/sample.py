"""Generation: sample values one at a time, each fed back as the next input, then realize them
over chords into a Clip of exactly the asked length."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from jazzwidget.errors import JazzwidgetError
from jazzwidget.model.step import (
    Ablation,
    LSTMWeights,
    lstm_cell,
    output_probabilities,
    warm_up,
)
from jazzwidget.music.clip import Clip
from jazzwidget.music.progression import Progression
from jazzwidget.music.realize import realize
from jazzwidget.music.values import parse_value


def choose(probabilities: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """Argmax at temperature 0 (the seed's behaviour), else a draw from the distribution."""
    if temperature <= 0:
        return int(np.argmax(probabilities))
    return int(rng.choice(len(probabilities), p=probabilities))


@lru_cache(maxsize=8)
def value_durations(vocab: tuple[str, ...]) -> np.ndarray:
    """The length in beats of each value of ``vocab`` (read-only; cached per vocabulary, as
    parsing a vocabulary of 250 values takes longer than sampling a clip)."""
    durations = np.array([parse_value(v).duration for v in vocab])
    durations.flags.writeable = False
    return durations


def sample_ids(weights: LSTMWeights, beats: float, durations: np.ndarray, *,
               temperature: float, rng: np.random.Generator,
               prime_ids: Sequence[int] = (), ablation: Ablation | None = None) -> list[int]:
    """Sample value ids until their durations cover ``beats``.

    The state is warmed on ``prime_ids`` first; with no prime the first input is all zeros
    (as in the seed). ``durations[k]`` is the length in beats of value ``k``. ``ablation``
    clamps units in every step, the warm-up included.
    """
    h, c, xw = warm_up(weights, prime_ids, ablation)
    out: list[int] = []
    covered = 0.0
    while covered < beats - 1e-9:
        *_, c, h = lstm_cell(xw, h, c, weights, ablation)
        index = choose(output_probabilities(h, weights, temperature), temperature, rng)
        out.append(index)
        covered += durations[index]
        xw = weights.W[index]  # x @ W for the one-hot x of the value chosen
    return out


def to_clip(values: list[str], progression: Progression, *, seconds: float, tempo: float,
            rng: np.random.Generator, primed_with: list[str] | None = None) -> Clip:
    """Realize values over a progression and cut the result at exactly ``seconds``."""
    return Clip.from_beats(realize(values, progression, rng),
                           progression.over(seconds * tempo / 60.0), tempo, duration=seconds,
                           values=values, beats_per_bar=progression.beats_per_bar,
                           primed_with=primed_with or [])


def generate(weights: LSTMWeights, vocab: Sequence[str], progression: Progression, *,
             seconds: float, tempo: float, temperature: float, seed: int | None,
             prime: Sequence[str] = (), ablation: Ablation | None = None) -> Clip:
    """Sample and realize a clip (see `JazzModel.generate`)."""
    if seconds <= 0 or tempo <= 0:
        raise JazzwidgetError(f"seconds ({seconds}) and tempo ({tempo}) must be positive")
    if temperature < 0:
        raise JazzwidgetError(f"temperature {temperature} is negative: use 0 (argmax) or more")
    rng = np.random.default_rng(seed)
    index = {value: k for k, value in enumerate(vocab)}
    unknown = [v for v in prime if v not in index]
    if unknown:
        raise JazzwidgetError(f"the prime holds values this model does not know ({unknown[0]}"
                              f", ...): prime with values of its own corpus")
    durations = value_durations(tuple(vocab))
    beats = seconds * tempo / 60.0
    ids = sample_ids(weights, beats, durations, temperature=temperature, rng=rng,
                     prime_ids=[index[v] for v in prime],
                     ablation=Ablation.coerce(ablation, weights.n_a))
    values = [vocab[k] for k in ids]
    return to_clip(values, progression, seconds=seconds, tempo=tempo, rng=rng,
                   primed_with=list(prime))
