"""Generation, held-out cross-entropy and musical checks of a model trained with the defaults.

1. **Generation speed** against the seed's way: a Keras 3 port of the exercise's
   ``music_inference_model`` (one shared ``LSTM(n_a, return_state=True)`` cell and ``Dense``
   softmax unrolled over Ty steps, each output's argmax one-hot fed back through
   ``RepeatVector(1)``) and its ``predict_and_sample`` (``predict`` then argmax and
   ``to_categorical``), loaded with our trained weights. Ours: ``JazzModel.generate`` at
   temperature 0 from a zero input (the seed's setting), which also realizes the values into
   a clip. Ty is the number of values our clip has, and the two must pick the same ids (the
   port is checked, not only timed). *Cold* is the first call, building and tracing included;
   *warm* the median of later calls.
2. **Held-out cross-entropy** of a model trained with every default (dropout, early
   stopping) against a uniform guess, a unigram and a bigram on the same targets
   (`JazzModel.evaluate`, `jazzwidget.model.baselines`); beside it the engine's model, trained
   every epoch with early stopping off, whose rising validation loss is memorization.
3. **Musical checks** at temperature 1: 20 clips of 15 s against corpus excerpts of the same
   length (`jazzwidget.metrics.clip_report`): overlapped area >= 0.7 for the pitch-class and
   note-length histograms; median longest copied run <= 8 values.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np

from bench.results import record

COLD_TARGET = 100.0
WARM_TARGET = 10.0
BIGRAM_TARGET = 0.95
OVERLAP_TARGET = 0.7
COPIED_RUN_TARGET = 8
WARM_CALLS = 5


def music_inference_model(lstm_cell: Any, densor: Any, n_values: int, n_a: int, ty: int) -> Any:
    """The seed's unrolled inference model, in Keras 3 (``keras.ops`` for its tf.math ops)."""
    import keras

    x0 = keras.Input(shape=(1, n_values))
    a0 = keras.Input(shape=(n_a,))
    c0 = keras.Input(shape=(n_a,))
    a, c, x = a0, c0, x0
    outputs = []
    for _ in range(ty):
        a, _, c = lstm_cell(x, initial_state=[a, c])
        out = densor(a)
        outputs.append(out)
        x = keras.ops.one_hot(keras.ops.argmax(out, axis=-1), n_values)
        x = keras.layers.RepeatVector(1)(x)
    return keras.Model(inputs=[x0, a0, c0], outputs=outputs)


def predict_and_sample(inference_model: Any, n_values: int, n_a: int
                       ) -> tuple[np.ndarray, np.ndarray]:
    """The seed's ``predict_and_sample``: zero initializers, argmax indices, one-hot results."""
    import keras

    x_init = np.zeros((1, 1, n_values), np.float32)
    a_init = np.zeros((1, n_a), np.float32)
    c_init = np.zeros((1, n_a), np.float32)
    pred = inference_model.predict([x_init, a_init, c_init], verbose=0)
    indices = np.argmax(np.array(pred), axis=-1)
    results = keras.utils.to_categorical(indices, num_classes=n_values)
    return results, indices


def seed_generator(model: Any, ty: int) -> Any:
    """Build the seed's layers with the model's trained weights; returns a sampler."""
    import keras

    n_values, n_a = len(model.vocab), model.n_a
    lstm_cell = keras.layers.LSTM(n_a, return_state=True)
    densor = keras.layers.Dense(n_values, activation="softmax")
    inference = music_inference_model(lstm_cell, densor, n_values, n_a, ty)
    w = model.weights
    lstm_cell.set_weights([w.W.astype(np.float32), w.U.astype(np.float32),
                           w.b.astype(np.float32)])
    densor.set_weights([w.Wy.astype(np.float32), w.by.astype(np.float32)])
    return lambda: predict_and_sample(inference, n_values, n_a)[1].ravel()


