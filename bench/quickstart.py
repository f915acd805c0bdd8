"""The real quick-start notebook in a real kernel, reporting the kernel's peak resident memory.

``python -m bench.quickstart`` executes ``notebooks/01_quickstart.ipynb`` cell by cell with
nbclient in a fresh ipykernel (kernelspec ``python3``, working directory ``notebooks/``), exactly
as a reader runs it: the default 100 epochs (``JAZZWIDGET_EPOCHS`` is set to ``--epochs``,
default 100, for the kernel), a headless ``LivePlot``, the players and the Studio. Then it runs
one extra cell in the same kernel that prints the kernel's ``resource.getrusage(RUSAGE_SELF)
.ru_maxrss`` (KiB on Linux, bytes on macOS) and ``VmHWM`` from ``/proc/self/status`` (Linux
only; the high-water mark of the kernel's own address space, not inherited across fork) as JSON.

The last stdout line is one JSON object: ``steps`` (wall seconds of each code cell, named after
what it does, e.g. "load corpus", "train 100 epochs"), ``peak_rss_mb`` (the kernel's
``ru_maxrss``), ``vmhwm_mb``, ``epochs_trained`` (read from the notebook's ``model``, to show
that the full training ran), ``notebook_s`` (all cells) and ``kernel_start_s``.

What is *not* included: the Jupyter server and the browser. Binder's memory limit (2 GB, above
which it restarts the kernel) applies to the whole container, server included; but the server
stays near its idle size while the kernel is what grows (TensorFlow, the model, the widgets), so
the kernel's peak is the figure the 1.2 GB budget is about.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "01_quickstart.ipynb"

PROBE = """\
import json as _json, resource as _resource, sys as _sys
_peak = _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss
_peak_mb = _peak / 2**20 if _sys.platform == "darwin" else _peak / 1024
_hwm_mb = None
try:
    for _line in open("/proc/self/status"):
        if _line.startswith("VmHWM:"):
            _hwm_mb = int(_line.split()[1]) / 1024
except OSError:
    pass
_model = globals().get("model")
print(_json.dumps({"peak_rss_mb": round(_peak_mb, 1),
                   "vmhwm_mb": None if _hwm_mb is None else round(_hwm_mb, 1),
                   "epochs_trained": getattr(_model, "epochs_trained", None)}))
"""

# (text in the cell's source, name of the step); the first match names the cell
STEP_NAMES = [
    ("load_corpus(", "load corpus"),
    (".fit(", "train {epochs} epochs"),
    ("chords=", "generate over chords + player"),
    (".generate(", "generate + player"),
    (".audio()", "render audio"),
    ("Studio(", "Studio"),
    ("import jazzwidget", "import"),
]


def step_name(source: str, epochs: int, taken: dict[str, float]) -> str:
    """A short name for a code cell, unique among ``taken``."""
    name = next((label for text, label in STEP_NAMES if text in source), "cell")
    name = name.format(epochs=epochs)
    unique, count = name, 1
    while unique in taken:
        count += 1
        unique = f"{name} {count}"
    return unique


def cell_text(outputs: list) -> str:
    """The text a cell printed to stdout."""
    return "".join(out.get("text", "") for out in outputs
                   if out.get("output_type") == "stream" and out.get("name") == "stdout")


def run_notebook(path: Path, epochs: int, timeout: int) -> dict:
    """Execute ``path`` cell by cell in a fresh kernel; time each cell, then probe its memory."""
    import nbformat
    from nbclient import NotebookClient

    os.environ["JAZZWIDGET_EPOCHS"] = str(epochs)  # the kernel inherits this environment
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    steps: dict[str, float] = {}
    start = time.perf_counter()
    with client.setup_kernel():
        kernel_start = time.perf_counter() - start
        begun = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            clock = time.perf_counter()
            client.execute_cell(cell, index)
            steps[step_name(cell.source, epochs, steps)] = round(time.perf_counter() - clock, 2)
        notebook_s = time.perf_counter() - begun
        probe = nbformat.v4.new_code_cell(PROBE)
        nb.cells.append(probe)
        client.execute_cell(probe, len(nb.cells) - 1)
    memory = json.loads(cell_text(probe.outputs).strip().splitlines()[-1])
    return {"steps": steps, **memory, "notebook_s": round(notebook_s, 1),
            "kernel_start_s": round(kernel_start, 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=100,
                        help="JAZZWIDGET_EPOCHS for the kernel (default 100, the notebook's own)")
    parser.add_argument("--notebook", type=Path, default=NOTEBOOK)
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    args = parser.parse_args(argv)
    print(json.dumps(run_notebook(args.notebook.resolve(), args.epochs, args.timeout)))


if __name__ == "__main__":
    main()
