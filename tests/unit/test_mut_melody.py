"""Which track is the melody, and why (found by mutation testing, docs/mutation.md): the reason
names the track, its notes, median and register, polyphony and the runner-up; a window with no
notes says so."""

import pretty_midi
import pytest

from jazzwidget.errors import NoMelodyError
from jazzwidget.music.io import read_pretty_midi


def midi_of(*tracks: tuple[str, list[int]]) -> pretty_midi.PrettyMIDI:
    """Quarter notes at 60 bpm (a beat a second), one instrument per (name, pitches)."""
    midi = pretty_midi.PrettyMIDI(initial_tempo=60)
    for name, pitches in tracks:
        instrument = pretty_midi.Instrument(0, name=name)
        instrument.notes = [pretty_midi.Note(90, p, k, k + 1) for k, p in enumerate(pitches)]
        midi.instruments.append(instrument)
    return midi


def test_the_reason_names_the_melody_its_register_and_the_next_best():
    piece = read_pretty_midi(midi_of(("Lead", [72, 74, 76, 77, 79, 77]),
                                     ("Bass", [36, 38, 40, 41])))
    assert piece.melody_track == 0
    assert piece.melody_reason == (
        'track 0 "Lead": the most melody-like (6 notes, median pitch 76.5 in a melodic '
        'register, 0% polyphony); next best track 1 "Bass"')


def test_a_lone_bass_line_is_the_melody_in_the_best_register_available():
    piece = read_pretty_midi(midi_of(("Bass", [36, 38, 40, 41])))
    assert piece.melody_reason == (
        'track 0 "Bass": the most melody-like (4 notes, median pitch 39 in the best register '
        'available, 0% polyphony)')


def test_a_window_after_the_last_note_has_no_melody():
    with pytest.raises(NoMelodyError) as error:
        read_pretty_midi(midi_of(("Lead", [72, 74, 76, 77])), start_beat=10, name="take 3")
    assert str(error.value) == ("'take 3' has no pitched notes between beats 10 and inf: the "
                                "file is 4 beats long; choose a window inside it")


@pytest.mark.parametrize("pitch", [55, 84])
def test_the_melodic_register_includes_its_edges(pitch):
    piece = read_pretty_midi(midi_of(("Lead", [pitch] * 3)))
    assert f"median pitch {pitch} in a melodic register" in piece.melody_reason


def notes_at(name: str, spans: list[tuple[float, float]], pitch: int = 72):
    return name, [(pitch + k, a, b) for k, (a, b) in enumerate(spans)]


def midi_of_spans(*tracks) -> pretty_midi.PrettyMIDI:
    midi = pretty_midi.PrettyMIDI(initial_tempo=60)
    for name, notes in tracks:
        instrument = pretty_midi.Instrument(0, name=name)
        instrument.notes = [pretty_midi.Note(90, p, a, b) for p, a, b in notes]
        midi.instruments.append(instrument)
    return midi


def test_the_runner_up_is_named_whichever_track_it_is():
    piece = read_pretty_midi(midi_of(("Bass", [40]), ("Lead", [72, 74, 76, 77])))
    assert piece.melody_track == 1
    assert piece.melody_reason.endswith('; next best track 0 "Bass"')  # one low note: < 1


def test_drums_are_never_the_runner_up():
    midi = midi_of(("Lead", [72, 74, 76, 77]), ("Kit", [38, 38, 38, 38, 38, 38]))
    midi.instruments[1].is_drum = True
    piece = read_pretty_midi(midi)
    assert piece.melody_track == 0 and "next best" not in piece.melody_reason


def test_a_track_counts_the_notes_that_start_in_the_window():
    # in beats 0-4, "Long" starts four notes (the last sounds on past the window), "Short"
    # three; and "Late" two, with a third starting just at the window's end
    midi = midi_of_spans(notes_at("Long", [(0, 1), (1, 2), (2, 3), (3, 8)]),
                         notes_at("Short", [(0, 1), (1, 2), (2, 3)]))
    assert read_pretty_midi(midi, end_beat=4).melody_track == 0
    midi = midi_of_spans(notes_at("Short", [(0, 1), (1, 2), (2, 3)]),
                         notes_at("Late", [(0, 2), (2, 4), (4, 5)]))
    assert read_pretty_midi(midi, end_beat=4).melody_track == 0


