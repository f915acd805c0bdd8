"""Which text events are a chord track (found by mutation testing, docs/mutation.md): blank
texts do not count, and one chord symbol among other texts (a title that happens to read as a
chord) is not a chord track, while a lone text that is a chord symbol is."""

from jazzwidget.music.chord_reading import chord_texts

WHERE = "chord symbols in the file's text events"


def test_blank_texts_do_not_count_against_a_lone_symbol():
    assert chord_texts([(0.0, " C7 "), (4.0, "   "), (8.0, "")], "text events") == (
        [(0.0, "C7")], WHERE)


def test_one_symbol_among_other_texts_is_no_chord_track():
    assert chord_texts([(0.0, "Blue in Green"), (0.0, "A")], "text events") == ([], "")
    assert chord_texts([(0.0, "Blue in Green"), (0.0, "A"), (4.0, "D7")], "text events") == (
        [(0.0, "A"), (4.0, "D7")], WHERE)
