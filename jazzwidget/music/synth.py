"""Numpy synthesis to audio: the one WAV synthesizer (WAV export, the Player's WAV download and
the pure-Python fallback player).

The melody voice is a small FM electric-piano tone (a sine carrier with a decaying modulator
and a touch of its octave) under an attack/decay/release envelope; the chords are a soft,
low-passed pad of sines; accompaniment notes (other tracks of a file) use the melody's tone,
quieter. Rendering a 15 s clip takes a few tens of milliseconds.

It works on plain notes and chord spans, so it depends on nothing but harmony: `Clip.render`
calls it (no import cycle).
"""

from __future__ import annotations

import wave
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from jazzwidget.music.harmony import parse_chord
from jazzwidget.music.piece import ChordSpan

SoundingNote = tuple[int, float, float, int]  # pitch, start (s), end (s), velocity 1-127

MELODY_GAIN = 0.28
CHORD_GAIN = 0.06
ACCOMPANIMENT_GAIN = 0.1


def midi_to_hz(pitch: float) -> float:
    return 440.0 * 2.0 ** ((pitch - 69) / 12)


def _envelope(n: int, sample_rate: int, attack: float, decay: float, sustain: float,
              release: float, held: int) -> np.ndarray:
    """ADSR over n samples, of which ``held`` are before the key is released."""
    t = np.arange(n) / sample_rate
    env = np.where(t < attack, t / attack,
                   sustain + (1 - sustain) * np.exp(-(t - attack) / decay))
    if held < n:
        level = env[max(held - 1, 0)]
        tail = np.arange(n - held) / sample_rate
        env[held:] = level * np.exp(-tail / release)
    return env.astype(np.float32)


def _melody_tone(pitch: int, length: float, velocity: int, sample_rate: int) -> np.ndarray:
    release = 0.12
    n = int((length + release * 4) * sample_rate)
    held = int(length * sample_rate)
    t = np.arange(n) / sample_rate
    f = midi_to_hz(pitch)
    index = 1.8 * np.exp(-t / 0.25)  # a bright attack that mellows: the electric-piano bark
    tone = np.sin(2 * np.pi * f * t + index * np.sin(2 * np.pi * f * t))
    tone += 0.18 * np.sin(4 * np.pi * f * t)
    env = _envelope(n, sample_rate, 0.004, 0.6, 0.35, release, held)
    return (tone * env * (velocity / 127)).astype(np.float32)


def _chord_tone(pitches: list[int], length: float, sample_rate: int) -> np.ndarray:
    release = 0.2
    n = int((length + release * 4) * sample_rate)
    held = int(length * sample_rate)
    t = np.arange(n) / sample_rate
    pad = sum(np.sin(2 * np.pi * midi_to_hz(p) * t) + 0.1 * np.sin(4 * np.pi * midi_to_hz(p) * t)
              for p in pitches)
    env = _envelope(n, sample_rate, 0.03, 0.8, 0.6, release, held)
    return (pad * env / max(len(pitches), 1)).astype(np.float32)


def _mix(out: np.ndarray, sound: np.ndarray, start: float, gain: float, sample_rate: int) -> None:
    i = int(start * sample_rate)
    j = min(i + len(sound), len(out))
    if j > i:
        out[i:j] += gain * sound[: j - i]


def render(melody: Sequence[SoundingNote], chords: Sequence[ChordSpan], duration: float,
           sample_rate: int = 22050, accompaniment: Sequence[SoundingNote] = ()) -> np.ndarray:
    """Synthesize notes and chords: float32 mono samples in [-1, 1], ``duration`` seconds long.

    Parameters
    ----------
    melody, accompaniment : (pitch, start, end, velocity) per note, times in seconds.
    chords : chord spans in seconds; each sounds its voicing as a soft pad.
    duration : length of the audio in seconds (sound past it is cut, with a short fade).
    """
    out = np.zeros(round(duration * sample_rate), dtype=np.float32)
    for notes, gain in ((melody, MELODY_GAIN), (accompaniment, ACCOMPANIMENT_GAIN)):
        for pitch, start, end, velocity in notes:
            if start < duration:
                sound = _melody_tone(pitch, end - start, velocity, sample_rate)
                _mix(out, sound, start, gain, sample_rate)
    for span in chords:
        sound = _chord_tone(parse_chord(span.symbol).voicing(), span.end - span.start,
                            sample_rate)
        _mix(out, sound, span.start, CHORD_GAIN * 4, sample_rate)
    fade = min(len(out), int(0.02 * sample_rate))
    if fade:
        out[-fade:] *= np.linspace(1, 0, fade, dtype=np.float32)
    peak = float(np.abs(out).max()) if len(out) else 0.0
    return out / peak * 0.9 if peak > 0.9 else out


def write_wav(target: Path | BinaryIO, samples: np.ndarray, sample_rate: int) -> None:
    """Write float samples in [-1, 1] as a 16-bit mono WAV, to a path or a binary file."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(target if not isinstance(target, Path) else str(target), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(sample_rate)
        handle.writeframes(pcm.tobytes())


def wav_bytes(samples: np.ndarray, sample_rate: int) -> bytes:
    """16-bit mono WAV file bytes of float samples in [-1, 1]."""
    import io

    buffer = io.BytesIO()
    write_wav(buffer, samples, sample_rate)
    return buffer.getvalue()
