"""The Player in real JupyterLab and Chromium: drawing, Web Audio scheduling, sync, downloads.

The clip is built by hand in the notebook (no TensorFlow): two bars at 120 bpm over Dm7 | G7,
with a rest and a few approach tones, on an eighth-note grid.

What the browser sounds is read by `AUDIO_PROBE`, an init script that wraps the Web Audio API
before the widget loads (the Player itself carries no test hooks): a melody voice is the
oscillator whose frequency another node modulates (the FM electric piano), a pad voice (chords,
accompaniment) is a triangle oscillator. The piano roll's last layout (what it drew where, which
its own hit-testing reads) is on the canvas as ``jwLayout``.
"""

from __future__ import annotations

import io
import itertools
import math
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
TIMES = "\N{MULTIPLICATION SIGN}"  # the speed reads "x1.70" with a multiplication sign

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

AUDIO_PROBE = """
window.__jwStarts = [];
window.__jwContexts = [];
const paramOwner = new WeakMap();
const modulated = new WeakSet();
const createOscillator = BaseAudioContext.prototype.createOscillator;
BaseAudioContext.prototype.createOscillator = function () {
  const osc = createOscillator.call(this);
  paramOwner.set(osc.frequency, osc);
  return osc;
};
const connect = AudioNode.prototype.connect;
AudioNode.prototype.connect = function (target, ...rest) {
  if (target instanceof AudioParam && paramOwner.has(target)) modulated.add(paramOwner.get(target));
  return connect.call(this, target, ...rest);
};
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (when) {
  const voice = modulated.has(this) ? 'melody' : this.type === 'triangle' ? 'pad' : null;
  if (voice) {
    const freq = this.frequency.value;
    this.__jwStart = {voice, freq, pitch: Math.round(69 + 12 * Math.log2(freq / 440)),
                      when: when || 0, now: this.context.currentTime, stop: null,
                      lastStop: null};
    window.__jwStarts.push(this.__jwStart);
  }
  return start.apply(this, arguments);
};
const stop = OscillatorNode.prototype.stop;
OscillatorNode.prototype.stop = function (when) {
  if (this.__jwStart) {
    if (this.__jwStart.stop === null) this.__jwStart.stop = when || 0;
    this.__jwStart.lastStop = when || 0;
  }
  return stop.apply(this, arguments);
};
const OriginalContext = window.AudioContext;
window.AudioContext = class extends OriginalContext {
  constructor(...args) { super(...args); window.__jwContexts.push(this); }
};
"""

# Audio the browser refuses: the context stays "suspended" whatever resume() does, until the
# test sets window.__jwBlockAudio = false (as a desktop browser would after the user allows it).
BLOCK_AUDIO = """
window.__jwBlockAudio = true;
const stateOf = Object.getOwnPropertyDescriptor(BaseAudioContext.prototype, 'state').get;
Object.defineProperty(BaseAudioContext.prototype, 'state', {
  get() { return window.__jwBlockAudio ? 'suspended' : stateOf.call(this); },
});
const resume = AudioContext.prototype.resume;
AudioContext.prototype.resume = function () {
  return window.__jwBlockAudio ? Promise.resolve() : resume.call(this);
};
"""


def clip() -> Clip:
    """The same clip as CLIP_CELL builds in the kernel."""
    steps = [Step("v", i * EIGHTH, (i + 1) * EIGHTH, p) for i, p in enumerate(PITCHES)]
    steps[-1] = Step("v", steps[-1].start, 4.0, PITCHES[-1])
    return Clip(steps, [ChordSpan(*c) for c in CHORDS], tempo=120, duration=4.0)


def open_player(run_notebook, lab_page, options: str = "", cells: tuple[str, ...] = (),
                scripts: tuple[str, ...] = ()):
    lab_page.add_init_script(AUDIO_PROBE)
    for script in scripts:
        lab_page.add_init_script(script)
    nb = run_notebook([CLIP_CELL, PLAYER_CELL.format(options), *cells])
    nb.page.locator(".jw-player canvas").first.wait_for(state="visible")
    nb.page.wait_for_function(
        "() => (document.querySelector('.jw-player canvas').jwLayout || {}).notes > 0")
    return nb


