"""Inspect-engine figures: tracing 600 steps x 64 units in numpy (the inspector's budget is
1 s for trace and figures together), with the input projection taken as rows of W against the
one-hot product per step, side by side; and the inspection's own numbers over that trace.

``python -m bench.inspect_engine`` runs it alone on random weights (timings do not depend on
what the weights learned); ``python -m bench`` runs it on the model it trained.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

TRACE_LIMIT_MS = 1000.0
STEPS, UNITS = 600, 64


def _best_ms(run: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` runs (the least disturbed by a busy machine), in ms."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def _one_hot_trace(weights, ids) -> np.ndarray:
    """The same replay through `lstm_step`, multiplying a one-hot x by W at every step."""
    from jazzwidget.model.step import lstm_step, one_hot

    h, c, x = np.zeros(weights.n_a), np.zeros(weights.n_a), np.zeros(weights.vocab_size)
    rows = []
    for index in ids:
        gates = lstm_step(x, h, c, weights)
        *_, c, h = gates
        rows.append(gates)
        x = one_hot(index, weights.vocab_size)
    return np.array(rows, dtype=np.float32)


def figures(weights, vocab, corpus=None, repeats: int = 5) -> list[tuple]:
    """Rows (name, value, limit, ratio, ok) for bench/__main__.py's table."""
    from jazzwidget.inspect import explain, find_units, passage_clip, unit_order
    from jazzwidget.model.trace import run_trace

    rng = np.random.default_rng(0)
    ids = rng.integers(0, weights.vocab_size, STEPS)
    # interleaved, so that a busy machine slows both alike
    ours, one_hot = [], []
    for _ in range(repeats):
        ours.append(_best_ms(lambda: run_trace(weights, ids), 1))
        one_hot.append(_best_ms(lambda: _one_hot_trace(weights, ids), 1))
    trace = run_trace(weights, ids)
    assert np.allclose(_one_hot_trace(weights, ids)[:, 5], trace.h)  # the same numbers
    trace_ms, one_hot_ms = min(ours), min(one_hot)
    shape = f"{STEPS} steps x {weights.n_a} units"
    rows = [
        (f"trace {shape}, numpy (ms)", f"{trace_ms:.0f}", f"< {TRACE_LIMIT_MS:.0f}",
         f"{trace_ms / TRACE_LIMIT_MS:.2f}", trace_ms < TRACE_LIMIT_MS),
        ("  same, one-hot x @ W each step (ms)", f"{one_hot_ms:.0f}", "",
         f"{one_hot_ms / trace_ms:.2f}x slower"),
    ]
    for by in ("variance", "similarity"):
        ms = _best_ms(lambda by=by: unit_order(trace, by), repeats)
        rows.append((f"  unit order by {by}, {shape} (ms)", f"{ms:.1f}"))
    ms = _best_ms(lambda: find_units(trace, 100, 110), repeats)
    rows.append((f"  find units in 10 steps of {STEPS} (ms)", f"{ms:.2f}"))
    if corpus is not None:
        clip = passage_clip(corpus, 0)
        from jazzwidget.model.trace import trace_values

        clip_trace = trace_values(weights, vocab, clip)
        ms = _best_ms(lambda: explain(clip_trace, clip), repeats)
        rows.append((f"  explain one piece ({clip_trace.steps} steps, ms)", f"{ms:.1f}"))
    return rows


def model_figures(model) -> tuple[list[tuple], bool]:
    """`figures` for a trained JazzModel on the built-in corpus: rows, and whether all hold."""
    from jazzwidget.music.corpus import load_corpus

    rows = figures(model.weights, model.vocab, load_corpus())
    return rows, all(row[4] for row in rows if len(row) > 4)


def main() -> None:
    from bench.__main__ import Row, print_table
    from jazzwidget.model.step import LSTMWeights
    from jazzwidget.music.corpus import load_corpus

    corpus = load_corpus()
    rng = np.random.default_rng(1)
    v, n = len(corpus.vocab), UNITS
    weights = LSTMWeights(rng.normal(0, 0.3, (v, 4 * n)), rng.normal(0, 0.3, (n, 4 * n)),
                          rng.normal(0, 0.1, 4 * n), rng.normal(0, 0.3, (n, v)), np.zeros(v))
    print_table([Row(*row) for row in figures(weights, corpus.vocab, corpus)])


if __name__ == "__main__":
    main()
