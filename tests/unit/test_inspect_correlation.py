"""Musical features per step, Pearson records, and the corpus trace (no TensorFlow)."""

import subprocess
import sys

import numpy as np
import pytest

import jazzwidget
from jazzwidget.errors import InspectError
from jazzwidget.inspect import (
    CorpusTrace,
    clip_features,
    explain,
    firing_spans,
    passage_clip,
    trace_corpus,
)
from jazzwidget.inspect.correlation import explain_features, pearson
from jazzwidget.model.step import LSTMWeights
from jazzwidget.model.trace import GateTrace
from jazzwidget.music.clip import Clip, Step
from jazzwidget.music.piece import ChordSpan
from jazzwidget.music.values import encode_melody, parse_value, quantized_events


def make_trace(steps: int, **gates) -> GateTrace:
    arrays = {name: np.zeros((steps, 4), np.float32) for name in "ifgoch"}
    arrays.update({k: np.asarray(v, np.float32) for k, v in gates.items()})
    times = np.arange(steps, dtype=np.float64)
    return GateTrace(values=[""] * steps, starts=times, ends=times + 1, **arrays)


def test_pearson_matches_numpy_and_gives_nan_for_flat_series():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=50), rng.normal(size=(50, 3))
    y[:, 2] = 7.0
    r = pearson(x, y)
    assert r[0] == pytest.approx(np.corrcoef(x, y[:, 0])[0, 1])
    assert r[1] == pytest.approx(np.corrcoef(x, y[:, 1])[0, 1])
    assert np.isnan(r[2])
    assert np.isnan(pearson(np.ones(5), y[:5])).all()


def test_explain_features_by_hand():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    h = np.stack([x, -x, np.full(4, 0.3), [1.0, 2.0, 4.0, 3.0]], axis=1)
    trace = make_trace(4, h=h)  # c stays 0: no correlation from c
    records = explain_features(trace, {"x": x, "flat": np.ones(4)}, top=3)
    assert [(r["feature"], r["unit"], r["state"]) for r in records] == [
        ("x", 0, "h"), ("x", 1, "h"), ("x", 3, "h")]
    assert [r["r"] for r in records] == pytest.approx([1.0, -1.0, 0.8])  # 4 / 5 by hand
    # steps where a feature is undefined (NaN) are left out: r over steps 0, 1, 3 only
    masked = explain_features(trace, {"x": np.array([1.0, 2.0, np.nan, 4.0])}, top=4)
    unit3 = next(r for r in masked if r["unit"] == 3)
    assert unit3["r"] == pytest.approx(np.corrcoef([1, 2, 4], [1, 2, 3])[0, 1])
    with pytest.raises(InspectError, match="has 3 steps but the trace 4"):
        explain_features(trace, {"x": x[:3]})


def hand_clip() -> Clip:
    """Four bars' worth at 120 bpm (0.5 s a beat): a rest, then notes over C7 then F7."""
    steps = [
        Step("R,1.000", 0.0, 0.5, None),
        Step("C,0.500", 0.5, 0.75, 64),             # E over C7: chord tone
        Step("S,0.500,<P4,m-2>", 0.75, 1.0, 66),    # F# ... typed S by the value
        Step("A,1.000,<M2,m-3>", 1.0, 1.5, 65),     # over C7 still
        Step("C,2.000,<M3,m-2>", 1.5, 2.5, 65),     # bar 2: over F7, same pitch
        Step("X,1.000,<m7,M2>", 2.5, 3.0, 72),
    ]
    chords = [ChordSpan("C7", 0.0, 1.5), ChordSpan("F7", 1.5, 3.5)]
    return Clip(steps, chords, tempo=120, duration=3.0, beats_per_bar=4)


def test_clip_features_by_hand():
    f = clip_features(hand_clip())
    assert f["bar_position"].tolist() == [0, 1, 1.5, 2, 3, 1]
    assert f["is_rest"].tolist() == [1, 0, 0, 0, 0, 0]
    assert f["duration"].tolist() == [1, 0.5, 0.5, 1, 2, 1]
    assert np.isnan(f["pitch"][0]) and f["pitch"][1:].tolist() == [64, 66, 65, 65, 72]
    assert np.isnan(f["interval"][:2]).all() and f["interval"][2:].tolist() == [2, -1, 0, 7]
    assert f["type_C"].tolist() == [0, 1, 0, 0, 1, 0]
    assert f["type_S"].tolist() == [0, 0, 1, 0, 0, 0]
    assert f["type_A"].tolist() == [0, 0, 0, 1, 0, 0]
    assert f["type_X"].tolist() == [0, 0, 0, 0, 0, 1]
    assert f["type_R"].tolist() == [1, 0, 0, 0, 0, 0]
    assert f["chord_root"].tolist() == [0, 0, 0, 0, 5, 5]
    assert f["chord_change"].tolist() == [1, 0, 0, 0, 1, 0]


