"""The gate inspector in real JupyterLab and Chromium: heatmaps on the piano roll's time axis,
hover arithmetic, finding units by a range, reordering, the cursor following the Player,
saturation clicks and seeking.

One notebook serves every assertion: a 16-unit LSTM with random weights traces a hand-made clip
with the numpy step (no TensorFlow), so the page shows numbers the kernel can recompute.
"""

from __future__ import annotations

import json

N_A = 16

SETUP = f"""
import numpy as np
from jazzwidget.inspect import find_units, unit_order
from jazzwidget.model.step import LSTMWeights
from jazzwidget.model.trace import trace_values
from jazzwidget.music.clip import Clip, Step
from jazzwidget.music.piece import ChordSpan
from jazzwidget.widgets.inspector import GateInspector

VOCAB = sorted(["A,0.250", "C,0.250", "C,0.500", "C,1.000", "R,0.500", "S,0.250", "X,0.500"])
rng = np.random.default_rng(11)
n_a, v = {N_A}, len(VOCAB)
weights = LSTMWeights(rng.normal(0, 1.2, (v, 4 * n_a)), rng.normal(0, 0.7, (n_a, 4 * n_a)),
                      rng.normal(0, 0.4, 4 * n_a), rng.normal(0, 1, (n_a, v)), np.zeros(v))
values = ["C,0.250", "S,0.250", "A,0.250", "C,0.250", "C,1.000", "R,0.500", "X,0.500",
          "C,0.500", "S,0.250", "S,0.250", "C,1.000", "R,0.500", "C,0.250", "A,0.250"] * 2
pitches = [62, 64, 66, 67, 69, None, 70, 72, 71, 69, 67, None, 65, 66] * 2
steps, t = [], 0.0
for value, pitch in zip(values, pitches):
    length = float(value.split(",")[1]) * 0.5
    steps.append(Step(value, t, t + length, pitch))
    t += length
chords = [ChordSpan(s, 2.0 * k, 2.0 * (k + 1)) for k, s in enumerate(["Dm7", "G7", "Cmaj7",
          "A7", "Dm7", "G7", "Cmaj7"])]
clip = Clip(steps, chords, tempo=120, duration=t, primed_with=["C,0.250", "X,0.500"])
trace = trace_values(weights, VOCAB, clip)
"""
SHOW = "inspector = GateInspector(trace, clip, threshold=0.4)\ninspector"

CANVAS = ".jw-inspector canvas.jwi-heatmaps"
OVERLAY = ".jw-inspector canvas.jwi-overlay"


def on_screen(page, selector: str, nth: int = 0) -> dict:
    """Scroll the element to the top of the notebook's view and return its box."""
    locator = page.locator(selector).nth(nth)
    locator.evaluate("el => el.scrollIntoView({block: 'start'})")
    return locator.bounding_box()


def dataset(page, selector: str) -> dict:
    return page.evaluate(f"() => ({{...document.querySelector({selector!r}).dataset}})")


