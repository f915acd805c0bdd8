"""The synthesizer's chord pad and WAV writing: the pad sounds the voicing's pitches with a
soft octave, holds through its span and rings out over 0.8 s; WAV samples are clipped to
16-bit full scale."""

import io
import wave

import numpy as np
import pytest

from jazzwidget.music.harmony import parse_chord
from jazzwidget.music.piece import ChordSpan
from jazzwidget.music.synth import midi_to_hz, render, write_wav

RATE = 22050


@pytest.fixture  # not module-scoped: mutmut runs a test against what it reaches itself
def pad() -> np.ndarray:
    """Bb7 (no pitch of its voicing an octave of another) for 1 s, rendered 3 s long."""
    return render([], [ChordSpan("Bb7", 0.0, 1.0)], 3.0, RATE)


def rms(samples: np.ndarray, start: float, end: float) -> float:
    return float(np.sqrt(np.mean(samples[int(start * RATE):int(end * RATE)] ** 2)))


def test_the_pad_sounds_the_voicing_with_a_soft_octave_above_each_pitch(pad):
    window = pad[int(0.2 * RATE):int(0.8 * RATE)]
    spectrum = np.abs(np.fft.rfft(window * np.hanning(len(window))))
    freqs = np.fft.rfftfreq(len(window), 1 / RATE)

    def near(hz: float) -> float:
        return float(spectrum[np.abs(freqs - hz) < 4].max())

    voicing = parse_chord("Bb7").voicing()
    loudest = spectrum.max()
    for pitch in voicing:
        f = midi_to_hz(pitch)
        assert near(f) > 0.5 * loudest, pitch
        assert 0.05 < near(2 * f) / near(f) < 0.2, pitch  # the octave at a tenth
    # nothing else: between the partials the spectrum is low
    partials = [midi_to_hz(p) * k for p in voicing for k in (1, 2)]
    between = [hz for hz in np.arange(150, 900, 7.0) if min(abs(hz - p) for p in partials) > 15]
    assert max(near(hz) for hz in between) < 0.05 * loudest


def test_the_pad_holds_through_its_span_and_rings_out_over_four_releases(pad):
    assert rms(pad, 0.4, 0.6) > 0.6 * rms(pad, 0.05, 0.25)  # held, not released at once
    # after the span it decays with a 0.2 s time constant: about e^-1.75 after 0.35 s
    assert 0.08 < rms(pad, 1.3, 1.4) / rms(pad, 0.9, 1.0) < 0.35
    assert rms(pad, 1.7, 1.79) > 0  # still ringing just before 0.8 s past the end
    assert not pad[int(1.81 * RATE):].any()  # and silent from there on


def test_wav_samples_are_clipped_to_16_bit_full_scale():
    buffer = io.BytesIO()
    write_wav(buffer, np.array([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0]), 8000)
    buffer.seek(0)
    with wave.open(buffer) as handle:
        assert (handle.getframerate(), handle.getsampwidth(), handle.getnchannels()) == (8000, 2, 1)
        pcm = np.frombuffer(handle.readframes(7), "<i2")
    assert pcm.tolist() == [-32767, -32767, -16383, 0, 16383, 32767, 32767]
