"""``python -m bench``: what the live plot costs, and the quick-start flow's peak memory.

Prints one table (figure, limit, ratio, verdict) and exits 1 if a figure breaks its limit.

1. Training with and without `LivePlot`: 100 epochs each on the built-in corpus, headless (the
   FigureWidget exists, no front end). The two runs are interleaved in chunks (ABBA order) on one
   already-traced model, so that drift of a shared machine falls on both alike. Also the time
   spent inside the callback itself, a steadier figure than the difference of two wall times.
2. The quick-start notebook (notebooks/01_quickstart.ipynb, 100 epochs) executed by nbclient in
   a fresh ipykernel (bench/quickstart.py): the kernel's peak resident memory (``ru_maxrss``);
   the Jupyter server is not counted.
3. The first FigureWidget's cost in a fresh process, plain and with jazzwidget's lazy
   ``rfc3987_syntax`` (see ``jazzwidget/widgets/_plotly.py``).
4. The engine (bench/engine.py): the fresh model that item 5 trains 100 epochs on the built-in
   corpus (graph tracing included; limit 60 s, training loss down to 0.75x its first epoch's).
6. The inspect engine (bench/inspect_engine.py): tracing 600 steps x 64 units in numpy (limit
   1 s), against the one-hot product per step, and unit ordering on that trace.
5. Training speed (bench/training.py): our loop against a Keras 3 port of the seed's design on
   the seed's windows, and against Keras' own ``fit`` on the built-in corpus, side by side.
7. A model trained with the defaults (bench/generation.py): generation against the seed's
   unrolled Keras inference model, cold and warm; held-out cross-entropy against uniform,
   unigram and bigram baselines (and the engine's model, early stopping off); 20 clips at
   temperature 1 against the corpus (overlapped areas, longest copied run).
   Every figure also goes to bench/results.json.
8. The gate inspector (bench/inspector.py): trace + whole widget build for 600 steps x 64 units
   x 6 gates (limit 1 s), time from render to drawn heatmaps in headless Chromium (limit
   0.5 s), and cursor updates per second while a Player plays (at least 10).

Options: ``--epochs N`` (default 100), ``--chunks K`` (default 10, even), ``--quickstart-epochs``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass

from bench import engine, generation, inspect_engine, inspector, training

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

FIT_RATIO_LIMIT = 1.10
PEAK_RSS_LIMIT_MB = 1200.0


@dataclass
class Row:
    name: str
    value: str
    limit: str = ""
    ratio: str = ""
    ok: bool | None = None


def fit_overhead(epochs: int, chunks: int) -> tuple[list[Row], bool]:
    """Wall time of ``epochs`` epochs without and with LivePlot, interleaved ABBA in chunks."""
    import jazzwidget
    from jazzwidget.widgets.liveplot import LivePlot

    class TimedLivePlot(LivePlot):
        """LivePlot that adds up the seconds spent in its own hooks."""

        spent = 0.0

        def on_epoch_end(self, epoch, logs=None):
            start = time.perf_counter()
            super().on_epoch_end(epoch, logs)
            self.spent += time.perf_counter() - start

        def on_train_end(self, logs=None):
            start = time.perf_counter()
            super().on_train_end(logs)
            self.spent += time.perf_counter() - start

    corpus = jazzwidget.load_corpus()
    model = jazzwidget.JazzModel(corpus.vocab)
    plot = TimedLivePlot(show=False)
    model.fit(corpus, epochs=2, early_stopping=None)  # trace once; both conditions reuse it
    per_chunk = epochs // chunks
    order = [(False, True, True, False)[k % 4] for k in range(2 * chunks)]  # A B B A A B B A ...
    seconds = {False: 0.0, True: 0.0}
    for with_plot in order:
        start = time.perf_counter()
        model.fit(corpus, epochs=per_chunk, early_stopping=None,
                  callbacks=[plot] if with_plot else None)
        seconds[with_plot] += time.perf_counter() - start
    done = per_chunk * chunks
    ratio = seconds[True] / seconds[False]
    drawn = plot.plot.drawn().get("loss", 0)
    ok = ratio <= FIT_RATIO_LIMIT and drawn == done
    rows = [
        Row(f"fit {done} epochs, no plot (s)", f"{seconds[False]:.1f}"),
        Row(f"fit {done} epochs, LivePlot (s)", f"{seconds[True]:.1f}",
            f"<= {FIT_RATIO_LIMIT:.2f}x", f"{ratio:.3f}", ok),
        Row("  time inside LivePlot (s)", f"{plot.spent:.3f}", "",
            f"{plot.spent / seconds[False]:.3%}"),
        Row("  figure updates / points drawn", f"{plot.plot.updates} / {drawn}", f"{done} points",
            "", drawn == done),
    ]
    return rows, ok


def quickstart_memory(epochs: int) -> tuple[list[Row], bool, str]:
    """Peak RSS of the kernel that ran the quick-start notebook (bench/quickstart.py)."""
    out = subprocess.run([sys.executable, "-m", "bench.quickstart", "--epochs", str(epochs)],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    peak, trained = result["peak_rss_mb"], result.get("epochs_trained")
    ok = peak < PEAK_RSS_LIMIT_MB
    steps = ", ".join(f"{name} {sec:g}" for name, sec in result["steps"].items())
    rows = [Row("quick-start notebook, kernel peak RSS (MB)", f"{peak:.0f}",
                f"< {PEAK_RSS_LIMIT_MB:.0f}", f"{peak / PEAK_RSS_LIMIT_MB:.2f}", ok),
            Row("  notebook cells (s) / epochs trained", f"{result['notebook_s']:.1f} / {trained}",
                f"1-{epochs} (keep-best)", "", bool(trained) and 1 <= trained <= epochs),
            Row("  Jupyter server RSS", "not counted")]
    return (rows, ok and bool(trained) and 1 <= trained <= epochs,
            f"quick-start steps (s): {steps}")


FIRST_FIGURE = """
import time
start = time.perf_counter()
if {lazy}:
    from jazzwidget.widgets._plotly import figure_widget_class
    figure_widget_class()()