def test_inspector_heatmaps_hover_find_order_cursor_and_seek(run_notebook, wait_for) -> None:
    nb = run_notebook([SETUP, SHOW])
    page, kernel = nb.page, nb.kernel
    page.locator(CANVAS).wait_for(state="visible")
    wait_for(lambda: dataset(page, CANVAS).get("nRows") == str(N_A), 30, "heatmaps drawn")
    wait_for(lambda: page.evaluate("() => document.querySelector('.jw-inspector')"
                                   ".dataset.linked") == "true", 20, "the Player linked")
    data = dataset(page, CANVAS)
    n_steps = kernel.eval("trace.steps")
    duration = kernel.eval("clip.duration")
    assert data["gates"] == "i,f,o,c" and int(data["steps"]) == n_steps
    assert data["rows"] == ",".join(map(str, range(N_A)))
    blocks = json.loads(data["blocks"])
    row_height = blocks[0]["height"] / N_A

    # -- one time axis: the heatmaps span the piano roll's pixels, seconds left to right
    roll = page.locator(".jw-player canvas.jw-roll").first
    roll_layout = roll.evaluate("c => c.jwLayout")
    roll_box = roll.bounding_box()
    box = on_screen(page, OVERLAY)
    assert abs(roll_box["x"] - box["x"]) <= 1 and abs(roll_box["width"] - box["width"]) <= 1
    # the piano roll fits the clip: second 0 at the left edge, the end at the right one
    assert roll_layout["t0"] == 0
    assert abs(roll_layout["pxPerSec"] * duration - box["width"]) <= 1
    starts = kernel.eval("[s.start for s in clip.steps]")
    ends = kernel.eval("[s.end for s in clip.steps]")

    def x_of(seconds: float) -> float:
        return box["x"] + seconds / duration * box["width"]

    def y_of(block: int, row: int) -> float:
        return box["y"] + blocks[block]["top"] + (row + 0.5) * row_height

    # -- hover: the tooltip shows the cell's arithmetic with the trace's numbers
    step, unit = 10, 5  # a long note (a whole beat), unit 5 in the forget-gate block
    page.mouse.move(x_of((starts[step] + ends[step]) / 2), y_of(1, unit))
    tooltip = page.locator(".jw-inspector .jwi-tooltip")
    wait_for(lambda: tooltip.is_visible() and tooltip.get_attribute("data-step") == str(step),
             10, "the tooltip of the hovered cell")
    assert tooltip.get_attribute("data-unit") == str(unit)
    assert tooltip.get_attribute("data-gate") == "f"
    numbers = kernel.eval(f"{{g: float(trace.gate(g)[{step}, {unit}]) for g in 'ifgoch'}}")
    c_prev = kernel.eval(f"float(trace.c[{step - 1}, {unit}])")
    for gate, value in numbers.items():
        assert abs(float(tooltip.get_attribute(f"data-{gate}")) - value) < 1e-6, gate
    text = tooltip.inner_text()
    fmt = lambda v: f"({v:.3f})" if v < 0 else f"{v:.3f}"  # noqa: E731
    assert (f"c = f·c_prev + i·g = {numbers['f']:.3f}·{fmt(c_prev)} + {numbers['i']:.3f}·"
            f"{fmt(numbers['g'])} = {numbers['c']:.3f}") in text
    assert f"h = o·tanh(c) = {numbers['o']:.3f}·tanh({numbers['c']:.3f}) = {numbers['h']:.3f}" \
        in text
    assert abs(numbers["f"] * c_prev + numbers["i"] * numbers["g"] - numbers["c"]) < 1e-5
    assert "C,1.000" in text and "G4" in text  # the value and the note of step 10
    page.mouse.move(box["x"] + 2, box["y"] + box["height"] + 40)

    # -- drag a range on the note strip: the units the trace says are on there come first
    a, b = 4, 7  # steps 4, 5, 6
    strip_y = box["y"] + 22 + 30
    page.mouse.move(x_of(starts[a] + 0.05), strip_y)
    page.mouse.down()
    page.mouse.move(x_of((starts[a] + ends[b - 1]) / 2), strip_y, steps=4)
    page.mouse.move(x_of(ends[b - 1] - 0.05), strip_y, steps=4)
    page.mouse.up()
    wait_for(lambda: kernel.eval("inspector.view.selection") == [a, b], 20, "the selection")
    expected = kernel.eval(f"[m.unit for m in find_units(trace, {a}, {b}, 0.4)]")
    assert kernel.eval("inspector.view.found") == expected
    wait_for(lambda: dataset(page, CANVAS)["rows"].split(",")[:len(expected)]
             == [str(u) for u in expected], 20, "found units moved to the top")
    on = kernel.eval(f"[bool((trace.h[{a}:{b}, u] > 0.4).all()) for u in {expected}]")
    assert all(on)

    # -- reordering units changes the row order on the page
    kernel.execute("inspector.view.selection = []; inspector.view.found = []\n"
                   "inspector.order = 'variance'")
    order = kernel.eval("[int(u) for u in unit_order(trace, by='variance', "
                        "gates=('i', 'f', 'o', 'c'))]")
    assert order != list(range(N_A))
    wait_for(lambda: dataset(page, CANVAS)["rows"] == ",".join(map(str, order)), 20,
             "rows in variance order")

    # -- clicking a heatmap selects the unit and seeks the Player
    box = on_screen(page, OVERLAY)
    row = 3
    page.mouse.click(x_of(2.5), y_of(0, row))
    wait_for(lambda: abs(kernel.eval("inspector.player.position") - 2.5) < 0.05, 20,
             "the Player seeked to 2.5 s")
    wait_for(lambda: kernel.eval("inspector.selected_unit") == order[row], 20,
             "the clicked row's unit selected")
    assert kernel.eval("inspector.unit_lines.unit") == order[row]

    # -- the cursor follows the Player while it plays (front end to front end)
    kernel.execute("inspector.player.position = 1.0")
    page.locator(".jw-player button.jw-play").first.click()
    wait_for(lambda: float(dataset(page, OVERLAY).get("cursor", 0)) > 2.0, 20,
             "the cursor moving with the Player")
    first = float(dataset(page, OVERLAY)["cursor"])
    wait_for(lambda: float(dataset(page, OVERLAY)["cursor"]) > first + 0.3, 20,
             "the cursor still moving")
    updates = int(dataset(page, OVERLAY)["cursorUpdates"])
    assert updates >= 5


