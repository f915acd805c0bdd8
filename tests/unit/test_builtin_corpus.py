"""The built-in corpus (jazzwidget/music/data): original CC0 choruses the package ships.

The files are read with pretty_midi directly, so these tests hold the files to what the issue asks
of them (size, rhythm grid, harmony, phrasing, format) whatever the package's own reader does.
"""

from __future__ import annotations

import importlib.resources
import itertools
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pretty_midi
import pytest

from jazzwidget.music.harmony import Chord, parse_chord

DATA = importlib.resources.files("jazzwidget.music") / "data"
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_corpus.py"
FORM_BARS = (8, 12, 16)  # chorus lengths of the tunes: rhythm-changes A, blues, ii-V-I cycle
EPS = 1e-3  # beats


@dataclass
class Shipped:
    """One corpus file, in beats."""

    name: str
    tempo: float
    notes: list[tuple[float, float, int]]  # (onset, duration, pitch), time order
    chords: list[tuple[float, str]]  # (onset, symbol), time order
    length: float  # beats, up to the end of the last chord

    def chord_at(self, beat: float) -> Chord:
        symbol = self.chords[0][1]
        for onset, sym in self.chords:
            if onset <= beat + EPS:
                symbol = sym
        return parse_chord(symbol)

    @property
    def bars(self) -> int:
        return round(self.length / 4)

    def form_bars(self) -> int | None:
        """The shortest chorus length whose chords repeat through the whole piece."""
        beats = [self.chord_at(b).symbol for b in range(self.bars * 4)]
        for form in FORM_BARS:
            period = form * 4
            if self.bars % form == 0 and all(
                beats[i] == beats[i % period] for i in range(len(beats))
            ):
                return form
        return None

    @property
    def choruses(self) -> int:
        form = self.form_bars()
        return self.bars // form if form else 0

    def rests(self) -> list[float]:
        """Silences between consecutive melody notes, in beats."""
        return [b[0] - (a[0] + a[1]) for a, b in itertools.pairwise(self.notes)]


def on_grid(beats: float) -> bool:
    """A multiple of a sixteenth (1/4 beat) or of an eighth-note triplet (1/3 beat)."""
    return any(abs(beats * d - round(beats * d)) < EPS * d for d in (4, 3))


def is_strong(beat: float) -> bool:
    """Beats 1 and 3 of a 4/4 bar."""
    return abs(beat - round(beat)) < EPS and round(beat) % 2 == 0


def files() -> list[Path]:
    return sorted(Path(str(p)) for p in DATA.iterdir() if p.name.endswith(".mid"))


def read(path: Path) -> Shipped:
    pm = pretty_midi.PrettyMIDI(str(path))
    _, tempi = pm.get_tempo_changes()
    assert len(tempi) == 1, f"{path.name}: one tempo expected, found {list(tempi)}"
    tempo = float(tempi[0])
    per_beat = tempo / 60.0
    by_name = {inst.name: inst for inst in pm.instruments}
    melody = by_name["Melody"]
    notes = sorted(
        (n.start * per_beat, (n.end - n.start) * per_beat, n.pitch) for n in melody.notes
    )
    chords = [(t.time * per_beat, t.text) for t in sorted(pm.text_events, key=lambda t: t.time)]
    length = max(n.end for n in by_name["Chords"].notes) * per_beat
    return Shipped(path.stem, tempo, notes, chords, length)


@pytest.fixture(scope="module")
def corpus() -> list[Shipped]:
    paths = files()
    assert paths, f"no MIDI files in {DATA}: run `make corpus`"
    return [read(p) for p in paths]


def test_files_are_small_and_named_by_tune() -> None:
    paths = files()
    assert sum(p.stat().st_size for p in paths) < 200_000
    for path in paths:
        tune, _, number = path.stem.rpartition("_")
        assert tune and number.isdigit(), path.name


def test_format_the_reader_depends_on() -> None:
    for path in files():
        pm = pretty_midi.PrettyMIDI(str(path))
        assert [(ts.numerator, ts.denominator) for ts in pm.time_signature_changes] == [(4, 4)]
        _, tempi = pm.get_tempo_changes()
        assert 120 <= tempi[0] <= 160
        assert 60e6 / tempi[0] == int(60e6 / tempi[0]), "tempo not exact in a MIDI file"
        programs = {inst.name: inst.program for inst in pm.instruments}
        assert programs["Melody"] in (66, 11)
        assert programs["Chords"] == 4
        assert programs["Bass"] == 32
        assert all(not inst.is_drum for inst in pm.instruments)
        assert pm.text_events and pm.text_events[0].time == 0.0


def test_every_chord_symbol_parses_and_chords_cover_the_piece(corpus: list[Shipped]) -> None:
    for piece in corpus:
        for _, symbol in piece.chords:
            parse_chord(symbol)  # raises ChordError on a symbol it cannot read
        assert abs(piece.length - piece.bars * 4) < EPS, piece.name
        assert all(n[0] + n[1] <= piece.length + EPS for n in piece.notes), piece.name


