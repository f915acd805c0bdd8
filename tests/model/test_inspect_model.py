"""The inspect engine on a trained model: ablation through generate/trace, the states sampling
went through, GateSnapshots during fit, and explain over the corpus."""

import numpy as np
import pytest

import jazzwidget
from jazzwidget.errors import ModelError
from jazzwidget.inspect import explain_corpus, passage_clip, trace_corpus
from jazzwidget.inspect.correlation import pearson
from jazzwidget.inspect.features import FEATURES, clip_features
from jazzwidget.model import sample
from jazzwidget.model.step import Ablation
from jazzwidget.model.trace import trace_values

SAME = dict(seconds=10, tempo=130, temperature=1.0, seed=4, chords="Dm7 G7 Cmaj7 Cmaj7")


def test_ablating_nothing_reproduces_the_clip_exactly(trained_model):
    clip = trained_model.generate(**SAME)
    for nothing in (None, {"units": []}, {"units": [], "clamp": "forget1"}, Ablation(())):
        again = trained_model.generate(**SAME, ablate=nothing)
        assert again.values == clip.values and again.notes == clip.notes
        assert again.primed_with == clip.primed_with
    ablated = trained_model.generate(**SAME, ablate={"units": list(range(0, 64, 2))})
    assert ablated.values != clip.values
    assert ablated.primed_with == clip.primed_with  # same prime, chords and seed


def test_zero_clamp_zeroes_the_units_in_the_trace(trained_model):
    ablate = {"units": [12, 40], "clamp": "zero"}
    clip = trained_model.generate(**SAME, ablate=ablate)
    trace = trained_model.trace(clip, ablate=ablate)
    assert (trace.h[:, [12, 40]] == 0).all() and (trace.c[:, [12, 40]] == 0).all()
    assert trace.ablation == Ablation((12, 40), "zero")
    plain = trained_model.trace(clip)
    assert (np.abs(plain.h[:, [12, 40]]) > 0).all() and plain.ablation is None


def test_tracing_a_generated_clip_reproduces_the_states_of_sampling(trained_model,
                                                                     monkeypatch):
    for ablate in (None, {"units": [3, 7, 50], "clamp": "output0"}):
        visited = []
        step = sample.lstm_cell

        def recording(*args, _step=step, _visited=visited):
            gates = _step(*args)
            _visited.append(gates)
            return gates

        monkeypatch.setattr(sample, "lstm_cell", recording)
        clip = trained_model.generate(**SAME, ablate=ablate)
        monkeypatch.undo()
        trace = trained_model.trace(clip, ablate=ablate)
        assert trace.steps == len(clip.values) <= len(visited)
        for k, name in enumerate("ifgoch"):
            sampled = np.array([gates[k] for gates in visited[:trace.steps]])
            assert np.abs(trace.gate(name) - sampled).max() < 1e-5 * max(1, np.abs(sampled).max())


def test_bad_ablation_is_refused_before_generating(trained_model):
    with pytest.raises(ModelError, match="unit 64 does not exist"):
        trained_model.generate(**SAME, ablate={"units": [64]})
    with pytest.raises(ModelError, match="unknown clamp"):
        trained_model.trace(["C,0.250"] if "C,0.250" in trained_model.vocab
                            else trained_model.vocab[:2], ablate={"units": [1], "clamp": "on"})


def test_gate_snapshots_trace_the_passage_as_training_goes(builtin_corpus):
    import keras

    keras.utils.set_random_seed(3)
    model = jazzwidget.JazzModel(builtin_corpus.vocab, n_a=16)
    passage = passage_clip(builtin_corpus, 0, 0, 40)
    before = model.weights
    snaps = jazzwidget.GateSnapshots(passage, every=3)
    model.fit(builtin_corpus, epochs=7, callbacks=[snaps])
    assert snaps.epochs == [0, 3, 6, 7]  # epoch 0, every 3rd, and the last one trained
    first = trace_values(before, model.vocab, passage)
    assert np.array_equal(snaps.snapshot(0).trace.h, first.h)
    assert all(s.trace.steps == 40 and s.trace.n_a == 16 for s in snaps.snapshots)
    assert not np.allclose(snaps.snapshot(0).trace.f, snaps.snapshot(7).trace.f)
    # a second fit goes on counting from the model's history
    model.fit(builtin_corpus, epochs=2, callbacks=[snaps])
    assert snaps.epochs == [0, 3, 6, 7, 9]
    # the clip each epoch would have made: same seed, chords and prime -> comparable
    early, late = snaps.clip_at(0, seconds=8, seed=2), snaps.clip_at(9, seconds=8, seed=2)
    assert early.primed_with == late.primed_with and early.chords == late.chords
    assert snaps.clip_at(0, seconds=8, seed=2).values == early.values
    assert early.values == model.generate(8, seed=2, weights=snaps.snapshot(0).weights).values
    assert early.values != late.values
    with pytest.raises(jazzwidget.JazzwidgetError, match="no snapshot of epoch 5"):
        snaps.clip_at(5)


def test_gate_snapshots_refuse_a_passage_the_model_cannot_read(builtin_corpus):
    model = jazzwidget.JazzModel(builtin_corpus.vocab, n_a=8)
    snaps = jazzwidget.GateSnapshots(["C,0.250", "Q,9.000"], every=1)
    with pytest.raises(ModelError, match="not in this model's vocabulary"):
        model.fit(builtin_corpus, epochs=1, callbacks=[snaps])
    assert model.epochs_trained == 0


def test_explain_corpus_records_are_the_strongest_correlations(trained_model, builtin_corpus):
    records = explain_corpus(trained_model, builtin_corpus, top=3)
    traced = trace_corpus(trained_model, builtin_corpus)
    pooled = [clip_features(clip) for clip in traced.clips]
    features = {n: np.concatenate([f[n] for f in pooled]) for n in FEATURES}
    named = {r["feature"] for r in records}
    # every feature that varies over the corpus is explained, three units each
    varying = {n for n, v in features.items() if np.nanstd(v) > 0}
    assert named == varying
    for name in varying:
        rows = [r for r in records if r["feature"] == name]
        assert len(rows) == 3
        defined = np.isfinite(features[name])
        best = max(np.nanmax(np.abs(pearson(features[name][defined],
                                            traced.gate(state)[defined])))
                   for state in "ch")
        assert abs(rows[0]["r"]) == pytest.approx(best)
        assert [abs(r["r"]) for r in rows] == sorted((abs(r["r"]) for r in rows), reverse=True)
        unit, state = rows[0]["unit"], rows[0]["state"]
        check = np.corrcoef(features[name][defined], traced.gate(state)[defined, unit])[0, 1]
        assert rows[0]["r"] == pytest.approx(check, abs=1e-6)
