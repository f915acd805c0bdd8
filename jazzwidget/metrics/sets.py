"""Statistics of sets of melodies: every feature per member, pooled profiles, and the
Yang & Lerch comparison of a generated set with a reference set."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from jazzwidget.errors import MetricsError
from jazzwidget.metrics import melody_features as per_melody
from jazzwidget.metrics.densities import compare_feature
from jazzwidget.metrics.melody import Melody, Source, melodies
from jazzwidget.metrics.memorization import longest_copied_run

if TYPE_CHECKING:
    from jazzwidget.music.corpus import Corpus

# Every per-melody feature by name; vectors and matrices are compared by Euclidean distance.
FEATURES: dict[str, Callable[[Melody], Any]] = {
    "pitch_class_histogram": per_melody.pitch_class_histogram,
    "pitch_class_transition_matrix":
        lambda m: per_melody.pitch_class_transition_matrix(m, normalize=2),
    "pitch_range": per_melody.pitch_range,
    "mean_absolute_interval": per_melody.mean_absolute_interval,
    "mean_inter_onset_interval": per_melody.mean_inter_onset_interval,
    "note_length_histogram": per_melody.note_length_histogram,
    "scale_consistency": per_melody.scale_consistency,
    "pitch_class_entropy": per_melody.pitch_class_entropy,
    "empty_beat_rate": per_melody.empty_beat_rate,
    "groove_consistency": per_melody.groove_consistency,
    "chord_tone_share": per_melody.chord_tone_share,
    "value_types": lambda m: np.array([per_melody.value_types(m).get(kind, 0.0)
                                       for kind in (*per_melody.VALUE_TYPES, "P")]),
}


def features(source: Source, names: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """Each feature of each melody in ``source`` (a Clip, a list of Clips or a Corpus), stacked:
    ``result[name][k]`` is melody k's value (a scalar, a vector or a matrix)."""
    items = melodies(source)
    chosen = names or tuple(FEATURES)
    unknown = [name for name in chosen if name not in FEATURES]
    if unknown:
        raise MetricsError(f"unknown feature {unknown[0]!r}: use one of {', '.join(FEATURES)}")
    return {name: np.array([np.asarray(FEATURES[name](m), dtype=np.float64) for m in items])
            for name in chosen}


def pooled(source: Source) -> Melody:
    """All melodies of a source laid end to end (each starting on a bar line), so a histogram
    of the result is the histogram of the whole set."""
    items = melodies(source)
    pitches: list[np.ndarray] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    chords: list[str] = []
    values: list[str] = []
    offset = 0.0
    for m in items:
        pitches.append(m.pitches)
        starts.append(m.starts + offset)
        ends.append(m.ends + offset)
        chords.extend(m.chords)
        values.extend(m.values)
        offset += np.ceil(max(m.length, 1e-9) / m.beats_per_bar) * m.beats_per_bar
    bpb = items[0].beats_per_bar if items else 4
    return Melody(np.concatenate(pitches or [np.zeros(0, np.int64)]).astype(np.int64),
                  np.concatenate(starts or [np.zeros(0)]), np.concatenate(ends or [np.zeros(0)]),
                  tuple(chords), tuple(values), offset, bpb)


def profile(source: Source) -> dict[str, Any]:
    """What the Quality view draws for a set: pooled pitch-class histogram (by duration),
    note-length histogram and value-type shares, the chord-tone share and the note count."""
    m = pooled(source)
    return {
        "pitch_class_histogram": per_melody.pitch_class_histogram(m),
        "note_length_histogram": per_melody.note_length_histogram(m),
        "value_types": per_melody.value_types(m),
        "chord_tone_share": per_melody.chord_tone_share(m),
        "notes": len(m.pitches),
    }


def compare(generated: Source, reference: Source,
            names: tuple[str, ...] | None = None) -> dict[str, dict[str, float]]:
    """Yang & Lerch's comparison per feature: ``{name: {"overlapped_area", "kl_divergence",
    "generated_mean", "reference_mean"}}`` (means of scalar features only, else NaN).

    ``reference`` is usually the corpus cut into excerpts as long as the clips
    (`jazzwidget.metrics.segments`), ``generated`` the clips.
    """
    gen, ref = features(generated, names), features(reference, names)
    out: dict[str, dict[str, float]] = {}
    for name in gen:
        row = compare_feature(ref[name], gen[name])
        scalar = gen[name].ndim == 1
        row["generated_mean"] = float(np.nanmean(gen[name])) if scalar else float("nan")
        row["reference_mean"] = float(np.nanmean(ref[name])) if scalar else float("nan")
        out[name] = row
    return out


def copied_runs(generated: Source, corpus: Corpus | list[str] | list[list[str]]) -> list[int]:
    """`longest_copied_run` of each generated melody's values against the corpus."""
    return [longest_copied_run(m.values, corpus) for m in melodies(generated)]