def test_pitch_encoding_types_come_from_the_chord():
    clip = hand_clip()
    clip.steps = [Step("R,1.000" if s.pitch is None else f"P{s.pitch},0.500", s.start, s.end,
                       s.pitch) for s in clip.steps]
    f = clip_features(clip)
    # E over C7 chord tone; F# over C7 scale tone (lydian dominant); F over C7 approach to E;
    # F over F7 chord tone; C over F7 chord tone
    assert f["type_C"].tolist() == [0, 1, 0, 0, 1, 1]
    assert f["type_R"].tolist() == [1, 0, 0, 0, 0, 0]


def test_explain_pairs_a_trace_with_its_clip():
    clip = hand_clip()
    is_rest = clip_features(clip)["is_rest"]
    trace = make_trace(6, c=np.stack([is_rest, 1 - is_rest, is_rest * 0.5, np.arange(6)], 1))
    records = explain(trace, clip, top=2)
    rest = [r for r in records if r["feature"] == "is_rest"]
    assert [(r["unit"], r["state"], round(r["r"], 6)) for r in rest] == [(0, "c", 1.0),
                                                                         (1, "c", -1.0)]
    assert trace.explain(clip, top=2) == records
    with pytest.raises(InspectError, match="the clip has 6 steps but the trace 5"):
        explain(make_trace(5), clip)


@pytest.fixture(scope="module")
def corpus():
    return jazzwidget.load_corpus()


def test_quantized_events_line_up_with_the_values(corpus):
    for piece, values in zip(corpus.pieces, corpus.piece_values, strict=True):
        events = quantized_events(piece.melody)
        assert len(events) == len(values)
        assert [e.duration for e in events] == [parse_value(v).duration for v in values]
        assert [e.pitch is None for e in events] == [v.startswith("R") for v in values]
    assert encode_melody([], lambda beat: "C") == [] and quantized_events([]) == []


def test_passage_clip_starts_at_zero_and_primes_with_what_came_before(corpus):
    whole = passage_clip(corpus, 1)
    assert whole.values == corpus.piece_values[1] and whole.primed_with == []
    part = passage_clip(corpus, 1, 10, 40)
    assert part.values == corpus.piece_values[1][10:40]
    assert part.primed_with == corpus.piece_values[1][:10]
    assert part.steps[0].start == 0
    shift = whole.steps[10].start
    assert [s.start for s in part.steps] == pytest.approx([s.start - shift
                                                           for s in whole.steps[10:40]])
    assert part.chords[0].start == 0 and part.chords[-1].end == pytest.approx(part.duration)
    with pytest.raises(InspectError, match="no piece 99"):
        passage_clip(corpus, 99)
    with pytest.raises(InspectError, match=r"values \[5, 5\)"):
        passage_clip(corpus, 0, 5, 5)


class RandomModel:
    """What trace_corpus reads from a JazzModel: a vocabulary and weights."""

    def __init__(self, vocab, n_a=8, seed=0):
        rng = np.random.default_rng(seed)
        v = len(vocab)
        self.vocab = vocab
        self.weights = LSTMWeights(rng.normal(0, 0.5, (v, 4 * n_a)),
                                   rng.normal(0, 0.5, (n_a, 4 * n_a)), np.zeros(4 * n_a),
                                   rng.normal(0, 0.5, (n_a, v)), np.zeros(v))


def test_trace_corpus_pools_every_piece_from_a_fresh_state(corpus):
    model = RandomModel(corpus.vocab)
    traced = trace_corpus(model, corpus)
    assert isinstance(traced, CorpusTrace)
    assert traced.steps == len(corpus.values) and traced.values == corpus.values
    assert traced.bounds.tolist() == np.cumsum([0, *map(len, corpus.piece_values)]).tolist()
    alone = jazzwidget.model.trace.trace_values(model.weights, model.vocab,
                                                passage_clip(corpus, 3))
    assert np.array_equal(traced.piece(3).h, alone.h)
    assert traced.piece(3).starts.tolist() == pytest.approx(alone.starts.tolist())
    assert traced.locate(int(traced.bounds[3]) + 2) == (3, 2)
    assert np.all(np.diff(traced.starts) > 0)  # time runs on from piece to piece
    share = traced.saturation("f")  # the saturation plot's numbers over the corpus
    assert share.shape == (8, 2)
    f = traced.f
    assert share[:, 0] == pytest.approx((f < 0.1).mean(axis=0))


def test_firing_spans_never_run_across_pieces():
    h = np.zeros((6, 4))
    h[2:5, 1] = 0.9
    trace = CorpusTrace(values=[""] * 6, starts=np.arange(6.0), ends=np.arange(6.0) + 1,
                        bounds=np.array([0, 3, 6]),
                        **{n: h if n == "h" else np.zeros((6, 4)) for n in "ifgoch"})
    assert firing_spans(trace, [1]) == [(2, 3), (3, 5)]
    assert trace.locate(4) == (1, 1)


def test_the_inspection_numbers_need_no_tensorflow():
    code = ("import sys\n"
            "import jazzwidget.inspect as ji\n"
            "ji.unit_order, ji.find_units, ji.explain, ji.trace_corpus, ji.clip_features\n"
            "import jazzwidget\n"
            "jazzwidget.GateTrace\n"
            "print(*[m for m in ('tensorflow', 'keras') if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == []
