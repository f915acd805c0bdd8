"""Memorization: the longest run of values a generated line copies verbatim from its corpus."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from jazzwidget.music.corpus import Corpus


def _sequences(corpus: Corpus | Sequence[str] | Sequence[Sequence[str]]) -> list[list[str]]:
    from jazzwidget.music.corpus import Corpus

    if isinstance(corpus, Corpus):
        return [list(values) for values in corpus.piece_values]
    items = list(corpus)
    if items and all(isinstance(item, str) for item in items):
        return [[str(item) for item in items]]
    return [list(item) for item in items]


def longest_copied_run(values: Sequence[str],
                       corpus: Corpus | Sequence[str] | Sequence[Sequence[str]]) -> int:
    """Length of the longest run of consecutive ``values`` found verbatim, in order, in the
    corpus (the longest common substring of the two value sequences; runs do not cross from
    one piece into the next).

    ``corpus`` : a Corpus, one sequence of values (``model.corpus_values``) or several.
    A clip that only recombines short figures scores a few values; one that replays a
    passage of the training music scores its length.
    """
    sequences = _sequences(corpus)
    index: dict[str, int] = {}
    parts: list[int] = []
    for sequence in sequences:
        parts.extend(index.setdefault(v, len(index)) for v in sequence)
        parts.append(-1)  # a separator no value matches
    reference = np.array(parts, dtype=np.int64)
    query = np.array([index.get(v, -2) for v in values], dtype=np.int64)
    best = 0
    run = np.zeros(len(reference), dtype=np.int64)  # run[j]: common suffix ending at j
    for value in query:
        shifted = np.concatenate(([0], run[:-1]))
        run = np.where(reference == value, shifted + 1, 0)
        best = max(best, int(run.max(initial=0)))
    return best
