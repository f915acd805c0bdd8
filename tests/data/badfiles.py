"""Odd and broken music files, made by code: what a classroom uploads.

Each maker returns the file's bytes; `write(name, folder)` writes one into a folder under its
file name. `GOOD_MIDI`, `GOOD_MUSICXML` and `GOOD_ABC` are small valid files, the starting
points for fuzzing. Nothing here is random without a fixed seed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import mido
import numpy as np

TICKS = 480  # per beat
SCALE = (60, 62, 64, 65, 67, 69, 71, 72, 74, 72, 71, 69, 67, 65, 64, 62)
CHORDS = ("Dm7", "G7", "Cmaj7", "A7")


# ---------------------------------------------------------------------------- MIDI writing
def _track(name: str, notes: list[tuple[float, float, int]], *, channel: int = 0,
           program: int = 0, extra: list[tuple[float, mido.MetaMessage]] = ()) -> mido.MidiTrack:
    """A track from (start, end, pitch) in beats, with meta messages at beats."""
    events: list[tuple[int, int, mido.Message | mido.MetaMessage]] = []
    for start, end, pitch in notes:
        events.append((round(end * TICKS), 0, mido.Message(
            "note_off", note=pitch, velocity=0, channel=channel)))
        events.append((round(start * TICKS), 1, mido.Message(
            "note_on", note=pitch, velocity=90, channel=channel)))
    for beat, message in extra:
        events.append((round(beat * TICKS), -1, message))
    events.sort(key=lambda e: (e[0], e[1]))
    track = mido.MidiTrack([mido.MetaMessage("track_name", name=name, time=0)])
    if channel != 9:
        track.append(mido.Message("program_change", program=program, channel=channel, time=0))
    now = 0
    for tick, _, message in events:
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    return track


def _midi(tracks: list[mido.MidiTrack], *, bpm: float = 120, meter: tuple[int, int] = (4, 4),
          tempo_changes: list[tuple[float, float]] = ()) -> bytes:
    conductor = [mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm), time=0),
                 mido.MetaMessage("time_signature", numerator=meter[0], denominator=meter[1],
                                  time=0)]
    now = 0
    for beat, change in tempo_changes:
        tick = round(beat * TICKS)
        conductor.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(change),
                                          time=tick - now))
        now = tick
    conductor.append(mido.MetaMessage("end_of_track", time=0))
    data = mido.MidiFile(type=1, ticks_per_beat=TICKS)
    data.tracks = [mido.MidiTrack(conductor), *tracks]
    buffer = io.BytesIO()
    data.save(file=buffer)
    return buffer.getvalue()


def tune(bars: int = 8, beats_per_bar: int = 4,
         step: float = 0.5) -> list[tuple[float, float, int]]:
    """A melody of ``step``-beat notes walking the scale (rests every fifth note)."""
    notes = []
    for k in range(int(bars * beats_per_bar / step)):
        if k % 5 == 4:
            continue
        notes.append((k * step, (k + 1) * step, SCALE[k % len(SCALE)]))
    return notes


def chord_marks(bars: int, beats_per_bar: int = 4) -> list[tuple[float, mido.MetaMessage]]:
    return [(bar * beats_per_bar, mido.MetaMessage("text", text=CHORDS[bar % len(CHORDS)]))
            for bar in range(bars)]


def lead_sheet_midi(bars: int = 8, meter: tuple[int, int] = (4, 4), bpm: float = 120) -> bytes:
    """A melody with chord symbols as text events and a bass track: a good file."""
    beats_per_bar = round(meter[0] * 4 / meter[1])
    bass = [(bar * beats_per_bar, (bar + 1) * beats_per_bar, 36 + (bar * 5) % 12)
            for bar in range(bars)]
    return _midi([_track("Melody", tune(bars, beats_per_bar), program=65,
                         extra=chord_marks(bars, beats_per_bar)),
                  _track("Bass", bass, channel=1, program=33)], bpm=bpm, meter=meter)


# ---------------------------------------------------------------------------- the makers
def zero_bytes() -> bytes:
    return b""


def random_bytes() -> bytes:
    return np.random.default_rng(8).integers(0, 256, 4096, dtype=np.uint8).tobytes()


def truncated_midi() -> bytes:
    data = lead_sheet_midi()
    return data[: len(data) // 2]


def text_as_midi() -> bytes:
    return b"Dm7 G7 Cmaj7\nthese are my chords, not a MIDI file\n"


def drums_only() -> bytes:
    hits = [(k * 0.5, k * 0.5 + 0.25, 36 + k % 3) for k in range(64)]
    return _midi([_track("Drums", hits, channel=9)])


def one_note() -> bytes:
    return _midi([_track("Melody", [(0.0, 1.0, 67)])])


def zero_length_notes() -> bytes:
    notes = [(s, s if k % 3 == 0 else e, p) for k, (s, e, p) in enumerate(tune())]
    return _midi([_track("Melody", notes, extra=chord_marks(8))])


def overlapping_notes() -> bytes:
    """Legato overlaps and three-note chords inside the melody track."""
    notes = []
    for s, e, p in tune():
        notes.append((s, e + 0.3, p))  # each note rings into the next
        if int(s * 2) % 8 == 0:
            notes += [(s, e, p - 4), (s, e, p - 7)]  # a chord under it
    return _midi([_track("Melody", notes, extra=chord_marks(8))])


def extreme_tempo_changes() -> bytes:
    bpms = [400, 20, 1000, 5, 300, 60] * 3
    changes = [(float(beat), bpm) for beat, bpm in zip(range(2, 32, 2), bpms[:15], strict=True)]
    return _midi([_track("Melody", tune(), extra=chord_marks(8))], tempo_changes=changes)


def waltz_3_4() -> bytes:
    return lead_sheet_midi(meter=(3, 4))


def jig_6_8() -> bytes:
    return lead_sheet_midi(meter=(6, 8))


def take_five_5_4() -> bytes:
    return lead_sheet_midi(meter=(5, 4))


def one_hour() -> bytes:
    """An hour of sixteenth notes at 120 bpm (28,800 melody notes) over a bass."""
    bars = 1800
    melody = [(k * 0.25, (k + 1) * 0.25, SCALE[k % len(SCALE)]) for k in range(bars * 16)]
    bass = [(b * 4.0, b * 4.0 + 4, 36 + (b * 5) % 12) for b in range(bars)]
    return _midi([_track("Melody", melody, extra=chord_marks(bars)),
                  _track("Bass", bass, channel=1, program=33)])


def sixteen_tracks() -> bytes:
    """Sixteen pitched tracks (drum channel skipped); track 11 "Lead" is the busiest line."""
    tracks = []
    channels = [c for c in range(17) if c != 9]
    for k, channel in enumerate(channels):
        pad = [(b * 4.0, b * 4.0 + 4, 40 + k) for b in range(8)]
        notes = tune(step=0.25) if k == 11 else pad
        tracks.append(_track("Lead" if k == 11 else f"Pad {k}", notes, channel=channel % 16,
                             program=k, extra=chord_marks(8) if k == 0 else []))
    return _midi(tracks)


# ---------------------------------------------------------------------------- MusicXML and ABC
_STEPS = ("C", "C", "D", "D", "E", "F", "F", "G", "G", "A", "A", "B")


def _pitch_xml(midi: int) -> str:
    step, alter = _STEPS[midi % 12], int(midi % 12 in (1, 3, 6, 8, 10))
    octave = midi // 12 - 1
    return (f"<pitch><step>{step}</step>" + (f"<alter>{alter}</alter>" if alter else "")
            + f"<octave>{octave}</octave></pitch>")


def musicxml(bars: int = 8, chords: bool = True) -> bytes:
    """A one-part lead sheet in MusicXML: eighth notes, chord symbols (``<harmony>``) per bar."""
    kinds = {"Dm7": ("D", "minor-seventh"), "G7": ("G", "dominant"),
             "Cmaj7": ("C", "major-seventh"), "A7": ("A", "dominant")}
    measures = []
    for bar in range(bars):
        body = []
        if bar == 0:
            body.append("<attributes><divisions>2</divisions><key><fifths>0</fifths></key>"
                        "<time><beats>4</beats><beat-type>4</beat-type></time>"
                        "<clef><sign>G</sign><line>2</line></clef></attributes>"
                        '<direction><sound tempo="110"/></direction>')
        if chords:
            root, kind = kinds[CHORDS[bar % len(CHORDS)]]
            body.append(f"<harmony><root><root-step>{root}</root-step></root>"
                        f"<kind>{kind}</kind></harmony>")
        for k in range(8):
            index = bar * 8 + k
            if index % 5 == 4:
                body.append("<note><rest/><duration>1</duration><type>eighth</type></note>")
            else:
                body.append(f"<note>{_pitch_xml(SCALE[index % len(SCALE)])}<duration>1</duration>"
                            "<type>eighth</type></note>")
        measures.append(f'<measure number="{bar + 1}">{"".join(body)}</measure>')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<score-partwise version="3.1"><part-list><score-part id="P1">'
            "<part-name>Melody</part-name></score-part></part-list>"
            f'<part id="P1">{"".join(measures)}</part></score-partwise>\n').encode()


def musicxml_without_chords() -> bytes:
    return musicxml(chords=False)


def broken_musicxml() -> bytes:
    data = musicxml()
    return data[: len(data) * 2 // 3]  # cut inside a measure: unclosed tags


def musicxml_without_parts() -> bytes:
    """A well-formed MusicXML score that lists no part and holds none."""
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<score-partwise version="3.1"><part-list/></score-partwise>\n')


def abc(bars: int = 8) -> bytes:
    """An ABC tune with chord symbols in quotes."""
    letters = "CDEFGABc"
    body = []
    for bar in range(bars):
        notes = "".join(letters[(bar + k) % 8] for k in range(8))
        body.append(f'"{CHORDS[bar % len(CHORDS)]}"{notes}')
    return ("X:1\nT:Walk\nM:4/4\nL:1/8\nQ:1/4=120\nK:C\n" + "|".join(body) + "|]\n").encode()


def broken_abc() -> bytes:
    return b'X:1\nT:Broken\nM:4/0\nL:1/0\nK:Hmm\n"Dm7(((|]]]CDE|[[[|:::\x00\xff"\n'


# ---------------------------------------------------------------------------- the catalogue
MAKERS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "zero bytes": ("empty.mid", zero_bytes),
    "random bytes": ("noise.mid", random_bytes),
    "truncated MIDI": ("truncated.mid", truncated_midi),
    "text renamed .mid": ("chords.mid", text_as_midi),
    "drums-only MIDI": ("drums.mid", drums_only),
    "one note": ("one_note.mid", one_note),
    "zero-length notes": ("zero_length.mid", zero_length_notes),
    "overlapping notes and chords": ("overlapping.mid", overlapping_notes),
    "extreme tempo changes": ("tempo_changes.mid", extreme_tempo_changes),
    "3/4": ("waltz.mid", waltz_3_4),
    "6/8": ("jig.mid", jig_6_8),
    "5/4": ("five.mid", take_five_5_4),
    "one-hour MIDI": ("one_hour.mid", one_hour),
    "MusicXML without chords": ("no_chords.musicxml", musicxml_without_chords),
    "broken MusicXML": ("broken.musicxml", broken_musicxml),
    "MusicXML without parts": ("no_parts.musicxml", musicxml_without_parts),
    "broken ABC": ("broken.abc", broken_abc),
    "16 melodic tracks": ("sixteen.mid", sixteen_tracks),
}


def write(case: str, folder: Path) -> Path:
    """Write the file of one case (a key of `MAKERS`) into ``folder``; returns its path."""
    name, maker = MAKERS[case]
    path = folder / name
    path.write_bytes(maker())
    return path


GOOD_MIDI = lead_sheet_midi(bars=4)
GOOD_MUSICXML = musicxml(bars=4)
GOOD_ABC = abc(bars=4)
