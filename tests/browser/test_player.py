"""The Player in real JupyterLab and Chromium: drawing, Web Audio scheduling, sync, downloads.

The clip is built by hand in the notebook (no TensorFlow): two bars at 120 bpm over Dm7 | G7,
with a rest and a few approach tones, on an eighth-note grid.
"""

from __future__ import annotations

import io
import wave
from pathlib import Path

import pretty_midi
import pytest

from jazzwidget.music.clip import Clip, Step
from jazzwidget.music.harmony import parse_chord
from jazzwidget.music.piece import ChordSpan

PITCHES = [62, 65, 69, 72, None, 71, 70, 69, 68, 67, 65, 62, 66, 67]
EIGHTH = 0.25  # seconds at 120 bpm
CHORDS = [("Dm7", 0.0, 2.0), ("G7", 2.0, 4.0)]

CLIP_CELL = f"""
from jazzwidget.music.clip import Clip, Step
from jazzwidget.music.piece import ChordSpan
from jazzwidget.widgets.player import Player
pitches = {PITCHES!r}
steps = [Step("v", i * {EIGHTH}, (i + 1) * {EIGHTH}, p) for i, p in enumerate(pitches)]
steps[-1] = Step("v", steps[-1].start, 4.0, pitches[-1])
clip = Clip(steps, [ChordSpan(*c) for c in {CHORDS!r}], tempo=120, duration=4.0)
"""
PLAYER_CELL = "player = Player(clip, title='Test clip: Dm7 | G7'{})\nplayer"

# Wraps OscillatorNode.start before any widget code runs: every voice the Player starts is
# recorded with the pitch it was given and the frequency it sounds.
AUDIO_PROBE = """
window.__jwStarts = [];
window.__jwContexts = [];
const originalStart = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (when) {
  if (this.jw) {
    window.__jwStarts.push({voice: this.jw.voice, pitch: this.jw.pitch, length: this.jw.length,
                            freq: this.frequency.value, when: when || 0,
                            now: this.context.currentTime});
  }
  return originalStart.apply(this, arguments);
};
const OriginalContext = window.AudioContext;
window.AudioContext = class extends OriginalContext {
  constructor(...args) { super(...args); window.__jwContexts.push(this); }
};
"""


def clip() -> Clip:
    """The same clip as CLIP_CELL builds in the kernel."""
    steps = [Step("v", i * EIGHTH, (i + 1) * EIGHTH, p) for i, p in enumerate(PITCHES)]
    steps[-1] = Step("v", steps[-1].start, 4.0, PITCHES[-1])
    return Clip(steps, [ChordSpan(*c) for c in CHORDS], tempo=120, duration=4.0)


def open_player(run_notebook, lab_page, options: str = ""):
    lab_page.add_init_script(AUDIO_PROBE)
    nb = run_notebook([CLIP_CELL, PLAYER_CELL.format(options)])
    nb.page.locator(".jw-player canvas").wait_for(state="visible")
    nb.page.wait_for_function(
        "() => Number(document.querySelector('.jw-player canvas').dataset.notes) > 0")
    return nb


def assert_on_the_beat(starts: list[dict], times: list[float]) -> None:
    """Notes were scheduled ahead, as far apart on the audio clock as ``times`` say.

    A note the scheduler reached late (the page stalled longer than the look-ahead, as on a
    loaded 2-core machine) starts at once instead; those are left out of the comparison, but
    most notes must be on time.
    """
    on_time = [(s, t) for s, t in zip(starts, times, strict=True) if s["when"] > s["now"]]
    assert len(on_time) >= len(starts) / 2, f"most notes started late: {starts}"
    first_start, first_time = on_time[0]
    for start, time in on_time:
        offset = start["when"] - first_start["when"]
        assert offset == pytest.approx(time - first_time, abs=2e-3), (start, time, starts)


