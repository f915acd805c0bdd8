"""Read music files (MIDI, MusicXML, ABC, music21 corpus names) into `Piece` objects.

MIDI goes through pretty_midi (fast); MusicXML, ABC and music21 corpus names go through music21.
Both are first turned into the same plain intermediate (tracks of notes in beats, chord symbols,
tempo, meter), and one pipeline then picks the melody track, reduces it to a monophonic line
(the "skyline"), cuts the requested window, fills the silences with rests and finds the chords:
the file's own chord symbols when it has them, otherwise estimated from the other tracks.

Times are in beats (quarter notes). Nothing is quantized here (`values.py` does that), but
zero-length notes are dropped. The melody line is made in `melody.py`, the chords in
`chord_reading.py`.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from jazzwidget.errors import MusicFileError, NoMelodyError
from jazzwidget.music.chord_reading import chord_texts, find_chords, music21_symbol
from jazzwidget.music.melody import choose_melody, cut_window, melody_events, polyphony, skyline
from jazzwidget.music.piece import Piece, TrackInfo
from jazzwidget.music.raw import EPS, RawNote, RawScore, RawTrack

if TYPE_CHECKING:
    import pretty_midi

SUPPORTED_SUFFIXES = (".mid", ".midi", ".xml", ".mxl", ".musicxml", ".abc")
MIDI_SUFFIXES = (".mid", ".midi")
MUSIC21_PREFIX = "music21:"
CHORDS_TRACK_NAME = "chords"  # the track Clip.to_pretty_midi realizes chord symbols on
# Bigger files are refused before parsing: reading them would take more than about 30 s.
# A MIDI file of an hour of sixteenth notes is 260 KB (10 s); music21 reads about 50 KB/s.
MAX_MIDI_BYTES = 512 * 1024
MAX_SCORE_BYTES = 1024 * 1024  # MusicXML and ABC
MAX_NOTES = 60_000  # about two hours of busy music
MIN_TEMPO, MAX_TEMPO = 20.0, 400.0  # bpm: a written tempo outside is clamped (damaged files)


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


def read_pretty_midi(
    midi: pretty_midi.PrettyMIDI,
    *,
    melody: str | int | None = None,
    start_beat: float | None = None,
    end_beat: float | None = None,
    name: str = "the MIDI",
) -> Piece:
    """Read a `pretty_midi.PrettyMIDI` object into a `Piece`, exactly as a MIDI file is read.

    Parameters are those of `read_piece`; ``name`` says which MIDI in messages.

    Raises
    ------
    MusicFileError : the object is not a PrettyMIDI or its contents cannot be read.
    NoMelodyError : no usable melody track, or the window holds no melody notes.
    """
    import pretty_midi

    if not isinstance(cast("object", midi), pretty_midi.PrettyMIDI):  # a notebook may pass anything
        raise MusicFileError(
            f"expected a pretty_midi.PrettyMIDI, not a {type(midi).__name__}: give a PrettyMIDI "
            "object or the path of a music file"
        )
    raw = _raw_from_pretty_midi(midi, name, markers=[])
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
def _read_raw(source: str | Path) -> RawScore:
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
    size = path.stat().st_size
    if size == 0:
        raise MusicFileError(
            f"{path.name!r} is empty (0 bytes): the upload or download did not finish; get the "
            "file again"
        )
    limit = MAX_MIDI_BYTES if suffix in MIDI_SUFFIXES else MAX_SCORE_BYTES
    if size > limit:
        raise MusicFileError(
            f"{path.name!r} is {size / 1024:,.0f} KB; {suffix} files over {limit // 1024:,} KB "
            "are refused (they hold hours of music and would take minutes to read): use a "
            "shorter piece, one movement, or cut it with start_beat/end_beat in a music editor"
        )
    if suffix in MIDI_SUFFIXES:
        return _read_midi(path)
    return _read_music21_file(path)


def _read_midi(path: Path) -> RawScore:
    import mido
    import pretty_midi

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "tempo changes on non-zero tracks" and the like
            data = mido.MidiFile(str(path), charset="latin1")
            markers = _midi_markers(data)  # before pretty_midi makes the ticks absolute
            midi = pretty_midi.PrettyMIDI(mido_object=data)
    # mido and pretty_midi raise many types on a broken file (ValueError, EOFError, KeyError,
    # IndexError, ZeroDivisionError, ...): each means "not a readable MIDI file".
    except Exception as exc:
        if isinstance(exc, EOFError):
            raise MusicFileError(
                f"cannot read the MIDI file {path.name!r}: it ends too early, cut short (an "
                "unfinished upload or download?); get the file again or export it again"
            ) from exc
        raise MusicFileError(
            f"cannot read the MIDI file {path.name!r} ({type(exc).__name__}: {exc}); "
            "check that it is a valid .mid file, e.g. by opening it in a MIDI player"
        ) from exc
    return _raw_from_pretty_midi(midi, path.name, markers)


def _raw_from_pretty_midi(
    midi: pretty_midi.PrettyMIDI, name: str, markers: list[tuple[int, str]]
) -> RawScore:
    resolution = float(midi.resolution)
    if not resolution > 0:
        raise MusicFileError(
            f"{name!r} says it has {midi.resolution} ticks per beat: it is damaged; export it "
            "again from your music program"
        )
    count = sum(len(instrument.notes) for instrument in midi.instruments)
    if count > MAX_NOTES:
        raise MusicFileError(
            f"{name!r} holds {count:,} notes; more than {MAX_NOTES:,} are refused (hours of "
            "music, minutes to read): use a shorter piece, or cut it in a MIDI editor"
        )
    try:
        tick_of = midi.time_to_tick
        tracks = []
        for instrument in midi.instruments:
            notes = [(tick_of(n.start) / resolution, tick_of(n.end) / resolution, int(n.pitch))
                     for n in instrument.notes]
            notes = [n for n in notes if n[1] > n[0] + EPS and 0 <= n[2] <= 127]
            notes.sort()
            tracks.append(RawTrack(str(instrument.name).strip(), int(instrument.program),
                                   bool(instrument.is_drum), notes))
        texts = [(tick_of(t.time) / resolution, str(t.text)) for t in midi.text_events]
        lyrics = [(tick_of(t.time) / resolution, str(t.text)) for t in midi.lyrics]
    # A hand-made PrettyMIDI (or a damaged file) can hold times pretty_midi cannot map to ticks.
    except (ValueError, TypeError, OverflowError, IndexError) as exc:
        raise MusicFileError(
            f"cannot read the notes of {name!r} ({type(exc).__name__}: {exc}); check its tempo "
            "and note times, e.g. by opening it in a MIDI player"
        ) from exc

    _, tempi = midi.get_tempo_changes()
    tempo = _tempo(float(tempi[0]) if len(tempi) else 120.0)
    beats_per_bar = 4
    if midi.time_signature_changes:
        first = min(midi.time_signature_changes, key=lambda ts: ts.time)
        if first.numerator > 0 and first.denominator > 0:
            beats_per_bar = max(1, round(first.numerator * 4 / first.denominator))

    symbols, where = chord_texts(texts, "text events")
    if not symbols:
        symbols, where = chord_texts(lyrics, "lyrics")
    if not symbols:
        symbols, where = chord_texts([(t / resolution, text) for t, text in markers], "markers")
    return RawScore(name, tracks, symbols, where, tempo, beats_per_bar)


def _tempo(bpm: float) -> float:
    """The written tempo, rounded, clamped to MIN_TEMPO-MAX_TEMPO (120 when not a number)."""
    return round(min(max(bpm, MIN_TEMPO), MAX_TEMPO), 2) if math.isfinite(bpm) else 120.0


def _midi_markers(midi: Any) -> list[tuple[int, str]]:
    """Marker and cue-point texts (pretty_midi does not keep them), in ticks."""
    found: list[tuple[int, str]] = []
    for track in midi.tracks:
        ticks = 0
        for message in track:
            ticks += message.time
            if message.is_meta and message.type in ("marker", "cue_marker"):
                found.append((ticks, message.text))
    return found


def _read_music21_corpus(name: str) -> RawScore:
    from music21 import corpus

    corpus_name = name[len(MUSIC21_PREFIX):]
    try:
        score = corpus.parse(corpus_name)
    # music21's corpus raises several types for a name it lacks or a file it cannot parse
    # (CorpusException, ValueError, ...): each means "cannot read that name"; chained below.
    except Exception as exc:
        raise MusicFileError(
            f"cannot read {corpus_name!r} from music21's corpus ({type(exc).__name__}: {exc}); "
            "check the name, e.g. 'music21:leadSheet/berlinAlexandersRagtime.mxl'"
        ) from exc
    return _from_music21(score, name)


# music21 takes minutes (or hangs) on a note thousands of bars long, which one digit typed
# wrong makes ("C99997" in ABC): such notes are refused before parsing.
MAX_NOTE_BEATS = 1024
_ABC_LENGTH = re.compile(rb"[A-Ga-gzxZX][,']*(\d+)")
_ABC_NOT_NOTES = re.compile(rb'^[A-Za-z]:.*$|"[^"\n]*"|![^!\n]*!|%.*$', re.MULTILINE)
_XML_DIVISIONS = re.compile(rb"<divisions>\s*(\d+)\s*</divisions>")
_XML_DURATION = re.compile(rb"<duration>\s*(\d+)\s*</duration>")


def _longest_note(path: Path) -> float:
    """The longest note or rest length written in an ABC or uncompressed MusicXML file, in
    beats (ABC: in units of its default length, an upper bound); 0 for other files."""
    suffix = path.suffix.lower()
    if suffix == ".abc":
        body = _ABC_NOT_NOTES.sub(b" ", path.read_bytes())  # headers, chords, decorations
        return max((float(m.group(1)) for m in _ABC_LENGTH.finditer(body)), default=0.0)
    if suffix in (".xml", ".musicxml"):
        data = path.read_bytes()
        divisions = [int(m.group(1)) for m in _XML_DIVISIONS.finditer(data)]
        smallest = max(min(divisions, default=1), 1)
        return max((int(m.group(1)) / smallest for m in _XML_DURATION.finditer(data)),
                   default=0.0)
    return 0.0


def _read_music21_file(path: Path) -> RawScore:
    longest = _longest_note(path)
    if longest > MAX_NOTE_BEATS:
        raise MusicFileError(
            f"cannot read {path.name!r}: it has a note or rest {longest:,.0f} beats long, so it "
            "is damaged or mistyped (a length like 'C99997'); fix that note in a text or score "
            "editor"
        )
    from music21 import converter

    try:
        with warnings.catch_warnings():
            # music21 warns about what it skips in a file ("0 qpm tempo tag found, skipping"):
            # the piece is read without it, as the MIDI reader reads past pretty_midi's.
            warnings.simplefilter("ignore")
            score = converter.parse(str(path))
    # music21 raises many types on a broken file (its own exceptions, ParseError, ValueError,
    # UnicodeDecodeError, ZeroDivisionError, ...): each means "not a readable score".
    except Exception as exc:
        raise MusicFileError(
            f"cannot read {path.name!r} ({type(exc).__name__}: {exc}); check that it is a valid "
            f"{path.suffix.lower()} file, e.g. by opening it in MuseScore"
        ) from exc
    return _from_music21(score, path.name)


def _from_music21(score: Any, name: str) -> RawScore:
    from music21 import chord, harmony, instrument, meter, note, stream, tempo

    if isinstance(score, stream.Opus):  # an ABC book: take its first tune
        scores = list(score.scores)
        if not scores:
            raise NoMelodyError(f"{name!r} holds no tunes: check the file in a score editor")
        score = scores[0]
    parts = list(score.parts) if hasattr(score, "parts") and len(score.parts) else [score]

    tracks: list[RawTrack] = []
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
                symbol = music21_symbol(element)
                if symbol:
                    symbols.append((offset, symbol))
                continue
            end = offset + float(element.quarterLength)
            if end <= offset + EPS:
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
        # A score with no parts is read as one part (`parts` above); only a Part has a name.
        part_name = (getattr(part, "partName", None)
                     or (found.instrumentName if found is not None else None))
        if not part_name and isinstance(part.id, str):
            part_name = part.id
        tracks.append(RawTrack(str(part_name or "").strip(), program, is_drum, notes))
        if symbols:
            symbols_by_part[index] = sorted(set(symbols))

    marks = list(score.recurse().getElementsByClass(tempo.MetronomeMark))
    bpm = marks[0].getQuarterBPM() if marks else None
    signatures = list(score.recurse().getElementsByClass(meter.TimeSignature))
    beats_per_bar = 4
    if signatures:
        beats_per_bar = max(1, round(float(signatures[0].barDuration.quarterLength)))
    raw = RawScore(name, tracks, [], "", _tempo(float(bpm) if bpm else 120.0), beats_per_bar)
    raw.melody_symbols = symbols_by_part
    return raw


# ---------------------------------------------------------------------------- the pipeline
def _build_piece(
    raw: RawScore,
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
            f"start_beat (the file is {raw.length_text} beats long)"
        )
    if not any(t.notes and not t.is_drum for t in raw.tracks):
        raise NoMelodyError(
            f"{raw.name!r} has no pitched notes to take a melody from: choose a file with a "
            "melody (drum-only and empty files cannot be used)"
        )

    index, reason = choose_melody(raw, tracks, melody, start, end)
    line = skyline(raw.tracks[index].notes)
    window = cut_window(line, start, end)
    if not window:
        raise NoMelodyError(
            f"track {index} {tracks[index].name!r} of {raw.name!r} has no notes between beats "
            f"{start:g} and {end:g}: the file is {raw.length_text} beats long; choose a window "
            "inside it"
        )
    melody_end = window[-1][1]
    if end_beat is not None:
        melody_end = max(melody_end, min(end, file_length))
    events = melody_events(window, start, melody_end)
    length = events[-1].end

    chords, chord_source = find_chords(raw, index, tracks, start, start + length)
    accompaniment = _accompaniment(raw, index, start, min(end, file_length), from_symbols=bool(
        raw.symbols or raw.melody_symbols))
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
        accompaniment=accompaniment,
    )


def _accompaniment(
    raw: RawScore, melody_index: int, start: float, end: float, *, from_symbols: bool
) -> list[RawNote]:
    """The other pitched tracks' notes with an onset in [start, end), cut at ``end`` and shifted
    to begin at 0. A track named "Chords" is left out when the file has chord symbols: it
    realizes them (as `Clip.to_pretty_midi` writes), and a player's chord voice plays those."""
    notes: list[RawNote] = []
    for i, track in enumerate(raw.tracks):
        if i == melody_index or track.is_drum or (
            from_symbols and track.name.casefold() == CHORDS_TRACK_NAME
        ):
            continue
        for note_start, note_end, pitch in track.notes:
            if start - EPS <= note_start < end - EPS:
                notes.append((round(note_start - start, 6), round(min(note_end, end) - start, 6),
                              pitch))
    return sorted(notes)


def _track_info(index: int, track: RawTrack) -> TrackInfo:
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
