"""The quick-start flow in one process, reporting its peak resident memory (run as a subprocess).

``python -m bench.quickstart --epochs 20`` prints one JSON line: the seconds of each step and
``peak_rss_mb`` from ``resource.getrusage`` (ru_maxrss, kilobytes on Linux).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024  # bytes on macOS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    steps: dict[str, float] = {}
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        steps[name] = round(now - clock, 2)
        clock = now

    import jazzwidget

    corpus = jazzwidget.load_corpus()
    step("load corpus")
    model = jazzwidget.JazzModel(corpus.vocab)
    step("build model")
    model.fit(corpus, epochs=args.epochs, callbacks=[jazzwidget.LivePlot(show=False)])
    step(f"train {args.epochs} epochs")
    clip = model.generate(seconds=15, seed=1)
    step("generate")
    with tempfile.TemporaryDirectory() as folder:
        clip.to_wav(Path(folder) / "clip.wav")
    step("render WAV")
    jazzwidget.Studio()
    step("build Studio")
    print(json.dumps({"steps": steps, "peak_rss_mb": round(peak_rss_mb(), 1)}))


if __name__ == "__main__":
    main()
