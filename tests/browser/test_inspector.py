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


TRAINED = """
import jazzwidget as jw
from jazzwidget.inspect import passage_clip
corpus = jw.load_corpus()
passage = passage_clip(corpus, 0, 0, 48)
snapshots = jw.GateSnapshots(passage, every=5)
model = jw.JazzModel(corpus.vocab, n_a=32)
model.fit(corpus, epochs=20, callbacks=[snapshots], seed=1, early_stopping=None)
SETTINGS = dict(seconds=12, tempo=130, seed=3, chords="Dm7 G7 Cmaj7 Cmaj7")
clip = model.generate(**SETTINGS)
inspector = jw.GateInspector(model, clip, corpus=corpus, generation=SETTINGS,
                             order="similarity")
inspector
"""
ABLATE = """
units = [int(u) for u in inspector.rows[:6]]
original, ablated = inspector.ablation.regenerate(units, "zero")
"""
TIMELINE = """
timeline = jw.GateInspector(model, snapshots=snapshots, gates="ifc", generation=SETTINGS)
timeline.play_epoch(5)
timeline
"""


def test_trained_inspector_ablation_and_timeline(run_notebook, wait_for,
                                                 screenshot_path) -> None:
    nb = run_notebook([TRAINED, ABLATE, TIMELINE])
    page, kernel = nb.page, nb.kernel
    inspectors = page.locator(".jw-gate-inspector")
    wait_for(lambda: inspectors.count() == 2, 30, "two inspectors")
    first, second = inspectors.nth(0), inspectors.nth(1)
    wait_for(lambda: first.locator("canvas.jwi-heatmaps").get_attribute("data-n-rows") == "32",
             30, "the heatmaps of 32 units")

    # screenshots for the README first (cursor mid-clip, a unit selected), then the checks
    kernel.execute("inspector.player.position = clip.duration / 2\n"
                   "inspector.select_unit(inspector.rows[2])")
    wait_for(lambda: abs(float(first.locator("canvas.jwi-overlay").get_attribute("data-cursor"))
                         - kernel.eval("clip.duration / 2")) < 0.05, 20, "the cursor mid-clip")
    player = first.locator(".jw-player").first
    player.evaluate("el => el.scrollIntoView({block: 'start'})")
    top, bottom = player.bounding_box(), first.locator(".jw-inspector").bounding_box()
    page.screenshot(path=screenshot_path("inspector.png"), clip={
        "x": top["x"], "y": top["y"], "width": top["width"],
        "height": bottom["y"] + bottom["height"] - top["y"]})
    figures = first.locator(".jw-inspector-figures")
    figures.evaluate("el => el.scrollIntoView({block: 'start'})")
    figures.screenshot(path=screenshot_path("inspector_saturation.png"))
    ablation = first.locator(".jw-inspector-ablation")
    ablation.evaluate("el => el.scrollIntoView({block: 'start'})")
    ablation.screenshot(path=screenshot_path("inspector_ablation.png"))
    timeline = second.locator(".jw-inspector-timeline")
    timeline.evaluate("el => el.scrollIntoView({block: 'start'})")
    timeline.screenshot(path=screenshot_path("inspector_epochs.png"))

    # the ablation A/B: two Players and the figures; the original is the clip itself
    wait_for(lambda: ablation.locator(".jw-player").count() == 2, 30, "two Players in the A/B")
    assert ablation.locator("table.jwi-figures").count() == 1
    assert kernel.eval("original.values == clip.values")
    assert kernel.eval("inspector.ablation.ablated_player.clip is ablated")

    # the learning timeline: epoch 5's clip in its Player; the slider redraws the heatmaps
    assert kernel.eval("list(timeline._epoch_slider.options)") == [0, 5, 10, 15, 20]
    wait_for(lambda: timeline.locator(".jw-player").count() == 1, 30, "the epoch's Player")
    assert kernel.eval("timeline.epoch_player.clip.values == "
                       "snapshots.clip_at(5, **{k: v for k, v in timeline.generation.items() "
                       "if k != 'prime'}).values")
    heatmaps = second.locator("canvas.jwi-heatmaps")
    draws = int(heatmaps.get_attribute("data-draws"))
    kernel.execute("timeline._epoch_slider.value = 0")
    wait_for(lambda: int(heatmaps.get_attribute("data-draws")) > draws, 20,
             "the heatmaps redrawn for epoch 0")
    assert "epoch 0" in second.locator(".jwi-title").inner_text()