def canvas_pixels(page, points: list[tuple[float, float]]) -> list[list[int]]:
    """RGBA of the canvas at points given in CSS pixels."""
    return page.evaluate(
        """(points) => {
          const canvas = document.querySelector('.jw-player canvas');
          const g = canvas.getContext('2d');
          const scale = canvas.width / canvas.getBoundingClientRect().width;
          return points.map(([x, y]) =>
            Array.from(g.getImageData(Math.round(x * scale), Math.round(y * scale), 1, 1).data));
        }""",
        [list(p) for p in points],
    )


def roll_geometry(page) -> dict:
    return page.evaluate(
        """() => {
          const c = document.querySelector('.jw-player canvas');
          return {width: c.getBoundingClientRect().width, rollTop: Number(c.dataset.rollTop),
                  rowHeight: Number(c.dataset.rowHeight), high: Number(c.dataset.pitchHigh),
                  notes: Number(c.dataset.notes), chords: Number(c.dataset.chords),
                  position: Number(c.dataset.position)};
        }""")


def test_piano_roll_draws_the_notes_where_they_sound_and_seeks(run_notebook, lab_page,
                                                                 wait_for):
    nb = open_player(run_notebook, lab_page)
    geometry = roll_geometry(nb.page)
    notes = clip().notes
    assert geometry["notes"] == len(notes)
    assert geometry["chords"] == len(CHORDS)

    def centre(pitch: int, time: float) -> tuple[float, float]:
        x = time / 4.0 * geometry["width"]
        y = geometry["rollTop"] + (geometry["high"] - pitch + 0.5) * geometry["rowHeight"]
        return x, y

    at_notes = canvas_pixels(nb.page, [centre(n.pitch, (n.start + n.end) / 2) for n in notes])
    # The same rows half a bar away from any of their notes are background.
    empty = [centre(n.pitch + 1, (n.start + n.end) / 2) for n in notes
             if all(m.pitch != n.pitch + 1 for m in notes)]
    at_empty = canvas_pixels(nb.page, empty)
    assert all(max(rgba[:3]) > 120 for rgba in at_notes), at_notes
    assert all(max(rgba[:3]) < 60 for rgba in at_empty), at_empty
    assert nb.page.locator(".jw-title").inner_text() == "Test clip: Dm7 | G7"

    # Python moves the playhead ...
    nb.kernel.execute("player.position = 2.5")
    wait_for(lambda: abs(roll_geometry(nb.page)["position"] - 2.5) < 1e-3, 20,
             "the playhead to follow player.position")
    assert "0:02.5" in nb.page.locator(".jw-clock").inner_text()
    # ... and a click on the roll moves it and tells Python.
    box = nb.page.locator(".jw-player canvas").bounding_box()
    nb.page.mouse.click(box["x"] + box["width"] / 4, box["y"] + box["height"] / 2)
    wait_for(lambda: abs(nb.kernel.eval("player.position") - 1.0) < 0.05, 20,
             "player.position to follow a click at a quarter of the roll")

    # A failing clip setter shows its error inline; a good one replaces the music.
    nb.kernel.execute("try:\n    player.clip = 'missing.mid'\nexcept Exception:\n    pass")
    error = nb.page.locator(".jw-player .jw-error")
    error.wait_for(state="visible")
    assert "missing.mid" in error.inner_text()
    nb.kernel.execute("player.clip = Clip(clip.steps[:3], clip.chords[:1], 120, 1.5)")
    wait_for(lambda: roll_geometry(nb.page)["notes"] == 3, 20, "the roll to show the new clip")
    assert roll_geometry(nb.page)["chords"] == 1
    assert not error.is_visible()
    assert "0:01.5" in nb.page.locator(".jw-clock").inner_text()


