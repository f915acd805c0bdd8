"""`Corpus`: pieces of music as value sequences, a vocabulary, and training windows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from jazzwidget.errors import CorpusError
from jazzwidget.music.piece import Piece
from jazzwidget.music.progression import Progression
from jazzwidget.music.values import ENCODINGS, encode_melody

TX = 30  # window length, as in the seed
MAX_WINDOWS = 1000  # beyond this, windows start every few values (deepjazz stepped by 3)


def builtin_sources() -> list[Path]:
    """The built-in corpus files (CC0, written for jazzwidget), sorted by name."""
    folder = resources.files("jazzwidget.music") / "data"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".mid"))


@dataclass(frozen=True)
class Windows:
    """Training and validation windows of value ids: x[k, t] is followed by y[k, t]."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


def _windows(ids: np.ndarray, tx: int, stride: int = 1) -> tuple[np.ndarray, np.ndarray]:
    count = len(ids) - tx
    if count <= 0:
        return np.zeros((0, tx), np.int32), np.zeros((0, tx), np.int32)
    index = np.arange(0, count, stride)[:, None] + np.arange(tx)[None, :]
    return ids[index], ids[index + 1]


class Corpus:
    """Melodies over chords, encoded as values.

    Parameters
    ----------
    pieces : the music, one Piece per file (or file window).
    encoding : "grammar" (the seed's value grammar) or "pitch".
    """

    def __init__(self, pieces: Sequence[Piece], encoding: str = "grammar") -> None:
        if encoding not in ENCODINGS:
            raise CorpusError(f"unknown encoding {encoding!r}: use one of {', '.join(ENCODINGS)}")
        if not pieces:
            raise CorpusError("the corpus is empty: give at least one music file")
        self.pieces = list(pieces)
        self.encoding = encoding
        self.piece_values = [encode_melody(p.melody, p.chord_at, encoding) for p in self.pieces]
        self.values: list[str] = [v for values in self.piece_values for v in values]
        self.vocab: list[str] = sorted(set(self.values))

    def __len__(self) -> int:
        return len(self.values)

    def __repr__(self) -> str:
        return (f"Corpus({len(self.pieces)} pieces, {len(self.values)} values, "
                f"vocabulary {len(self.vocab)})")

    @property
    def progression(self) -> Progression:
        """The first piece's chords, as a looping progression."""
        piece = self.pieces[0]
        return Progression.from_spans(piece.chords, piece.length, piece.beats_per_bar)

    @property
    def tempo(self) -> float:
        return self.pieces[0].tempo

    def summary(self) -> dict[str, int]:
        """Counts for a summary line: files, bars, notes, chords, values, vocab_size."""
        return {
            "files": len(self.pieces),
            "bars": round(sum(p.bars for p in self.pieces)),
            "notes": sum(len(p.notes) for p in self.pieces),
            "chords": sum(len(p.chords) for p in self.pieces),
            "values": len(self.values),
            "vocab_size": len(self.vocab),
        }

    def describe(self) -> str:
        """Each piece's tracks, the melody taken and why, the chord source; then the totals."""
        s = self.summary()
        head = (f"{s['files']} file(s), {s['bars']} bars, {s['notes']} notes, {s['chords']} "
                f"chords -> {s['values']} values, vocabulary of {s['vocab_size']} "
                f"({self.encoding} encoding)")
        return "\n".join([head, *(piece.describe() for piece in self.pieces)])

    def ids(self, vocab: Sequence[str] | None = None) -> np.ndarray:
        """The corpus's values as ids in ``vocab`` (default: its own vocabulary)."""
        vocab = list(vocab if vocab is not None else self.vocab)
        index = {value: i for i, value in enumerate(vocab)}
        missing = sorted({v for v in self.values if v not in index})
        if missing:
            shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
            raise CorpusError(
                f"{len(missing)} value(s) of this corpus are not in the model's vocabulary "
                f"({shown}): build a new model with JazzModel(corpus.vocab)")
        return np.array([index[v] for v in self.values], dtype=np.int32)

    def windows(self, tx: int = TX, validation: float = 0.1,
                vocab: Sequence[str] | None = None, stride: int | None = None) -> Windows:
        """Windows of ``tx`` values for teacher forcing, y[t] = x[t + 1].

        The validation part is the *end* of the corpus (by position, at least one window's
        worth), so no validation target is ever seen in training. Windows start at every value
        (``stride`` 1) unless that would make more than MAX_WINDOWS; then every few values.
        """
        train, val = self.split(tx, validation, vocab)
        n = len(train) + len(val)
        if stride is None:
            stride = min(max(1, -(-n // MAX_WINDOWS)), tx // 2)
        x_train, y_train = _windows(train, tx, stride)
        x_val, y_val = _windows(val, tx, stride)
        return Windows(x_train, y_train, x_val, y_val)

    def split(self, tx: int = TX, validation: float = 0.1,
              vocab: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The value ids cut where `windows` cuts them: (training part, validation part).

        The validation part is the last ``validation`` share of the values, at least one
        window's worth (``tx + 1``) unless that is all; baselines are fitted on the same
        training part.
        """
        ids = self.ids(vocab)
        if len(ids) < tx + 2:
            raise CorpusError(f"the corpus has {len(ids)} values; at least {tx + 2} are needed "
                              f"for one window of {tx}: add music or use a longer excerpt")
        if not 0 <= validation < 0.5:
            raise CorpusError(f"validation share {validation} is out of range: use 0 to 0.5")
        n_val = 0 if validation == 0 else max(round(len(ids) * validation), tx + 1)
        n_val = min(n_val, len(ids) - tx - 1)
        return ids[: len(ids) - n_val], ids[len(ids) - n_val:]


def load_corpus(sources: str | Path | Sequence[str | Path] | None = None, *,
                melody: str | int | None = None, start_beat: float | None = None,
                end_beat: float | None = None, encoding: str = "grammar") -> Corpus:
    """Read music into a Corpus.

    Parameters
    ----------
    sources : None for the built-in corpus; else MIDI, MusicXML or ABC files, folders of them,
        or music21 corpus names such as ``"music21:leadSheet/berlinAlexandersRagtime.mxl"``.
    melody : the melody track or part, by name, index or ``"program:N"`` (default: a heuristic;
        ``corpus.describe()`` says which was taken and why).
    start_beat, end_beat : read only this window of each file (quarter-note offsets).
    encoding : "grammar" (C/S/A/X/R with interval windows, as in the seed) or "pitch".
    """
    from jazzwidget.music.io import read_pieces

    if sources is None:
        sources = builtin_sources()
    pieces = read_pieces(sources, melody=melody, start_beat=start_beat, end_beat=end_beat)
    return Corpus(pieces, encoding)
