"""jazzwidget: see and hear what an LSTM learns.

Train the classic jazz-improvising LSTM (the deeplearning.ai exercise after deepjazz) on a corpus,
play what it improvises in the browser, and look inside its gates.

>>> import jazzwidget as jw
>>> corpus = jw.load_corpus()                 # the built-in corpus, offline
>>> model = jw.JazzModel(corpus.vocab)        # LSTM(64) -> softmax
>>> model.fit(corpus, epochs=100)
>>> clip = model.generate(seconds=15, temperature=1.0, seed=1)
>>> jw.Player(clip)                           # in a notebook

Importing the package is light: TensorFlow loads only when a model is built or loaded, or when
one of the Keras callbacks is first named (``jw.LivePlot``, ``jw.Trainer``, ``jw.GateSnapshots``
subclass ``keras.callbacks.Callback``); every other name imports no TensorFlow.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from jazzwidget.errors import (
    ChordError,
    CorpusError,
    JazzwidgetError,
    ModelError,
    MusicFileError,
    NoMelodyError,
    TrainingError,
)

__version__ = "0.1.0"

# Public names resolved on first use, so that `import jazzwidget` imports neither TensorFlow nor
# the widget front ends.
_LAZY = {
    "load_corpus": "jazzwidget.music.corpus",
    "Corpus": "jazzwidget.music.corpus",
    "Clip": "jazzwidget.music.clip",
    "Progression": "jazzwidget.music.progression",
    "JazzModel": "jazzwidget.model.jazz_model",
    "GateTrace": "jazzwidget.model.trace",
    "GateSnapshots": "jazzwidget.inspect.snapshots",
    "Player": "jazzwidget.widgets.player",
    "LivePlot": "jazzwidget.widgets.liveplot",
    "Trainer": "jazzwidget.widgets.trainer",
    "Generator": "jazzwidget.widgets.generator",
    "QualityView": "jazzwidget.widgets.quality",
    "Studio": "jazzwidget.widgets.studio",
    "GateInspector": "jazzwidget.widgets.inspector",
    "save_uploads": "jazzwidget.widgets._uploads",
}

__all__ = [
    "ChordError",
    "CorpusError",
    "JazzwidgetError",
    "ModelError",
    "MusicFileError",
    "NoMelodyError",
    "TrainingError",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'jazzwidget' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

