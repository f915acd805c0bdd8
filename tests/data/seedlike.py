"""A file shaped like the seed's training MIDI, made in code (the real one is never shipped).

Like ``original_metheny.mid``: format 1 at 112 bpm in 4/4, a melody track named "Guitar"
(program 26) whose solo the tests cut out by beats, block chords on a "Piano" track (no chord
symbols, so chords are estimated from it), a bass, strings and drums that the melody heuristic
must pass over. Deterministic: the solo's line comes from a fixed random seed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .badfiles import _midi, _track

BPM = 112
SOLO = (16.0, 88.0)  # the solo's window in beats: 18 bars, as the seed's 476-548
BARS = 26  # 4 bars before the solo, 18 of solo, 4 after
PROGRESSION = ("Dm7", "G7", "Cmaj7", "A7", "Fmaj7", "Bm7b5", "E7", "Am7")
_ROOTS = {"Dm7": 50, "G7": 55, "Cmaj7": 48, "A7": 57, "Fmaj7": 53, "Bm7b5": 59, "E7": 52,
          "Am7": 57}
_SHAPES = {"m7": (0, 3, 7, 10), "7": (0, 4, 7, 10), "maj7": (0, 4, 7, 11), "m7b5": (0, 3, 6, 10)}
# Two beats each, mostly eighths, sixteenths and triplets (the seed's solo is about 3.4 values
# a beat).
_RHYTHMS = ((0.5, 0.5, 0.5, 0.5), (0.25, 0.25, 0.25, 0.25, 0.5, 0.5), (1 / 3,) * 6,
            (0.25,) * 8, (0.5, 0.25, 0.25, 1.0), (1 / 3, 1 / 3, 1 / 3, 0.25, 0.25, 0.5))


def _chord(bar: int) -> tuple[int, tuple[int, ...]]:
    symbol = PROGRESSION[bar % len(PROGRESSION)]
    quality = next(q for q in sorted(_SHAPES, key=len, reverse=True) if symbol.endswith(q))
    return _ROOTS[symbol], _SHAPES[quality]


def _solo(rng: np.random.Generator) -> list[tuple[float, float, int]]:
    """A monophonic line: chord tones on beats, steps between, rests now and then."""
    notes: list[tuple[float, float, int]] = []
    pitch = 67
    for bar in range(BARS):
        root, shape = _chord(bar)
        tones = [root + 12 + i for i in shape] + [root + 24 + i for i in shape]
        beat = bar * 4.0
        for half in range(2):
            for duration in _RHYTHMS[int(rng.integers(len(_RHYTHMS)))]:
                if rng.random() < 0.12:  # a rest
                    beat += duration
                    continue
                if half == 0 and duration >= 0.5:
                    pitch = min(tones, key=lambda t: abs(t - pitch - rng.integers(-5, 6)))
                else:
                    pitch += int(rng.choice([-2, -1, 1, 2, 3, -3]))
                pitch = int(np.clip(pitch, 55, 84))
                notes.append((beat, beat + duration * 0.95, pitch))
                beat += duration
            beat = bar * 4.0 + 2.0 * (half + 1)
    return notes


def seedlike_midi() -> bytes:
    """The whole file's bytes."""
    rng = np.random.default_rng(476)
    piano, bass, strings = [], [], []
    for bar in range(BARS):
        root, shape = _chord(bar)
        for beat in (0.0, 2.0):
            piano += [(bar * 4 + beat, bar * 4 + beat + 1.5, root + 12 + i) for i in shape]
        bass += [(bar * 4.0 + k, bar * 4.0 + k + 0.9, root - 12 + (0, 7, 12, 7)[k])
                 for k in range(4)]
        strings += [(bar * 4.0, bar * 4.0 + 4.0, root + i) for i in shape[:2]]
    drums = [(k * 0.5, k * 0.5 + 0.1, 42 if k % 2 else 36) for k in range(BARS * 8)]
    return _midi([_track("Guitar", _solo(rng), program=26),
                  _track("Piano", piano, channel=1, program=0),
                  _track("Bass", bass, channel=2, program=33),
                  _track("Strings", strings, channel=3, program=48),
                  _track("Drums", drums, channel=9)], bpm=BPM)


def write_seedlike(folder: Path) -> Path:
    """Write the file into ``folder`` as ``seedlike.mid`` and return its path."""
    path = Path(folder) / "seedlike.mid"
    path.write_bytes(seedlike_midi())
    return path
