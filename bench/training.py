"""Training speed, side by side in one run: our loop against the seed's design and Keras' fit.

1. **The seed's design** (the exercise's ``djmodel``), ported to Keras 3 faithfully: a Python
   loop over Tx = 30 steps, each slicing the input, reshaping it to one step and calling one
   shared ``LSTM(n_a, return_state=True)`` cell with the previous state, then one shared
   ``Dense`` softmax: 30 outputs, ``categorical_crossentropy``, ``metrics=['accuracy'] * 30``
   (Keras 3 wants one per output), the seed's ``Adam(lr=0.01, beta_1=0.9, beta_2=0.999,
   decay=0.01)`` as an ``InverseTimeDecay`` schedule, ``fit(epochs=100)`` with Keras' default
   batch of 32 and no validation. Against it, on the same training windows: a fresh
   `JazzModel` with its defaults (dropout on, a validation pass every epoch) trained
   ``fit(epochs=100, early_stopping=None)``, at our default batch of 64 and at the seed's 32.
   Both sides start from scratch: building, graph tracing and the first epoch included.
   The windows are the seed's own solo when ``../shared/data/original_metheny.mid`` is there
   (``melody="Guitar", start_beat=476, end_beat=548``), else a seed-sized excerpt of the
   built-in corpus.
2. **The built-in corpus**: the same network trained 100 epochs by Keras' own ``fit`` (the
   loop jazzwidget used before, validation every epoch) and by our loop, each from scratch.

Figures go to bench/results.json under "training".
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.results import record

SEED_FILE = Path(__file__).resolve().parents[2] / "shared" / "data" / "original_metheny.mid"
SEED_TARGET = 8.0  # ours at least this many times faster than the seed's design
TODAY_TARGET = 2.0  # ours at least this many times faster than Keras' fit on the built-in corpus
SEED_SIZED_VALUES = 230  # about the seed's solo: 169 training windows of 30


def seed_windows() -> tuple[Any, str]:
    """The seed's solo window as a Corpus, or a seed-sized excerpt of the built-in corpus."""
    import jazzwidget
    from jazzwidget.music.corpus import Corpus

    if SEED_FILE.is_file():
        corpus = jazzwidget.load_corpus(SEED_FILE, melody="Guitar", start_beat=476,
                                        end_beat=548)
        return corpus, "the seed's solo (original_metheny.mid, beats 476-548)"
    pieces = []
    for piece in jazzwidget.load_corpus().pieces:
        pieces.append(piece)
        if len(Corpus(pieces)) >= SEED_SIZED_VALUES:
            break
    return Corpus(pieces), f"a seed-sized excerpt of the built-in corpus ({len(pieces)} pieces)"


def seed_model(n_values: int, n_a: int = 64, tx: int = 30) -> Any:
    """The exercise's ``djmodel`` in Keras 3: a 30-step loop over one shared LSTM cell."""
    from jazzwidget.model.network import keras_module

    keras = keras_module()
    reshapor = keras.layers.Reshape((1, n_values))
    lstm_cell = keras.layers.LSTM(n_a, return_state=True)
    densor = keras.layers.Dense(n_values, activation="softmax")
    x_in = keras.Input(shape=(tx, n_values))
    a0 = keras.Input(shape=(n_a,), name="a0")
    c0 = keras.Input(shape=(n_a,), name="c0")
    a, c = a0, c0
    outputs = []
    for t in range(tx):
        x = x_in[:, t, :]
        x = reshapor(x)
        a, _, c = lstm_cell(x, initial_state=[a, c])
        outputs.append(densor(a))
    model = keras.Model(inputs=[x_in, a0, c0], outputs=outputs)
    schedule = keras.optimizers.schedules.InverseTimeDecay(0.01, decay_steps=1, decay_rate=0.01)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule, beta_1=0.9,
                                                  beta_2=0.999),
                  loss="categorical_crossentropy", metrics=["accuracy"] * tx)
    return model


