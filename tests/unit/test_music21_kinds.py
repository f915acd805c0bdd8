"""Chord symbols as MusicXML writes chords (`music.musicxml_chords`): each of our qualities gets
the chord kind a reader expects, <degree>s for what the kind does not say, and a MusicXML file
written from a clip reads back as the same chords, for every quality we parse."""

import pytest

from jazzwidget.music.clip import Clip, Step
from jazzwidget.music.harmony import QUALITIES, parse_chord
from jazzwidget.music.io import read_piece
from jazzwidget.music.musicxml_chords import (
    MUSICXML_KINDS,
    chord_degrees,
    chord_kind,
    music21_chord_symbol,
    symbol_of_kind,
)
from jazzwidget.music.piece import ChordSpan

MAJOR, DOMINANT = "major", "dominant"
# Every quality of ours: the MusicXML kind and the <degree>s it is written with (type, degree,
# alteration from the major or perfect interval). A new quality must be added here.
WRITTEN = {
    **dict.fromkeys(("", "maj", "M"), (MAJOR, [])),
    "6": ("major-sixth", []),
    "69": ("major-sixth", [("add", 9, 0)]),
    **dict.fromkeys(("maj7", "M7", "ma7", "^7"), ("major-seventh", [])),
    "maj9": ("major-ninth", []),
    **dict.fromkeys(("m", "min", "-"), ("minor", [])),
    "m6": ("minor-sixth", []),
    **dict.fromkeys(("m7", "min7", "-7"), ("minor-seventh", [])),
    "m9": ("minor-ninth", []),
    "m11": ("minor-11th", []),
    **dict.fromkeys(("mMaj7", "mM7"), ("major-minor", [])),
    **dict.fromkeys(("m7b5", "-7b5", "ø", "ø7"), ("half-diminished", [])),
    "7": (DOMINANT, []),
    "9": ("dominant-ninth", []),
    "11": ("dominant-11th", []),
    "13": ("dominant-13th", []),
    # a major third and a minor seventh: a dominant, whatever the tensions
    "7b9": (DOMINANT, [("add", 9, -1)]),
    "7#9": (DOMINANT, [("add", 9, 1)]),
    "7b13": (DOMINANT, [("add", 13, -1)]),
    "7#11": (DOMINANT, [("add", 11, 1)]),
    "7alt": (DOMINANT, [("subtract", 5, 0), ("add", 9, -1), ("add", 9, 1), ("add", 11, 1),
                        ("add", 13, -1)]),
    **dict.fromkeys(("7#5", "+7", "aug7"), ("augmented-seventh", [])),
    **dict.fromkeys(("7sus4", "7sus"), ("suspended-fourth", [("add", 7, -1)])),
    **dict.fromkeys(("sus4", "sus"), ("suspended-fourth", [])),
    "sus2": ("suspended-second", []),
    **dict.fromkeys(("dim", "o"), ("diminished", [])),
    **dict.fromkeys(("dim7", "o7"), ("diminished-seventh", [])),
    **dict.fromkeys(("aug", "+"), ("augmented", [])),
}


def intervals_of(quality):
    return set(QUALITIES[quality][0])


def test_every_quality_is_thought_through():
    assert set(WRITTEN) == set(QUALITIES)


@pytest.mark.parametrize("quality", sorted(QUALITIES))
def test_each_quality_gets_the_kind_a_reader_expects_and_its_degrees(quality):
    kind, degrees = WRITTEN[quality]
    assert chord_kind(intervals_of(quality)) == kind
    assert chord_degrees(intervals_of(quality), kind) == degrees
    written = music21_chord_symbol("Bb" + quality)
    assert [(m.modType, m.degree, m.interval.chromatic.semitones if m.interval else 0)
            for m in written.getChordStepModifications()] == degrees
    # our spelling is the displayed text unless degrees spell the tensions
    assert written.chordKindStr == ("" if degrees else quality)


def test_c7alt_is_a_dominant_not_half_diminished():
    """Regression: 7alt's #9 and #11 spell the half-diminished intervals 3, 6 and 10 beside its
    major third; it was written with kind "half-diminished" (C Eb Gb Bb, no E at all)."""
    written = music21_chord_symbol("C7alt")
    assert written.chordKind == "dominant-seventh"  # music21's name for MusicXML's "dominant"
    assert {p.pitchClass for p in written.pitches} == set(parse_chord("C7alt").tones)


@pytest.mark.parametrize("intervals, kind, degrees", [
    ({0, 4, 6, 10}, DOMINANT, [("alter", 5, -1)]),  # 7b5: the fifth altered, not added
    ({0, 3, 4, 8, 10}, DOMINANT, [("alter", 5, 1), ("add", 9, 1)]),  # 7#5#9
    ({0, 1, 4, 7, 9, 10}, "dominant-13th", [("add", 9, -1)]),  # 13b9
    ({0, 4, 7, 10, 6}, DOMINANT, [("add", 11, 1)]),  # the #11 beside a perfect fifth
    ({0, 4}, MAJOR, [("subtract", 5, 0)]),
    ({0, 3, 6}, "diminished", []),
])
def test_chords_outside_our_table(intervals, kind, degrees):
    assert chord_kind(intervals) == kind
    assert chord_degrees(intervals, kind) == degrees