def test_play_schedules_every_note_and_syncs_state(run_notebook, lab_page, page_requests,
                                                   wait_for):
    nb = open_player(run_notebook, lab_page)
    assert nb.kernel.eval("player.playing") is False
    nb.page.get_by_role("button", name="Play").click()

    wait_for(lambda: nb.kernel.eval("player.playing") is True, 20, "player.playing True")
    positions = [nb.kernel.eval("player.position")]
    wait_for(lambda: positions.append(nb.kernel.eval("player.position")) or
             positions[-1] > 1.0, 20, "player.position to pass 1 s")
    assert positions == sorted(positions)
    state = nb.page.evaluate("() => window.__jwContexts.map((c) => c.state)")
    assert state == ["running"]  # one AudioContext, made by the Play click

    wait_for(lambda: nb.kernel.eval("player.playing") is False, 30, "the clip to end")
    assert nb.kernel.eval("player.position") == pytest.approx(4.0, abs=1e-6)
    assert nb.page.get_by_role("button", name="Play").is_visible()

    starts = nb.page.evaluate("() => window.__jwStarts")
    melody = [s for s in starts if s["voice"] == "melody"]
    notes = clip().notes
    assert [s["pitch"] for s in melody] == [n.pitch for n in notes]
    for start, note in zip(melody, notes, strict=True):
        assert start["freq"] == pytest.approx(440 * 2 ** ((note.pitch - 69) / 12), rel=1e-4)
        assert start["length"] == pytest.approx(note.duration, abs=1e-3)
    # Scheduled on the audio clock exactly as far apart as the notes are in the clip.
    assert_on_the_beat(melody, [n.start for n in notes])
    chords = [s for s in starts if s["voice"] == "chord"]
    voicings = [p for symbol, _, _ in CHORDS for p in parse_chord(symbol).voicing()]
    assert [s["pitch"] for s in chords] == voicings
    assert page_requests.urls, "the request log recorded nothing"
    assert page_requests.outside_localhost() == []


def test_tempo_stop_and_screenshot(run_notebook, lab_page, wait_for, screenshot_path):
    nb = open_player(run_notebook, lab_page, ", loop=True")
    tempo = nb.page.get_by_role("slider", name="Tempo")
    tempo.fill("2")
    wait_for(lambda: nb.kernel.eval("player.speed") == 2.0, 20, "player.speed 2 from the slider")
    assert "240 bpm" in nb.page.locator(".jw-value").inner_text()

    nb.page.get_by_role("button", name="Play").click()
    wait_for(lambda: nb.kernel.eval("player.position") > 2.2, 20, "position past 2.2 s")
    melody = nb.page.evaluate("() => window.__jwStarts.filter((s) => s.voice === 'melody')")
    assert len(melody) >= 4
    assert_on_the_beat(melody[:4], [i * EIGHTH / 2 for i in range(4)])  # twice as fast

    path = screenshot_path("player.png")
    nb.page.locator(".jw-player").screenshot(path=str(path))
    assert path.stat().st_size > 10_000

    nb.page.get_by_role("button", name="Stop").click()
    wait_for(lambda: nb.kernel.eval("[player.playing, player.position]") == [False, 0.0], 20,
             "playing False and position 0 after Stop")
    assert nb.page.locator(".jw-player").get_attribute("data-playing") == "false"
    assert roll_geometry(nb.page)["position"] == 0.0
    assert nb.page.get_by_role("button", name="Play").is_visible()


def test_downloads_midi_and_wav(run_notebook, lab_page, tmp_path: Path):
    nb = open_player(run_notebook, lab_page)
    with nb.page.expect_download() as midi_download:
        nb.page.get_by_role("button", name="Download MIDI").click()
    midi_path = tmp_path / midi_download.value.suggested_filename
    midi_download.value.save_as(midi_path)
    assert midi_path.suffix == ".mid"
    midi = pretty_midi.PrettyMIDI(str(midi_path))
    melody = next(inst for inst in midi.instruments if inst.name == "Melody")
    expected = clip().notes
    assert [n.pitch for n in melody.notes] == [n.pitch for n in expected]
    for got, want in zip(melody.notes, expected, strict=True):
        assert got.start == pytest.approx(want.start, abs=1e-3)
        assert got.end == pytest.approx(want.end, abs=1e-3)
    assert [t.text for t in midi.text_events] == [c[0] for c in CHORDS]

    with nb.page.expect_download() as wav_download:
        nb.page.get_by_role("button", name="Download WAV").click()
    wav_path = tmp_path / wav_download.value.suggested_filename
    wav_download.value.save_as(wav_path)
    with wave.open(io.BytesIO(wav_path.read_bytes())) as handle:
        seconds = handle.getnframes() / handle.getframerate()
        assert handle.getnchannels() == 1
    assert seconds == pytest.approx(4.0, abs=0.01)