def test_clicking_a_saturation_point_selects_its_unit(run_notebook, wait_for) -> None:
    nb = run_notebook([SETUP, SHOW])
    page, kernel = nb.page, nb.kernel
    page.locator(CANVAS).wait_for(state="visible")
    point_count = page.locator(".jw-gate-inspector .js-plotly-plot .scatterlayer path.point")
    wait_for(lambda: point_count.count() >= 3 * N_A, 60, "the saturation points drawn")
    points = kernel.eval("{g: inspector.saturation.points[g].tolist() for g in 'ifo'}")
    all_points = [(g, u, tuple(p)) for g in "ifo" for u, p in enumerate(points[g])]
    target = next((g, u) for g, u, p in all_points
                  if sum(1 for _, _, q in all_points
                         if abs(q[0] - p[0]) < 0.03 and abs(q[1] - p[1]) < 0.03) == 1)
    gate, target_unit = target
    trace_index = "ifo".index(gate)
    on_screen(page, ".jw-gate-inspector .js-plotly-plot")
    point = page.locator(".jw-gate-inspector .js-plotly-plot .scatterlayer .trace").nth(
        trace_index).locator("path.point").nth(target_unit)
    point_box = point.bounding_box()
    page.mouse.click(point_box["x"] + point_box["width"] / 2,
                     point_box["y"] + point_box["height"] / 2)
    wait_for(lambda: kernel.eval("inspector.selected_unit") == target_unit, 20,
             f"unit {target_unit} selected from the saturation plot")


EXTREMES = SETUP + """
import ipywidgets as W

def two_minutes(seconds=120.0, tempo=130):
    # the clip's values over and over at 130 bpm: over 600 steps in two minutes
    pattern, out, t, k = clip.steps, [], 0.0, 0
    scale, bar = 120 / tempo, 4 * 60 / tempo
    while t < seconds - 1e-9:
        step = pattern[k % len(pattern)]
        length = (step.end - step.start) * scale
        out.append(Step(step.value, t, t + length, step.pitch))
        t, k = t + length, k + 1
    spans = [ChordSpan(("Dm7", "G7", "Cmaj7", "A7")[b % 4], bar * b, min(bar * (b + 1), t))
             for b in range(int(np.ceil(t / bar)))]
    return Clip(out, spans, tempo=tempo, duration=t, primed_with=["C,0.250"])

def random_weights(n_a, seed):
    rng = np.random.default_rng(seed)
    return LSTMWeights(rng.normal(0, 1.2, (v, 4 * n_a)), rng.normal(0, 0.7, (n_a, 4 * n_a)),
                       rng.normal(0, 0.4, 4 * n_a), rng.normal(0, 1, (n_a, v)), np.zeros(v))

long_clip = two_minutes()
traces = {n: trace_values(random_weights(n, n), VOCAB, long_clip) for n in (8, 64, 256)}
small = GateInspector(traces[8], long_clip)
wide = GateInspector(traces[64], long_clip, gates="ifgoch")
big = GateInspector(traces[256], long_clip)
W.VBox([small, wide, big])
"""