@pytest.mark.parametrize(("lead", "other", "melody"), [
    ([72] * 4, [40] * 8, 0),    # a bass line twice as busy, far below the register
    ([72] * 4, [100] * 8, 0),   # ... or far above it
    ([80] * 4, [69] * 3, 0),    # in the register, more notes win wherever they lie in it
    ([72] * 4, [54] * 5, 0),    # one more note a semitone below the register loses
    ([72], [51] * 30, 1),       # a long line a fourth below the register beats one note
    ([72], [40] * 30, 0),       # ... but not a bass line far below it
])
def test_the_melody_is_busy_and_in_the_register(lead, other, melody):
    assert read_pretty_midi(midi_of(("Lead", lead), ("Other", other))).melody_track == melody


def test_drums_are_never_the_melody_even_over_one_low_note():
    midi = midi_of(("Bass", [40]), ("Kit", [38] * 8))
    midi.instruments[1].is_drum = True
    assert read_pretty_midi(midi).melody_track == 0


def half_in_dyads() -> tuple[str, list[tuple[int, float, float]]]:
    """Sixteen notes, half of them in four two-note chords: polyphony 0.5."""
    dyads = [(p, k, k + 1) for k in range(4) for p in (72, 76)]
    return "Dyads", dyads + [(74, k, k + 1) for k in range(4, 12)]


@pytest.mark.parametrize(("lead_notes", "melody"), [(5, 0), (3, 1)])
def test_chords_weigh_a_track_down_by_the_square_of_its_line(lead_notes, melody):
    # 16 notes at polyphony 0.5 count as 16 * (0.5 ** 2 + 0.01) = 4.16 single notes
    lead = notes_at("Lead", [(k, k + 1) for k in range(lead_notes)])
    assert read_pretty_midi(midi_of_spans(lead, half_in_dyads())).melody_track == melody


def test_a_tiny_gap_before_the_last_note_is_folded_into_the_note_before():
    from jazzwidget.music.melody import TINY_GAP, melody_events

    gap = TINY_GAP / 2
    events = melody_events([(0.0, 1.0, 60), (1.0, 2.0 - gap, 62), (2.0, 3.0, 64)], 0.0, 3.0)
    assert [(e.start, e.duration, e.pitch) for e in events] == [
        (0.0, 1.0, 60), (1.0, 1.0, 62), (2.0, 1.0, 64)]


def test_a_tiny_gap_at_the_end_lengthens_the_last_note():
    from jazzwidget.music.melody import TINY_GAP, melody_events

    notes = [(0.0, 1.0, 60), (1.0, 2.0, 62), (2.0, 3.0 - TINY_GAP / 2, 64)]
    assert [(e.start, e.duration, e.pitch) for e in melody_events(notes, 0.0, 3.0)] == [
        (0.0, 1.0, 60), (1.0, 1.0, 62), (2.0, 1.0, 64)]


def test_a_window_takes_notes_played_up_to_an_eighth_of_a_beat_early():
    from jazzwidget.music.melody import TINY_GAP, cut_window

    assert TINY_GAP == 1 / 8
    line = [(1.875, 3.0, 60), (3.0, 3.875, 62), (3.875, 5.0, 64)]
    # 60 is played just early for beat 2: it belongs to the window, from 2; 64 just early for
    # beat 4: it belongs to the next window
    assert cut_window(line, 2.0, 4.0) == [(2.0, 3.0, 60), (3.0, 3.875, 62)]
    assert cut_window(line, 4.0, 6.0) == [(4.0, 5.0, 64)]
    assert cut_window([(3.9, 5.0, 64)], 2.0, 4.0) == []
    # a grace note just before the window ends where it starts: nothing of it is left
    assert cut_window([(1.9, 2.0, 59), (2.0, 3.0, 60)], 2.0, 4.0) == [(2.0, 3.0, 60)]


