"""Defaults and tolerances that several modules share, each written once.

>>> DEFAULT_TEMPO, DEFAULT_SECONDS
(130.0, 15.0)
"""

from __future__ import annotations

DEFAULT_TEMPO = 130.0  # beats per minute: the seed played its clips at 130
DEFAULT_SECONDS = 15.0  # the length of a generated clip, as in the seed
BEAT_EPSILON = 1e-9  # beats: two times closer than this are one time (sums of float durations)
