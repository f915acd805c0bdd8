"""bench/results.json: every figure of `make bench`, one top-level key per benchmark part.

Parts are written by different modules (and people): each call reads the file, replaces only
its own key and writes the file back, so the other keys stay as they were.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results.json"


def record(key: str, figures: dict[str, Any], path: Path = RESULTS) -> None:
    """Replace ``key`` in the results file with ``figures`` (read-modify-write)."""
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            data = json.loads(path.read_text())
        except json.JSONDecodeError:
            data = {}
    data[key] = figures
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(data, indent=2, sort_keys=True, default=float) + "\n")
    os.replace(temporary, path)
