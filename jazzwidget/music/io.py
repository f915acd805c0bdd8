"""Read music files (MIDI, MusicXML, ABC, music21 corpus names) into `Piece` objects.

MIDI goes through pretty_midi (fast); MusicXML, ABC and music21 corpus names go through music21.
Both are first turned into the same plain intermediate (tracks of notes in beats, chord symbols,
tempo, meter), and one pipeline then picks the melody track, reduces it to a monophonic line
(the "skyline"), cuts the requested window, fills the silences with rests and finds the chords:
the file's own chord symbols when it has them, otherwise estimated from the other tracks.

Times are in beats (quarter notes). Nothing is quantized here (`values.py` does that), but
zero-length notes are dropped and gaps shorter than `TINY_GAP` are folded into the note before.
"""

from __future__ import annotations

import bisect
import math
import re
import statistics
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jazzwidget.errors import ChordError, MusicFileError, NoMelodyError
from jazzwidget.music.harmony import name_chord, parse_chord
from jazzwidget.music.piece import ChordSpan, MelodyEvent, Piece, TrackInfo

SUPPORTED_SUFFIXES = (".mid", ".midi", ".xml", ".mxl", ".musicxml", ".abc")
MIDI_SUFFIXES = (".mid", ".midi")
MUSIC21_PREFIX = "music21:"

# Beats. A silence shorter than a 32nd note is articulation, not a rest: it is folded into the
# note before. (1/16 gave 291 events on the seed's solo, where music21's quantized reading gives
# 245; 1/8 gives 257.) Onsets this much before a window's start (or end) belong to it (or not).
TINY_GAP = 1 / 8
ONSET_TOLERANCE = 1 / 32  # beats: onsets closer than this count as one (strummed chords)
MELODIC_REGISTER = (55, 84)  # MIDI pitches where a melody's median usually lies
CHORD_TRACK_WORDS = ("piano", "keys", "keyboard", "comp", "chord", "rhodes")
_EPS = 1e-9

RawNote = tuple[float, float, int]  # start, end (beats), MIDI pitch


@dataclass
class _RawTrack:
    name: str
    program: int | None
    is_drum: bool
    notes: list[RawNote]


@dataclass
class _RawScore:
    """What a reader hands to the shared pipeline: everything in beats."""

    name: str
    tracks: list[_RawTrack]
    symbols: list[tuple[float, str]]  # chord symbols (beat, symbol), from the file
    symbols_from: str  # where the symbols were found, for chord_source
    tempo: float = 120.0
    beats_per_bar: int = 4
    melody_symbols: dict[int, list[tuple[float, str]]] = field(default_factory=dict)

    @property
    def length(self) -> float:
        ends = [end for track in self.tracks for _, end, _ in track.notes]
        return max(ends, default=0.0)


# ---------------------------------------------------------------------------- public API
def read_piece(
    source: str | Path,
    *,
    melody: str | int | None = None,
    start_beat: float | None = None,
    end_beat: float | None = None,
) -> Piece:
    """Read one music file (or music21 corpus name) into a `Piece`.

    Parameters
    ----------
    source : a path to a .mid/.midi/.xml/.mxl/.musicxml/.abc file, or a music21 corpus name
        written ``"music21:leadSheet/berlinAlexandersRagtime.mxl"``.
    melody : which track holds the melody: a track name (case-insensitive, exact match first,
        then a part of the name), an index into the tracks, or ``"program:N"`` for a General MIDI
        program. None picks the most melody-like track (few overlapping notes, many notes, a
        melodic register).
    start_beat, end_beat : a window of the file, in beats (quarter notes); the returned piece is
        shifted so that the window starts at beat 0.

    Returns
    -------
    Piece : monophonic melody (notes and rests, gap-free, from beat 0) over chord spans.

    Raises
    ------
    MusicFileError : the file is missing, of an unsupported type, or unreadable.
    NoMelodyError : no usable melody track, or the window holds no melody notes.
    """
    raw = _read_raw(source)
    return _build_piece(raw, melody=melody, start_beat=start_beat, end_beat=end_beat)


