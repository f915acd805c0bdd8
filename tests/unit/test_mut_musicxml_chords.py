"""How an interval above the root is spelled as a MusicXML <degree>, for every interval, and
which kind a chord gets (found by mutation testing, docs/mutation.md): the qualities of
`harmony.QUALITIES` reach only some intervals, a file from another program any of them."""

import pytest

from jazzwidget.music.musicxml_chords import chord_degrees, chord_kind


@pytest.mark.parametrize(("intervals", "kind", "degrees"), [
    ({0, 4, 7, 1}, "major", [("add", 9, -1)]),              # b9
    ({0, 4, 7, 2}, "major", [("add", 9, 0)]),               # 9
    ({0, 4, 7, 3}, "major", [("add", 9, 1)]),               # #9 beside the major third
    ({0, 3, 7}, "major", [("alter", 3, -1)]),               # a minor third for the major
    ({0, 3, 7, 4}, "minor", [("add", 3, 0)]),               # a major third added
    ({0, 4, 7, 5}, "major", [("add", 11, 0)]),              # 11
    ({0, 4, 7, 6}, "major", [("add", 11, 1)]),              # #11 beside the fifth
    ({0, 4, 6}, "major", [("alter", 5, -1)]),               # b5 in the fifth's place
    ({0, 4, 8}, "major", [("alter", 5, 1)]),                # #5 in the fifth's place
    ({0, 3, 6, 7}, "diminished", [("add", 5, 0)]),          # a perfect fifth added
    ({0, 4, 7, 8}, "major", [("add", 13, -1)]),             # b13 beside the fifth
    ({0, 4, 7, 9}, "major", [("add", 6, 0)]),               # a sixth: no seventh
    ({0, 4, 7, 10, 9}, "dominant", [("add", 13, 0)]),       # a 13th over a minor seventh
    ({0, 4, 7, 11, 9}, "major-seventh", [("add", 13, 0)]),  # ... or a major seventh
    ({0, 4, 7, 10}, "major", [("add", 7, -1)]),             # b7
    ({0, 4, 7, 11}, "major", [("add", 7, 0)]),              # 7
    ({0, 4}, "major", [("subtract", 5, 0)]),                # no fifth
])
def test_each_interval_is_spelled_as_its_degree(intervals, kind, degrees):
    assert chord_degrees(intervals, kind) == degrees


def test_a_dominant_without_its_fifth_is_the_richest_dominant_it_holds():
    assert chord_kind({0, 4, 10}) == "dominant"
    assert chord_kind({0, 4, 10, 2}) == "dominant-ninth"


def test_on_a_tie_the_richer_kind_wins():
    # minor add 9 without its fifth: minor-ninth less 5 and 7, or minor less 5 plus 9
    assert chord_kind({0, 3, 2}) == "minor-ninth"
