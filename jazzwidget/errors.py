"""Errors raised by jazzwidget.

Every error says what went wrong and what to do about it, in one line, so that the CLI can print
it without a traceback and a widget can show it inline.
"""

from __future__ import annotations


class JazzwidgetError(Exception):
    """Base class of every error jazzwidget raises on purpose."""


class MusicFileError(JazzwidgetError):
    """A music file is missing, unreadable or of an unsupported type."""


class NoMelodyError(JazzwidgetError):
    """A file has no track or part that can serve as a melody, or the melody has no notes."""


class ChordError(JazzwidgetError):
    """A chord symbol or chord progression could not be understood."""


class CorpusError(JazzwidgetError):
    """A corpus is too small or inconsistent for what was asked of it."""


class ModelError(JazzwidgetError):
    """A model file is unreadable, or a model does not match the corpus or values it is given."""


class TrainingError(JazzwidgetError):
    """Training could not start or stopped with an error."""


class InspectError(JazzwidgetError):
    """A question to the gate inspection (units, steps, gates, ordering) does not fit its trace."""


class MetricsError(JazzwidgetError):
    """Musical statistics were asked of something they cannot measure (no clips, an unknown
    statistic, a corpus too short for the excerpts asked for)."""
