"""The value grammar: a melody over chords as a sequence of string tokens, and back.

A *value* is one melody event (after Gillick, Tang & Keller 2009, as in deepjazz and the seed):

``TYPE,DURATION`` or ``TYPE,DURATION,<UPPER,LOWER>``

* TYPE: C chord tone, S scale tone (of the chord's scale), A approach tone (a semitone from a
  chord tone), X other, R rest.
* DURATION: quarter lengths on a grid that holds sixteenths and eighth-note triplets, written with
  three decimals ("0.250", "0.333").
* <UPPER,LOWER>: the interval window from the previous note, a minor third either side of the
  interval actually played, as directed interval names ("<P4,m-2>" for a whole step up: 2 + 3
  semitones up to 2 - 3 down).

>>> from jazzwidget.music.piece import MelodyEvent
>>> encode_melody([MelodyEvent(0, 1, 60), MelodyEvent(1, 0.5, 62), MelodyEvent(1.5, 0.5, None)],
...               lambda beat: "C")
['C,1.000', 'S,0.500,<P4,m-2>', 'R,0.500']

``encoding="pitch"`` writes ``P<midi>,DURATION`` or ``R,DURATION`` instead: absolute pitches,
for music where harmony is not the point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from jazzwidget.errors import CorpusError
from jazzwidget.music.harmony import parse_chord
from jazzwidget.music.piece import MelodyEvent

ENCODINGS = ("grammar", "pitch")
MAX_DURATION = 4.0  # longer notes are cut and longer rests split, at this many beats
WINDOW = 3  # a minor third either side
MAX_INTERVAL = 21  # leaps are clamped so every window stays within two octaves

# Durations: every multiple of a sixteenth and of an eighth-note triplet up to MAX_DURATION.
DURATION_GRID: tuple[float, ...] = tuple(
    sorted({k / 4 for k in range(1, 17)} | {k / 3 for k in range(1, 13)})
)
MIN_DURATION = DURATION_GRID[0]

# Interval names by semitones, as (quality, number): 7 -> ("P", 5) -> "P5", and "P-5" downwards.
_NAMES = (("P", 1), ("m", 2), ("M", 2), ("m", 3), ("M", 3), ("P", 4), ("d", 5), ("P", 5),
          ("m", 6), ("M", 6), ("m", 7), ("M", 7), ("P", 8), ("m", 9), ("M", 9), ("m", 10),
          ("M", 10), ("P", 11), ("d", 12), ("P", 12), ("m", 13), ("M", 13), ("m", 14),
          ("M", 14), ("P", 15))


def interval_name(semitones: int) -> str:
    """Directed interval name of a number of semitones.

    >>> interval_name(2), interval_name(-3), interval_name(0), interval_name(6)
    ('M2', 'm-3', 'P1', 'd5')
    """
    quality, number = _NAMES[min(abs(semitones), len(_NAMES) - 1)]
    return f"{quality}{'-' if semitones < 0 else ''}{number}"


_INTERVALS = {interval_name(s): s for s in range(-24, 25)}


def interval_semitones(name: str) -> int:
    """Inverse of `interval_name`."""
    return _INTERVALS[name]


def quantize_duration(beats: float) -> float:
    """The nearest duration on the sixteenth/triplet grid (at least a sixteenth).

    >>> quantize_duration(0.3), quantize_duration(0.01), quantize_duration(9.0)
    (0.3333333333333333, 0.25, 4.0)
    """
    return min(DURATION_GRID, key=lambda g: abs(g - beats))


def format_duration(beats: float) -> str:
    return f"{beats:.3f}"


@dataclass(frozen=True)
class Value:
    """A parsed value token.

    kind : "C", "S", "A", "X", "R" (grammar) or "P" (pitch encoding).
    duration : beats.
    window : (lower, upper) semitones from the previous note, or None.
    pitch : the MIDI pitch for the pitch encoding, else None.
    """

    kind: str
    duration: float
    window: tuple[int, int] | None = None
    pitch: int | None = None

    @property
    def is_rest(self) -> bool:
        return self.kind == "R"


def parse_value(token: str) -> Value:
    """Read a value token back into its parts.

    >>> parse_value("S,0.333,<P4,m-2>")
    Value(kind='S', duration=0.3333333333333333, window=(-1, 5), pitch=None)
    >>> parse_value("P64,0.500").pitch
    64
    """
    head, _, window = token.partition(",<")
    kind, duration = head.split(",")[:2]
    lower_upper = None
    if window:
        upper, lower = window.rstrip(">").split(",")
        lower_upper = (interval_semitones(lower), interval_semitones(upper))
    beats = quantize_duration(float(duration))  # "0.333" is the triplet 1/3
    if kind.startswith("P"):
        return Value("P", beats, None, int(kind[1:]))
    return Value(kind, beats, lower_upper)


def _quantize(events: Sequence[MelodyEvent]) -> list[tuple[int | None, float, float]]:
    """(pitch, onset, duration on the grid) for each event, rhythm kept in step with the music.

    Durations are chosen so that the running sum of grid durations follows the events' real
    ends (errors do not add up over a piece); events that would round to nothing (grace notes,
    tiny gaps) are dropped, and anything longer than MAX_DURATION is cut into pieces, the rest
    of a long note becoming rests. The onset is the event's real one, where its chord is read.
    """
    out: list[tuple[int | None, float, float]] = []
    clock = events[0].start if events else 0.0
    for event in events:
        pitch, onset = event.pitch, event.start
        while event.end - clock >= MIN_DURATION / 2:
            duration = quantize_duration(min(event.end - clock, MAX_DURATION))
            out.append((pitch, onset, duration))
            clock += duration
            onset, pitch = clock, None
    return out


def quantized_events(melody: Sequence[MelodyEvent]) -> list[MelodyEvent]:
    """The melody as its values play it: one event per value `encode_melody` writes, on the
    grid clock (a long note cut at MAX_DURATION goes on as rests, as in the values)."""
    events: list[MelodyEvent] = []
    clock = melody[0].start if melody else 0.0
    for pitch, _, duration in _quantize(melody):
        events.append(MelodyEvent(clock, duration, pitch))
        clock += duration
    return events


def encode_melody(melody: Sequence[MelodyEvent], chord_at: Callable[[float], str],
                  encoding: str = "grammar") -> list[str]:
    """Encode a melody as value tokens; ``chord_at(beat)`` gives the chord symbol at a beat."""
    if encoding not in ENCODINGS:
        raise CorpusError(f"unknown encoding {encoding!r}: use one of {', '.join(ENCODINGS)}")
    tokens: list[str] = []
    previous: int | None = None
    for pitch, onset, duration in _quantize(melody):
        length = format_duration(duration)
        if pitch is None:
            tokens.append(f"R,{length}")
            continue
        if encoding == "pitch":
            tokens.append(f"P{pitch},{length}")
            continue
        kind = parse_chord(chord_at(onset)).pitch_type(pitch)
        if previous is None:
            tokens.append(f"{kind},{length}")
        else:
            leap = max(-MAX_INTERVAL, min(MAX_INTERVAL, pitch - previous))
            upper, lower = interval_name(leap + WINDOW), interval_name(leap - WINDOW)
            tokens.append(f"{kind},{length},<{upper},{lower}>")
        previous = pitch
    return tokens


def total_beats(tokens: Iterable[str]) -> float:
    """Summed duration of value tokens, in beats."""
    return sum(parse_value(token).duration for token in tokens)
