"""Ablation inside the numpy step: clamps, validation, and sampling vs tracing (no TensorFlow)."""

import numpy as np
import pytest

from jazzwidget.errors import JazzwidgetError, ModelError
from jazzwidget.model import sample
from jazzwidget.model.sample import generate, sample_ids
from jazzwidget.model.step import Ablation, LSTMWeights, output_probabilities
from jazzwidget.model.trace import run_trace, trace_values
from jazzwidget.music.clip import Clip, Step
from jazzwidget.music.progression import Progression
from tests.data.weights import SMALL_VOCAB, random_weights

VOCAB = SMALL_VOCAB
N_A = 8


@pytest.fixture
def weights() -> LSTMWeights:
    return random_weights(len(VOCAB), N_A, seed=3)


IDS = [0, 3, 1, 2, 4, 5, 0, 0, 3, 2, 1, 4]
PRIME = [1, 2, 3]


def test_zero_clamp_zeroes_h_and_c_of_those_units_only(weights):
    plain = run_trace(weights, IDS, PRIME)
    ablated = run_trace(weights, IDS, PRIME, ablation=Ablation((2, 5), "zero"))
    assert (ablated.h[:, [2, 5]] == 0).all() and (ablated.c[:, [2, 5]] == 0).all()
    assert (plain.h[:, [2, 5]] != 0).all()
    # the other units read zeros from 2 and 5, so they change too, but keep running
    assert not np.allclose(ablated.h[:, [0, 1]], plain.h[:, [0, 1]])
    assert ablated.ablation == Ablation((2, 5), "zero")


def test_forget_and_output_clamps_follow_the_cell_equations(weights):
    unit = [4]
    f0 = run_trace(weights, IDS, PRIME, ablation=Ablation((4,), "forget0"))
    assert (f0.f[:, unit] == 0).all()
    assert np.allclose(f0.c[:, unit], (f0.i * f0.g)[:, unit], atol=1e-6)  # c = i*g: no memory
    f1 = run_trace(weights, IDS, PRIME, ablation=Ablation((4,), "forget1"))
    assert (f1.f[:, unit] == 1).all()
    # c = c_prev + i*g: the cell adds every write
    assert np.allclose(np.diff(f1.c[:, 4]), (f1.i * f1.g)[1:, 4], atol=1e-5)
    o0 = run_trace(weights, IDS, PRIME, ablation=Ablation((4,), "output0"))
    assert (o0.o[:, unit] == 0).all() and (o0.h[:, unit] == 0).all()
    assert (o0.c[:, unit] != 0).any()  # the cell still runs behind a closed output gate


def test_no_units_is_exactly_the_plain_step(weights):
    plain = run_trace(weights, IDS, PRIME)
    for ablation in (None, Ablation(()), Ablation.coerce({"units": []})):
        same = run_trace(weights, IDS, PRIME, ablation=ablation)
        for name in "ifgoch":
            assert np.array_equal(same.gate(name), plain.gate(name))
        assert same.ablation is None


def test_ablating_nothing_reproduces_the_clip_and_ablating_changes_it(weights):
    chords = Progression.coerce("F7 Bb7 F7 C7")
    kwargs = dict(seconds=12, tempo=120, temperature=1.0, seed=5, prime=["C,0.500", "R,0.250"])
    clip = generate(weights, VOCAB, chords, **kwargs)
    again = generate(weights, VOCAB, chords, ablation={"units": [], "clamp": "zero"}, **kwargs)
    assert again.values == clip.values and again.notes == clip.notes
    changed = generate(weights, VOCAB, chords, ablation={"units": list(range(N_A))}, **kwargs)
    assert changed.values != clip.values


def test_tracing_a_sampled_sequence_goes_through_the_states_sampling_went_through(
        weights, monkeypatch):
    for ablation in (None, Ablation((1, 6), "forget1")):
        visited: list[tuple[np.ndarray, np.ndarray]] = []
        step = sample.lstm_cell

        def recording(*args, _step=step, _visited=visited):
            gates = _step(*args)
            _visited.append((gates[4], gates[5]))
            return gates

        monkeypatch.setattr(sample, "lstm_cell", recording)
        durations = np.array([0.25, 0.5, 0.25, 0.25, 1.0, 0.5])
        ids = sample_ids(weights, 16, durations, temperature=1.0,
                         rng=np.random.default_rng(9), prime_ids=PRIME, ablation=ablation)
        monkeypatch.undo()
        trace = run_trace(weights, ids, PRIME, ablation=ablation)
        assert len(visited) == len(ids) == trace.steps
        assert np.allclose(trace.c, [c for c, _ in visited], atol=1e-6)
        assert np.allclose(trace.h, [h for _, h in visited], atol=1e-6)


def test_argmax_of_the_traced_h_is_the_value_chosen_at_temperature_zero(weights):
    durations = np.array([0.25, 0.5, 0.25, 0.25, 1.0, 0.5])
    ids = sample_ids(weights, 16, durations, temperature=0, rng=np.random.default_rng(0),
                     prime_ids=PRIME)
    trace = run_trace(weights, ids, PRIME)
    chosen = output_probabilities(trace.h.astype(np.float64), weights).argmax(axis=1)
    assert chosen.tolist() == ids


@pytest.mark.parametrize("spec, message", [
    ({"units": [1], "clamp": "half"}, "unknown clamp"),
    ({"unit": [1]}, "an ablation is"),
    ({"units": [N_A]}, f"unit {N_A} does not exist"),
    ({"units": [-1]}, "negative"),
    ({"units": ["a"]}, "unit numbers"),
    ([1, 2], "must be a dict"),
])
def test_bad_ablations_say_what_to_give(weights, spec, message):
    with pytest.raises(ModelError, match=message):
        trace_values(weights, VOCAB, ["C,0.250", "S,0.250"], spec)


def test_ablation_accepts_one_int_and_sorts_units():
    assert Ablation.coerce({"units": 3}) == Ablation((3,), "zero")
    assert Ablation((5, 1, 5), "output0").units == (1, 5)
    assert issubclass(ModelError, JazzwidgetError)


def test_trace_values_times_in_beats_and_errors(weights):
    trace = trace_values(weights, VOCAB, ["C,0.500", "S,1.000", "R,0.250"])
    assert trace.starts.tolist() == [0.0, 0.5, 1.5] and trace.ends.tolist() == [0.5, 1.5, 1.75]
    with pytest.raises(ModelError, match="not in this model's vocabulary"):
        trace_values(weights, VOCAB, ["C,0.500", "P60,1.000"])
    with pytest.raises(ModelError, match="not one string"):
        trace_values(weights, VOCAB, "C,0.500")
    unlabelled = Clip([Step("", 0.0, 0.5, 60), Step("", 0.5, 1.0, None)], [], 120, 1.0)
    with pytest.raises(ModelError, match=r"no values .* corpus passage"):
        trace_values(weights, VOCAB, unlabelled)


def test_rows_of_w_give_the_same_numbers_as_the_one_hot_product(weights):
    from jazzwidget.model.step import lstm_step, one_hot

    trace = run_trace(weights, IDS, PRIME)
    h, c = np.zeros(N_A), np.zeros(N_A)
    for index in PRIME[:-1]:
        *_, c, h = lstm_step(one_hot(index, len(VOCAB)), h, c, weights)
    x, states = one_hot(PRIME[-1], len(VOCAB)), []
    for index in IDS:
        *_, c, h = lstm_step(x, h, c, weights)
        states.append(h)
        x = one_hot(index, len(VOCAB))
    assert np.array_equal(trace.h, np.array(states, dtype=np.float32))