def test_enough_choruses_and_notes(corpus: list[Shipped]) -> None:
    for piece in corpus:
        assert piece.form_bars() in FORM_BARS, f"{piece.name}: chords do not repeat as a form"
        assert 1 <= piece.choruses <= 3, piece.name
    assert sum(p.choruses for p in corpus) >= 24
    assert sum(len(p.notes) for p in corpus) >= 2000


def test_several_progressions_and_keys(corpus: list[Shipped]) -> None:
    forms = {tuple(p.chord_at(b).symbol for b in range((p.form_bars() or 0) * 4)) for p in corpus}
    keys = {p.chord_at(0).root for p in corpus}
    assert len(forms) >= 5
    assert len(keys) >= 3
    assert {12, 8, 16} <= {p.form_bars() for p in corpus}


def test_melody_is_monophonic(corpus: list[Shipped]) -> None:
    for piece in corpus:
        onsets = [n[0] for n in piece.notes]
        assert all(b - a > EPS for a, b in itertools.pairwise(onsets)), piece.name
        assert min(piece.rests()) > -EPS, f"{piece.name}: overlapping melody notes"


def test_rhythm_on_sixteenth_and_triplet_grid(corpus: list[Shipped]) -> None:
    durations: Counter[float] = Counter()
    for piece in corpus:
        for onset, duration, _ in piece.notes:
            assert on_grid(duration), f"{piece.name}: duration {duration} beats off the grid"
            assert abs(onset * 12 - round(onset * 12)) < EPS * 12, f"{piece.name}: onset {onset}"
            durations[round(duration, 3)] += 1
        assert all(on_grid(rest) for rest in piece.rests() if rest > EPS), piece.name
    total = sum(durations.values())
    assert durations[0.333] >= 0.02 * total, "too few eighth-note triplets"
    assert durations[0.5] >= 0.4 * total, "eighth notes should carry the line"
    assert durations[1.0] + durations[1.5] + durations[2.0] >= 0.05 * total, "too few long notes"
    assert durations[0.5] <= 0.85 * total, "wall-to-wall eighths"


def test_phrases_separated_by_rests(corpus: list[Shipped]) -> None:
    silence = 0.0
    for piece in corpus:
        breaths = [r for r in piece.rests() if r >= 1 - EPS]
        assert len(breaths) >= 2 * piece.choruses, f"{piece.name}: too few rests between phrases"
        # no phrase (notes between rests of a beat or more) longer than about four bars
        start = piece.notes[0][0]
        for prev, nxt in itertools.pairwise(piece.notes):
            if nxt[0] - (prev[0] + prev[1]) >= 1 - EPS:
                assert prev[0] + prev[1] - start <= 18 + EPS, f"{piece.name}: phrase at {start}"
                start = nxt[0]
        silence += piece.length - sum(n[1] for n in piece.notes)
    share = silence / sum(p.length for p in corpus)
    assert 0.1 <= share <= 0.4


def test_chord_tones_on_strong_beats(corpus: list[Shipped]) -> None:
    strong = chord_tones = 0
    for piece in corpus:
        for onset, _, pitch in piece.notes:
            if is_strong(onset):
                strong += 1
                chord_tones += piece.chord_at(onset).pitch_type(pitch) == "C"
    assert strong >= 300
    assert chord_tones / strong >= 0.6


def test_bebop_line_shape(corpus: list[Shipped]) -> None:
    steps = leaps = moves = ends = ends_on_tones = 0
    for piece in corpus:
        assert all(55 <= n[2] <= 84 for n in piece.notes), f"{piece.name}: out of register"
        for prev, nxt in itertools.pairwise(piece.notes):
            gap = nxt[0] - (prev[0] + prev[1])
            if gap >= 1 - EPS:  # a phrase ends
                ends += 1
                ends_on_tones += piece.chord_at(prev[0]).pitch_type(prev[2]) == "C"
            elif gap < EPS:
                moves += 1
                interval = abs(nxt[2] - prev[2])
                steps += 1 <= interval <= 2
                leaps += interval > 7
    assert steps / moves >= 0.5, "a bebop line moves mostly by step"
    assert leaps / moves <= 0.03, "big leaps should be rare"
    assert ends_on_tones / ends >= 0.9, "phrases should end on chord tones"


def _music_in(path: Path) -> tuple:
    """What a file says musically (not its bytes, which a newer MIDI writer may change)."""
    pm = pretty_midi.PrettyMIDI(str(path))
    return (
        tuple(round(float(t), 3) for t in pm.get_tempo_changes()[1]),
        tuple((i.name, i.program, tuple((n.pitch, round(n.start, 6), round(n.end, 6),
                                         n.velocity) for n in i.notes))
              for i in pm.instruments),
        tuple((e.text, round(e.time, 6)) for e in pm.text_events),
    )


def test_generator_reproduces_the_shipped_files(tmp_path: Path) -> None:
    if not SCRIPT.exists():
        pytest.skip(f"the generator {SCRIPT} is not in this checkout")
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path), "--quiet"],
        check=True,
        timeout=120,
    )
    shipped = {p.name: _music_in(p) for p in files()}
    made = {p.name: _music_in(p) for p in tmp_path.glob("*.mid")}
    assert sorted(made) == sorted(shipped)
    changed = [name for name in shipped if made[name] != shipped[name]]
    assert not changed, f"run `make corpus` and commit: regenerated files differ: {changed}"