@pytest.mark.parametrize("kind", sorted(MUSICXML_KINDS))
def test_each_kind_alone_reads_back_as_its_own_tones(kind):
    tones = set(MUSICXML_KINDS[kind].values())
    symbol = symbol_of_kind("D", kind, [], "")
    assert symbol is not None and {(pc - 2) % 12 for pc in parse_chord(symbol).tones} == tones


def test_degrees_from_other_writers_are_read():
    assert symbol_of_kind("D", "dominant-seventh", [("add", 9, -1)], "") == "D7b9"
    assert symbol_of_kind("E-", "major-sixth", [("add", 9, 0)], "G") == "Eb69/G"
    assert symbol_of_kind("G", "suspended-fourth", [("add", 7, -1)], "") == "G7sus4"
    assert symbol_of_kind("C", "dominant", [("alter", 5, 1)], "") == "C7#5"
    # no quality of ours holds a 7b5, MusicXML's Neapolitan or an unknown degree type
    assert symbol_of_kind("C", "dominant", [("alter", 5, -1)], "") is None
    assert symbol_of_kind("C", "Neapolitan", [], "") is None
    assert symbol_of_kind("C", "dominant", [("raise", 5, 1)], "") is None


ROOTS = ("Bb", "F#", "Eb", "A", "Db", "G", "B", "Ab", "E", "C", "Gb", "D", "F")


def round_trip(tmp_path, symbols):
    """Write the symbols, one a beat, to MusicXML from a clip and read the file back as
    `load_corpus` reads it (`io.read_piece`)."""
    spans = [ChordSpan(s, float(i), float(i + 1)) for i, s in enumerate(symbols)]
    clip = Clip([Step("C,1.000", 0.0, float(len(spans)), 60)], spans, tempo=60,
                duration=float(len(spans)))
    return read_piece(clip.to_musicxml(tmp_path / "chords.musicxml")).chords


def test_every_quality_survives_a_musicxml_round_trip(tmp_path):
    """Each quality over a different root than its neighbours (equal neighbours would merge),
    plain and over a bass: the same root, chord tones and bass come back, at the same beat.
    music21 carries all of them; an 11th and a 13th come back under our own "11" and "13" (its
    pitches stack the implied 9th and 11th, which our qualities leave out)."""
    symbols = [ROOTS[i % len(ROOTS)] + quality for i, quality in enumerate(QUALITIES)]
    symbols += [ROOTS[(i + 3) % len(ROOTS)] + quality + "/" + ROOTS[(i + 7) % len(ROOTS)]
                for i, quality in enumerate(QUALITIES)]
    chords = round_trip(tmp_path, symbols)
    assert [span.start for span in chords] == [float(i) for i in range(len(symbols))]
    for wrote, span in zip(symbols, chords, strict=True):
        ours, back = parse_chord(wrote), parse_chord(span.symbol)
        assert (back.root, back.tones, back.bass) == (ours.root, ours.tones, ours.bass), (
            wrote, span.symbol)


def test_d7b9_and_altered_dominants_keep_their_alterations(tmp_path):
    """Regression: D7b9 read back as D7 (music21 read the <degree> as "D7 add b9", which our
    reader did not parse; chords were then named from the pitches, and D7b9 is no name there)."""
    symbols = ["D7b9", "G7#9", "C7#11", "F7b13", "Bb7alt", "Eb69", "Ab7#9/C", "Db7sus4"]
    assert [span.symbol for span in round_trip(tmp_path, symbols)] == symbols


def _harmony(step, kind, degrees=(), text=None, alter=0):
    shown = f' text="{text}"' if text is not None else ""
    parts = "".join(f"<degree><degree-value>{d}</degree-value><degree-alter>{a}</degree-alter>"
                    f"<degree-type>{t}</degree-type></degree>" for t, d, a in degrees)
    return (f"<harmony><root><root-step>{step}</root-step><root-alter>{alter}</root-alter>"
            f"</root><kind{shown}>{kind}</kind>{parts}</harmony>")


def test_a_file_from_another_editor_reads_its_degrees(tmp_path):
    """A MusicXML file as score editors write chords (the kind's text is theirs, the tensions
    are <degree>s), read as `load_corpus` reads it."""
    chords = [_harmony("D", "dominant", [("add", 9, -1)], text="7"),
              _harmony("E", "major-sixth", [("add", 9, 0)], text="6", alter=-1),
              _harmony("G", "suspended-fourth", [("add", 7, -1)], text="sus"),
              _harmony("F", "minor-seventh", [("alter", 5, -1)], text="m7", alter=1),
              _harmony("C", "dominant", [("alter", 5, -1)], text="7")]
    measures = "".join(
        f'<measure number="{i + 1}">'
        + ("<attributes><divisions>1</divisions><time><beats>4</beats><beat-type>4</beat-type>"
           "</time></attributes>" if i == 0 else "")
        + f"{chord}<note><pitch><step>C</step><octave>5</octave></pitch>"
          "<duration>4</duration><type>whole</type></note></measure>"
        for i, chord in enumerate(chords))
    path = tmp_path / "editor.musicxml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><score-partwise version="4.0"><part-list>'
        '<score-part id="P1"><part-name>Lead</part-name></score-part></part-list>'
        f'<part id="P1">{measures}</part></score-partwise>')
    symbols = [span.symbol for span in read_piece(path).chords]
    # C7b5 is no quality of ours: it is named from its pitches (`harmony.name_chord`), whose
    # nearest template is C7 (3 of its 4 tones)
    assert symbols == ["D7b9", "Eb69", "G7sus4", "F#m7b5", "C7"]
