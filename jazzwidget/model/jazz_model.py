"""`JazzModel`: the seed's LSTM with a vocabulary, trained on a Corpus, sampled into Clips."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from jazzwidget.errors import CorpusError, ModelError, TrainingError
from jazzwidget.model.network import (
    build_network,
    compile_network,
    load_network,
    save_network,
)
from jazzwidget.model.sample import generate
from jazzwidget.model.step import Ablation, LSTMWeights
from jazzwidget.model.trace import GateTrace, trace_values
from jazzwidget.music.clip import Clip
from jazzwidget.music.corpus import TX, Corpus
from jazzwidget.music.progression import Progression
from jazzwidget.music.values import ENCODINGS

FORMAT_VERSION = 1
DEFAULT_PROGRESSION = "F7 | Bb7 | F7 | F7 | Bb7 | Bb7 | F7 | F7 | Gm7 | C7 | F7 | C7"


class JazzModel:
    """An LSTM over musical values, as in the seed: ``LSTM(n_a)`` then a softmax.

    Parameters
    ----------
    vocab : the values the model reads and writes (``corpus.vocab``), sorted.
    n_a : hidden units (64 in the seed).
    encoding : "grammar" or "pitch", as the corpus was encoded.
    learning_rate : Adam's starting rate (it decays as in the seed).
    network : an existing Keras network of the right shape (`load` passes the one it read);
        default a fresh one.
    """

    def __init__(self, vocab: Sequence[str], n_a: int = 64, *, encoding: str = "grammar",
                 learning_rate: float = 0.01, network: Any = None) -> None:
        if len(vocab) < 2:
            raise CorpusError("the vocabulary needs at least two values: load more music")
        if list(vocab) != sorted(vocab):
            raise CorpusError("the vocabulary must be sorted: pass corpus.vocab")
        if encoding not in ENCODINGS:
            raise CorpusError(f"unknown encoding {encoding!r}: use one of {', '.join(ENCODINGS)}")
        self.vocab = list(vocab)
        self.n_a = int(n_a)
        self.encoding = encoding
        self.learning_rate = learning_rate
        self.history: dict[str, list[float]] = {}
        # What generation needs from the training corpus, kept with the weights.
        self.corpus_values: list[str] = []
        self.progression_text = DEFAULT_PROGRESSION
        self.tempo = 130.0
        self.keras_model = network if network is not None else build_network(
            len(self.vocab), self.n_a)
        compile_network(self.keras_model, learning_rate)
        self._weights: LSTMWeights | None = None

    def __repr__(self) -> str:
        epochs = len(self.history.get("loss", []))
        return f"JazzModel(vocab={len(self.vocab)}, n_a={self.n_a}, epochs trained={epochs})"

    @property
    def epochs_trained(self) -> int:
        return len(self.history.get("loss", []))

    @property
    def weights(self) -> LSTMWeights:
        """The current weights as numpy arrays (refreshed after each fit)."""
        if self._weights is None:
            self._weights = LSTMWeights.from_keras(self.keras_model.get_weights())
        return self._weights

    # ------------------------------------------------------------------ training
    def _one_hot(self, ids: np.ndarray) -> np.ndarray:
        return np.eye(len(self.vocab), dtype=np.float32)[ids]

    def fit(self, corpus: Corpus, epochs: int = 100, *, batch_size: int = 64,
            validation: float = 0.1, learning_rate: float | None = None,
            callbacks: Sequence[Any] | None = None, verbose: int = 0) -> Any:
        """Train on windows of the corpus (teacher forcing, y[t] = x[t + 1]).

        Calling fit again continues from the current weights. ``learning_rate`` recompiles
        with a new schedule (Adam's state starts over). Returns Keras' History; ``self.history``
        accumulates every call's figures.
        """
        if corpus.encoding != self.encoding:
            raise ModelError(f"this model reads {self.encoding} values but the corpus is "
                             f"{corpus.encoding}-encoded: load the corpus with "
                             f"encoding={self.encoding!r}")
        try:
            windows = corpus.windows(TX, validation, self.vocab)
        except CorpusError as error:
            raise ModelError(str(error)) from error
        if learning_rate is not None and learning_rate != self.learning_rate:
            self.learning_rate = learning_rate
            compile_network(self.keras_model, learning_rate)
        validation_data = None
        if len(windows.x_val):
            validation_data = (self._one_hot(windows.x_val), windows.y_val)
        for callback in callbacks or []:  # callbacks that read this model (GateSnapshots)
            getattr(callback, "bind", lambda model: None)(self)
        self._weights = None
        try:
            result = self.keras_model.fit(
                self._one_hot(windows.x_train), windows.y_train, epochs=epochs,
                batch_size=batch_size, validation_data=validation_data, shuffle=True,
                callbacks=list(callbacks or []), verbose=verbose)
        except Exception as error:
            raise TrainingError(f"training failed: {error}") from error
        finally:
            self._weights = None
        # One entry per epoch in every series: a fit without validation pads val_* with NaN.
        before, ran = self.epochs_trained, len(result.history.get("loss", []))
        for key in {*self.history, *result.history}:
            series = self.history.setdefault(key, [math.nan] * before)
            series.extend(float(v) for v in result.history.get(key, [math.nan] * ran))
        self.corpus_values = list(corpus.values)
        self.progression_text = corpus.progression.text()
        self.tempo = float(corpus.tempo)
        return result

    def stop(self) -> None:
        """Ask a running fit to stop after the current batch (weights so far are kept)."""
        self.keras_model.stop_training = True

    def evaluate(self, corpus: Corpus, *, validation: float = 0.1) -> dict[str, float]:
        """Held-out figures on the validation windows of ``corpus``, split as `fit` splits it.

        Returns ``{"cross_entropy", "accuracy", "targets"}``: the mean negative log-probability
        (nats per value) of every validation target ``y[k, t]`` given ``x[k, :t + 1]`` and the
        share predicted as the likeliest value; the same targets as the baselines of
        `jazzwidget.model.baselines.baseline_scores` and as Keras' ``val_loss``.
        """
        try:
            windows = corpus.windows(TX, validation, self.vocab)
        except CorpusError as error:
            raise ModelError(str(error)) from error
        if not len(windows.x_val):
            raise ModelError("there is no validation part to score on: use validation > 0")
        p = np.asarray(self.keras_model.predict(self._one_hot(windows.x_val), verbose=0,
                                                batch_size=256), dtype=np.float64)
        target = np.take_along_axis(p, windows.y_val[..., None], axis=-1)[..., 0]
        # Clipped at 1e-7 as Keras clips its cross-entropy, so this equals val_loss.
        return {"cross_entropy": float(-np.log(np.clip(target, 1e-7, 1.0)).mean()),
                "accuracy": float((p.argmax(axis=-1) == windows.y_val).mean()),
                "targets": int(windows.y_val.size)}

    # ---------------------------------------------------------------- generation
    def default_prime(self, rng: np.random.Generator, length: int = TX) -> list[str]:
        """A window of the training corpus to start from (empty before any training)."""
        if len(self.corpus_values) <= length:
            return list(self.corpus_values)
        start = int(rng.integers(0, len(self.corpus_values) - length))
        return self.corpus_values[start:start + length]

    def generate(self, seconds: float = 15.0, tempo: float = 130, temperature: float = 1.0,
                 seed: int | None = None, chords: str | Progression | None = None,
                 prime: Sequence[str] | Clip | None = None,
                 ablate: Ablation | Mapping[str, Any] | None = None, *,
                 weights: LSTMWeights | None = None) -> Clip:
        """Improvise a clip, one value at a time, each fed back as the next input.

        Parameters
        ----------
        seconds : length of the clip; the last note is cut to end exactly there.
        tempo : beats per minute (the seed played at 130).
        temperature : 0 picks the likeliest value each step (the seed's argmax); 1 samples the
            model's distribution; higher is wilder.
        seed : random seed; the same seed gives the same clip.
        chords : a progression such as ``"Dm7 G7 Cmaj7 Cmaj7"`` (one chord a bar, looped) or
            ``"Dm7 G7 | Cmaj7"``; default the training corpus's progression.
        prime : values (or a Clip) to warm the LSTM on first; default a window of the training
            corpus chosen by ``seed``; ``[]`` starts from zeros as the seed did.
        ablate : units to silence in every step, e.g. ``{"units": [12, 40], "clamp": "zero"}``
            (clamps: "zero" holds their h and c at 0, "forget0"/"forget1" force their forget
            gate to 0/1, "output0" closes their output gate), or an `Ablation`. With the same
            seed, chords and prime, no units reproduces the unablated clip exactly.
        weights : the numbers to generate with (default the model's current ones;
            `GateSnapshots.clip_at` passes an earlier epoch's).
        """
        weights = weights if weights is not None else self.weights
        ablation = Ablation.coerce(ablate, weights.n_a)
        rng = np.random.default_rng(seed)
        progression = Progression.coerce(chords if chords is not None else self.progression_text)
        if prime is None:
            prime_values = self.default_prime(rng)
        elif isinstance(prime, Clip):
            prime_values = prime.values
        else:
            prime_values = list(prime)
        return generate(weights, self.vocab, progression, seconds=seconds, tempo=tempo,
                        temperature=temperature, seed=int(rng.integers(2**31)),
                        prime=prime_values, ablation=ablation)

    # ------------------------------------------------------------------- tracing
    def trace(self, clip_or_values: Clip | Sequence[str],
              ablate: Ablation | Mapping[str, Any] | None = None) -> GateTrace:
        """Replay a clip (or any values of this vocabulary) through the numpy LSTM, recording
        the gates i, f, g, o and the states c, h at every step.

        ``ablate`` clamps units as in `generate` (trace an ablated clip with the same
        ablation to see the states it was made with).
        """
        return trace_values(self.weights, self.vocab, clip_or_values, ablate)

    # ---------------------------------------------------------------- save, load
    def save(self, path: str | Path) -> Path:
        """One ``.keras`` file: weights, vocabulary and settings."""
        path = Path(path)
        if path.suffix != ".keras":
            raise ModelError(f"model files end in .keras, not {path.suffix or 'nothing'}: "
                             f"save to e.g. {path.with_suffix('.keras').name}")
        metadata = {
            "format": FORMAT_VERSION, "vocab": self.vocab, "n_a": self.n_a,
            "encoding": self.encoding, "learning_rate": self.learning_rate,
            "history": self.history, "corpus_values": self.corpus_values,
            "progression": self.progression_text, "tempo": self.tempo,
        }
        save_network(self.keras_model, path, metadata)
        return path

    @classmethod
    def load(cls, path: str | Path) -> JazzModel:
        """Load a model saved by `save` (Keras safe mode)."""
        network, meta = load_network(Path(path))
        vocab = meta.get("vocab", [])
        if network.output_shape[-1] != len(vocab) or network.input_shape[-1] != len(vocab):
            raise ModelError(f"{path}: the network has {network.output_shape[-1]} outputs but "
                             f"the file's vocabulary has {len(vocab)} values: save it again")
        model = cls(vocab, int(meta["n_a"]), encoding=meta["encoding"],
                    learning_rate=float(meta["learning_rate"]), network=network)
        model.history = {k: list(v) for k, v in meta.get("history", {}).items()}
        model.corpus_values = list(meta.get("corpus_values", []))
        model.progression_text = meta.get("progression", DEFAULT_PROGRESSION)
        model.tempo = float(meta.get("tempo", 130.0))
        return model