def test_8_to_256_units_a_two_minute_clip_and_64_units_by_6_gates(run_notebook,
                                                                   wait_for) -> None:
    nb = run_notebook([EXTREMES])
    page, kernel = nb.page, nb.kernel
    n_steps = kernel.eval("len(long_clip.steps)")
    duration = kernel.eval("long_clip.duration")
    assert n_steps > 600 and abs(duration - 120.0) < 0.5
    inspectors = page.locator(".jw-gate-inspector")
    wait_for(lambda: inspectors.count() == 3, 30, "three inspectors")
    shapes = [(8, "i,f,o,c"), (64, "i,f,g,o,c,h"), (256, "i,f,o,c")]
    for k, (n_a, gates) in enumerate(shapes):
        canvas = inspectors.nth(k).locator("canvas.jwi-heatmaps")
        wait_for(lambda c=canvas, n=n_a: c.get_attribute("data-n-rows") == str(n), 60,
                 f"the heatmaps of {n_a} units drawn")
        assert canvas.get_attribute("data-steps") == str(n_steps)
        assert canvas.get_attribute("data-gates") == gates
        print(f"{n_a} units x {n_steps} steps x {len(gates.split(','))} gates: first draw "
              f"{canvas.get_attribute('data-first-draw-ms')} ms after render, last draw "
              f"{canvas.get_attribute('data-draw-ms')} ms")

    # 64 x 600+ x 6 stays responsive: reordering from Python redraws the rows on the page
    wide = inspectors.nth(1).locator("canvas.jwi-heatmaps")
    kernel.execute("wide.order = 'similarity'")
    order = kernel.eval("[int(u) for u in wide.rows]")
    assert order != list(range(64))
    wait_for(lambda: wide.get_attribute("data-rows") == ",".join(map(str, order)), 20,
             "64 rows reordered by similarity")

    # 256 units: hover the forget gate at the end, the tooltip holds that cell's numbers
    big = inspectors.nth(2)
    box = on_screen(page, OVERLAY, 2)
    blocks = json.loads(big.locator("canvas.jwi-heatmaps").get_attribute("data-blocks"))
    page.mouse.move(box["x"] + box["width"] - 2, box["y"] + blocks[1]["top"] + 100)
    tooltip = big.locator(".jwi-tooltip")
    wait_for(lambda: tooltip.is_visible() and tooltip.get_attribute("data-step") is not None,
             10, "the tooltip of a cell at the end")
    step, unit = int(tooltip.get_attribute("data-step")), int(tooltip.get_attribute("data-unit"))
    assert step >= n_steps - 3 and tooltip.get_attribute("data-gate") == "f"
    numbers = kernel.eval(f"{{g: float(traces[256].gate(g)[{step}, {unit}]) for g in 'ifgoch'}}")
    for gate, value in numbers.items():
        assert abs(float(tooltip.get_attribute(f"data-{gate}")) - value) < 1e-6, gate
    page.mouse.move(box["x"] + 2, box["y"] + box["height"] + 40)

    # clicking at 3/4 of the width seeks the Player to 90 s; the cursor follows it playing
    seek_to = 0.75 * duration
    page.mouse.click(box["x"] + 0.75 * box["width"], box["y"] + blocks[0]["top"] + 20)
    wait_for(lambda: abs(kernel.eval("big.player.position") - seek_to) < 0.5, 20,
             "the Player seeked to 3/4 of the clip")
    big.locator(".jw-player button.jw-play").first.click()
    overlay = big.locator("canvas.jwi-overlay")
    wait_for(lambda: float(overlay.get_attribute("data-cursor") or 0) > seek_to + 0.5, 20,
             "the cursor moving with the Player")
    wait_for(lambda: int(overlay.get_attribute("data-cursor-rate") or 0) >= 10, 20,
             "at least 10 cursor updates in a second while playing")
    print(f"256 units: {overlay.get_attribute('data-cursor-rate')} cursor updates in the last "
          "second")
    kernel.execute("big.player.playing = False")

    # a long clip: the roll opens zoomed in (it scrolls); fitted, it spans the heatmaps' width
    roll = big.locator(".jw-player canvas.jw-roll").first
    big.locator(".jw-player button.jw-fit").first.click()
    wait_for(lambda: abs(roll.evaluate("c => c.jwLayout.pxPerSec") * duration - box["width"]) <= 2,
             20, "the fitted roll on the heatmaps' axis")
    roll_box = roll.bounding_box()
    assert abs(roll_box["x"] - box["x"]) <= 1 and abs(roll_box["width"] - box["width"]) <= 1


