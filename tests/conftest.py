"""Shared test helpers: the seed's file (never committed) and small hand-made pieces."""

from pathlib import Path

import pytest

SEED_FILE = Path(__file__).resolve().parents[2] / "shared" / "data" / "original_metheny.mid"


@pytest.fixture
def seed_file() -> Path:
    """The seed's training MIDI, read from ../shared/data (it may not be shipped)."""
    if not SEED_FILE.is_file():
        pytest.skip(f"the seed's file is not at {SEED_FILE} (it is never committed; tests that "
                    f"need it run only where ../shared/data holds it)")
    return SEED_FILE