def read_pieces(
    sources: str | Path | Iterable[str | Path],
    *,
    melody: str | int | None = None,
    start_beat: float | None = None,
    end_beat: float | None = None,
) -> list[Piece]:
    """Read several files into pieces, in order.

    ``sources`` is a path, a folder (every supported file inside it and its subfolders, sorted),
    a music21 corpus name (``"music21:..."``) or a list of those. The keyword arguments apply to
    every piece.
    """
    return [
        read_piece(path, melody=melody, start_beat=start_beat, end_beat=end_beat)
        for path in expand_sources(sources)
    ]


def expand_sources(sources: str | Path | Iterable[str | Path]) -> list[str | Path]:
    """The files that ``sources`` names: folders expanded into their supported files, sorted."""
    items = [sources] if isinstance(sources, str | Path) else list(sources)
    found: list[str | Path] = []
    for item in items:
        if isinstance(item, str) and item.startswith(MUSIC21_PREFIX):
            found.append(item)
            continue
        path = Path(item).expanduser()
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
            if not files:
                raise MusicFileError(
                    f"the folder {str(path)!r} holds no music files: put files ending in "
                    f"{', '.join(SUPPORTED_SUFFIXES)} in it"
                )
            found.extend(files)
        else:
            found.append(path)
    return found


# ---------------------------------------------------------------------------- readers
def _read_raw(source: str | Path) -> _RawScore:
    if isinstance(source, str) and source.startswith(MUSIC21_PREFIX):
        return _read_music21_corpus(source)
    path = Path(source).expanduser()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise MusicFileError(
            f"cannot read {path.name!r}: unsupported file type {suffix or '(none)'!r}; "
            f"use one of {', '.join(SUPPORTED_SUFFIXES)} or a music21 corpus name 'music21:...'"
        )
    if not path.is_file():
        raise MusicFileError(f"no such music file: {str(path)!r}; check the path and its spelling")
    if suffix in MIDI_SUFFIXES:
        return _read_midi(path)
    return _read_music21_file(path)


def _read_midi(path: Path) -> _RawScore:
    import mido
    import pretty_midi

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "tempo changes on non-zero tracks" and the like
            data = mido.MidiFile(str(path), charset="latin1")
            markers = _midi_markers(data)  # before pretty_midi makes the ticks absolute
            midi = pretty_midi.PrettyMIDI(mido_object=data)
    except Exception as exc:  # mido / pretty_midi raise many types on a broken file
        raise MusicFileError(
            f"cannot read the MIDI file {path.name!r} ({type(exc).__name__}: {exc}); "
            "check that it is a valid .mid file, e.g. by opening it in a MIDI player"
        ) from exc

    resolution = float(midi.resolution)

    def beat(seconds: float) -> float:
        return float(midi.time_to_tick(seconds)) / resolution

    tracks = []
    for instrument in midi.instruments:
        notes = [(beat(n.start), beat(n.end), int(n.pitch)) for n in instrument.notes]
        notes = [n for n in notes if n[1] > n[0] + _EPS]
        notes.sort()
        tracks.append(_RawTrack(instrument.name.strip(), int(instrument.program),
                                bool(instrument.is_drum), notes))

    _, tempi = midi.get_tempo_changes()
    tempo = round(float(tempi[0]), 2) if len(tempi) else 120.0
    beats_per_bar = 4
    if midi.time_signature_changes:
        first = min(midi.time_signature_changes, key=lambda ts: ts.time)
        beats_per_bar = max(1, round(first.numerator * 4 / first.denominator))

    texts = [(beat(t.time), t.text) for t in midi.text_events]
    lyrics = [(beat(t.time), t.text) for t in midi.lyrics]
    symbols, where = _chord_texts(texts, "text events")
    if not symbols:
        symbols, where = _chord_texts(lyrics, "lyrics")
    if not symbols:
        symbols, where = _chord_texts([(t / resolution, text) for t, text in markers], "markers")
    return _RawScore(path.name, tracks, symbols, where, tempo, beats_per_bar)


