"""Chords estimated from the other tracks of a file without chord symbols: which tracks are
read (a "Piano" first, then keyboards, then any pitched track playing in the window), the
half-bar grid of the file, notes weighted by how long they sound, and a silent start taking the
first chord heard."""

import pretty_midi
import pytest

from jazzwidget.music.io import read_pretty_midi

SPB = 0.5  # seconds a beat at 120 bpm
C_MAJOR = [48, 52, 55]
A_MINOR = [45, 48, 52]


def tune(*others: tuple[str, list[tuple[float, float, int]]], beats: int = 8
         ) -> pretty_midi.PrettyMIDI:
    """A vibraphone melody in eighths for ``beats`` beats over other tracks of
    (name, [(start beat, end beat, pitch)])."""
    midi = pretty_midi.PrettyMIDI(initial_tempo=120)
    lead = pretty_midi.Instrument(11, name="Vibes")
    lead.notes = [pretty_midi.Note(90, 72 + k % 5, k * SPB / 2, (k + 1) * SPB / 2)
                  for k in range(2 * beats)]
    midi.instruments.append(lead)
    for name, notes in others:
        track = pretty_midi.Instrument(0, name=name)
        track.notes = [pretty_midi.Note(70, p, s * SPB, e * SPB) for s, e, p in notes]
        midi.instruments.append(track)
    return midi


def held(pitches: list[int], start: float, end: float) -> list[tuple[float, float, int]]:
    return [(start, end, p) for p in pitches]


C_ALL = held(C_MAJOR, 0, 8)
A_ALL = held(A_MINOR, 0, 8)


@pytest.mark.parametrize("names, used, chord", [
    (("Piano", "Electric Keys", "Strings"), '"Piano"', "C"),
    (("Rhodes Keys", "Strings"), '"Rhodes Keys"', "C"),
    (("Strings", "Horns"), '"Strings", "Horns"', "Am7"),  # C and A minor together
])
def test_a_piano_then_keyboards_then_any_other_track(names, used, chord):
    piece = read_pretty_midi(tune(*[(name, C_ALL if k == 0 else A_ALL)
                                    for k, name in enumerate(names)]))
    assert piece.chord_source == f"estimated per half bar from the other tracks ({used})"
    assert [span.symbol for span in piece.chords] == [chord]


def test_only_tracks_with_notes_starting_in_the_window_are_read():
    organ = ("Organ Keys", held(A_MINOR, 2, 5))  # starts before the window
    late = ("Late Keys", held(A_MINOR, 8, 9))  # starts where the window ends
    strings = ("Strings", held(C_MAJOR, 4, 8))  # starts where the window starts
    piece = read_pretty_midi(tune(organ, late, strings, beats=9), start_beat=4, end_beat=8)
    assert piece.chord_source == 'estimated per half bar from the other tracks ("Strings")'


def test_spans_follow_the_files_half_bars_from_the_window_start():
    comping = held(C_MAJOR, 0, 4) + held(A_MINOR, 4, 6) + held(C_MAJOR, 6, 10)
    piece = read_pretty_midi(tune(("Piano", comping), beats=10), start_beat=4, end_beat=10)
    assert [(s.symbol, s.start, s.end) for s in piece.chords] == [("Am", 0, 2), ("C", 2, 6)]


def test_notes_count_by_how_long_they_sound():
    # C E G held for the half bar, D and F touched for a tenth of a beat: still C
    comping = [*held(C_MAJOR, 0, 2), (0.5, 0.6, 62), (1.0, 1.1, 65), *held(A_MINOR, 2, 4)]
    piece = read_pretty_midi(tune(("Piano", comping), beats=4))
    assert [(s.symbol, s.start, s.end) for s in piece.chords] == [("C", 0, 2), ("Am", 2, 4)]


def test_a_silent_start_takes_the_first_chord_heard():
    piece = read_pretty_midi(tune(("Piano", held(A_MINOR, 4, 8))))
    assert [(s.symbol, s.start, s.end) for s in piece.chords] == [("Am", 0, 8)]


def test_a_window_starting_inside_a_bar_keeps_the_bar_grid():
    waltz = tune(("Piano", held(C_MAJOR, 0, 3) + held(A_MINOR, 3, 9)), beats=9)
    waltz.time_signature_changes = [pretty_midi.TimeSignature(3, 4, 0.0)]
    piece = read_pretty_midi(waltz, start_beat=1.5, end_beat=6)
    assert [(s.symbol, s.start, s.end) for s in piece.chords] == [("C", 0, 1.5), ("Am", 1.5, 4.5)]
