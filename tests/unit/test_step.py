"""The numpy LSTM step outside sampling and tracing: weights from Keras' list, one step with an
ablation, and a trace's default explanation (no TensorFlow)."""

from collections import Counter

import numpy as np
import pytest

from jazzwidget.errors import ModelError
from jazzwidget.model.sample import generate
from jazzwidget.model.step import Ablation, LSTMWeights, lstm_cell, lstm_step, one_hot
from jazzwidget.model.trace import trace_values
from jazzwidget.music.progression import Progression
from tests.data.weights import SMALL_VOCAB, random_weights

VOCAB = SMALL_VOCAB
N_A = 6


@pytest.fixture
def weights() -> LSTMWeights:
    return random_weights(len(VOCAB), N_A, seed=7)


def test_from_keras_takes_the_five_arrays_in_keras_order_as_float64():
    v, n = 5, 3
    arrays = [np.full((v, 4 * n), 1, np.float32), np.full((n, 4 * n), 2, np.float32),
              np.full(4 * n, 3, np.float32), np.full((n, v), 4, np.float32),
              np.full(v, 5, np.float32)]
    w = LSTMWeights.from_keras(arrays)
    for name, array, fill in zip(("W", "U", "b", "Wy", "by"), arrays, range(1, 6), strict=True):
        mine = getattr(w, name)
        assert mine.dtype == np.float64 and mine.shape == array.shape and (mine == fill).all()
    assert (w.n_a, w.vocab_size) == (n, v)


def test_one_step_with_an_ablation_holds_those_units(weights):
    rng = np.random.default_rng(1)
    h, c = rng.normal(0, 0.5, N_A), rng.normal(0, 0.5, N_A)
    x = one_hot(2, len(VOCAB))
    zero = Ablation((1, 4), "zero")
    *_, c1, h1 = lstm_step(x, h, c, weights, zero)
    assert (h1[[1, 4]] == 0).all() and (c1[[1, 4]] == 0).all()
    assert (h1[[0, 2, 3, 5]] != 0).all()
    # the same as the step on W's row, with the same ablation, and not the plain step
    expected = lstm_cell(weights.W[2], h, c, weights, zero)
    assert all(np.allclose(a, b) for a, b in zip(lstm_step(x, h, c, weights, zero), expected,
                                                 strict=True))
    plain = lstm_step(x, h, c, weights)
    assert not np.allclose(plain[-1], h1)
    f = lstm_step(x, h, c, weights, Ablation((0,), "forget1"))[1]
    assert f[0] == 1 and plain[1][0] != 1


def test_explain_lists_three_units_per_feature_by_default(weights):
    clip = generate(weights, VOCAB, Progression.coerce("F7 Bb7 F7 C7"), seconds=20, tempo=120,
                    temperature=1.0, seed=3)
    trace = trace_values(weights, VOCAB, clip)
    records = trace.explain(clip)
    per_feature = Counter(record["feature"] for record in records)
    assert per_feature and set(per_feature.values()) == {3}
    assert records == trace.explain(clip, top=3)


def test_a_unit_past_the_layer_names_the_units_there_are():
    with pytest.raises(ModelError, match=r"^unit 8 does not exist: this LSTM has units 0 to 7$"):
        Ablation((3, 8)).check(8)
    assert Ablation((3, 7)).check(8) == Ablation((3, 7))


def test_softmax_is_exact_for_large_logits_and_row_by_row():
    from jazzwidget.model.step import softmax

    assert softmax(np.array([1000.0, 1001.0])) == pytest.approx([0.2689414, 0.7310586])
    rows = softmax(np.array([[0.0, 1.0], [1000.0, 1001.0]]))
    assert rows == pytest.approx(np.array([[0.2689414, 0.7310586]] * 2))


def test_output_probabilities_are_the_softmax_layer_sharpened_by_temperature(weights):
    from jazzwidget.model.step import output_probabilities, softmax

    rng = np.random.default_rng(5)
    h = rng.normal(0, 1, N_A)
    biased = LSTMWeights(weights.W, weights.U, weights.b, weights.Wy,
                         np.linspace(-1, 1, len(VOCAB)))
    logits = h @ biased.Wy + biased.by
    assert np.allclose(output_probabilities(h, biased), softmax(logits))
    sharp = output_probabilities(h, biased, temperature=0.5)
    assert np.allclose(sharp, softmax(logits * 2))
    assert sharp.max() > softmax(logits).max()  # sharper: the likeliest value likelier
    assert np.allclose(output_probabilities(h, biased, temperature=2.0), softmax(logits / 2))
    assert np.allclose(output_probabilities(h, biased, temperature=0), softmax(logits))


def test_the_cell_follows_its_equations(weights):
    from jazzwidget.model.step import sigmoid

    assert sigmoid(np.array([0.0]))[0] == 0.5
    assert sigmoid(np.array([3.0]))[0] == pytest.approx(1 / (1 + np.exp(-3.0)))
    rng = np.random.default_rng(4)
    xw, h, c = rng.normal(0, 1, 4 * N_A), rng.normal(0, 0.5, N_A), rng.normal(0, 0.5, N_A)
    z = xw + h @ weights.U + weights.b
    n = N_A
    i, f, g, o = (1 / (1 + np.exp(-z[:n])), 1 / (1 + np.exp(-z[n:2 * n])),
                  np.tanh(z[2 * n:3 * n]), 1 / (1 + np.exp(-z[3 * n:])))
    c_new = f * c + i * g
    expected = (i, f, g, o, c_new, o * np.tanh(c_new))
    for mine, theirs in zip(lstm_cell(xw, h, c, weights), expected, strict=True):
        assert np.allclose(mine, theirs)


def test_the_warm_up_reads_the_primer_with_the_ablation(weights):
    from jazzwidget.model.step import warm_up

    h, c, xw = warm_up(weights, [1, 2, 3], Ablation((0, 2), "zero"))
    assert h[[0, 2]].tolist() == [0, 0] and c[[0, 2]].tolist() == [0, 0]
    assert np.array_equal(xw, weights.W[3])
    plain_h, _, _ = warm_up(weights, [1, 2, 3])
    assert (plain_h[[0, 2]] != 0).all()


@pytest.mark.parametrize("spec, message", [
    ({"units": [1], "mode": "zero"}, r"an ablation is \{'units': \[...\], 'clamp': ...\}"),
    ({"clamp": "zero"}, r"an ablation is \{'units'"),
    (3, r"not int$"),
])
def test_an_ablation_spec_says_what_it_should_be(spec, message):
    with pytest.raises(ModelError, match=message):
        Ablation.coerce(spec)