def _midi_markers(midi: Any) -> list[tuple[int, str]]:
    """Marker and cue-point texts (pretty_midi does not keep them), in ticks."""
    found = []
    for track in midi.tracks:
        ticks = 0
        for message in track:
            ticks += message.time
            if message.is_meta and message.type in ("marker", "cue_marker"):
                found.append((ticks, message.text))
    return found


def _chord_texts(
    events: Sequence[tuple[float, str]], where: str
) -> tuple[list[tuple[float, str]], str]:
    """The events whose text is a chord symbol, if the texts look like a chord track."""
    texts = [(t, text.strip()) for t, text in events if text and text.strip()]
    symbols = []
    for t, text in texts:
        try:
            symbols.append((t, parse_chord(text).symbol))
        except ChordError:
            continue
    # One stray "A" in a title is not a chord track: ask for two symbols, or only symbols.
    if not symbols or (len(symbols) < 2 and len(symbols) < len(texts)):
        return [], ""
    symbols = sorted(set(symbols))
    return symbols, f"chord symbols in the file's {where}"


def _read_music21_corpus(name: str) -> _RawScore:
    from music21 import corpus

    corpus_name = name[len(MUSIC21_PREFIX):]
    try:
        score = corpus.parse(corpus_name)
    except Exception as exc:
        raise MusicFileError(
            f"cannot read {corpus_name!r} from music21's corpus ({type(exc).__name__}: {exc}); "
            "check the name, e.g. 'music21:leadSheet/berlinAlexandersRagtime.mxl'"
        ) from exc
    return _from_music21(score, name)


def _read_music21_file(path: Path) -> _RawScore:
    from music21 import converter

    try:
        score = converter.parse(str(path))
    except Exception as exc:
        raise MusicFileError(
            f"cannot read {path.name!r} ({type(exc).__name__}: {exc}); check that it is a valid "
            f"{path.suffix.lower()} file, e.g. by opening it in MuseScore"
        ) from exc
    return _from_music21(score, path.name)


def _from_music21(score: Any, name: str) -> _RawScore:
    from music21 import chord, harmony, instrument, meter, note, stream, tempo

    if isinstance(score, stream.Opus):  # an ABC book: take its first tune
        scores = list(score.scores)
        if not scores:
            raise NoMelodyError(f"{name!r} holds no tunes: check the file in a score editor")
        score = scores[0]
    parts = list(score.parts) if hasattr(score, "parts") and len(score.parts) else [score]

    tracks: list[_RawTrack] = []
    symbols_by_part: dict[int, list[tuple[float, str]]] = {}
    for index, part in enumerate(parts):
        flat = part.stripTies().flatten()
        notes: list[RawNote] = []
        symbols: list[tuple[float, str]] = []
        for element in flat.notes:
            offset = float(element.offset)
            if isinstance(element, harmony.ChordSymbol):  # before Chord: it is a subclass
                if isinstance(element, harmony.NoChord):
                    continue
                symbol = _music21_symbol(element)
                if symbol:
                    symbols.append((offset, symbol))
                continue
            end = offset + float(element.quarterLength)
            if end <= offset + _EPS:
                continue  # grace notes and other zero-length notes
            if isinstance(element, chord.Chord):
                notes.extend((offset, end, int(p.midi)) for p in element.pitches)
            elif isinstance(element, note.Note):
                notes.append((offset, end, int(element.pitch.midi)))
        notes.sort()
        found = part.getInstrument(returnDefault=False)
        program = found.midiProgram if found is not None else None
        is_drum = isinstance(found, instrument.UnpitchedPercussion) or (
            found is not None and found.midiChannel == 9)
        part_name = part.partName or (found.instrumentName if found is not None else None)
        if not part_name and isinstance(part.id, str):
            part_name = part.id
        tracks.append(_RawTrack(str(part_name or "").strip(), program, is_drum, notes))
        if symbols:
            symbols_by_part[index] = sorted(set(symbols))

    marks = list(score.recurse().getElementsByClass(tempo.MetronomeMark))
    bpm = marks[0].getQuarterBPM() if marks else None
    signatures = list(score.recurse().getElementsByClass(meter.TimeSignature))
    beats_per_bar = 4
    if signatures:
        beats_per_bar = max(1, round(float(signatures[0].barDuration.quarterLength)))
    raw = _RawScore(name, tracks, [], "", round(float(bpm), 2) if bpm else 120.0, beats_per_bar)
    raw.melody_symbols = symbols_by_part
    return raw


