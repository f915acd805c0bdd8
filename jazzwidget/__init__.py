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
from typing import TYPE_CHECKING, Any

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

# The lazy names' types, for type checkers and editors (nothing is imported here at run time);
# __all__ below lists every public name as the literal list that type checkers read.
if TYPE_CHECKING:
    from jazzwidget.inspect.snapshots import GateSnapshots
    from jazzwidget.model.jazz_model import JazzModel
    from jazzwidget.model.trace import GateTrace
    from jazzwidget.music.clip import Clip
    from jazzwidget.music.corpus import Corpus, load_corpus
    from jazzwidget.music.progression import Progression
    from jazzwidget.widgets._uploads import save_uploads
    from jazzwidget.widgets.generator import Generator
    from jazzwidget.widgets.inspector import GateInspector
    from jazzwidget.widgets.liveplot import LivePlot
    from jazzwidget.widgets.player import Player
    from jazzwidget.widgets.quality import QualityView
    from jazzwidget.widgets.studio import Studio
    from jazzwidget.widgets.trainer import Trainer

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
    "Clip",
    "Corpus",
    "CorpusError",
    "GateInspector",
    "GateSnapshots",
    "GateTrace",
    "Generator",
    "JazzModel",
    "JazzwidgetError",
    "LivePlot",
    "ModelError",
    "MusicFileError",
    "NoMelodyError",
    "Player",
    "Progression",
    "QualityView",
    "Studio",
    "Trainer",
    "TrainingError",
    "load_corpus",
    "save_uploads",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'jazzwidget' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

