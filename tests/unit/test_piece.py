"""Piece and TrackInfo: what a file held, said in a few lines; the chord at a beat."""

from jazzwidget.music.piece import ChordSpan, MelodyEvent, Piece, TrackInfo


def test_track_summaries_name_drums_unnamed_tracks_and_empty_ranges():
    guitar = TrackInfo(0, "Guitar", 26, False, 10, 60, 72, 0.0)
    assert guitar.summary() == "#0 'Guitar': program 26, 10 notes, range 60-72, polyphony 0%"
    drums = TrackInfo(3, "", None, True, 0, None, None, 0.5)
    assert drums.summary() == "#3 '(unnamed)': drums, 0 notes, range -, polyphony 50%"


def test_describe_marks_the_melody_track_and_says_why():
    tracks = [TrackInfo(0, "Piano", 0, False, 40, 48, 72, 0.9),
              TrackInfo(1, "Guitar", 26, False, 10, 60, 72, 0.0)]
    piece = Piece("solo.mid", [MelodyEvent(0, 4, 60), MelodyEvent(4, 4, None)],
                  [ChordSpan("C7", 0, 8)], tempo=112, tracks=tracks, melody_track=1,
                  melody_reason="asked for by name", chord_source="estimated")
    assert piece.describe().split("\n") == [
        "solo.mid: 1 notes, 2 bars, 112 bpm, 4/4, 1 chords",
        "     #0 'Piano': program 0, 40 notes, range 48-72, polyphony 90%",
        "  -> #1 'Guitar': program 26, 10 notes, range 60-72, polyphony 0%",
        "  melody: asked for by name",
        "  chords: estimated"]


def test_chord_at_takes_the_chord_that_starts_at_or_before_a_beat():
    piece = Piece("p", [MelodyEvent(0, 8, 60)],
                  [ChordSpan("Dm7", 0, 2), ChordSpan("G7", 2, 4), ChordSpan("C", 4, 8)])
    assert [piece.chord_at(b) for b in (0, 1.5, 2, 3.9, 4, 7.5)] == [
        "Dm7", "Dm7", "G7", "G7", "C", "C"]
