"""A clip as a music21 score: each step at its beat with its length in quarter notes, snapped
to sixteenths and eighth-note triplets, rests kept, and clef, tempo, meter and chord symbols at
their places."""

from fractions import Fraction

import pytest

from jazzwidget.music.clip import Clip, Step
from jazzwidget.music.piece import ChordSpan

SPB = 60 / 90  # seconds a beat at 90 bpm
JITTER = 0.004  # seconds off the grid, as a played (or cut) time can be

# (start beat, length in beats, pitch): a quarter, an eighth-note triplet, a rest, a dotted
# quarter
MUSIC = [(0, 1, 60), (1, Fraction(1, 3), 62), (Fraction(4, 3), Fraction(1, 3), 64),
         (Fraction(5, 3), Fraction(1, 3), 65), (2, 1, None), (3, Fraction(3, 2), 67)]


@pytest.fixture
def score():
    steps = [Step("", float(start) * SPB + JITTER, float(start + length) * SPB - JITTER, pitch)
             for start, length, pitch in MUSIC]
    chords = [ChordSpan("F7", 0.0, 3 * SPB), ChordSpan("Bb7", 3 * SPB + JITTER, 4.5 * SPB)]
    clip = Clip(steps, chords, tempo=90, duration=4.5 * SPB, beats_per_bar=3)
    return clip.to_music21()


def test_steps_sit_on_the_grid_at_their_beats(score):
    from music21 import harmony

    part = score.parts[0]
    assert part.id == "Melody"
    played = [n for n in part.flatten().notesAndRests if not isinstance(n, harmony.ChordSymbol)]
    assert [(Fraction(n.offset), Fraction(n.quarterLength)) for n in played] == [
        (Fraction(start), Fraction(length)) for start, length, _ in MUSIC]
    assert [None if n.isRest else n.pitch.midi for n in played] == [p for *_, p in MUSIC]


def test_clef_tempo_meter_and_chords_at_their_places(score):
    from music21 import clef, harmony, meter, tempo

    flat = score.parts[0].flatten()
    (treble,) = flat.getElementsByClass(clef.Clef)
    assert isinstance(treble, clef.TrebleClef) and treble.offset == 0
    (mark,) = flat.getElementsByClass(tempo.MetronomeMark)
    assert mark.number == 90 and mark.offset == 0
    (signature,) = flat.getElementsByClass(meter.TimeSignature)
    assert signature.ratioString == "3/4" and signature.offset == 0
    symbols = flat.getElementsByClass(harmony.ChordSymbol)
    assert [(s.figure, s.offset) for s in symbols] == [("F7", 0), ("B-7", 3)]


def test_musicxml_is_written_whatever_the_file_is_called(tmp_path):
    clip = Clip([Step("", 0.0, 1.0, 60)], [ChordSpan("C7", 0.0, 1.0)], tempo=60, duration=1.0)
    text = clip.to_musicxml(tmp_path / "score.txt").read_text()
    assert text.startswith("<?xml") and "<score-partwise" in text


def test_slash_chords_survive_a_musicxml_round_trip(tmp_path):
    chords = [ChordSpan("Am7/G", 0.0, 1.0), ChordSpan("C/E", 1.0, 2.0),
              ChordSpan("D7", 2.0, 3.0), ChordSpan("Ebmaj7/G", 3.0, 4.0)]
    steps = [Step("", float(k), k + 1.0, 60 + k) for k in range(4)]
    clip = Clip(steps, chords, tempo=60, duration=4.0)
    again = Clip.from_file(clip.to_musicxml(tmp_path / "round.musicxml"))
    assert [span.symbol for span in again.chords] == ["Am7/G", "C/E", "D7", "Ebmaj7/G"]