def _ours(model: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    clip = model.generate(seconds=15, temperature=0, seed=0, prime=[])
    return time.perf_counter() - start, clip


def speed(model: Any) -> tuple[list[tuple], dict[str, Any], bool]:
    model._weights = None  # cold: the numpy weights are read from Keras again
    ours_cold, clip = _ours(model)
    ours_warm = statistics.median(_ours(model)[0] for _ in range(WARM_CALLS))
    ty = len(clip.values)
    start = time.perf_counter()
    sample = seed_generator(model, ty)
    seed_ids = sample()
    seed_cold = time.perf_counter() - start
    warm = []
    for _ in range(WARM_CALLS):
        start = time.perf_counter()
        sample()
        warm.append(time.perf_counter() - start)
    seed_warm = statistics.median(warm)
    index = {value: k for k, value in enumerate(model.vocab)}
    same = [index[v] for v in clip.values] == [int(k) for k in seed_ids]
    cold, hot = seed_cold / ours_cold, seed_warm / ours_warm
    ok = cold >= COLD_TARGET and hot >= WARM_TARGET and same
    rows = [
        (f"seed's inference model, {ty} values, cold (s)", f"{seed_cold:.2f}"),
        ("  ours (numpy step + realization), cold (ms)", f"{ours_cold * 1000:.1f}",
         f">= {COLD_TARGET:.0f}x", f"{cold:.0f}x", cold >= COLD_TARGET),
        ("seed's inference model, warm (ms)", f"{seed_warm * 1000:.1f}"),
        ("  ours, warm (ms)", f"{ours_warm * 1000:.1f}", f">= {WARM_TARGET:.0f}x",
         f"{hot:.0f}x", hot >= WARM_TARGET),
        ("  same argmax values as the seed's model", "yes" if same else "no", "", "", same),
    ]
    figures = {"values": ty, "seed_cold_s": seed_cold, "seed_warm_s": seed_warm,
               "ours_cold_s": ours_cold, "ours_warm_s": ours_warm, "cold_ratio": cold,
               "warm_ratio": hot, "same_values": same}
    return rows, figures, ok


def held_out(model: Any, corpus: Any, unstopped: Any = None
             ) -> tuple[list[tuple], dict[str, Any], bool]:
    """The model fit leaves with the defaults against the baselines (and, when given, a model
    trained every epoch with early stopping off, the engine's)."""
    from jazzwidget.model.baselines import baseline_scores

    scores = baseline_scores(corpus, model.vocab)
    scores["lstm"] = model.evaluate(corpus)
    bigram = scores["bigram"]["cross_entropy"]
    ratio = scores["lstm"]["cross_entropy"] / bigram
    ok = ratio <= BIGRAM_TARGET
    rows = [(f"held-out cross-entropy, {name} (nats/value)",
             f"{score['cross_entropy']:.3f}", "", f"{score['cross_entropy'] / bigram:.2f}")
            for name, score in scores.items() if name != "lstm"]
    rows.append((f"  LSTM, defaults (best epoch {model.best_epoch} of "
                 f"{model.epochs_trained})", f"{scores['lstm']['cross_entropy']:.3f}",
                 f"<= {BIGRAM_TARGET:.2f}x bigram", f"{ratio:.2f}", ok))
    rows.append(("  next-value accuracy, bigram / LSTM",
                 f"{scores['bigram']['accuracy']:.1%} / {scores['lstm']['accuracy']:.1%}"))
    figures = {"scores": scores, "lstm_vs_bigram": ratio, "best_epoch": model.best_epoch,
               "epochs_trained": model.epochs_trained, "dropout": model.dropout}
    if unstopped is not None:
        late = unstopped.evaluate(corpus)
        val = unstopped.history["val_loss"]
        low = int(np.nanargmin(val))
        rows.append((f"  LSTM, early stopping off ({unstopped.epochs_trained} epochs)",
                     f"{late['cross_entropy']:.3f}", "", f"{late['cross_entropy'] / bigram:.2f}"))
        rows.append(("    its validation loss: lowest (epoch) -> last",
                     f"{val[low]:.3f} ({low + 1}) -> {val[-1]:.3f}"))
        figures["early_stopping_off"] = {**late, "epochs_trained": unstopped.epochs_trained,
                                         "val_loss": val}
    return rows, figures, ok


def music(model: Any, corpus: Any, clips: int = 20) -> tuple[list[tuple], dict[str, Any], bool]:
    from jazzwidget.metrics import clip_report

    generated = [model.generate(seconds=15, temperature=1.0, seed=k) for k in range(clips)]
    report = clip_report(generated, corpus)
    pch = report["features"]["pitch_class_histogram"]["overlapped_area"]
    nlh = report["features"]["note_length_histogram"]["overlapped_area"]
    run = report["median_copied_run"]
    rows = [
        (f"{clips} clips at T=1 vs corpus excerpts: pitch-class hist. overlap", f"{pch:.2f}",
         f">= {OVERLAP_TARGET}", "", pch >= OVERLAP_TARGET),
        ("  note-length histogram overlap", f"{nlh:.2f}", f">= {OVERLAP_TARGET}", "",
         nlh >= OVERLAP_TARGET),
        ("  median longest copied run (values)", f"{run:g}", f"<= {COPIED_RUN_TARGET}",
         f"max {max(report['copied_runs'])}", run <= COPIED_RUN_TARGET),
        ("  chord-tone share, clips / corpus",
         f"{report['clips']['chord_tone_share']:.0%} / {report['corpus']['chord_tone_share']:.0%}"),
    ]
    figures = {
        "clips": clips, "excerpt_beats": report["excerpt_beats"],
        "excerpts": report["excerpts"], "features": report["features"],
        "copied_runs": report["copied_runs"], "median_copied_run": run,
        "chord_tone_share": {"clips": report["clips"]["chord_tone_share"],
                             "corpus": report["corpus"]["chord_tone_share"]},
        "value_types": {"clips": report["clips"]["value_types"],
                        "corpus": report["corpus"]["value_types"]},
    }
    return rows, figures, pch >= OVERLAP_TARGET and nlh >= OVERLAP_TARGET and \
        run <= COPIED_RUN_TARGET


def trained_with_defaults(corpus: Any, epochs: int = 100, seed: int = 0) -> Any:
    """A fresh model fitted with every default (dropout, early stopping) on ``corpus``."""
    import jazzwidget

    model = jazzwidget.JazzModel(corpus.vocab, seed=seed)
    model.fit(corpus, epochs=epochs)
    return model


def figures(corpus: Any, unstopped: Any = None, epochs: int = 100) -> tuple[list[tuple], bool]:
    """All three parts for a model trained with the defaults; records them in results.json.

    ``unstopped`` : a model of the same corpus trained every epoch (early stopping off), shown
    beside it in the held-out rows.
    """
    import subprocess

    start = time.perf_counter()
    model = trained_with_defaults(corpus, epochs)
    seconds = time.perf_counter() - start
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip()
    rows: list[tuple] = [(f"train with the defaults, up to {epochs} epochs (s)",
                          f"{seconds:.1f}")]
    ok = True
    for key, part in (("generation", lambda: speed(model)),
                      ("held_out", lambda: held_out(model, corpus, unstopped)),
                      ("music", lambda: music(model, corpus))):
        part_rows, part_figures, part_ok = part()
        record(key, {**part_figures, "commit": commit, "ok": part_ok})
        rows += part_rows
        ok = ok and part_ok
    return rows, ok
