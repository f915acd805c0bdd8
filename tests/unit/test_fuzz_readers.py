"""Fuzzing the readers: mutations of valid MIDI, MusicXML and ABC bytes (hypothesis).

Whatever the bytes, `load_corpus`, `Clip.from_file` and the Player either read music or raise a
`JazzwidgetError` (one line, naming the file); no other exception escapes. `make test` runs
2,050 cases, the same ones each time; `make fuzz` sets ``JAZZWIDGET_FUZZ_SCALE`` (default 1)
to run that many times more, with fresh random cases.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from data import badfiles
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jazzwidget.errors import JazzwidgetError
from jazzwidget.music.clip import Clip
from jazzwidget.music.corpus import load_corpus
from jazzwidget.widgets.player import Player

SCALE = max(1, int(os.environ.get("JAZZWIDGET_FUZZ_SCALE", "1")))
# Per run of `make test`: 2,050 cases. music21 takes about 0.2-0.5 s of CPU a file, the MIDI
# reader a few milliseconds: most cases are MIDI.
CASES = {"midi": 1850, "musicxml": 100, "abc": 100}
SEEDS = {"midi": (".mid", badfiles.GOOD_MIDI), "musicxml": (".musicxml", badfiles.GOOD_MUSICXML),
         "abc": (".abc", badfiles.GOOD_ABC)}
READERS: dict[str, Callable[[Path], object]] = {
    "load_corpus": load_corpus, "Clip.from_file": Clip.from_file, "Player": Player}
FOLDER = Path(tempfile.mkdtemp(prefix="jazzwidget-fuzz-"))


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` after one to eight edits: flipped bits, new bytes, cut or repeated ranges,
    interesting numbers written over it, or a cut-off end."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            data.extend(draw(st.binary(min_size=1, max_size=16)))
            continue
        at = draw(st.integers(0, len(data) - 1))
        kind = draw(st.sampled_from(["flip", "byte", "insert", "delete", "repeat", "number",
                                     "digit", "truncate"]))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "byte":
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 32))]
        elif kind == "repeat":
            data[at:at] = data[at:at + draw(st.integers(1, 64))] * draw(st.integers(1, 4))
        elif kind == "number":  # the extremes of the lengths and values these formats hold
            value = draw(st.sampled_from([0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFFFFFF,
                                          0xFFFFFFFF]))
            width = draw(st.sampled_from([1, 2, 4]))
            data[at:at + width] = (value & (256 ** width - 1)).to_bytes(width, "big")
        elif kind == "digit":  # text formats: a number becomes another (0, huge, negative)
            data[at:at + 1] = draw(st.sampled_from([b"0", b"9999999", b"-1", b"1e308", b"nan"]))
        else:
            del data[at:]
    return bytes(data)


def check(kind: str, data: bytes, reader: str) -> None:
    suffix, _ = SEEDS[kind]
    path = FOLDER / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        READERS[reader](path)
    except JazzwidgetError as error:
        message = str(error)
        assert message and "\n" not in message, message
        assert path.name in message or "window" in message or "beats" in message, message


def fuzz_settings(kind: str) -> settings:
    return settings(max_examples=CASES[kind] * SCALE, deadline=None, database=None,
                    derandomize=SCALE == 1, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("kind", list(SEEDS))
def test_the_seed_files_read(kind):
    suffix, data = SEEDS[kind]
    path = FOLDER / f"seed{suffix}"
    path.write_bytes(data)
    assert len(load_corpus(path).pieces[0].notes) > 10
    assert len(Player(path).clip.notes) > 10


@fuzz_settings("midi")
@given(data=mutated(badfiles.GOOD_MIDI), reader=st.sampled_from(list(READERS)))
def test_mutated_midi_reads_or_raises_our_error(data, reader):
    check("midi", data, reader)


@fuzz_settings("musicxml")
@given(data=mutated(badfiles.GOOD_MUSICXML), reader=st.sampled_from(list(READERS)))
def test_mutated_musicxml_reads_or_raises_our_error(data, reader):
    check("musicxml", data, reader)


@fuzz_settings("abc")
@given(data=mutated(badfiles.GOOD_ABC), reader=st.sampled_from(list(READERS)))
def test_mutated_abc_reads_or_raises_our_error(data, reader):
    check("abc", data, reader)