def time_seed_design(x: np.ndarray, y: np.ndarray, vocab_size: int, epochs: int) -> float:
    """Seconds to build and train the seed's design on windows (x, y) of ids."""
    eye = np.eye(vocab_size, dtype=np.float32)
    start = time.perf_counter()
    model = seed_model(vocab_size)
    m = len(x)
    zeros = np.zeros((m, 64), np.float32)
    model.fit([eye[x], zeros, zeros], [eye[y[:, t]] for t in range(x.shape[1])],
              epochs=epochs, verbose=0)
    return time.perf_counter() - start


def time_ours(corpus: Any, epochs: int, batch_size: int = 64) -> tuple[float, Any]:
    """Seconds to build a fresh JazzModel (defaults) and train it ``epochs`` epochs."""
    import jazzwidget

    start = time.perf_counter()
    model = jazzwidget.JazzModel(corpus.vocab, seed=0)
    model.fit(corpus, epochs=epochs, batch_size=batch_size, early_stopping=None)
    return time.perf_counter() - start, model


def time_keras_fit(corpus: Any, epochs: int) -> float:
    """Seconds for the same network trained by Keras' own ``fit``, as jazzwidget did before."""
    import jazzwidget
    from jazzwidget.music.corpus import TX

    start = time.perf_counter()
    model = jazzwidget.JazzModel(corpus.vocab, seed=0)
    windows = corpus.windows(TX, 0.1, model.vocab)
    eye = np.eye(len(model.vocab), dtype=np.float32)
    model.keras_model.fit(eye[windows.x_train], windows.y_train, epochs=epochs, batch_size=64,
                          validation_data=(eye[windows.x_val], windows.y_val), shuffle=True,
                          verbose=0)
    return time.perf_counter() - start


def training_figures(epochs: int = 100) -> tuple[list[tuple], bool, Any, float]:
    """Rows for bench's table (name, value, limit, ratio, ok), whether every target held, and
    our model on the built-in corpus with the seconds it took (bench/engine.py reads them)."""
    import jazzwidget
    from jazzwidget.music.corpus import TX

    corpus, source = seed_windows()
    windows = corpus.windows(TX, 0.1)
    seed_s = time_seed_design(windows.x_train, windows.y_train, len(corpus.vocab), epochs)
    ours_s, model = time_ours(corpus, epochs)
    ours32_s, _ = time_ours(corpus, epochs, batch_size=32)
    builtin = jazzwidget.load_corpus()
    keras_s = time_keras_fit(builtin, epochs)
    lean_s, builtin_model = time_ours(builtin, epochs)
    seed_ratio, seed32_ratio, today_ratio = seed_s / ours_s, seed_s / ours32_s, keras_s / lean_s
    shape = f"{len(windows.x_train)} windows of {TX}, vocabulary {len(corpus.vocab)}"
    record("training", {
        "epochs": epochs, "seed_windows": source, "seed_windows_shape": shape,
        "seed_design_s": seed_s, "ours_batch64_s": ours_s, "ours_batch32_s": ours32_s,
        "seed_over_ours": seed_ratio, "seed_over_ours_batch32": seed32_ratio,
        "builtin_keras_fit_s": keras_s, "builtin_ours_s": lean_s,
        "keras_fit_over_ours": today_ratio, "dropout": model.dropout,
        "final_loss_ours": model.history["loss"][-1],
    })
    seed_ok, today_ok = seed_ratio >= SEED_TARGET, today_ratio >= TODAY_TARGET
    rows = [
        (f"seed's design, {epochs} epochs on {shape} (s)", f"{seed_s:.1f}"),
        ("  ours, JazzModel.fit defaults, batch 64 (s)", f"{ours_s:.1f}",
         f">= {SEED_TARGET:.0f}x faster", f"{seed_ratio:.1f}x", seed_ok),
        ("  ours at the seed's batch of 32 (s)", f"{ours32_s:.1f}", "", f"{seed32_ratio:.1f}x"),
        (f"built-in corpus {epochs} epochs, Keras fit (s)", f"{keras_s:.1f}"),
        ("  ours, the lean loop (s)", f"{lean_s:.1f}", f">= {TODAY_TARGET:.0f}x faster",
         f"{today_ratio:.1f}x", today_ok),
    ]
    return rows, seed_ok and today_ok, builtin_model, lean_s


if __name__ == "__main__":
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    for row in training_figures()[0]:
        print(*row, sep="  ")
