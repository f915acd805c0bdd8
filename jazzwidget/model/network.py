"""The Keras network: one LSTM over one-hot values, then a softmax over the vocabulary.

Trained with teacher forcing on whole windows (``return_sequences=True``): the same weights as the
seed's loop over a shared LSTM cell, several times faster to train. This is the only module that
imports Keras (and so TensorFlow), and only when a network is built or loaded.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import warnings
import zipfile
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from jazzwidget.errors import ModelError
from jazzwidget.model.modelfile import METADATA_NAME, read_model_file


@contextlib.contextmanager
def _native_stderr_hidden() -> Generator[None, None, None]:
    """Hide what C++ code writes to file descriptor 2 meanwhile.

    TensorFlow 2.21 prints its oneDNN start-up lines whatever TF_CPP_MIN_LOG_LEVEL says; they
    are noise in a notebook and would make a CLI error more than one line. Python's own errors
    are unaffected (they are raised, and printed after the descriptor is back), and Python's
    warnings are recorded meanwhile and issued again once it is back, so none is lost.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no descriptor 2 to hide (a detached process)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    caught: list[warnings.WarningMessage] = []
    try:
        os.dup2(devnull, 2)
        with warnings.catch_warnings(record=True) as caught:
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    for warning in caught:
        warnings.warn_explicit(warning.message, warning.category, warning.filename,
                               warning.lineno, source=warning.source)


def keras_module() -> Any:
    """Import Keras (and TensorFlow under it) quietly, on first use."""
    if "keras" in sys.modules:
        return sys.modules["keras"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with _native_stderr_hidden():
        import keras
    return keras


DROPOUT_LAYERS = ("input_dropout", "output_dropout")  # the layers that `dropout` sets
FEATURES_LAYER = "value_features"  # the fixed table of `inputs.value_features`


def build_network(vocab_size: int, n_a: int = 64, dropout: float = 0.0, *,
                  seed: int | None = None, features: np.ndarray | None = None) -> Any:
    """Dropout -> [value features] -> LSTM(n_a, return_sequences=True) -> Dropout ->
    Dense(vocab_size, softmax).

    The inputs are one-hot values. ``dropout`` is the rate of both dropout layers (on the
    LSTM's input and on its output), active in training only. ``features`` (from
    `jazzwidget.model.inputs.value_features`) adds a fixed, untrained layer that turns each
    one-hot value into its row of that table; None reads the one-hot values directly, as the
    seed does. At inference the network is the seed's LSTM and softmax either way: its five
    arrays are `network_weights`. ``seed`` fixes the initial weights and the dropout masks.
    """
    keras = keras_module()
    seeds = [None] * 5 if seed is None else [seed * 5 + k for k in range(5)]
    inputs = keras.Input(shape=(None, vocab_size), name="values")
    x = keras.layers.Dropout(dropout, seed=seeds[0], name="input_dropout")(inputs)
    if features is not None:
        table = keras.layers.Dense(features.shape[1], use_bias=False, trainable=False,
                                   name=FEATURES_LAYER)
        x = table(x)
        table.set_weights([np.asarray(features, np.float32)])
    x = keras.layers.LSTM(
        n_a, return_sequences=True, name="lstm",
        kernel_initializer=keras.initializers.GlorotUniform(seed=seeds[1]),
        recurrent_initializer=keras.initializers.Orthogonal(seed=seeds[2]))(x)
    x = keras.layers.Dropout(dropout, seed=seeds[3], name="output_dropout")(x)
    outputs = keras.layers.Dense(
        vocab_size, activation="softmax", name="next_value",
        kernel_initializer=keras.initializers.GlorotUniform(seed=seeds[4]))(x)
    return keras.Model(inputs, outputs, name="jazz_lstm")


def read_values(variables: Iterable[Any]) -> list[Any]:
    """The values of Keras variables as tensors read now.

    A snapshot that costs no copy: TensorFlow copies a variable's buffer when it updates one
    that is still read, so later training steps leave these values alone.
    """
    import tensorflow as tf

    return [tf.identity(variable.value) for variable in variables]


def read_weights(network: Any) -> list[Any]:
    """The LSTM's and the softmax's weights (W_lstm, U, b, Wy, by), read now (`read_values`)."""
    return read_values(variable for name in ("lstm", "next_value")
                       for variable in network.get_layer(name).weights)


def network_weights(network: Any, values: list[Any] | None = None) -> list[np.ndarray]:
    """The seed's five arrays (W, U, b, Wy, by) of a network from `build_network`, with the
    value features folded into the input weights: one row per value, ``W = features @ W_lstm``
    (float64, so the fold adds no rounding). ``values``: weights from `read_weights` earlier;
    by default those of now."""
    kernel, recurrent, bias, wy, by = (
        np.asarray(v) for v in (read_weights(network) if values is None else values))
    table = network_features(network)
    if table is not None:
        kernel = np.asarray(table, np.float64) @ np.asarray(kernel, np.float64)
    return [kernel, recurrent, bias, wy, by]


def network_features(network: Any) -> np.ndarray | None:
    """The value-features table a network reads through, or None (one-hot, as the seed)."""
    if FEATURES_LAYER not in {layer.name for layer in network.layers}:
        return None
    return np.asarray(network.get_layer(FEATURES_LAYER).get_weights()[0])


def network_dropout(network: Any) -> float:
    """The dropout rate of a network from `build_network` (0 for one saved without dropout)."""
    rates = [network.get_layer(name).rate for name in DROPOUT_LAYERS
             if name in {layer.name for layer in network.layers}]
    return float(max(rates, default=0.0))


def compile_network(network: Any, learning_rate: float = 0.01, decay: float = 0.01) -> None:
    """Adam with inverse-time decay: the seed's ``Adam(lr=0.01, decay=0.01)`` in Keras 3."""
    keras = keras_module()
    schedule = keras.optimizers.schedules.InverseTimeDecay(
        learning_rate, decay_steps=1, decay_rate=decay)
    network.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule),
                    loss="sparse_categorical_crossentropy", metrics=["accuracy"])


def save_network(network: Any, path: Path, metadata: dict[str, Any]) -> None:
    """Keras' own ``.keras`` file, with our metadata (vocabulary, settings) added inside."""
    network.save(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(METADATA_NAME, json.dumps(metadata))


def load_network(path: Path, format_version: int) -> tuple[Any, dict[str, Any]]:
    """Load a file written by `save_network`; returns (network, metadata).

    The file is checked first (`modelfile.read_model_file`: ours, whole, of a format up to
    ``format_version``, only the layers `build_network` makes), then read by Keras in safe
    mode: no code in the file runs.
    """
    metadata = read_model_file(path, format_version)
    keras = keras_module()
    try:
        network = keras.saving.load_model(path, safe_mode=True, compile=False)
    # Keras raises many types for a damaged file (ValueError, OSError from h5py, KeyError,
    # TypeError, ...); each means the file cannot be used. The cause stays chained.
    except Exception as error:
        raise ModelError(f"the model file {path.name!r} is damaged: Keras could not read it "
                         f"({type(error).__name__}: {error}); save the model again with "
                         "JazzModel.save, or train a new one") from error
    return network, metadata