_MUSIC21_FLAT = re.compile(r"(^|/)([A-Ga-g])(-+)")


def _music21_symbol(symbol: Any) -> str | None:
    """Our spelling of a music21 ChordSymbol ('B-7' -> 'Bb7'), or a name for its pitches."""
    figure = symbol.figure or ""
    figure = _MUSIC21_FLAT.sub(lambda m: m.group(1) + m.group(2) + "b" * len(m.group(3)), figure)
    try:
        return parse_chord(figure).symbol
    except ChordError:
        pass
    return name_chord([int(p.midi) for p in symbol.pitches])


# ---------------------------------------------------------------------------- the pipeline
def _build_piece(
    raw: _RawScore,
    *,
    melody: str | int | None,
    start_beat: float | None,
    end_beat: float | None,
) -> Piece:
    tracks = [_track_info(i, t) for i, t in enumerate(raw.tracks)]
    file_length = raw.length
    start = max(float(start_beat), 0.0) if start_beat is not None else 0.0
    end = float(end_beat) if end_beat is not None else math.inf
    if end <= start:
        raise NoMelodyError(
            f"the window {start:g}-{end:g} of {raw.name!r} is empty: end_beat must be after "
            f"start_beat (the file is {_beats(file_length)} beats long)"
        )
    if not any(t.notes and not t.is_drum for t in raw.tracks):
        raise NoMelodyError(
            f"{raw.name!r} has no pitched notes to take a melody from: choose a file with a "
            "melody (drum-only and empty files cannot be used)"
        )

    index, reason = _choose_melody(raw, tracks, melody, start, end)
    line = skyline(raw.tracks[index].notes)
    window = _window(line, start, end)
    if not window:
        raise NoMelodyError(
            f"track {index} {tracks[index].name!r} of {raw.name!r} has no notes between beats "
            f"{start:g} and {end:g}: the file is {_beats(file_length)} beats long; choose a window "
            "inside it"
        )
    melody_end = window[-1][1]
    if end_beat is not None:
        melody_end = max(melody_end, min(end, file_length))
    events = _melody_events(window, start, melody_end)
    length = events[-1].end

    chords, chord_source = _find_chords(raw, index, tracks, start, start + length)
    return Piece(
        name=raw.name,
        melody=events,
        chords=chords,
        tempo=raw.tempo,
        beats_per_bar=raw.beats_per_bar,
        tracks=tracks,
        melody_track=index,
        melody_reason=reason,
        chord_source=chord_source,
    )


def _track_info(index: int, track: _RawTrack) -> TrackInfo:
    pitches = [p for _, _, p in track.notes]
    return TrackInfo(
        index=index,
        name=track.name,
        program=track.program,
        is_drum=track.is_drum,
        notes=len(pitches),
        lowest=min(pitches) if pitches else None,
        highest=max(pitches) if pitches else None,
        polyphony=polyphony(track.notes),
    )


def polyphony(notes: Sequence[RawNote]) -> float:
    """Share of notes that sound together with another note of the same track."""
    if not notes:
        return 0.0
    ordered = sorted(notes)
    overlapping = set()
    holder, holder_end = -1, -math.inf  # the note that reaches furthest so far
    for i, (start, end, _) in enumerate(ordered):
        if start < holder_end - ONSET_TOLERANCE or (
            holder >= 0 and abs(start - ordered[holder][0]) < ONSET_TOLERANCE
        ):
            overlapping.update((i, holder))
        if end > holder_end:
            holder, holder_end = i, end
    return round(len(overlapping) / len(ordered), 4)