N_TRAINED = 64  # the package's default LSTM
TRAINED = f"""
import jazzwidget as jw
from jazzwidget.inspect import passage_clip, unit_order
corpus = jw.load_corpus()
passage = passage_clip(corpus, 0, 0, 48)
snapshots = jw.GateSnapshots(passage, every=5)
model = jw.JazzModel(corpus.vocab, n_a={N_TRAINED})
model.fit(corpus, epochs=20, callbacks=[snapshots], seed=1, early_stopping=None)
SETTINGS = dict(seconds=12, tempo=130, seed=3, chords="Dm7 G7 Cmaj7 Cmaj7")
clip = model.generate(**SETTINGS)
# the unit whose gates move most, selected from the start (its lines under the heatmaps)
UNIT = int(unit_order(model.trace(clip), by="variance", gates=("i", "f", "o", "c"))[0])
inspector = jw.GateInspector(model, clip, corpus=corpus, generation=SETTINGS,
                             order="similarity", unit=UNIT)
inspector
"""
ABLATE = """
units = [int(u) for u in inspector.rows[:6]]
original, ablated = inspector.ablation.regenerate(units, "zero")
"""
TIMELINE = """
timeline = jw.GateInspector(model, snapshots=snapshots, gates="ifc", generation=SETTINGS)
timeline.show_epoch(10)
timeline.play_epoch(10)
timeline
"""
# Tall enough that each screenshot (the Player and four gates of 64 units) fits on the page.
SCREENSHOT_VIEWPORT = {"width": 1200, "height": 2400}


def shoot(page, path, top, bottom) -> None:
    """Save the page from the top of locator ``top`` to the bottom of locator ``bottom``."""
    top.evaluate("el => el.scrollIntoView({block: 'start'})")
    first, last = top.bounding_box(), bottom.bounding_box()
    page.screenshot(path=path, clip={"x": first["x"], "y": first["y"], "width": first["width"],
                                     "height": last["y"] + last["height"] - first["y"]})


def notes_drawn(player) -> int:
    return player.locator("canvas.jw-roll").first.evaluate("c => c.jwLayout.notes")


