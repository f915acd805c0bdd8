"""QualityView: the clip's bars beside the corpus's, the summary line, references."""

from types import SimpleNamespace

import numpy as np
import pytest

from jazzwidget import metrics
from jazzwidget.music.clip import Clip, Step
from jazzwidget.music.piece import ChordSpan
from jazzwidget.widgets.quality import QualityView


@pytest.fixture(scope="module")
def corpus():
    import jazzwidget

    return jazzwidget.load_corpus()


def small_clip(corpus) -> Clip:
    """Four corpus values as a clip: C4 and E4 over C (chord tones), then D#4 (not one)."""
    v = corpus.piece_values[0][:3]
    steps = [Step(v[0], 0.0, 0.5, 60), Step(v[1], 0.5, 1.0, 64), Step(v[2], 1.0, 2.0, 63)]
    return Clip(steps, [ChordSpan("C", 0.0, 2.0)], tempo=120, duration=2.0)


def test_bars_are_the_metrics_of_clip_and_corpus(corpus):
    view = QualityView(corpus)
    assert view.last is None and "Generate" in view.summary.value
    reference = metrics.profile(corpus)
    np.testing.assert_allclose(view.figure.data[1].y, reference["pitch_class_histogram"])
    np.testing.assert_allclose(view.figure.data[3].y, reference["note_length_histogram"])
    clip = small_clip(corpus)
    figures = view.show(clip)
    # C 1 s, E 1 s, Eb 2 s of sound (2 beats at 120 bpm): shares 1/4, 1/4, 1/2.
    pch = np.array(view.figure.data[0].y)
    assert pch[[0, 4, 3]] == pytest.approx([0.25, 0.25, 0.5]) and pch.sum() == pytest.approx(1)
    types = dict(zip(view.figure.data[4].x, view.figure.data[4].y, strict=True))
    assert types == metrics.value_types(metrics.melodies(clip)[0])
    assert figures["chord_tone_share"] == pytest.approx(2 / 3)
    assert figures["copied_run"] == 3  # the first three values of the first piece
    assert "67%" in view.summary.value and "<b>3</b> values" in view.summary.value
    assert f"corpus {reference['chord_tone_share']:.0%}" in view.summary.value


def test_a_model_reference_realizes_its_training_values(corpus):
    model = SimpleNamespace(corpus_values=corpus.values[:400],
                            progression_text="Dm7 G7 | Cmaj7 | Cmaj7")
    view = QualityView(model)
    corpus_bars = np.array(view.figure.data[5].y)
    assert corpus_bars.sum() == pytest.approx(1.0)
    expected = metrics.value_types(metrics.Melody.from_notes([], values=corpus.values[:400]))
    assert list(corpus_bars) == pytest.approx(list(expected.values()))
    before = list(view.figure.data[1].y)
    model.corpus_values = corpus.values[400:900]  # trained again on other music
    view.set_reference(model)
    assert list(view.figure.data[1].y) != before
    untrained = QualityView(SimpleNamespace(corpus_values=[], progression_text="C"))
    untrained.show(small_clip(corpus))
    assert "corpus" not in untrained.summary.value  # nothing to compare with: clip only
    assert sum(untrained.figure.data[1].y) == 0
