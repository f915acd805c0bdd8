"""One comparison of generated clips with their corpus, for `jazzwidget evaluate`, the bench
and the README: Yang & Lerch OA/KLD per feature against excerpts of the clips' length, the
pooled profiles, and the longest copied runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from jazzwidget.errors import MetricsError
from jazzwidget.metrics.melody import melodies, segments
from jazzwidget.metrics.sets import compare, copied_runs, profile

if TYPE_CHECKING:
    from jazzwidget.music.clip import Clip
    from jazzwidget.music.corpus import Corpus


def clip_report(clips: Sequence[Clip], corpus: Corpus) -> dict[str, Any]:
    """Compare clips with ``corpus`` cut into excerpts as long as the clips (median, in beats).

    Returns ``{"excerpt_beats", "excerpts", "features": compare(...), "copied_runs": [...],
    "median_copied_run", "clips": profile(clips), "corpus": profile(corpus)}``.
    """
    if len(clips) < 1:
        raise MetricsError("no clips to evaluate: generate at least one")
    beats = float(np.median([m.length for m in melodies(list(clips))]))
    excerpts = segments(corpus, beats)
    if len(excerpts) < 2:
        raise MetricsError(f"the corpus makes {len(excerpts)} excerpt(s) of {beats:g} beats; "
                           f"the comparison needs two: load more music or generate shorter clips")
    runs = copied_runs(list(clips), corpus)
    return {
        "excerpt_beats": beats,
        "excerpts": len(excerpts),
        "features": compare(list(clips), excerpts),
        "copied_runs": runs,
        "median_copied_run": float(np.median(runs)),
        "clips": profile(list(clips)),
        "corpus": profile(corpus),
    }


def format_report(report: dict[str, Any]) -> str:
    """The report as a plain-text table."""
    lines = [f"{'feature':32} {'overlap':>7} {'KLD':>6} {'clips':>7} {'corpus':>7}"]
    for name, row in report["features"].items():
        means = ("" if np.isnan(row["generated_mean"]) else
                 f"{row['generated_mean']:7.3f} {row['reference_mean']:7.3f}")
        lines.append(f"{name:32} {row['overlapped_area']:7.2f} {row['kl_divergence']:6.3f} "
                     f"{means}".rstrip())
    clips, corpus = report["clips"], report["corpus"]
    lines.append(f"chord-tone share: clips {clips['chord_tone_share']:.0%}, corpus "
                 f"{corpus['chord_tone_share']:.0%}")
    types = "  ".join(f"{k} {clips['value_types'].get(k, 0):.0%}/{v:.0%}"
                      for k, v in corpus["value_types"].items())
    lines.append(f"value types (clips/corpus): {types}")
    runs = report["copied_runs"]
    lines.append(f"longest run copied from the corpus: median {report['median_copied_run']:g} "
                 f"values, max {max(runs)} (of {len(runs)} clips)")
    return "\n".join(lines)
