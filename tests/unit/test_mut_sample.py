"""Sampling at a temperature draws from the softmax of the logits divided by it (found by
mutation testing, docs/mutation.md): the network here always gives the same logits, so the
share of the favourite value is the probability the temperature gives it."""

import numpy as np
import pytest

from jazzwidget.model.sample import sample_ids
from jazzwidget.model.step import LSTMWeights

VOCAB, N_A, DRAWS = 6, 4, 2000
LOGITS = np.array([2.0, 0.0, 0.0, 0.0, 0.0, 0.0])  # value 0 the favourite


def constant_network() -> LSTMWeights:
    """An LSTM whose output ignores its state: the logits are the output bias, every step."""
    return LSTMWeights(np.zeros((VOCAB, 4 * N_A)), np.zeros((N_A, 4 * N_A)), np.zeros(4 * N_A),
                       np.zeros((N_A, VOCAB)), LOGITS.copy())


@pytest.mark.parametrize("temperature", [0.25, 1.0, 4.0])
def test_the_favourite_is_drawn_as_often_as_the_temperature_makes_it_likely(temperature):
    ids = sample_ids(constant_network(), DRAWS, np.ones(VOCAB), temperature=temperature,
                     rng=np.random.default_rng(5))
    assert len(ids) == DRAWS
    scaled = np.exp(LOGITS / temperature)
    expected = scaled[0] / scaled.sum()  # 0.998, 0.596, 0.248
    assert np.mean(np.array(ids) == 0) == pytest.approx(expected, abs=0.04)
