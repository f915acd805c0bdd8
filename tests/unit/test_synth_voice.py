"""The melody voice and its envelope: tuned to A440, an electric-piano attack that mellows (FM
brightness that fades), a soft octave, and an attack/decay/sustain/release envelope."""

import numpy as np
import pytest

from jazzwidget.errors import ModelError
from jazzwidget.model.step import Ablation
from jazzwidget.music.clip import Clip, Step
from jazzwidget.music.synth import _envelope, midi_to_hz, render

RATE = 22050


def test_equal_temperament_at_a440():
    assert midi_to_hz(69) == 440.0
    assert midi_to_hz(81) == 880.0 and midi_to_hz(57) == 220.0
    assert midi_to_hz(60) == pytest.approx(261.6256, abs=1e-4)
    assert midi_to_hz(70) / midi_to_hz(69) == pytest.approx(2 ** (1 / 12))


def test_the_envelope_ramps_decays_to_sustain_and_releases():
    # 10 samples a second: attack 0.5 s, decay 2 s, sustain 0.5, release 0.5 s, held 5 s
    env = _envelope(100, 10, attack=0.5, decay=2.0, sustain=0.5, release=0.5, held=50)
    assert env.dtype == np.float32
    assert env[0] == 0 and env[2] == pytest.approx(0.4)  # the ramp, 0 to 1 over the attack
    assert env[5] == pytest.approx(1.0)
    assert env[25] == pytest.approx(0.5 + 0.5 * np.exp(-1.0))  # 2.5 s: one decay past attack
    # from the key's release the level at release falls with the release time
    assert env[50] == env[49]
    assert env[55] == pytest.approx(env[49] * np.exp(-1.0))
    assert env[60] == pytest.approx(env[49] * np.exp(-2.0))
    # a note never held sounds nothing; one held to the end never releases
    assert not _envelope(20, 10, 0.5, 2.0, 0.5, 0.5, held=0).any()
    whole = _envelope(20, 10, 0.5, 2.0, 0.5, 0.5, held=20)
    assert whole[-1] == pytest.approx(0.5 + 0.5 * np.exp(-1.4 / 2.0))  # 1.9 s


@pytest.fixture  # not module-scoped: mutmut runs a test against what it reaches itself
def a440() -> np.ndarray:
    """One A4, velocity 127, held 1 s, rendered 2 s long."""
    return render([(69, 0.0, 1.0, 127)], [], 2.0, RATE)


def spectrum(samples: np.ndarray, start: float, end: float):
    window = samples[int(start * RATE):int(end * RATE)]
    return (np.abs(np.fft.rfft(window * np.hanning(len(window)))),
            np.fft.rfftfreq(len(window), 1 / RATE))


def band(spec, freqs, low: float, high: float) -> float:
    return float(spec[(freqs >= low) & (freqs < high)].max())


def test_the_voice_is_tuned_with_a_soft_octave_once_mellow(a440):
    spec, freqs = spectrum(a440, 0.6, 1.0)
    assert freqs[spec.argmax()] == pytest.approx(440, abs=3)
    octave = band(spec, freqs, 875, 885) / band(spec, freqs, 435, 445)
    assert 0.12 < octave < 0.3  # 0.18 with what is left of the FM sidebands


def test_the_attack_is_bright_and_mellows(a440):
    def brightness(start: float, end: float) -> float:
        spec, freqs = spectrum(a440, start, end)
        return band(spec, freqs, 1300, 4000) / band(spec, freqs, 435, 445)

    early, late = brightness(0.0, 0.12), brightness(0.7, 0.82)
    assert early > 0.2  # FM sidebands at the third harmonic and up
    assert late < 0.05 and late < early / 5
    # the early sidebands are harmonics of 440 Hz: nothing between them
    spec, freqs = spectrum(a440, 0.0, 0.12)
    assert band(spec, freqs, 180, 260) < 0.05 * spec.max()
    assert band(spec, freqs, 1050, 1150) < 0.1 * spec.max()


