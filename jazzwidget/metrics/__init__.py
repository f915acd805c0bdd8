"""Musical statistics of a clip, a list of clips or a corpus (numpy only, no TensorFlow).

>>> from jazzwidget import metrics
>>> metrics.features(clip)["pitch_class_histogram"]        # one row per melody
>>> metrics.compare(clips, metrics.segments(corpus, 32))   # Yang & Lerch OA / KLD per feature
>>> metrics.copied_runs(clips, corpus)                     # longest verbatim run per clip

Modules: `melody_features` (the statistics of one melody and their sources: Yang & Lerch 2018,
MusPy 2020, ours), `sets` (every feature of a set of melodies, pooled profiles, the comparison
of two sets), `densities` (intra-/inter-set distance densities: overlapped area and KL
divergence), `melody` (clips and corpora as melodies in beats), `memorization` (copied runs)
and `report` (one comparison of clips with their corpus).
"""

from jazzwidget.metrics.densities import (
    compare_feature,
    gaussian_kde,
    inter_set_distances,
    intra_set_distances,
    kl_divergence,
    overlapped_area,
)
from jazzwidget.metrics.melody import Melody, melodies, segments
from jazzwidget.metrics.melody_features import (
    NOTE_LENGTH_LABELS,
    VALUE_TYPES,
    chord_tone_share,
    empty_beat_rate,
    groove_consistency,
    mean_absolute_interval,
    mean_inter_onset_interval,
    note_length_histogram,
    pitch_class_entropy,
    pitch_class_histogram,
    pitch_class_transition_matrix,
    pitch_in_scale_rate,
    pitch_range,
    scale_consistency,
    value_types,
)
from jazzwidget.metrics.memorization import longest_copied_run
from jazzwidget.metrics.report import clip_report, format_report
from jazzwidget.metrics.sets import FEATURES, compare, copied_runs, features, pooled, profile

__all__ = [
    "FEATURES",
    "NOTE_LENGTH_LABELS",
    "VALUE_TYPES",
    "Melody",
    "chord_tone_share",
    "clip_report",
    "compare",
    "compare_feature",
    "copied_runs",
    "empty_beat_rate",
    "features",
    "format_report",
    "gaussian_kde",
    "groove_consistency",
    "inter_set_distances",
    "intra_set_distances",
    "kl_divergence",
    "longest_copied_run",
    "mean_absolute_interval",
    "mean_inter_onset_interval",
    "melodies",
    "note_length_histogram",
    "overlapped_area",
    "pitch_class_entropy",
    "pitch_class_histogram",
    "pitch_class_transition_matrix",
    "pitch_in_scale_rate",
    "pitch_range",
    "pooled",
    "profile",
    "scale_consistency",
    "segments",
    "value_types",
]
