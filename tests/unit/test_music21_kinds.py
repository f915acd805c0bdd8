"""The MusicXML chord kind written for a symbol music21 cannot spell (`clip._music21_kind`):
the kind whose intervals the chord holds, the richer kind first."""

import pytest

from jazzwidget.music.clip import _music21_kind, music21_chord_symbol

KINDS = [({3, 6, 10}, "half-diminished"), ({3, 6, 9}, "diminished-seventh"),
         ({4, 7, 10}, "dominant"), ({4, 7, 11}, "major-seventh"),
         ({3, 7, 11}, "minor-major-seventh"), ({3, 7, 10}, "minor-seventh"),
         ({4, 7, 9}, "major-sixth"), ({3, 7, 9}, "minor-sixth"), ({4, 8}, "augmented"),
         ({3, 6}, "diminished"), ({3, 7}, "minor"), ({5, 7}, "suspended-fourth"),
         ({4, 7}, "major"), ({7}, "major"), (set(), "major")]


@pytest.mark.parametrize("intervals, kind", KINDS)
def test_each_kind_from_its_intervals(intervals, kind):
    assert _music21_kind(intervals) == kind
    # a ninth (2) on top changes nothing
    assert _music21_kind(intervals | {2}) == kind


def test_a_labelled_symbol_carries_the_nearest_kind():
    six_nine = music21_chord_symbol("Eb69")  # 1 3 5 6 9: a major sixth
    assert six_nine.chordKind == "major-sixth" and six_nine.chordKindStr == "69"