def skyline(notes: Sequence[RawNote]) -> list[RawNote]:
    """A monophonic line: the highest note at each onset, cut where the next onset starts.

    Onsets closer than `ONSET_TOLERANCE` count as one (the earliest start is kept).
    """
    ordered = sorted(notes)
    groups: list[list[RawNote]] = []
    for note in ordered:
        if groups and note[0] - groups[-1][0][0] < ONSET_TOLERANCE:
            groups[-1].append(note)
        else:
            groups.append([note])
    line: list[RawNote] = []
    for group in groups:
        top = max(group, key=lambda n: (n[2], n[1]))
        start = group[0][0]
        if line and line[-1][1] > start:
            prev = line[-1]
            line[-1] = (prev[0], start, prev[2])
        line.append((start, top[1], top[2]))
    return [n for n in line if n[1] > n[0] + _EPS]


def _window(line: list[RawNote], start: float, end: float) -> list[RawNote]:
    """The notes with an onset in [start, end), tolerant of onsets played just early."""
    inside = []
    for note_start, note_end, pitch in line:
        if start - TINY_GAP <= note_start < end - TINY_GAP:
            clipped = (max(note_start, start), min(note_end, end), pitch)
            if clipped[1] > clipped[0] + _EPS:
                inside.append(clipped)
    return inside


def _event(start: float, end: float, pitch: int | None) -> MelodyEvent:
    start, end = round(float(start), 6), round(float(end), 6)
    return MelodyEvent(start, round(end - start, 6), pitch)


def _melody_events(notes: list[RawNote], start: float, end: float) -> list[MelodyEvent]:
    """Notes and rests from ``start`` to ``end``, shifted to begin at 0, tiny gaps folded."""
    events: list[MelodyEvent] = []
    cursor = start
    for i, (note_start, note_end, pitch) in enumerate(notes):
        if note_start - cursor >= TINY_GAP:
            events.append(_event(cursor - start, note_start - start, None))
        else:
            note_start = cursor  # a tiny gap at the window start: the first note starts there
        next_start = notes[i + 1][0] if i + 1 < len(notes) else end
        if next_start - note_end < TINY_GAP and i + 1 < len(notes):
            note_end = max(note_end, next_start)
        events.append(_event(note_start - start, note_end - start, pitch))
        cursor = note_end
    if end - cursor >= TINY_GAP:
        events.append(_event(cursor - start, end - start, None))
    elif end > cursor and events:
        events[-1] = _event(events[-1].start, end - start, events[-1].pitch)
    return events


# ---------------------------------------------------------------------------- melody choice
def _choose_melody(
    raw: _RawScore, tracks: list[TrackInfo], melody: str | int | None, start: float, end: float
) -> tuple[int, str]:
    if melody is None:
        return _guess_melody(raw, tracks, start, end)
    if isinstance(melody, bool) or not isinstance(melody, int | str):
        raise NoMelodyError(
            f"melody={melody!r} is not a track name, index or 'program:N': {_listing(tracks)}"
        )
    if isinstance(melody, int):
        if not 0 <= melody < len(tracks):
            raise NoMelodyError(
                f"{raw.name!r} has no track {melody}: {_listing(tracks)}; pass one of these "
                "indexes or names as melody="
            )
        return _usable(raw, tracks, melody, f'track {melody} "{tracks[melody].name}" '
                                            "(asked for by index)")
    text = melody.strip()
    program = re.fullmatch(r"program\s*:\s*(\d+)", text, flags=re.IGNORECASE)
    if program:
        number = int(program.group(1))
        matches = [t.index for t in tracks if t.program == number and not t.is_drum and t.notes]
        if not matches:
            raise NoMelodyError(
                f"{raw.name!r} has no track with General MIDI program {number}: "
                f"{_listing(tracks)}; pass one of these as melody="
            )
        best = max(matches, key=lambda i: _melody_score(raw.tracks[i], tracks[i], start, end))
        return _usable(raw, tracks, best, f'track {best} "{tracks[best].name}" '
                                          f"(asked for by program {number})")
    wanted = text.casefold()
    exact = [t.index for t in tracks if t.name.casefold() == wanted]
    partial = [t.index for t in tracks if wanted and wanted in t.name.casefold()]
    matches = exact or partial
    if not matches and text.isdigit():
        return _choose_melody(raw, tracks, int(text), start, end)
    if not matches:
        raise NoMelodyError(
            f"{raw.name!r} has no track named {melody!r}: {_listing(tracks)}; pass one of these "
            "names or indexes as melody="
        )
    best = max(matches, key=lambda i: _melody_score(raw.tracks[i], tracks[i], start, end))
    how = "asked for by name" if exact else f"name contains {melody!r}"
    return _usable(raw, tracks, best, f'track {best} "{tracks[best].name}" ({how})')