def layout(page, index: int = 0) -> dict:
    """The piano roll's last layout (see player.js, PianoRoll.draw)."""
    return page.evaluate(
        "(i) => JSON.parse(JSON.stringify(document.querySelectorAll('.jw-player canvas')[i]"
        ".jwLayout))", index)


def melody_starts(page) -> list[dict]:
    return page.evaluate("() => window.__jwStarts.filter((s) => s.voice === 'melody')")


def sounded(starts: list[dict]) -> list[dict]:
    """The starts that sounded: without those silenced before they began (a seek or a speed
    change stops the notes scheduled ahead, within 0.06 s, and schedules them again)."""
    return [s for s in starts if s["lastStop"] is None or s["lastStop"] - s["when"] > 0.3]


def frequency(pitch: int) -> float:
    return 440 * 2 ** ((pitch - 69) / 12)


def assert_on_the_beat(starts: list[dict], times: list[float], speed: float = 1.0) -> None:
    """Every note was scheduled ahead of the audio clock (none started late, in a burst), and
    as far apart on it as ``times`` (clip seconds) say at ``speed``."""
    assert len(starts) == len(times), (starts, times)
    for start in starts:
        assert start["when"] >= start["now"], f"a note started late: {start}"
    first, t0 = starts[0], times[0]
    for start, time in zip(starts, times, strict=True):
        assert start["when"] - first["when"] == pytest.approx((time - t0) / speed, abs=2e-3), (
            start, time, starts)


def canvas_pixels(page, points: list[tuple[float, float]], index: int = 0) -> list[list[int]]:
    """RGBA of the canvas at points given in CSS pixels."""
    return page.evaluate(
        """([points, index]) => {
          const canvas = document.querySelectorAll('.jw-player canvas')[index];
          const g = canvas.getContext('2d');
          const scale = canvas.width / canvas.getBoundingClientRect().width;
          return points.map(([x, y]) =>
            Array.from(g.getImageData(Math.round(x * scale), Math.round(y * scale), 1, 1).data));
        }""",
        [[list(p) for p in points], index],
    )


def play_and_wait(nb, wait_for, position: float = 0.0) -> None:
    nb.page.get_by_role("button", name="Play").first.click()
    wait_for(lambda: nb.kernel.eval("player.playing") is True, 20, "player.playing True")
    if position:
        wait_for(lambda: nb.kernel.eval("player.position") > position, 20,
                 f"player.position past {position} s")


def change_while_playing(nb, wait_for, code: str, after: float) -> list[dict]:
    """Play, run ``code`` in the kernel once the playhead passed ``after`` seconds, let the
    clip end; the melody notes that sounded."""
    play_and_wait(nb, wait_for, after)
    nb.kernel.execute(code)
    wait_for(lambda: nb.kernel.eval("player.playing") is False, 30, "the clip to end")
    assert nb.kernel.eval("player.position") == pytest.approx(4.0, abs=1e-6)
    return sounded(melody_starts(nb.page))


