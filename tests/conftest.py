"""Shared test helpers: the seed's file (never committed), a file made like it, and a fresh
Python to check what an import loads."""

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

SEED_FILE = Path(__file__).resolve().parents[2] / "shared" / "data" / "original_metheny.mid"
HEAVY = ("tensorflow", "keras", "plotly", "anywidget")


@pytest.fixture(autouse=True)
def _fresh_chord_cache() -> None:
    """`parse_chord` is cached: start each test with an empty cache, so that each test runs the
    chord reader it reads chords with (mutation testing relies on it)."""
    from jazzwidget.music.harmony import parse_chord

    parse_chord.cache_clear()


@pytest.fixture
def seed_file() -> Path:
    """The seed's training MIDI, read from ../shared/data (it may not be shipped)."""
    if not SEED_FILE.is_file():
        pytest.skip(f"the seed's file is not at {SEED_FILE} (it is never committed; tests that "
                    f"need it run only where ../shared/data holds it)")
    return SEED_FILE


@dataclass(frozen=True)
class Solo:
    """A multi-track MIDI with a "Guitar" solo over a "Piano" track, and the solo's beats."""

    path: Path
    start_beat: float
    end_beat: float


@pytest.fixture(params=["made", "seed"], scope="session")
def seed_solo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Solo:
    """Each check on the seed's file runs on a file made like it (tests/data/seedlike.py), so
    it runs on a fresh clone too, and on the seed's own file where ../shared/data holds it."""
    if request.param == "seed":
        if not SEED_FILE.is_file():
            pytest.skip(f"the seed's file is not at {SEED_FILE} (never committed)")
        return Solo(SEED_FILE, 476, 548)
    from tests.data.seedlike import SOLO, write_seedlike

    return Solo(write_seedlike(tmp_path_factory.mktemp("seedlike")), *SOLO)


def imported_by(code: str) -> list[str]:
    """Which of tensorflow, keras, plotly and anywidget a fresh Python holds after ``code``
    (a subprocess: this pytest process may have imported them for other tests)."""
    probe = f"{code}\nimport sys\nprint(*[m for m in {HEAVY!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()
