"""Clip exports: MIDI (with chord symbols), MusicXML, WAV, the IPython fallback player."""

import wave

import numpy as np
import pretty_midi
import pytest

from jazzwidget.music.clip import Clip, Step
from jazzwidget.music.harmony import QUALITIES, parse_chord
from jazzwidget.music.musicxml_chords import music21_chord_symbol
from jazzwidget.music.piece import ChordSpan


@pytest.fixture
def clip() -> Clip:
    steps = [Step("C,0.500", 0.0, 0.25, 65), Step("S,0.500,<P4,m-2>", 0.25, 0.5, 67),
             Step("R,0.500", 0.5, 0.75, None), Step("C,1.000,<M3,M-2>", 0.75, 1.25, 69),
             Step("C,1.000,<m3,m-3>", 1.25, 1.6, 72)]  # the last note cut at 1.6 s
    chords = [ChordSpan("F7", 0.0, 1.0), ChordSpan("Bb7", 1.0, 1.6)]
    return Clip(steps, chords, tempo=120, duration=1.6)


def test_notes_leave_rests_out(clip):
    assert [n.pitch for n in clip.notes] == [65, 67, 69, 72]
    assert clip.values[2] == "R,0.500"
    assert "4 notes" in repr(clip)


def test_midi_round_trip_keeps_notes_and_chord_symbols(clip, tmp_path):
    midi = pretty_midi.PrettyMIDI(str(clip.to_midi(tmp_path / "c.mid")))
    melody = next(i for i in midi.instruments if i.name == "Melody")
    assert [(n.pitch, round(n.start, 3), round(n.end, 3)) for n in melody.notes] == [
        (n.pitch, round(n.start, 3), round(n.end, 3)) for n in clip.notes]
    assert [t.text for t in midi.text_events] == ["F7", "Bb7"]
    assert midi.estimate_tempo() > 0 and midi.get_tempo_changes()[1][0] == pytest.approx(120)


def test_musicxml_holds_melody_and_chords(clip, tmp_path):
    from music21 import converter, harmony

    score = converter.parse(str(clip.to_musicxml(tmp_path / "c.musicxml")))
    symbols = [c.figure for c in score.recurse().getElementsByClass(harmony.ChordSymbol)]
    assert symbols == ["F7", "B-7"]
    notes = [n for n in score.recurse().notes if not isinstance(n, harmony.ChordSymbol)]
    pitches = [n.pitch.midi for n in notes if n.tie is None or n.tie.type == "start"]
    assert pitches == [65, 67, 69, 72]


def test_wav_is_exactly_as_long_as_the_clip_and_not_silent(clip, tmp_path):
    path = clip.to_wav(tmp_path / "c.wav", sample_rate=16000)
    with wave.open(str(path)) as handle:
        assert handle.getframerate() == 16000 and handle.getnchannels() == 1
        frames = handle.readframes(handle.getnframes())
        assert handle.getnframes() == 16000 * 1.6
    samples = np.frombuffer(frames, "<i2").astype(float) / 32767
    assert 0.1 < np.abs(samples).max() <= 1.0
    # during the rest only the quiet chord voice and the melody's release sound
    rest = np.abs(samples[int(0.6 * 16000):int(0.7 * 16000)]).max()
    note = np.abs(samples[int(0.3 * 16000):int(0.4 * 16000)]).max()
    assert rest < note


def test_the_melody_voice_is_not_a_bare_sine(clip):
    audio = clip.render(22050)
    window = audio[int(0.05 * 22050):int(0.2 * 22050)]
    spectrum = np.abs(np.fft.rfft(window * np.hanning(len(window))))
    freqs = np.fft.rfftfreq(len(window), 1 / 22050)
    f0 = 440 * 2 ** ((65 - 69) / 12)
    fundamental = spectrum[np.abs(freqs - f0) < 10].max()
    overtones = spectrum[(freqs > 1.5 * f0) & (freqs < 6 * f0)].max()
    assert overtones > 0.05 * fundamental


def test_ipython_audio_fallback(clip):
    audio = clip.audio()
    assert audio.data[:4] == b"RIFF"


# music21 stacks thirds under an 11th or a 13th: it adds the 9th (and the 11th under a 13th)
STACKED = {"11": (2,), "m11": (2,), "13": (2, 5)}


@pytest.mark.parametrize("quality", sorted(QUALITIES))
def test_every_chord_quality_exports_to_music21_with_its_tones_root_and_bass(quality):
    for symbol in (f"Bb{quality}", f"F#{quality}/Ab"):
        ours = parse_chord(symbol)
        theirs = music21_chord_symbol(symbol)
        pitch_classes = {p.pitchClass for p in theirs.pitches}
        assert theirs.root().pitchClass == ours.root
        assert theirs.bass().pitchClass == ours.bass
        stacked = {(ours.root + i) % 12 for i in STACKED.get(quality, ())}
        assert pitch_classes == {*ours.tones, ours.bass, *stacked}, (symbol, theirs.figure)


def test_musicxml_export_with_unusual_chords(tmp_path):
    from music21 import converter, harmony

    chords = [ChordSpan("C7alt", 0.0, 1.0), ChordSpan("Bb7/Ab", 1.0, 2.0),
              ChordSpan("D-7", 2.0, 3.0), ChordSpan("Eb69", 3.0, 4.0)]
    clip = Clip([Step("C,1.000", 0.0, 4.0, 60)], chords, tempo=60, duration=4.0)
    score = converter.parse(str(clip.to_musicxml(tmp_path / "c.musicxml")))
    symbols = list(score.recurse().getElementsByClass(harmony.ChordSymbol))
    assert [s.root().name for s in symbols] == ["C", "B-", "D", "E-"]
    assert symbols[1].bass().name == "A-"