NARROW = ["Bbmaj7", "Ebm7b5", "Abmaj7", "F#m7b5"]  # one every second for 44 s: labels too wide
NARROW_CELL = f"""
from jazzwidget.music.clip import Clip, Step
from jazzwidget.music.piece import ChordSpan
from jazzwidget.widgets.player import Player
symbols = {NARROW!r}
chords = [ChordSpan(symbols[i % 4], float(i), float(i + 1)) for i in range(44)]
steps = [Step("v", i * 0.5, (i + 1) * 0.5, 60 + i % 12) for i in range(88)]
player = Player(Clip(steps, chords, tempo=120, duration=44.0), title="44 s, two chords a bar")
player
"""


def test_narrow_chords_name_themselves_in_a_tooltip_and_the_current_one_in_a_pill(
        run_notebook, wait_for):
    nb = run_notebook([NARROW_CELL])
    page = nb.page
    canvas = page.locator(".jw-player canvas")
    canvas.wait_for(state="visible")
    page.wait_for_function(
        "() => Number(document.querySelector('.jw-player canvas').dataset.notes) > 0")
    geometry = roll_geometry(page)
    assert geometry["chords"] == 44
    assert int(canvas.get_attribute("data-hidden-labels")) == 44  # none fits a 1 s box
    box = canvas.bounding_box()
    per_second = box["width"] / 44.0
    lane_y = box["y"] + 14  # the middle of the chord lane (28 px high)

    # Hovering a chord box whose label is hidden shows its symbol as the canvas tooltip ...
    for i in (0, 5, 42):
        page.mouse.move(box["x"] + (i + 0.5) * per_second, lane_y)
        wait_for(lambda i=i: canvas.get_attribute("title") == NARROW[i % 4], 10,
                 f"the tooltip to name chord {i} ({NARROW[i % 4]})")
    # ... and nothing names a chord over the piano roll below the lane.
    page.mouse.move(box["x"] + 5.5 * per_second, box["y"] + box["height"] / 2)
    wait_for(lambda: canvas.get_attribute("title") is None, 10, "no tooltip over the roll")

    # The current chord's label is drawn over its neighbours in an amber pill.
    assert canvas.get_attribute("data-current-chord") == ""
    nb.kernel.execute("player.position = 9.5")
    wait_for(lambda: canvas.get_attribute("data-current-chord") == NARROW[9 % 4], 20,
             "chord 9 to be the current chord")
    centre = 9.5 * per_second
    points = [(centre + dx, y) for dx in (-14, 14) for y in (5, 23)]
    assert all(abs(dx) > per_second / 2 for dx in (-14, 14))  # outside the chord's own box
    pill = canvas_pixels(page, points)
    assert all(r > 200 and g > 150 and b < 130 for r, g, b, _ in pill), pill
    # Further from the current chord, the neighbours' boxes stay dark.
    far = canvas_pixels(page, [(centre + 4 * per_second, 14), (centre - 4 * per_second, 14)])
    assert all(max(rgba[:3]) < 90 for rgba in far), far


def test_a_missing_chromium_fails_in_ci_and_skips_elsewhere(chromium_check, tmp_path: Path):
    missing = tmp_path / "no-chromium"
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        chromium_check(missing, {"CI": "true"})
    for environ in ({}, {"CI": ""}, {"CI": "false"}):
        with pytest.raises(pytest.skip.Exception, match="make chromium"):
            chromium_check(missing, environ)
    present = tmp_path / "chromium"
    present.touch()
    chromium_check(present, {"CI": "true"})  # installed: neither fails nor skips