# --------------------------------------------------------------------------- drawing, seeking
def test_piano_roll_draws_the_notes_where_they_sound_and_seeks(run_notebook, lab_page,
                                                                 wait_for):
    nb = open_player(run_notebook, lab_page)
    geometry = layout(nb.page)
    notes = clip().notes
    assert geometry["notes"] == len(notes)
    assert [box["symbol"] for box in geometry["chordBoxes"]] == [c[0] for c in CHORDS]
    assert geometry["t0"] == 0
    assert geometry["pxPerSec"] * 4.0 == pytest.approx(geometry["width"], abs=1)  # fits

    def centre(pitch: int, time: float) -> tuple[float, float]:
        x = time * geometry["pxPerSec"]
        y = geometry["rollTop"] + (geometry["pitchHigh"] - pitch + 0.5) * geometry["rowHeight"]
        return x, y

    at_notes = canvas_pixels(nb.page, [centre(n.pitch, (n.start + n.end) / 2) for n in notes])
    # The same rows half a bar away from any of their notes are background.
    empty = [centre(n.pitch + 1, (n.start + n.end) / 2) for n in notes
             if all(m.pitch != n.pitch + 1 for m in notes)]
    at_empty = canvas_pixels(nb.page, empty)
    assert all(max(rgba[:3]) > 120 for rgba in at_notes), at_notes
    assert all(max(rgba[:3]) < 60 for rgba in at_empty), at_empty
    assert nb.page.locator(".jw-title").inner_text() == "Test clip: Dm7 | G7"
    assert nb.page.locator(".jw-summary").inner_text() == "13 notes · 2 chords · 4.0 s"

    # Python moves the playhead ...
    nb.kernel.execute("player.position = 2.5")
    wait_for(lambda: abs(layout(nb.page)["position"] - 2.5) < 1e-3, 20,
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
    wait_for(lambda: layout(nb.page)["notes"] == 3, 20, "the roll to show the new clip")
    assert len(layout(nb.page)["chordBoxes"]) == 1
    assert not error.is_visible()
    assert "0:01.5" in nb.page.locator(".jw-clock").inner_text()


# --------------------------------------------------------------------------- issue 8: audio
def test_play_schedules_every_note_on_the_beat_and_syncs_state(run_notebook, lab_page,
                                                                page_requests, wait_for):
    nb = open_player(run_notebook, lab_page)
    assert nb.kernel.eval("player.playing") is False
    assert nb.page.evaluate("() => window.__jwContexts.length") == 0  # no sound before a click
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

    melody = melody_starts(nb.page)
    notes = clip().notes
    # Every note, once, at its pitch, on the beat; each held for its own length (the stop
    # time is the note's end plus the same release tail for every note).
    assert [s["pitch"] for s in melody] == [n.pitch for n in notes]
    for start, note in zip(melody, notes, strict=True):
        assert start["freq"] == pytest.approx(frequency(note.pitch), rel=1e-4)
    assert_on_the_beat(melody, [n.start for n in notes])
    tails = [s["stop"] - s["when"] - n.duration for s, n in zip(melody, notes, strict=True)]
    assert max(tails) - min(tails) < 2e-3, tails
    chords = [s for s in nb.page.evaluate("() => window.__jwStarts") if s["voice"] == "pad"]
    voicings = [p for symbol, _, _ in CHORDS for p in parse_chord(symbol).voicing()]
    assert [s["pitch"] for s in chords] == voicings
    assert page_requests.urls, "the request log recorded nothing"
    assert page_requests.outside_localhost() == []


def test_blocked_audio_says_so_and_stays_consistent(run_notebook, lab_page, wait_for):
    nb = open_player(run_notebook, lab_page, ", speed=0.5", scripts=(BLOCK_AUDIO,))
    page = nb.page
    page.get_by_role("button", name="Play").click()
    notice = page.locator(".jw-player .jw-notice")
    notice.wait_for(state="visible")
    assert "click Play to allow sound" in notice.inner_text()
    assert nb.kernel.eval("[player.playing, player.position]") == [False, 0.0]
    assert page.get_by_role("button", name="Play").is_visible()  # not "Pause"
    assert page.locator(".jw-player").get_attribute("data-playing") == "false"
    assert melody_starts(page) == []

    # Once the browser allows sound, the next click plays, and the notice goes.
    page.evaluate("() => { window.__jwBlockAudio = false; }")
    play_and_wait(nb, wait_for, 0.5)
    assert not notice.is_visible()
    assert page.get_by_role("button", name="Pause").is_visible()
    assert len(melody_starts(page)) >= 2


def test_playing_from_python_needs_a_click_first_then_plays(run_notebook, lab_page, wait_for):
    nb = open_player(run_notebook, lab_page, ", speed=0.5")
    page = nb.page
    nb.kernel.execute("player.playing = True")
    notice = page.locator(".jw-player .jw-notice")
    notice.wait_for(state="visible")
    assert "Click Play to allow sound" in notice.inner_text()
    wait_for(lambda: nb.kernel.eval("player.playing") is False, 20,
             "player.playing back to False while the browser may not sound")
    assert page.evaluate("() => window.__jwContexts.length") == 0  # no gesture, no context
    assert page.get_by_role("button", name="Play").is_visible()

    # After one click allowed sound, Python starts and pauses the browser.
    play_and_wait(nb, wait_for)
    page.get_by_role("button", name="Pause").click()
    wait_for(lambda: nb.kernel.eval("player.playing") is False, 20, "paused by the click")
    paused_at = nb.kernel.eval("player.position")
    count = len(melody_starts(page))
    nb.kernel.execute("player.playing = True")
    wait_for(lambda: nb.kernel.eval("player.position") > min(paused_at + 0.25, 3.9), 20,
             "player.position to move after player.playing = True")
    assert page.get_by_role("button", name="Pause").is_visible()
    assert len(melody_starts(page)) > count
    assert not notice.is_visible()
    nb.kernel.execute("player.playing = False")
    wait_for(lambda: page.locator(".jw-player").get_attribute("data-playing") == "false", 20,
             "the page to pause when Python sets playing False")


def test_a_stall_skips_the_late_notes_instead_of_bursting_them(run_notebook, lab_page,
                                                               wait_for):
    nb = open_player(run_notebook, lab_page, ", speed=0.5")  # 8 s: music left after the stall
    play_and_wait(nb, wait_for, 0.15)
    # Block the page's main thread for 3 s (longer than the 2 s scheduled ahead) while the
    # audio clock runs on.
    nb.page.evaluate("() => { const end = performance.now() + 3000; "
                     "while (performance.now() < end) {} }")
    wait_for(lambda: nb.kernel.eval("player.playing") is False, 30, "the clip to end")
    melody = melody_starts(nb.page)
    notes = clip().notes
    assert len(melody) < len(notes), "the stall skipped nothing: no note was due during it"
    # Each note that sounded is a note of the clip, at the time the clip gives it: none was
    # started late (a burst after the stall would start them at "now", off the beat).
    first_when = melody[0]["when"]
    assert melody[0]["pitch"] == notes[0].pitch
    for start in melody:
        assert start["when"] >= start["now"], start
        clip_time = (start["when"] - first_when) * 0.5
        matches = [n for n in notes if abs(n.start - clip_time) < 2e-3]
        assert matches and matches[0].pitch == start["pitch"], (start, clip_time)
    assert melody[-1]["pitch"] == notes[-1].pitch  # and playing went on after the stall


def test_loop_wraps_around_on_the_beat(run_notebook, lab_page, wait_for):
    nb = open_player(run_notebook, lab_page, ", loop=True, speed=2")
    play_and_wait(nb, wait_for)
    positions = []

    def wrapped() -> bool:
        positions.append(nb.kernel.eval("player.position"))
        return len(positions) > 1 and positions[-1] < positions[-2] - 1
    wait_for(wrapped, 30, "player.position to wrap around to the start")
    assert nb.kernel.eval("player.playing") is True
    wait_for(lambda: len(melody_starts(nb.page)) >= 2 * 13 + 2, 30, "a second turn")
    melody = melody_starts(nb.page)
    notes = clip().notes
    assert [s["pitch"] for s in melody[:28]] == [n.pitch for n in notes] * 2 + [
        notes[0].pitch, notes[1].pitch]
    # The second turn starts exactly one clip length (2 s at speed 2) after the first.
    times = [n.start for n in notes] + [4.0 + n.start for n in notes] + [8.0, 8.0 + EIGHTH]
    assert_on_the_beat(melody[:28], times, speed=2)
    nb.page.get_by_role("button", name="Stop").click()
    wait_for(lambda: nb.kernel.eval("[player.playing, player.position]") == [False, 0.0], 20,
             "stopped at 0")


def test_seek_while_playing_jumps_without_playing_what_was_skipped(run_notebook, lab_page,
                                                                   wait_for):
    nb = open_player(run_notebook, lab_page, ", speed=0.5")
    # as the GateInspector seeks: by the trait
    melody = change_while_playing(nb, wait_for, "player.position = 2.5", 0.1)
    notes = clip().notes
    after = [n for n in notes if n.start >= 2.5]
    skipped = [n for n in notes if 1.5 <= n.start < 2.5]
    # The notes from 2.5 s on sounded last, in order and on the beat at half speed ...
    assert [s["pitch"] for s in melody[-len(after):]] == [n.pitch for n in after]
    assert_on_the_beat(melody[-len(after):], [n.start for n in after], speed=0.5)
    # ... and the ones between where it was and 2.5 s never did.
    before = melody[:-len(after)]
    assert [s["pitch"] for s in before] == [n.pitch for n in notes[:len(before)]]
    assert len(before) + len(skipped) <= len(notes) - len(after)


def test_speed_change_while_playing_respaces_the_notes_to_come(run_notebook, lab_page,
                                                               wait_for):
    nb = open_player(run_notebook, lab_page, ", speed=0.5")
    melody = change_while_playing(nb, wait_for, "player.speed = 2", 0.3)
    notes = clip().notes
    assert [s["pitch"] for s in melody] == [n.pitch for n in notes]  # none lost, none twice
    # The first notes sounded at half speed, the last ones (scheduled again after the change)
    # at twice the speed: the rest of the clip follows the new speed.
    assert_on_the_beat(melody[:2], [n.start for n in notes[:2]], speed=0.5)
    tail = [n for n in notes if n.start >= 2.5]
    assert_on_the_beat(melody[-len(tail):], [n.start for n in tail], speed=2)
    assert nb.page.locator(".jw-speed .jw-value").inner_text() == f"{TIMES}2.00"
    assert nb.page.locator(".jw-tempo .jw-value").inner_text() == "120 bpm"


def test_two_views_of_one_player_show_the_playhead_and_sound_once(run_notebook, lab_page,
                                                                  wait_for):
    nb = open_player(run_notebook, lab_page, cells=("player",))
    page = nb.page
    assert page.locator(".jw-player").count() == 2
    page.get_by_role("button", name="Play").first.click()
    wait_for(lambda: layout(page, 1)["position"] > 1.0, 20,
             "the second view's playhead to move")
    wait_for(lambda: nb.kernel.eval("player.playing") is False, 30, "the clip to end")
    melody = melody_starts(page)
    assert [s["pitch"] for s in melody] == [n.pitch for n in clip().notes]  # once, not twice
    assert page.evaluate("() => window.__jwContexts.length") == 1
    assert page.locator(".jw-player").nth(1).get_attribute("data-playing") == "false"

    # The second view plays the same music from its own button; the first follows.
    page.get_by_role("button", name="Play").nth(1).click()
    wait_for(lambda: layout(page, 0)["position"] > 0.5, 20, "the first view's playhead")
    assert page.locator(".jw-player").nth(0).get_attribute("data-playing") == "true"


# --------------------------------------------------------------------------- issue 10
def test_one_sound_at_a_time_unless_exclusive_is_off(run_notebook, lab_page, wait_for):
    cells = ("second = Player(clip)\nsecond", "third = Player(clip, exclusive=False)\nthird")
    nb = open_player(run_notebook, lab_page, cells=cells)
    page = nb.page
    play = page.locator(".jw-player .jw-play")
    play.nth(0).click()
    wait_for(lambda: nb.kernel.eval("player.playing") is True, 20, "the first playing")
    play.nth(1).click()
    wait_for(lambda: nb.kernel.eval("[player.playing, second.playing]") == [False, True], 20,
             "the second to pause the first")
    assert page.locator(".jw-player").nth(0).get_attribute("data-playing") == "false"
    play.nth(2).click()  # not exclusive: plays along
    wait_for(lambda: nb.kernel.eval("third.playing") is True, 20, "the third playing")
    assert nb.kernel.eval("second.playing") is True


def test_title_and_summary_follow_the_clip_and_an_empty_player_says_so(run_notebook, lab_page,
                                                                       wait_for):
    lab_page.add_init_script(AUDIO_PROBE)
    nb = run_notebook([CLIP_CELL, "player = Player(Clip([], [], 130, 0.0), "
                       "title='Press Generate to improvise a clip')\nplayer"])
    page = nb.page
    player = page.locator(".jw-player")
    player.wait_for()
    wait_for(lambda: player.get_attribute("data-empty") == "true", 20, "an empty player")
    assert page.locator(".jw-title").inner_text() == "Press Generate to improvise a clip"
    assert "nothing to play" in page.locator(".jw-summary").inner_text()
    for name in ("Play", "Stop", "Download MIDI", "Download WAV"):
        assert page.get_by_role("button", name=name).is_disabled(), name
    page.get_by_role("button", name="Play").click(force=True)
    assert nb.kernel.eval("player.playing") is False

    nb.kernel.execute("player.clip = clip")
    wait_for(lambda: player.get_attribute("data-empty") == "false", 20, "music in the player")
    assert page.locator(".jw-title").inner_text() == "Over Dm7 G7"
    assert page.locator(".jw-summary").inner_text() == "13 notes · 2 chords · 4.0 s"
    assert page.get_by_role("button", name="Play").is_enabled()
    assert page.get_by_role("button", name="Download MIDI").is_enabled()
    nb.kernel.execute("player.clip = Clip(clip.steps[:3], clip.chords[:1], 120, 1.5)")
    wait_for(lambda: page.locator(".jw-summary").inner_text() == "3 notes · 1 chord · 1.5 s",
             20, "the summary of the next clip")
    assert page.locator(".jw-title").inner_text() == "Over Dm7"


def test_tempo_and_speed_apart_downloads_at_the_tempo_heard(run_notebook, lab_page, wait_for,
                                                           tmp_path: Path):
    nb = open_player(run_notebook, lab_page)
    page = nb.page
    page.get_by_role("slider", name="Speed").fill("1.7")
    wait_for(lambda: nb.kernel.eval("player.speed") == 1.7, 20, "player.speed 1.7")
    assert page.locator(".jw-tempo .jw-value").inner_text() == "120 bpm"  # the clip's tempo
    assert page.locator(".jw-speed .jw-value").inner_text() == f"{TIMES}1.70"
    assert "204 bpm" not in page.locator(".jw-tempo").inner_text()
    choice = page.get_by_role("combobox", name="Download tempo")
    assert choice.locator("option").all_inner_texts() == ["204 bpm (as heard)",
                                                          "120 bpm (the clip's)"]

    def download(name: str) -> tuple[str, pretty_midi.PrettyMIDI]:
        with page.expect_download() as event:
            page.get_by_role("button", name=name).click()
        path = tmp_path / event.value.suggested_filename
        event.value.save_as(path)
        return path.name, pretty_midi.PrettyMIDI(str(path))

    name, midi = download("Download MIDI")  # as heard, the default
    assert name == "jazzwidget-clip-204bpm.mid"
    assert midi.get_tempo_changes()[1][0] == pytest.approx(204, abs=0.01)
    melody = next(inst for inst in midi.instruments if inst.name == "Melody")
    assert melody.notes[1].start == pytest.approx(EIGHTH / 1.7, abs=2e-3)
    choice.select_option("clip")
    name, midi = download("Download MIDI")
    assert name == "jazzwidget-clip.mid"
    assert midi.get_tempo_changes()[1][0] == pytest.approx(120, abs=0.01)

    # A new clip starts at speed 1, and the page says so.
    nb.kernel.execute("player.clip = clip")
    wait_for(lambda: page.locator(".jw-speed .jw-value").inner_text() == f"{TIMES}1.00", 20,
             "speed 1 for the new clip")
    assert nb.kernel.eval("player.speed") == 1.0
    assert choice.locator("option").all_inner_texts() == ["120 bpm"]


LONG_CELL = """
steps = [Step("v", i * 0.25, (i + 1) * 0.25, 60 + (i * 5) % 19) for i in range(480)]
chords = [ChordSpan(["Dm7", "G7", "Cmaj7", "A7b9"][i % 4], i * 2.0, (i + 1) * 2.0)
          for i in range(60)]
Clip(steps, chords, tempo=120, duration=120.0).to_midi("long_solo.mid")
long_player = Player("long_solo.mid", loop=True)
long_player
"""


def test_long_music_zooms_scrolls_and_follows_the_playhead(run_notebook, lab_page, wait_for):
    lab_page.add_init_script(AUDIO_PROBE)
    nb = run_notebook([CLIP_CELL, LONG_CELL])
    page = nb.page
    stage = page.locator(".jw-player .jw-stage")
    canvas = page.locator(".jw-player canvas")
    canvas.wait_for()
    wait_for(lambda: (layout(page) or {}).get("notes", 0) > 0, 20, "the roll drawn")
    assert page.locator(".jw-title").inner_text() == "long_solo.mid"  # the file name
    first = layout(page)
    assert first["pxPerSec"] >= 30  # readable: 2 minutes do not squeeze into one view
    assert first["notes"] < 480 / 2
    scroll = stage.evaluate("(s) => [s.scrollWidth, s.clientWidth]")
    assert scroll[0] > 3 * scroll[1]  # the stage scrolls

    # Buttons zoom ...
    page.get_by_role("button", name="Zoom in").click()
    wait_for(lambda: layout(page)["pxPerSec"] == pytest.approx(first["pxPerSec"] * 1.5), 10,
             "zoom in by 1.5")
    page.get_by_role("button", name="Show the whole piece").click()
    wait_for(lambda: layout(page)["pxPerSec"] * 120 == pytest.approx(first["width"], abs=2),
             10, "the whole piece in view")
    assert page.get_by_role("button", name="Zoom out").is_disabled()
    assert layout(page)["notes"] == 480
    # ... and so does Ctrl+wheel, around the pointer.
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    canvas.dispatch_event("wheel", {"deltaY": -600, "ctrlKey": True, "bubbles": True,
                                    "cancelable": True, "clientX": box["x"] + box["width"] / 2,
                                    "clientY": box["y"] + box["height"] / 2})
    wait_for(lambda: layout(page)["pxPerSec"] > 3 * first["width"] / 120, 10, "wheel zoom")
    wait_for(lambda: abs(layout(page)["t0"] + box["width"] / 2 / layout(page)["pxPerSec"]
                         - 60.0) < 1.0, 10, "the middle of the piece to stay under the pointer")

    # Dragging the scroll bar (scrolling the stage) shows a later part of the piece.
    stage.evaluate("(s) => { s.scrollLeft = s.scrollWidth / 2; }")
    wait_for(lambda: layout(page)["t0"] > 40, 10, "the roll to scroll")

    # Playing follows the playhead: it stays in view as it passes the right edge.
    page.get_by_role("button", name="Show the whole piece").click()
    for _ in range(3):
        page.get_by_role("button", name="Zoom in").click()
    wait_for(lambda: layout(page)["pxPerSec"] * 120 > 3 * first["width"], 10, "zoomed in")
    nb.kernel.execute("long_player.speed = 2")
    page.get_by_role("button", name="Play").click()
    seen = layout(page)
    view_seconds = seen["width"] / seen["pxPerSec"]
    wait_for(lambda: nb.kernel.eval("long_player.position") > view_seconds * 1.3, 60,
             "the playhead to pass the first view")
    now = layout(page)
    assert now["t0"] > 0 and now["t0"] <= now["position"] <= now["t0"] + view_seconds
    assert now["follow"] is True
    page.get_by_role("button", name="Pause").click()


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


def assert_labels_readable(labels: list[dict]) -> None:
    assert labels and not any(label["hidden"] for label in labels), labels
    for row in (-1, 0, 1):
        placed = sorted((label for label in labels if label["row"] == row),
                        key=lambda label: label["x"])
        for left, right in itertools.pairwise(placed):
            assert left["x"] + left["w"] <= right["x"], (left, right)  # no overlap
    assert all(label["size"] >= 9 for label in labels)


def test_chord_labels_never_vanish_and_the_player_fits_600_px(run_notebook, wait_for):
    nb = run_notebook([NARROW_CELL])
    page = nb.page
    canvas = page.locator(".jw-player canvas")
    canvas.wait_for(state="visible")
    wait_for(lambda: (layout(page) or {}).get("notes", 0) > 0, 20, "the roll drawn")
    first = layout(page)
    assert len(first["labels"]) == len(first["chordBoxes"]) > 10
    assert_labels_readable(first["labels"])
    # Shown shortened (a readable form of the same chord), whole where there is room.
    shortened = {*NARROW, "BbΔ7", "Ebø7", "AbΔ7", "F#ø7"}
    assert {label["text"] for label in first["labels"]} <= shortened
    # The whole piece at once: still every label, staggered on two rows.
    page.get_by_role("button", name="Show the whole piece").click()
    wait_for(lambda: len(layout(page)["labels"]) == 44, 10, "all 44 chords in view")
    assert_labels_readable(layout(page)["labels"])
    assert {label["row"] for label in layout(page)["labels"]} == {0, 1}
    assert {label["text"] for label in layout(page)["labels"]} <= shortened | {
        "Bb", "Eb", "Ab", "F#"}  # the root alone where even the short form has no room

    # Hovering a chord names it in a tooltip; nothing does so over the roll below.
    boxes = layout(page)["chordBoxes"]
    rect = canvas.bounding_box()
    for i in (0, 5, 42):
        page.mouse.move(rect["x"] + boxes[i]["x"] + boxes[i]["w"] / 2, rect["y"] + 14)
        wait_for(lambda i=i: canvas.get_attribute("title") == NARROW[i % 4], 10,
                 f"the tooltip to name chord {i}")
    page.mouse.move(rect["x"] + 100, rect["y"] + rect["height"] / 2)
    wait_for(lambda: canvas.get_attribute("title") is None, 10, "no tooltip over the roll")

    # The current chord is drawn in amber.
    nb.kernel.execute("player.position = 9.5")
    wait_for(lambda: layout(page)["current"] == NARROW[9 % 4], 20, "chord 9 current")

    # 600 px wide: nothing sticks out, every control is inside the card.
    page.evaluate("() => { document.querySelector('.jw-player').style.width = '600px'; }")
    wait_for(lambda: layout(page)["width"] <= 600, 10, "the roll to narrow")
    card = page.locator(".jw-player .jw-root").bounding_box()
    assert card["width"] <= 600
    assert page.locator(".jw-player .jw-root").evaluate("(e) => e.scrollWidth <= e.clientWidth")
    for control in page.locator(".jw-player .jw-controls > *").all():
        box = control.bounding_box()
        assert card["x"] <= box["x"] and box["x"] + box["width"] <= card["x"] + card["width"]
    assert_labels_readable(layout(page)["labels"])


# --------------------------------------------------------------------------- downloads, picture
def test_downloads_midi_and_wav(run_notebook, lab_page, tmp_path: Path):
    nb = open_player(run_notebook, lab_page)
    with nb.page.expect_download() as midi_download:
        nb.page.get_by_role("button", name="Download MIDI").click()
    midi_path = tmp_path / midi_download.value.suggested_filename
    midi_download.value.save_as(midi_path)
    assert midi_path.name == "jazzwidget-clip.mid"
    midi = pretty_midi.PrettyMIDI(str(midi_path))
    melody = next(inst for inst in midi.instruments if inst.name == "Melody")
    expected = clip().notes
    assert [n.pitch for n in melody.notes] == [n.pitch for n in expected]
    for got, want in zip(melody.notes, expected, strict=True):
        assert got.start == pytest.approx(want.start, abs=1e-3)
        assert got.end == pytest.approx(want.end, abs=1e-3)
    assert [t.text for t in midi.text_events] == [c[0] for c in CHORDS]
    assert "at 120 bpm" in nb.page.get_by_role("button", name="Download MIDI").get_attribute(
        "title")

    with nb.page.expect_download() as wav_download:
        nb.page.get_by_role("button", name="Download WAV").click()
    wav_path = tmp_path / wav_download.value.suggested_filename
    wav_download.value.save_as(wav_path)
    with wave.open(io.BytesIO(wav_path.read_bytes())) as handle:
        seconds = handle.getnframes() / handle.getframerate()
        assert handle.getnchannels() == 1
    assert seconds == pytest.approx(4.0, abs=0.01)


def test_stop_and_screenshot(run_notebook, lab_page, wait_for, screenshot_path):
    nb = open_player(run_notebook, lab_page, ", loop=True")
    play_and_wait(nb, wait_for, 2.2)
    path = screenshot_path("player.png")
    nb.page.locator(".jw-player").screenshot(path=str(path))
    assert path.stat().st_size > 10_000

    nb.page.get_by_role("button", name="Stop").click()
    wait_for(lambda: nb.kernel.eval("[player.playing, player.position]") == [False, 0.0], 20,
             "playing False and position 0 after Stop")
    assert nb.page.locator(".jw-player").get_attribute("data-playing") == "false"
    assert layout(nb.page)["position"] == 0.0
    assert nb.page.get_by_role("button", name="Play").is_visible()
    assert not math.isnan(layout(nb.page)["pxPerSec"])


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