def _usable(raw: _RawScore, tracks: list[TrackInfo], index: int, reason: str) -> tuple[int, str]:
    track = tracks[index]
    if track.is_drum or not track.notes:
        what = "is a drum track" if track.is_drum else "has no notes"
        raise NoMelodyError(
            f'track {index} "{track.name}" of {raw.name!r} {what}, so it cannot be the melody: '
            f"{_listing(tracks)}"
        )
    return index, reason


def _melody_score(raw: _RawTrack, info: TrackInfo, start: float, end: float) -> float:
    """How melody-like a track is: many notes, one at a time, in a melodic register."""
    notes = [n for n in raw.notes if start - TINY_GAP <= n[0] < end]
    if info.is_drum or not notes:
        return -1.0
    median = statistics.median(p for _, _, p in notes)
    low, high = MELODIC_REGISTER
    distance = max(low - median, median - high, 0)
    register = math.exp(-distance / 4)
    one_at_a_time = (1 - polyphony(notes)) ** 2 + 0.01  # a chords-only file still gives a line
    return len(notes) * one_at_a_time * register


def _guess_melody(
    raw: _RawScore, tracks: list[TrackInfo], start: float, end: float
) -> tuple[int, str]:
    scores = sorted(
        ((_melody_score(raw.tracks[t.index], t, start, end), t.index) for t in tracks),
        reverse=True,
    )
    if not scores or scores[0][0] <= 0:
        raise NoMelodyError(
            f"{raw.name!r} has no pitched notes between beats {start:g} and {end:g}: the file is "
            f"{_beats(raw.length)} beats long; choose a window inside it"
        )
    best = scores[0][1]
    track = tracks[best]
    median = statistics.median(p for _, _, p in raw.tracks[best].notes)
    low, high = MELODIC_REGISTER
    register = "a melodic register" if low <= median <= high else "the best register available"
    reason = (
        f'track {best} "{track.name}": the most melody-like ({track.notes} notes, median pitch '
        f"{median:g} in {register}, {track.polyphony:.0%} polyphony)"
    )
    if len(scores) > 1 and scores[1][0] > 0:
        runner = tracks[scores[1][1]]
        reason += f'; next best track {runner.index} "{runner.name}"'
    return best, reason


def _beats(length: float) -> str:
    return f"{round(length, 1):g}"


def _listing(tracks: list[TrackInfo]) -> str:
    if not tracks:
        return "the file has no tracks"
    return "tracks are " + ", ".join(
        f'{t.index} "{t.name}"' + (" (drums)" if t.is_drum else "") for t in tracks
    )


# ---------------------------------------------------------------------------- chords
def _find_chords(
    raw: _RawScore, melody_index: int, tracks: list[TrackInfo], start: float, end: float
) -> tuple[list[ChordSpan], str]:
    symbols, where = raw.symbols, raw.symbols_from
    if not symbols and raw.melody_symbols:
        part = melody_index if melody_index in raw.melody_symbols else min(raw.melody_symbols)
        symbols = raw.melody_symbols[part]
        where = "chord symbols in the melody part" if part == melody_index else (
            f'chord symbols in part {part} "{tracks[part].name}"')
    if symbols:
        spans = _symbol_spans(symbols, start, end)
        if spans:
            used = sum(1 for t, _ in symbols if start - _EPS <= t < end)
            return spans, f"{where} ({used})"

    sources = _chord_tracks(raw, melody_index, tracks, start, end)
    if sources:
        step = _estimate_step(raw.beats_per_bar)
        spans = _estimate(
            [n for i in sources for n in raw.tracks[i].notes], start, end, step
        )
        if spans:
            names = ", ".join(f'"{tracks[i].name}"' for i in sources)
            unit = "beat" if step == 1 else "half bar" if step * 2 == raw.beats_per_bar else \
                f"{step:g} beats"
            return spans, f"estimated per {unit} from the other tracks ({names})"
    spans = _estimate(raw.tracks[melody_index].notes, start, end, float(raw.beats_per_bar))
    return spans, "estimated per bar from the melody alone"


