"""The gate inspector on a trained model: its own clip, ablation A/B, corpus saturation,
the explain table and the learning timeline over `GateSnapshots`."""

from __future__ import annotations

import numpy as np
import pytest

import jazzwidget as jw
from jazzwidget.errors import InspectError
from jazzwidget.inspect import explain, passage_clip, trace_corpus
from jazzwidget.widgets.inspector import GateInspector


def gate_buffer(view, name: str) -> np.ndarray:
    return np.frombuffer(getattr(view, f"_{name}"), dtype=np.float32).reshape(view.n_a, -1)


def test_a_model_alone_generates_and_traces_its_clip(trained_model) -> None:
    inspector = GateInspector(trained_model, generation={"seconds": 6, "seed": 4})
    clip = inspector.clip
    assert clip.duration == pytest.approx(6)
    assert clip.values == trained_model.generate(seconds=6, seed=4,
                                                 tempo=trained_model.tempo).values
    assert inspector.view.n_steps == len(clip.steps)
    np.testing.assert_array_equal(gate_buffer(inspector.view, "c"),
                                  trained_model.trace(clip).c.T.astype(np.float32))
    assert inspector.player is not None and inspector.view.player is inspector.player
    records = explain(inspector.trace, clip, top=3)
    best = max(records, key=lambda r: abs(r["r"]))
    assert f"unit {best['unit']} ({best['state']}) r = {best['r']:+.2f}" in (
        inspector.explanation.value)


def test_ablation_regenerates_the_same_clip_with_units_clamped(trained_model) -> None:
    clip = trained_model.generate(seconds=8, seed=2, chords="Dm7 G7 Cmaj7 Cmaj7")
    inspector = GateInspector(trained_model, clip, generation={"seed": 2,
                                                               "chords": "Dm7 G7 Cmaj7 Cmaj7"})
    # nothing ablated: the settings remake the clip exactly
    assert inspector._generate(ablate=None).values == clip.values
    units = list(range(0, trained_model.n_a, 2))
    original, ablated = inspector.ablation.regenerate(units, "zero")
    assert original.values == clip.values
    assert ablated.values == trained_model.generate(
        seconds=clip.duration, tempo=clip.tempo, seed=2, chords="Dm7 G7 Cmaj7 Cmaj7",
        ablate={"units": units, "clamp": "zero"}).values
    assert ablated.values != original.values  # half the units silenced changes the music
    assert inspector.ablation.original_player.clip is original
    assert inspector.ablation.ablated_player.clip is ablated
    assert "<td>notes</td>" in inspector.ablation.figures.value
    assert inspector.ablation.units.value == ", ".join(map(str, units))
    inspector.ablation.units.value = "999"
    with pytest.raises(InspectError, match="does not exist"):
        inspector.ablation.regenerate()
    assert "does not exist" in inspector.ablation.error.message


def test_corpus_saturation_pools_every_piece(trained_model, builtin_corpus) -> None:
    clip = passage_clip(builtin_corpus, 0, 0, 40)
    inspector = GateInspector(trained_model, clip, corpus=builtin_corpus)
    assert inspector.view.n_steps == 40
    inspector._source.value = "the corpus"
    pooled = trace_corpus(trained_model, builtin_corpus)
    forget = next(s for s in inspector.saturation.figure.data if s.name == "f")
    assert list(forget.x) == pytest.approx((pooled.f < 0.1).mean(axis=0))
    assert "the corpus" in inspector.saturation.figure.layout.title.text


def test_the_epoch_slider_shows_each_snapshot_and_plays_its_clip(builtin_corpus) -> None:
    model = jw.JazzModel(builtin_corpus.vocab, n_a=8)
    passage = passage_clip(builtin_corpus, 0, 0, 24)
    snapshots = jw.GateSnapshots(passage, every=1)
    model.fit(builtin_corpus, epochs=2, callbacks=[snapshots], early_stopping=None)
    inspector = GateInspector(model, snapshots=snapshots, generation={"seed": 5,
                                                                      "seconds": 4})
    assert inspector.clip is passage
    assert inspector._epoch_slider.options == (0, 1, 2)
    inspector._epoch_slider.value = 0  # as the slider does
    np.testing.assert_array_equal(gate_buffer(inspector.view, "f"),
                                  snapshots.snapshot(0).trace.f.T.astype(np.float32))
    assert "epoch 0" in inspector.view.title
    clip = inspector.play_epoch(1)
    settings = inspector.generation
    assert settings["seed"] == 5 and settings["tempo"] == passage.tempo
    assert "prime" not in settings  # the seed picks the primer, as in generate
    assert clip.values == snapshots.clip_at(1, seconds=4, seed=5, tempo=passage.tempo,
                                            chords=settings["chords"]).values
    assert inspector.epoch_player.clip is clip
    with pytest.raises(InspectError, match="no snapshot of epoch 7"):
        inspector.show_epoch(7)