def test_a_note_rings_out_briefly_after_its_end():
    sound = render([(69, 0.0, 0.5, 127)], [], 2.0, RATE)

    def rms(start: float, end: float) -> float:
        return float(np.sqrt(np.mean(sound[int(start * RATE):int(end * RATE)] ** 2)))

    assert 0.1 < rms(0.6, 0.65) / rms(0.45, 0.5) < 0.6  # a 0.12 s release
    assert rms(0.9, 0.97) > 0  # rings for four releases (0.48 s)
    assert not sound[int(0.99 * RATE):].any()


def test_a_clip_renders_at_22050_hz_by_default():
    clip = Clip([Step("", 0.0, 0.5, 60)], [], tempo=120, duration=1.0)
    assert len(clip.render()) == 22050


def test_an_unknown_clamp_lists_the_clamps():
    with pytest.raises(ModelError) as caught:
        Ablation((1,), "mute")
    assert str(caught.value) == "unknown clamp 'mute': use one of zero, forget0, forget1, output0"


def test_a_mix_louder_than_full_scale_is_scaled_to_0_9():
    loud = render([(p, 0.0, 1.0, 127) for p in range(60, 72)], [], 1.0, RATE)
    assert loud.dtype == np.float32
    assert float(np.abs(loud).max()) == pytest.approx(0.9, abs=1e-6)
    quiet = render([(69, 0.0, 1.0, 127)], [], 1.0, RATE)
    assert 0.2 < float(np.abs(quiet).max()) < 0.5  # left as it is


def test_the_pad_sits_under_the_melody():
    from jazzwidget.music.piece import ChordSpan

    pad = render([], [ChordSpan("Bb7", 0.0, 1.0)], 1.5, RATE)
    melody = render([(69, 0.0, 1.0, 127)], [], 1.5, RATE)
    assert float(np.abs(pad).max() / np.abs(melody).max()) == pytest.approx(0.69, abs=0.05)


def test_notes_and_chords_ring_from_their_own_start_for_their_own_length():
    from jazzwidget.music.piece import ChordSpan

    note = render([(69, 0.5, 0.75, 127)], [], 2.5, RATE)
    assert not note[:int(0.5 * RATE)].any() and note[int(0.5 * RATE) + 50:].any()
    assert not note[int(1.24 * RATE):].any()  # 0.25 s and a 0.48 s ring
    pad = render([], [ChordSpan("C", 1.0, 1.5)], 3.0, RATE)
    assert not pad[:int(1.0 * RATE)].any()
    assert not pad[int(2.31 * RATE):].any()  # 0.5 s and a 0.8 s ring


def test_the_last_20_ms_fade_to_silence():
    from jazzwidget.music.piece import ChordSpan

    sound = render([], [ChordSpan("C", 0.0, 2.0)], 1.0, RATE)

    def rms(start: int, end: int) -> float:
        return float(np.sqrt(np.mean(sound[start:end] ** 2)))

    fade = int(0.02 * RATE)
    assert sound[-1] == 0
    assert rms(-fade // 4, len(sound)) < 0.3 * rms(-2 * fade, -fade)
    assert rms(-2 * fade, -fade) == pytest.approx(rms(-4 * fade, -3 * fade), rel=0.15)
    assert np.abs(sound[-fade:]).max() <= np.abs(sound[-2 * fade:-fade]).max()


def test_velocity_scales_a_note():
    loud = render([(69, 0.0, 0.5, 127)], [], 0.5, RATE)
    soft = render([(69, 0.0, 0.5, 64)], [], 0.5, RATE)
    assert np.allclose(soft, loud * 64 / 127, atol=1e-6)


def test_render_is_22050_hz_by_default_and_an_empty_clip_is_no_samples():
    assert len(render([(69, 0.0, 0.5, 100)], [], 1.0)) == 22050
    empty = render([], [], 0.0, RATE)
    assert empty.shape == (0,) and empty.dtype == np.float32