def _estimate_step(beats_per_bar: int) -> float:
    """Chord estimation step in beats: half a bar in even meters, else a bar."""
    return beats_per_bar / 2 if beats_per_bar % 2 == 0 else float(beats_per_bar)


def _chord_tracks(
    raw: _RawScore, melody_index: int, tracks: list[TrackInfo], start: float, end: float
) -> list[int]:
    """Tracks to estimate chords from: piano-like tracks first, else all other pitched ones."""
    playing = [
        t.index for t in tracks
        if t.index != melody_index and not t.is_drum
        and any(start - TINY_GAP <= s < end and e > start for s, e, _ in raw.tracks[t.index].notes)
    ]
    exact = [i for i in playing if tracks[i].name.casefold() == "piano"]
    if exact:
        return exact
    keyboards = [i for i in playing if any(w in tracks[i].name.casefold()
                                           for w in CHORD_TRACK_WORDS)]
    return keyboards or playing


def _symbol_spans(symbols: list[tuple[float, str]], start: float, end: float) -> list[ChordSpan]:
    """Spans from chord symbols: the one sounding at ``start`` and those after, to ``end``."""
    before = [s for s in symbols if s[0] <= start + _EPS]
    inside = [s for s in symbols if start + _EPS < s[0] < end - _EPS]
    chosen = ([before[-1]] if before else []) + inside
    if not chosen:
        return []
    spans = []
    for i, (t, symbol) in enumerate(chosen):
        span_start = 0.0 if i == 0 else t - start
        span_end = chosen[i + 1][0] - start if i + 1 < len(chosen) else end - start
        spans.append(ChordSpan(symbol, round(span_start, 6), round(span_end, 6)))
    return _merge(spans)


def _estimate(notes: list[RawNote], start: float, end: float, step: float) -> list[ChordSpan]:
    """Name the chord of each step-long segment on the file's own grid; merge equal neighbours."""
    notes = sorted(notes)
    starts = [s for s, _, _ in notes]
    longest = max((e - s for s, e, _ in notes), default=0.0)
    first = math.floor(start / step + _EPS) * step
    segments: list[tuple[float, float, str | None]] = []
    t = first
    while t < end - _EPS:
        a, b = max(t, start), min(t + step, end)
        pitches, weights = [], []
        for s, e, p in notes[bisect.bisect_left(starts, a - longest):
                             bisect.bisect_left(starts, b)]:
            overlap = min(e, b) - max(s, a)
            if overlap > _EPS:
                pitches.append(p)
                weights.append(overlap)
        segments.append((a, b, name_chord(pitches, weights)))
        t += step
    names = [name for _, _, name in segments]
    if not any(names):
        return []
    filled: list[str] = []
    carry = next(name for name in names if name)
    for name in names:  # silent segments keep the chord before (the first found at the start)
        carry = name or carry
        filled.append(carry)
    spans = [ChordSpan(name, round(a - start, 6), round(b - start, 6))
             for (a, b, _), name in zip(segments, filled, strict=True)]
    return _merge(spans)


def _merge(spans: list[ChordSpan]) -> list[ChordSpan]:
    merged: list[ChordSpan] = []
    for span in spans:
        if merged and merged[-1].symbol == span.symbol:
            merged[-1] = ChordSpan(span.symbol, merged[-1].start, span.end)
        elif span.end > span.start + _EPS:
            merged.append(span)
    return merged
