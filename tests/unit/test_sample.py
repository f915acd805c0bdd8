"""Generation without TensorFlow: `generate` and `to_clip` on small random numpy weights.

What a generated clip promises: exactly the seconds asked, chords over exactly that many beats,
the sampled values as its steps' labels, the meter of its progression, the primer it was primed
with, and pitches that follow the seed.
"""

import numpy as np
import pytest

from jazzwidget.errors import JazzwidgetError, ModelError
from jazzwidget.model.sample import generate, to_clip
from jazzwidget.model.step import LSTMWeights
from jazzwidget.music.clip import Clip
from jazzwidget.music.progression import Progression
from jazzwidget.music.realize import realize
from tests.data.weights import SMALL_VOCAB, random_weights

VOCAB = SMALL_VOCAB
N_A = 8


@pytest.fixture
def weights() -> LSTMWeights:
    return random_weights(len(VOCAB), N_A, seed=11)


def test_a_clip_lasts_the_seconds_asked_with_chords_over_that_many_beats(weights):
    # 7 s at 100 bpm is 11 2/3 beats: no run of quarter-beat values ends there, so the last
    # value sounds past the end and is cut.
    chords = Progression.coerce("F7 Bb7 | C7 F7")
    clip = generate(weights, VOCAB, chords, seconds=7, tempo=100, temperature=1.0, seed=4)
    assert clip.duration == 7 and clip.tempo == 100
    assert clip.steps[-1].end == pytest.approx(7) and clip.steps[-1].start < 7
    assert clip.chords[0].start == 0 and clip.chords[-1].end == pytest.approx(7)
    # the chords loop the progression, two beats a chord, for 11 2/3 beats
    assert [span.symbol for span in clip.chords] == ["F7", "Bb7", "C7", "F7", "F7", "Bb7"]
    assert clip.chords[-1].start == pytest.approx(10 * 0.6)
    assert all(step.value in VOCAB for step in clip.steps)


def test_the_clip_keeps_its_values_meter_and_primer(weights):
    waltz = Progression.coerce("F7 | Bb7 | C7", beats_per_bar=3)
    prime = ["C,0.500", "R,0.250"]
    clip = generate(weights, VOCAB, waltz, seconds=6, tempo=120, temperature=1.0, seed=2,
                    prime=prime)
    assert clip.beats_per_bar == 3
    assert clip.primed_with == prime
    assert all(clip.values) and clip.values == [step.value for step in clip.steps]
    unprimed = generate(weights, VOCAB, waltz, seconds=6, tempo=120, temperature=1.0, seed=2)
    assert unprimed.primed_with == []


def test_to_clip_realizes_with_the_generator_it_is_given():
    values = ["C,0.500", "C,0.500", "S,0.500", "C,1.000", "S,0.500", "C,0.500", "C,0.500"] * 3
    chords = Progression.coerce("Cmaj7 A7 Dm7 G7")
    clips = [to_clip(values, chords, seconds=5, tempo=120, rng=np.random.default_rng(seed))
             for seed in (1, 1, 2)]
    assert [s.pitch for s in clips[0].steps] == [s.pitch for s in clips[1].steps]
    assert [s.pitch for s in clips[0].steps] != [s.pitch for s in clips[2].steps]
    # the same as realizing with that generator and cutting at 10 beats
    events = realize(values, chords, np.random.default_rng(1))
    expected = Clip.from_beats(events, chords.over(10), 120, duration=5, values=values)
    assert clips[0].steps == expected.steps and clips[0].chords == expected.chords
    assert clips[0].values == values[:len(clips[0].steps)]


@pytest.mark.parametrize("seconds, tempo", [(0, 120), (-1, 120), (5, 0), (5, -60)])
def test_non_positive_seconds_or_tempo_are_refused(weights, seconds, tempo):
    with pytest.raises(JazzwidgetError, match="must be positive"):
        generate(weights, VOCAB, Progression.coerce("C7"), seconds=seconds, tempo=tempo,
                 temperature=1.0, seed=0)


def test_less_than_a_second_is_a_clip(weights):
    clip = generate(weights, VOCAB, Progression.coerce("C7"), seconds=0.5, tempo=120,
                    temperature=1.0, seed=0)
    assert clip.duration == 0.5 and clip.steps and clip.steps[-1].end == pytest.approx(0.5)


def test_temperature_zero_and_below_one_are_allowed_and_negative_is_refused(weights):
    chords = Progression.coerce("C7")
    for temperature in (0, 0.5):
        clip = generate(weights, VOCAB, chords, seconds=2, tempo=120, temperature=temperature,
                        seed=0)
        assert clip.duration == 2
    with pytest.raises(JazzwidgetError, match=r"^temperature -0.1 is negative: use 0 \(argmax\)"):
        generate(weights, VOCAB, chords, seconds=2, tempo=120, temperature=-0.1, seed=0)


def test_an_ablation_is_checked_against_the_layer(weights):
    with pytest.raises(ModelError, match=f"unit 99 does not exist: this LSTM has units 0 to "
                                         f"{N_A - 1}"):
        generate(weights, VOCAB, Progression.coerce("C7"), seconds=2, tempo=120,
                 temperature=1.0, seed=0, ablation={"units": [99]})


def test_a_prime_warms_the_state_and_unknown_prime_values_are_refused(weights):
    chords = Progression.coerce("C7")
    kwargs = dict(seconds=6, tempo=120, temperature=0, seed=0)
    plain = generate(weights, VOCAB, chords, **kwargs)
    primed = generate(weights, VOCAB, chords, prime=["S,1.000", "X,0.500", "C,0.250"], **kwargs)
    assert primed.values != plain.values  # argmax from another state
    with pytest.raises(JazzwidgetError, match=r"does not know \(Z,9.000, \.\.\.\): prime with"):
        generate(weights, VOCAB, chords, prime=["C,0.250", "Z,9.000"], **kwargs)


def test_one_beat_a_minute_is_a_tempo(weights):
    clip = generate(weights, VOCAB, Progression.coerce("C7"), seconds=60, tempo=1,
                    temperature=1.0, seed=0)
    assert clip.duration == 60 and clip.steps


@pytest.mark.parametrize("seed", range(6))
def test_the_values_sampled_cover_the_beats_asked_and_no_more(weights, seed):
    from jazzwidget.music.values import parse_value

    clip = generate(weights, VOCAB, Progression.coerce("C7"), seconds=7, tempo=100,
                    temperature=1.0, seed=seed)
    lengths = [parse_value(v).duration for v in clip.values]
    beats = 7 * 100 / 60
    assert sum(lengths) >= beats - 1e-9 > sum(lengths[:-1])


def test_temperature_one_draws_from_the_distribution(weights):
    drawn = {tuple(generate(weights, VOCAB, Progression.coerce("C7"), seconds=6, tempo=120,
                            temperature=1.0, seed=s).values) for s in range(4)}
    assert len(drawn) > 1  # the seed matters: values are drawn, not the argmax
