"""Engine figures: training time and loss on the built-in corpus, and generation with the numpy
step against the same network stepped by Keras (the seed's way of sampling, eagerly)."""

from __future__ import annotations

import time

import numpy as np

TRAIN_LIMIT_S = 60.0


def train_figures(epochs: int) -> tuple[list[tuple], bool, object]:
    """Build and train a fresh model (graph tracing included); returns rows, ok, the model."""
    import jazzwidget

    corpus = jazzwidget.load_corpus()
    start = time.perf_counter()
    model = jazzwidget.JazzModel(corpus.vocab)
    model.fit(corpus, epochs=epochs, early_stopping=None)
    seconds = time.perf_counter() - start
    loss = model.history["loss"]
    fell = loss[-1] / loss[0]
    ok = seconds < TRAIN_LIMIT_S and fell <= 0.5 and "val_loss" in model.history
    rows = [
        (f"train {epochs} epochs, built-in corpus (s)", f"{seconds:.1f}",
         f"< {TRAIN_LIMIT_S:.0f}", f"{seconds / TRAIN_LIMIT_S:.2f}", seconds < TRAIN_LIMIT_S),
        ("  training loss first -> last", f"{loss[0]:.2f} -> {loss[-1]:.2f}", "<= 0.5x",
         f"{fell:.2f}", fell <= 0.5),
        ("  validation loss first -> last",
         f"{model.history['val_loss'][0]:.2f} -> {model.history['val_loss'][-1]:.2f}"),
    ]
    return rows, ok, model


def keras_sample(model, steps: int, seed: int = 0) -> list[int]:
    """Sample ``steps`` values by calling the Keras LSTM cell and Dense layer once per step."""
    import keras

    cell = model.keras_model.get_layer("lstm").cell
    dense = model.keras_model.get_layer("next_value")
    rng = np.random.default_rng(seed)
    vocab = len(model.vocab)
    x = np.zeros((1, vocab), np.float32)
    state = [np.zeros((1, model.n_a), np.float32), np.zeros((1, model.n_a), np.float32)]
    out = []
    for _ in range(steps):
        h, state = cell(x, state)
        p = keras.ops.convert_to_numpy(dense(h))[0].astype(np.float64)
        index = int(rng.choice(vocab, p=p / p.sum()))
        out.append(index)
        x = np.zeros((1, vocab), np.float32)
        x[0, index] = 1
    return out


def chord_tone_share(clip) -> float:
    """Share of the clip's note onsets that are chord tones of the chord sounding then."""
    from jazzwidget.music.harmony import parse_chord
    from jazzwidget.music.progression import Progression

    chord_at = Progression.from_spans(clip.chords).at
    return float(np.mean([n.pitch % 12 in parse_chord(chord_at(n.start)).tones
                          for n in clip.notes]))


def generation_figures(model, clips: int = 20) -> list[tuple]:
    start = time.perf_counter()
    generated = [model.generate(seconds=15, seed=k) for k in range(clips)]
    numpy_ms = (time.perf_counter() - start) / clips * 1000
    lengths = [len(clip.values) for clip in generated]
    share = np.mean([chord_tone_share(clip) for clip in generated])
    steps = int(np.mean(lengths))
    keras_sample(model, 2)  # first call builds the eager functions
    start = time.perf_counter()
    keras_sample(model, steps)
    keras_ms = (time.perf_counter() - start) * 1000
    return [
        (f"chord tones among note onsets, {clips} clips at T=1", f"{share:.0%}", ">= 50%", "",
         share >= 0.5),
        (f"generate a 15 s clip, numpy step ({steps} values, ms)", f"{numpy_ms:.1f}"),
        ("  same values, Keras cell stepped eagerly (ms)", f"{keras_ms:.0f}", "",
         f"{keras_ms / numpy_ms:.0f}x slower"),
    ]
