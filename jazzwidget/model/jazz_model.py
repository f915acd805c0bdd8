"""`JazzModel`: the seed's LSTM with a vocabulary, trained on a Corpus, sampled into Clips."""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from jazzwidget.errors import CorpusError, ModelError, TrainingError
from jazzwidget.model.inputs import value_features
from jazzwidget.model.network import (
    build_network,
    compile_network,
    load_network,
    network_dropout,
    network_features,
    network_weights,
    read_weights,
    save_network,
)
from jazzwidget.model.sample import generate
from jazzwidget.model.step import Ablation, LSTMWeights
from jazzwidget.model.trace import GateTrace, trace_values
from jazzwidget.model.training import evaluate, train
from jazzwidget.music.clip import Clip
from jazzwidget.music.corpus import TX, Corpus
from jazzwidget.music.defaults import DEFAULT_SECONDS, DEFAULT_TEMPO
from jazzwidget.music.progression import Progression
from jazzwidget.music.values import ENCODINGS

FORMAT_VERSION = 1
DEFAULT_PROGRESSION = "F7 | Bb7 | F7 | F7 | Bb7 | Bb7 | F7 | F7 | Gm7 | C7 | F7 | C7"
# Chosen by measurement on the built-in corpus (README "Does it learn?").
DEFAULT_DROPOUT = 0.2
DEFAULT_PATIENCE = 10


def _checked_dropout(dropout: float) -> float:
    if not 0 <= dropout < 1:
        raise ModelError(f"dropout {dropout} is out of range: use 0 (off) up to below 1, "
                         f"e.g. {DEFAULT_DROPOUT}")
    return float(dropout)


