"""`trace_values` and `run_trace` on what they are given: times by default, the ablation passed
on, and messages for a string, a clip read from a file, values outside the vocabulary; and
`Corpus.ids`'s message for values outside a model's vocabulary."""

import numpy as np
import pytest

from jazzwidget.errors import CorpusError, ModelError
from jazzwidget.model.step import Ablation, LSTMWeights
from jazzwidget.model.trace import run_trace, trace_values
from jazzwidget.music.clip import Clip, Step
from tests.data.weights import SMALL_VOCAB, random_weights

VOCAB = SMALL_VOCAB
N_A = 5


@pytest.fixture
def weights() -> LSTMWeights:
    return random_weights(len(VOCAB), N_A, seed=2)


def test_without_times_a_trace_counts_steps(weights):
    trace = run_trace(weights, [0, 3, 1, 4])
    assert trace.starts.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert trace.ends.tolist() == [1.0, 2.0, 3.0, 4.0]
    assert trace.starts.dtype == np.float64
    half = run_trace(weights, [0, 3], starts=np.array([0.0, 0.5]))  # ends missing: steps
    assert half.starts.tolist() == [0.0, 1.0] and half.ends.tolist() == [1.0, 2.0]


def test_values_are_timed_in_beats_and_an_ablation_is_applied(weights):
    values = ["C,0.500", "S,1.000", "R,0.250"]
    trace = trace_values(weights, VOCAB, values, ablate={"units": [1], "clamp": "zero"})
    assert trace.starts.tolist() == [0.0, 0.5, 1.5] and trace.ends.tolist() == [0.5, 1.5, 1.75]
    assert trace.ablation == Ablation((1,)) and (trace.h[:, 1] == 0).all()


def test_a_clip_is_timed_in_seconds(weights):
    clip = Clip([Step("C,0.500", 0.0, 0.25, 60), Step("S,1.000", 0.25, 0.75, 62)], [],
                tempo=120, duration=0.75)
    trace = trace_values(weights, VOCAB, clip)
    assert trace.starts.tolist() == [0.0, 0.25] and trace.ends.tolist() == [0.25, 0.75]


def test_messages_say_what_to_give(weights):
    with pytest.raises(ModelError) as caught:
        trace_values(weights, VOCAB, "C,0.500")
    assert str(caught.value) == ("trace takes a Clip or a list of values, not one string: "
                                 "wrap it in a list")
    read = Clip([Step("", 0.0, 0.5, 60)], [], tempo=120, duration=0.5)
    with pytest.raises(ModelError) as caught:
        trace_values(weights, VOCAB, read)
    assert str(caught.value) == ("this clip has no values (music read from a file, not "
                                 "generated): trace a generated clip, or a corpus passage "
                                 "(jazzwidget.inspect.passage_clip)")
    with pytest.raises(ModelError, match=r"^2 value\(s\) are not in this model's vocabulary "
                                         r"\(A,9.000, \.\.\.\)"):
        trace_values(weights, VOCAB, ["C,0.500", "A,9.000", "B,1.000"])


def test_corpus_values_outside_a_vocabulary_are_named_five_at_most(tmp_path):
    from data import badfiles

    from jazzwidget.music.corpus import load_corpus

    corpus = load_corpus(badfiles.write("3/4", tmp_path))
    ids = corpus.ids()
    assert ids.dtype == np.int32 and [corpus.vocab[i] for i in ids] == corpus.values
    some = sorted(set(corpus.values))
    missing = some[:7]
    with pytest.raises(CorpusError) as caught:
        corpus.ids([v for v in corpus.vocab if v not in missing])
    assert f"7 value(s) of this corpus are not in the model's vocabulary " \
           f"({', '.join(missing[:5])} ...): build" in str(caught.value)
    with pytest.raises(CorpusError) as caught:
        corpus.ids([v for v in corpus.vocab if v not in missing[:5]])
    assert f"({', '.join(missing[:5])}): build" in str(caught.value)