def test_the_skyline_keeps_the_longer_of_two_equal_top_notes():
    from jazzwidget.music.melody import skyline

    assert skyline([(0.0, 1.0, 60), (0.0, 2.0, 60), (0.0, 3.0, 55)]) == [(0.0, 2.0, 60)]


def test_the_skyline_drops_notes_of_no_length():
    from jazzwidget.music.melody import skyline

    assert skyline([(0.0, 1.0, 60), (1.0, 1.0, 62), (2.0, 3.0, 64)]) == [(0.0, 1.0, 60),
                                                                        (2.0, 3.0, 64)]


@pytest.mark.parametrize("melody", [True, 1.5])
def test_a_melody_that_is_no_name_or_index_lists_the_tracks(melody):
    with pytest.raises(NoMelodyError) as error:
        read_pretty_midi(midi_of(("Lead", [72, 74]), ("Bass", [40, 41])), melody=melody)
    assert str(error.value) == (f"melody={melody!r} is not a track name, index or "
                                "'program:N': tracks are 0 \"Lead\", 1 \"Bass\"")


def test_an_index_past_the_last_track_lists_the_tracks():
    with pytest.raises(NoMelodyError) as error:
        read_pretty_midi(midi_of(("Lead", [72, 74]), ("Bass", [40, 41])), melody=2,
                         name="take 3")
    assert str(error.value) == ("'take 3' has no track 2: tracks are 0 \"Lead\", 1 \"Bass\"; "
                                "pass one of these indexes or names as melody=")


def band() -> pretty_midi.PrettyMIDI:
    midi = midi_of(("Lead Sax", [67, 69, 71, 72]), ("Bass", [40, 41]), ("Kit", [38, 38]),
                   ("Empty", []), ("Sax 2", [72, 74, 76]))
    midi.instruments[0].program = 65
    midi.instruments[2].is_drum = True
    midi.instruments[4].program = 65
    return midi


@pytest.mark.parametrize(("melody", "track", "reason"), [
    (1, 1, 'track 1 "Bass" (asked for by index)'),
    ("1", 1, 'track 1 "Bass" (asked for by index)'),
    ("  bass ", 1, 'track 1 "Bass" (asked for by name)'),
    ("sax", 0, "track 0 \"Lead Sax\" (name contains 'sax')"),  # the busier of the two
    ("Program: 65", 0, 'track 0 "Lead Sax" (asked for by program 65)'),
])
def test_a_melody_asked_for_by_index_name_or_program(melody, track, reason):
    piece = read_pretty_midi(band(), melody=melody)
    assert (piece.melody_track, piece.melody_reason) == (track, reason)


LISTING = 'tracks are 0 "Lead Sax", 1 "Bass", 2 "Kit" (drums), 3 "Empty", 4 "Sax 2"'


@pytest.mark.parametrize(("melody", "message"), [
    ("Flute", f"'band' has no track named 'Flute': {LISTING}; pass one of these names or "
              "indexes as melody="),
    ("program:41", f"'band' has no track with General MIDI program 41: {LISTING}; pass one of "
                   "these as melody="),
    ("9", f"'band' has no track 9: {LISTING}; pass one of these indexes or names as melody="),
    (2, f"track 2 \"Kit\" of 'band' is a drum track, so it cannot be the melody: {LISTING}"),
    (3, f"track 3 \"Empty\" of 'band' has no notes, so it cannot be the melody: {LISTING}"),
])
def test_a_melody_that_cannot_be_lists_the_tracks(melody, message):
    with pytest.raises(NoMelodyError) as error:
        read_pretty_midi(band(), melody=melody, name="band")
    assert str(error.value) == message


def test_polyphony_is_the_share_of_notes_sounding_with_another():
    from jazzwidget.music.melody import polyphony

    assert polyphony([]) == 0.0
    assert polyphony([(0.0, 2.0, 60), (1.0, 3.0, 62), (4.0, 5.0, 64)]) == 0.6667  # legato
    # onsets within 1/32 beat are one chord, however short the first note
    assert polyphony([(0.0, 0.02, 60), (0.01, 1.0, 64)]) == 1.0
    assert polyphony([(0.0, 1.0, 55), (1.0, 1.02, 60), (1.01, 2.0, 64)]) == 0.6667