def test_trained_inspector_ablation_and_timeline(run_notebook, wait_for,
                                                 screenshot_path) -> None:
    nb = run_notebook([TRAINED, ABLATE, TIMELINE], timeout=600)
    page, kernel = nb.page, nb.kernel
    page.set_viewport_size(SCREENSHOT_VIEWPORT)
    inspectors = page.locator(".jw-gate-inspector")
    wait_for(lambda: inspectors.count() == 2, 30, "two inspectors")
    first, second = inspectors.nth(0), inspectors.nth(1)
    wait_for(lambda: first.locator("canvas.jwi-heatmaps").get_attribute("data-n-rows")
             == str(N_TRAINED), 30, f"the heatmaps of {N_TRAINED} units")

    # -- the heatmaps under the Player, the cursor mid-clip on every gate, UNIT selected
    kernel.execute("inspector.player.position = clip.duration / 2")
    overlay = first.locator("canvas.jwi-overlay")
    wait_for(lambda: abs(float(overlay.get_attribute("data-cursor"))
                         - kernel.eval("clip.duration / 2")) < 0.05, 20, "the cursor mid-clip")
    cursor_x = float(overlay.get_attribute("data-cursor-x"))
    box = overlay.bounding_box()
    assert 0.4 < cursor_x / box["width"] < 0.6  # drawn in the middle, across every gate
    player = first.locator(".jw-player").first
    shoot(page, screenshot_path("inspector.png"), player, first.locator(".jw-inspector"))

    # -- the saturation plot (points spread by training) and the selected unit's lines
    points = first.locator(".jw-inspector-plots .js-plotly-plot .scatterlayer path.point")
    wait_for(lambda: points.count() >= 3 * N_TRAINED, 60, "the saturation points drawn")
    unit = kernel.eval("UNIT")
    assert kernel.eval("inspector.selected_unit") == unit
    wait_for(lambda: f"Unit {unit}" in first.locator(".jw-inspector-plots").inner_text(), 30,
             "the selected unit's lines")
    spread = kernel.eval("[len({(round(float(x), 2), round(float(y), 2)) for x, y in p}) "
                         "for p in inspector.saturation.points.values()]")
    assert min(spread) >= 5  # a trained model's units spread (43 steps: shares in 1/43s)
    plots = first.locator(".jw-inspector-plots")
    shoot(page, screenshot_path("inspector_saturation.png"), plots, plots)

    # -- the ablation A/B: two Players, each drawing its own clip's notes, and the figures
    ablation = first.locator(".jw-inspector-ablation")
    players = ablation.locator(".jw-player")
    wait_for(lambda: players.count() == 2, 30, "two Players in the A/B")
    counts = kernel.eval("[len(original.notes), len(ablated.notes)]")
    assert min(counts) > 10
    for k, expected in enumerate(counts):
        wait_for(lambda k=k, n=expected: notes_drawn(players.nth(k)) == n, 30,
                 f"A/B Player {k} drawing its {expected} notes")
        assert players.nth(k).get_attribute("data-empty") == "false"
    assert players.nth(0).locator(".jw-title").inner_text() == "original"
    ablated_title = players.nth(1).locator(".jw-title")
    assert ablated_title.inner_text() == kernel.eval("inspector.ablation.ablated_player.title")
    assert ablated_title.evaluate("el => el.scrollWidth <= el.clientWidth")  # not cut short
    assert ablation.locator("table.jwi-figures").count() == 1
    assert kernel.eval("original.values == clip.values")
    assert kernel.eval("inspector.ablation.ablated_player.clip is ablated")
    shoot(page, screenshot_path("inspector_ablation.png"), ablation, ablation)

    # -- the learning timeline: the slider above the heatmaps of that epoch, its clip under
    timeline = second.locator(".jw-inspector-timeline")
    assert kernel.eval("list(timeline._epoch_slider.options)") == [0, 5, 10, 15, 20]
    epoch_clip = second.locator(".jw-inspector-epoch-clip")
    wait_for(lambda: epoch_clip.locator(".jw-player").count() == 1, 30, "the epoch's Player")
    wait_for(lambda: "epoch 10" in second.locator(".jwi-title").inner_text(), 20,
             "the heatmaps of epoch 10")
    epoch_notes = kernel.eval("len(timeline.epoch_player.clip.notes)")
    wait_for(lambda: notes_drawn(epoch_clip.locator(".jw-player")) == epoch_notes, 30,
             "the epoch's Player drawing its notes")
    assert kernel.eval("timeline.epoch_player.clip.values == "
                       "snapshots.clip_at(10, **{k: v for k, v in timeline.generation.items() "
                       "if k != 'prime'}).values")
    shoot(page, screenshot_path("inspector_epochs.png"), timeline, epoch_clip)

    # the slider redraws the heatmaps
    heatmaps = second.locator("canvas.jwi-heatmaps")
    draws = int(heatmaps.get_attribute("data-draws"))
    kernel.execute("timeline._epoch_slider.value = 0")
    wait_for(lambda: int(heatmaps.get_attribute("data-draws")) > draws, 20,
             "the heatmaps redrawn for epoch 0")
    assert "epoch 0" in second.locator(".jwi-title").inner_text()
