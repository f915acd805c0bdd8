"""The demo notebooks run top to bottom (nbclient, in a fresh kernel) with few epochs."""

from pathlib import Path

import nbformat
import pytest
from data import badfiles
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_clean(path, monkeypatch, tmp_path):
    monkeypatch.setenv("JAZZWIDGET_EPOCHS", "3")
    # "Your own music" reads a file the tests make: a lead sheet over a bass, in 3/4.
    own = tmp_path / "my_waltz.mid"
    own.write_bytes(badfiles.lead_sheet_midi(bars=16, meter=(3, 4), bpm=140))
    monkeypatch.setenv("JAZZWIDGET_MY_FILE", str(own))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    notebook = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), \
        "notebooks are kept in git with their outputs cleared"
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [out for cell in notebook.cells for out in cell.get("outputs", [])
              if out.output_type == "error"]
    assert not errors
    widgets = [out for cell in notebook.cells for out in cell.get("outputs", [])
               if "application/vnd.jupyter.widget-view+json" in out.get("data", {})]
    assert widgets, "the notebook shows its widgets"


def test_there_are_notebooks():
    assert any(p.name == "01_quickstart.ipynb" for p in NOTEBOOKS)