else:
    import plotly.graph_objects as go
    go.FigureWidget()
print(time.perf_counter() - start)
"""


def first_figure() -> list[Row]:
    def run(lazy: bool) -> float:
        code = FIRST_FIGURE.format(lazy=lazy)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True)
        return float(out.stdout.split()[-1])

    plain, lazy = run(False), run(True)
    return [
        Row("first FigureWidget, plain import (s)", f"{plain:.2f}"),
        Row("first FigureWidget, jazzwidget (s)", f"{lazy:.2f}", "", f"{lazy / plain:.2f}"),
    ]


def jazzwidget_corpus():
    """The built-in corpus, which the engine's model was trained on."""
    import jazzwidget

    return jazzwidget.load_corpus()


def print_table(rows: list[Row]) -> None:
    header = Row("figure", "value", "limit", "ratio")
    widths = [max(len(getattr(r, f)) for r in [header, *rows]) for f in ("name", "value",
                                                                          "limit", "ratio")]
    def line(row: Row, verdict: str) -> str:
        cells = [row.name.ljust(widths[0]), row.value.rjust(widths[1]),
                 row.limit.ljust(widths[2]), row.ratio.rjust(widths[3]), verdict]
        return "  ".join(cells).rstrip()

    print(line(header, "ok"))
    print("  ".join("-" * w for w in widths) + "  --")
    for row in rows:
        print(line(row, {True: "yes", False: "NO", None: ""}[row.ok]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--chunks", type=int, default=10)
    parser.add_argument("--quickstart-epochs", type=int, default=100)
    args = parser.parse_args(argv)
    if args.chunks % 2 or args.epochs % args.chunks:
        parser.error("--chunks must be even and divide --epochs")
    started = time.perf_counter()
    rows: list[Row] = []
    memory_rows, memory_ok, steps = quickstart_memory(args.quickstart_epochs)
    rows += first_figure()
    fit_rows, fit_ok = fit_overhead(args.epochs, args.chunks)
    rows += fit_rows + memory_rows
    training_rows, training_ok, model, seconds = training.training_figures(args.epochs)
    train_rows, train_ok = engine.train_figures(model, seconds)
    rows += [Row(*row) for row in train_rows]
    generation_rows, generation_ok = generation.figures(jazzwidget_corpus(), unstopped=model)
    rows += [Row(*row) for row in generation_rows]
    inspect_rows, inspect_ok = inspect_engine.model_figures(model)
    rows += [Row(*row) for row in inspect_rows]
    rows += [Row(*row) for row in training_rows]
    inspector_rows, inspector_ok = inspector.figures()
    rows += [Row(*row) for row in inspector_rows]
    print_table(rows)
    print(f"\n{steps}")
    print(f"(bench took {time.perf_counter() - started:.0f} s; Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs)")
    return 0 if (fit_ok and memory_ok and train_ok and training_ok and inspect_ok
                 and generation_ok and inspector_ok) else 1


if __name__ == "__main__":
    sys.exit(main())