class JazzModel:
    """An LSTM over musical values, as in the seed: ``LSTM(n_a)`` then a softmax.

    Parameters
    ----------
    vocab : the values the model reads and writes (``corpus.vocab``), sorted.
    n_a : hidden units (64 in the seed).
    encoding : "grammar" or "pitch", as the corpus was encoded.
    learning_rate : Adam's starting rate (it decays as in the seed).
    dropout : the rate of dropout on the LSTM's input and output while training (0 turns it
        off; default chosen by measurement); inference is unaffected. Default for a given
        ``network``: the rate it was built with.
    features : also feed the LSTM each value's parts (type, duration, interval, pitch class;
        `jazzwidget.model.inputs`), so that values sharing a part share what is learnt about
        it; False reads one-hot values only, as the seed. Either way the numpy step sees one
        input row per value. Ignored with a given ``network`` (it has its own).
    seed : fixes the initial weights, the dropout masks and (unless `fit` gets its own seed)
        the order windows are shuffled in; the same corpus, seed and settings give the same
        model and the same clips. None: different every time.
    network : an existing Keras network of the right shape (`load` passes the one it read);
        default a fresh one.

    Attributes
    ----------
    history : figures per epoch (``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``), one
        entry per epoch in every series, over every `fit`.
    best_epoch : the epoch (1-based, over the whole history) whose weights the last `fit`
        kept because its validation loss was the lowest; None when that fit kept the last.
    training : True while `fit` runs (then `weights` is the copy made at the last epoch end).
    """

    def __init__(self, vocab: Sequence[str], n_a: int = 64, *, encoding: str = "grammar",
                 learning_rate: float = 0.01, dropout: float | None = None,
                 features: bool = True, seed: int | None = None,
                 network: Any = None) -> None:
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
        self.tempo = DEFAULT_TEMPO  # the training corpus's tempo once fit
        self.seed = seed
        self.best_epoch: int | None = None
        self.training = False
        self._lock = threading.Lock()  # guards _weights, the copy that other threads read
        self._weights: LSTMWeights | None = None
        self._snapshot_values: list[Any] | None = None  # `read_weights` at the last snapshot
        if network is None:
            self._dropout = _checked_dropout(DEFAULT_DROPOUT if dropout is None else dropout)
            network = build_network(
                len(self.vocab), self.n_a, self._dropout, seed=seed,
                features=value_features(self.vocab) if features else None)
        else:
            self._dropout = network_dropout(network)
        self.keras_model = network
        compile_network(self.keras_model, learning_rate)
        if dropout is not None:
            self.dropout = dropout

    def __repr__(self) -> str:
        epochs = len(self.history.get("loss", []))
        return f"JazzModel(vocab={len(self.vocab)}, n_a={self.n_a}, epochs trained={epochs})"

    @property
    def epochs_trained(self) -> int:
        return len(self.history.get("loss", []))

    @property
    def dropout(self) -> float:
        """The training-time dropout rate; setting it rebuilds the network with the same
        weights (Adam's state starts over, as with a new learning rate)."""
        return self._dropout

    @dropout.setter
    def dropout(self, value: float) -> None:
        value = _checked_dropout(value)
        if value == self._dropout:
            return
        if self.training:
            raise TrainingError("training is running: change dropout after it stops "
                                "(click Stop, or call model.stop())")
        network = build_network(len(self.vocab), self.n_a, value, seed=self.seed,
                                features=network_features(self.keras_model))
        network.set_weights(self.keras_model.get_weights())
        compile_network(network, self.learning_rate)
        self.keras_model, self._dropout = network, value

    @property
    def weights(self) -> LSTMWeights:
        """The current weights as numpy arrays.

        While `fit` runs (in another thread) this is the copy made at the end of the last whole
        epoch, never a half-updated set; after it, the weights `fit` kept.
        """
        with self._lock:
            if self._weights is None:  # folded on first read, not at every epoch's end
                self._weights = LSTMWeights.from_keras(
                    network_weights(self.keras_model, self._snapshot_values))
            return self._weights

    def _snapshot(self) -> None:
        """Keep the network's weights of now for `weights` (called from the training thread)."""
        values = read_weights(self.keras_model)
        with self._lock:
            self._snapshot_values, self._weights = values, None

    # ------------------------------------------------------------------ training
    def fit(self, corpus: Corpus, epochs: int = 100, *, batch_size: int = 64,
            validation: float = 0.1, learning_rate: float | None = None,
            early_stopping: int | None = DEFAULT_PATIENCE, seed: int | None = None,
            callbacks: Sequence[Any] | None = None, verbose: int = 0) -> Any:
        """Train on windows of the corpus (teacher forcing, y[t] = x[t + 1]).

        Parameters
        ----------
        corpus : the music; its last ``validation`` share is held out.
        epochs : the most epochs to train (fewer when ``early_stopping`` stops it).
        batch_size : windows per gradient step.
        validation : share of the corpus held out (0 to 0.5).
        learning_rate : recompiles with a new schedule (Adam's state starts over).
        early_stopping : keep the best epoch: stop after this many epochs without a lower
            validation loss and restore the weights of the epoch with the lowest one
            (`best_epoch`), also when training is stopped. None trains every epoch and keeps
            the last weights, so that the rising validation curve of memorization shows.
        seed : the order windows are shuffled in; default derived from the model's ``seed``.
        callbacks : Keras callbacks (`LivePlot`, EarlyStopping, ...), called as Keras' ``fit``
            calls them; ``model.stop()`` or ``stop_training`` stops after the current batch.
        verbose : 1 shows Keras' progress bar.

        Returns
        -------
        Keras' History of this call; ``self.history`` accumulates every call's figures.

        Raises
        ------
        TrainingError
            When the loss becomes NaN or a callback raises: training stops, the weights of the
            last whole epoch are kept and the original exception is chained (``__cause__``).
            A KeyboardInterrupt also leaves the weights of the last whole epoch.

        Calling fit again continues from the current weights.
        """
        if corpus.encoding != self.encoding:
            raise ModelError(f"this model reads {self.encoding} values but the corpus is "
                             f"{corpus.encoding}-encoded: load the corpus with "
                             f"encoding={self.encoding!r}")
        if int(epochs) < 1 or int(batch_size) < 1:
            raise ModelError(f"epochs ({epochs}) and batch_size ({batch_size}) must be at "
                             f"least 1")
        if early_stopping is not None and int(early_stopping) < 1:
            raise ModelError(f"early_stopping={early_stopping}: give a patience of at least "
                             f"1 epoch, or None to keep the last epoch")
        if self.training:
            raise TrainingError("this model is already training: wait for it to finish or "
                                "stop it (model.stop())")
        try:
            windows = corpus.windows(TX, validation, self.vocab)
        except CorpusError as error:
            raise ModelError(str(error)) from error
        if learning_rate is not None and learning_rate != self.learning_rate:
            self.learning_rate = learning_rate
            compile_network(self.keras_model, learning_rate)
        for callback in callbacks or []:  # callbacks that read this model (GateSnapshots)
            getattr(callback, "bind", lambda model: None)(self)
        if seed is None and self.seed is not None:
            seed = self.seed * 100_003 + self.epochs_trained
        before = self.epochs_trained

        def on_epoch(done: int, logs: dict[str, float]) -> None:
            for key in {*self.history, *logs}:
                series = self.history.setdefault(key, [math.nan] * (before + done - 1))
                series.append(float(logs.get(key, math.nan)))
            if done == 1:
                self.corpus_values = list(corpus.values)
                self.progression_text = corpus.progression.text()
                self.tempo = float(corpus.tempo)
            self._snapshot()

        self._snapshot()
        self.training = True
        try:
            result = train(self.keras_model, windows.x_train, windows.y_train,
                           windows.x_val, windows.y_val, epochs=int(epochs),
                           batch_size=int(batch_size), rng=np.random.default_rng(seed),
                           callbacks=list(callbacks or []), verbose=verbose,
                           patience=early_stopping, on_epoch=on_epoch, first_epoch=before)
        except (TrainingError, KeyboardInterrupt):
            raise
        # `train` turns errors inside its epochs into TrainingError itself; what is left comes
        # from setting up (a callback's set_model, building the compiled steps) and may be of
        # any type. The cause stays chained, so a bug in a user's callback keeps its traceback.
        except Exception as error:
            raise TrainingError(f"training failed: {type(error).__name__}: {error}") from error
        finally:
            self.training = False
            self._snapshot()
        if result.best_epoch is None:
            self.best_epoch = None
        elif result.best_epoch > 0:
            self.best_epoch = before + result.best_epoch
        elif self.best_epoch is None:  # the weights it started from stayed best
            self.best_epoch = before
        return result.history

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
        cross_entropy, accuracy = evaluate(self.keras_model, windows.x_val, windows.y_val)
        return {"cross_entropy": cross_entropy, "accuracy": accuracy,
                "targets": int(windows.y_val.size)}

    # ---------------------------------------------------------------- generation
    def default_prime(self, rng: np.random.Generator, length: int = TX) -> list[str]:
        """A window of the training corpus to start from (empty before any training)."""
        if len(self.corpus_values) <= length:
            return list(self.corpus_values)
        start = int(rng.integers(0, len(self.corpus_values) - length))
        return self.corpus_values[start:start + length]

    def generate(self, seconds: float = DEFAULT_SECONDS, tempo: float | None = None,
                 temperature: float = 1.0,
                 seed: int | None = None, chords: str | Progression | None = None,
                 prime: Sequence[str] | Clip | None = None,
                 ablate: Ablation | Mapping[str, Any] | None = None, *,
                 weights: LSTMWeights | None = None) -> Clip:
        """Improvise a clip, one value at a time, each fed back as the next input.

        Parameters
        ----------
        seconds : length of the clip; the last note is cut to end exactly there.
        tempo : beats per minute; default the model's ``tempo`` (its training corpus's, or
            130 as in the seed before any training).
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
        tempo = self.tempo if tempo is None else tempo
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
            "dropout": self.dropout, "seed": self.seed, "best_epoch": self.best_epoch,
            "history": self.history, "corpus_values": self.corpus_values,
            "progression": self.progression_text, "tempo": self.tempo,
        }
        save_network(self.keras_model, path, metadata)
        return path

    @classmethod
    def load(cls, path: str | Path) -> JazzModel:
        """Load a model saved by `save`.

        Raises
        ------
        ModelError : the file is missing, not a jazzwidget model, cut short or damaged, written
            by a newer jazzwidget, or holds a layer or code that a jazzwidget model never has
            (nothing in the file runs: Keras' safe mode, and only our layers are accepted).
        """
        network, meta = load_network(Path(path), FORMAT_VERSION)
        vocab = meta["vocab"]
        units = [layer.units for layer in network.layers if type(layer).__name__ == "LSTM"]
        if (network.output_shape[-1] != len(vocab) or network.input_shape[-1] != len(vocab)
                or units != [meta["n_a"]]):
            raise ModelError(f"the model file {Path(path).name!r} is damaged: its network "
                             f"({network.output_shape[-1]} outputs, LSTM units {units}) does not "
                             f"fit its vocabulary of {len(vocab)} values and n_a = "
                             f"{meta['n_a']}; save the model again or train a new one")
        model = cls(vocab, int(meta["n_a"]), encoding=meta["encoding"],
                    learning_rate=float(meta.get("learning_rate", 0.01)), network=network)
        model.history = {k: list(v) for k, v in meta.get("history", {}).items()}
        model.corpus_values = list(meta.get("corpus_values", []))
        model.progression_text = meta.get("progression", DEFAULT_PROGRESSION)
        model.tempo = float(meta.get("tempo", DEFAULT_TEMPO))
        model.best_epoch, model.seed = meta.get("best_epoch"), meta.get("seed")
        return model
