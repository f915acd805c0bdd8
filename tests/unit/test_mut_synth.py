"""The voices' shape in time and timbre, within bounds (found by mutation testing,
docs/mutation.md): the melody voice settles towards its 35% sustain with a 0.6 s decay, the
pad towards 60% with a 0.8 s decay, and the electric-piano attack is bright but not harsh."""

import numpy as np

from jazzwidget.music.piece import ChordSpan
from jazzwidget.music.synth import render

RATE = 22050


def rms(samples: np.ndarray, start: float, end: float) -> float:
    return float(np.sqrt(np.mean(samples[int(start * RATE):int(end * RATE)] ** 2)))


def test_a_held_melody_note_decays_to_about_half_in_a_second_and_a_half():
    note = render([(69, 0.0, 2.0, 127)], [], 2.5, RATE)
    # the envelope goes from about 0.90 to 0.41 (0.35 + 0.65 e^(-t / 0.6)): 0.51 with the tone
    assert 0.44 < rms(note, 1.4, 1.5) / rms(note, 0.05, 0.15) < 0.58


def test_a_held_pad_decays_to_about_two_thirds_in_two_seconds():
    pad = render([], [ChordSpan("Bb7", 0.0, 2.5)], 3.0, RATE)
    # 0.6 + 0.4 e^(-t / 0.8): from 0.97 to 0.63 (a 1.8 s decay would leave 0.75)
    assert 0.62 < rms(pad, 1.9, 2.0) / rms(pad, 0.1, 0.2) < 0.71


def test_the_attack_is_bright_but_not_harsh():
    a440 = render([(69, 0.0, 1.0, 127)], [], 2.0, RATE)
    window = a440[: int(0.12 * RATE)]
    spectrum = np.abs(np.fft.rfft(window * np.hanning(len(window))))
    freqs = np.fft.rfftfreq(len(window), 1 / RATE)
    upper = spectrum[(freqs >= 1300) & (freqs < 4000)].max()
    fundamental = spectrum[(freqs >= 435) & (freqs < 445)].max()
    assert 0.4 < upper / fundamental < 0.75  # 0.55 with an FM index of 1.8
