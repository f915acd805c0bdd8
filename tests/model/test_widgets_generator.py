"""Generator: chord validation inline, generation into the Player, seeds."""

from __future__ import annotations

import numpy as np
import pytest

from jazzwidget.errors import ChordError, ModelError
from jazzwidget.widgets.generator import Generator


@pytest.fixture
def generator(trained_model) -> Generator:
    return Generator(trained_model, seconds=8, tempo=120, temperature=1.0, seed=3)


def test_generate_puts_a_clip_of_the_asked_length_into_the_player(generator):
    clip = generator.generate()
    assert generator.clip is clip
    assert generator.player.clip is clip
    assert generator.player.duration == pytest.approx(8.0)
    assert clip.duration == pytest.approx(8.0) and clip.tempo == 120
    assert clip.notes, "the trained model played no notes"
    assert f"{len(clip.notes)} notes" in generator.status.value


def test_the_typed_progression_is_the_one_played_over(generator):
    generator.chords.value = "Dm7 G7 | Cmaj7"
    clip = generator.generate()
    symbols = [span.symbol for span in clip.chords]
    assert symbols[:3] == ["Dm7", "G7", "Cmaj7"]


def test_the_same_seed_gives_the_same_clip_and_new_seed_draws_one(generator):
    first = generator.generate().values
    assert generator.generate().values == first
    generator.new_seed.value = True
    generator.generate()
    drawn = generator.seed.value
    assert drawn != 3  # a new seed was drawn and written into the seed field
    generator.new_seed.value = False
    again = generator.generate().values
    generator.seed.value = drawn
    assert generator.generate().values == again


def test_a_bad_chord_is_shown_as_it_is_typed_and_disables_generate(generator):
    generator.chords.value = "Dm7 Hx7 | Cmaj7"
    assert "Hx7" in generator.error_box.message
    assert generator.generate_button.disabled and not generator.valid
    with pytest.raises(ChordError):
        generator.generate()
    assert generator.clip is None  # nothing half-made
    generator.chords.value = "Dm7 G7 | Cmaj7"
    assert generator.error_box.message == "" and not generator.generate_button.disabled
    assert generator.generate() is generator.clip


def test_the_button_shows_errors_instead_of_raising(generator):
    generator.chords.value = "| |"
    generator.generate_button.click()
    assert "empty bar" in generator.error_box.message


def test_without_a_model_generate_is_disabled_until_one_is_set(trained_model):
    generator = Generator(None)
    assert generator.generate_button.disabled
    with pytest.raises(ModelError):
        generator.generate()
    assert "no model" in generator.error_box.message
    generator.model = trained_model
    assert not generator.generate_button.disabled
    assert generator.chords.value == trained_model.progression_text
    assert generator.generate().notes


def test_each_generate_updates_the_quality_view(generator, trained_model, builtin_corpus):
    from jazzwidget import metrics
    from jazzwidget.widgets.quality import REFERENCE_VALUES

    assert generator.quality in generator.children and generator.quality.last is None
    clip = generator.generate()
    expected = metrics.profile(clip)
    np.testing.assert_allclose(generator.quality.figure.data[0].y,
                               expected["pitch_class_histogram"])
    # The reference is the model's training music: its value types are the corpus's exactly.
    corpus_types = generator.quality.figure.data[5].y
    values = trained_model.corpus_values[:REFERENCE_VALUES]
    assert list(corpus_types) == pytest.approx(list(metrics.value_types(
        metrics.Melody.from_notes([], values=values)).values()))
    run = metrics.longest_copied_run(clip.values, trained_model.corpus_values)
    assert generator.quality.last["copied_run"] == run
    assert f"<b>{run}</b> values" in generator.quality.summary.value
    generator.seed.value = 11
    other = generator.generate()
    assert list(generator.quality.figure.data[0].y) == pytest.approx(
        list(metrics.profile(other)["pitch_class_histogram"]))
    with_corpus = Generator(trained_model, seconds=8, corpus=builtin_corpus)
    with_corpus.generate()
    assert list(with_corpus.quality.figure.data[1].y) == pytest.approx(
        list(metrics.profile(builtin_corpus)["pitch_class_histogram"]))
