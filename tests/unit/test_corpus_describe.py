"""`Corpus.describe`: a head line with the totals, then each piece's own description."""

from data import badfiles

from jazzwidget.music.corpus import load_corpus


def test_the_totals_then_each_piece_line_by_line(tmp_path):
    paths = [badfiles.write("3/4", tmp_path), badfiles.write("5/4", tmp_path)]
    corpus = load_corpus(paths)
    lines = corpus.describe().split("\n")
    assert lines[0].startswith("2 file(s), ") and lines[0].endswith("(grammar encoding)")
    pieces = [line for piece in corpus.pieces for line in piece.describe().split("\n")]
    assert lines[1:] == pieces and len(pieces) >= 2
