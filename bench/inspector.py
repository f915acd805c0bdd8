"""Gate inspector figures: Python build time, time to draw in Chromium, cursor updates a second.

1. A 600-step clip of a 64-unit model (built-in corpus vocabulary; the weights' values do not
   change the cost, so the model is not trained): ``model.trace(clip)`` plus a whole
   `GateInspector(trace, clip)` (all six gates shown: buffers, order, saturation and unit
   figures, explain table), headless. Target < 1 s.
2. The inspector's front end (``inspector.js``, the real module) in headless Chromium on a stand-in
   of the widget model that holds the same buffers: milliseconds from ``render()`` to the first
   complete draw of the heatmaps (6 gates x 64 units x 600 steps). Target < 0.5 s.
3. The same page with a stand-in Player model that plays (``playing`` true, ``position`` sent
   ten times a second, as the Player does): cursor updates per second over 2 s. Target >= 10.

Run alone: ``python -m bench.inspector [screenshot.png]`` (prints the rows as JSON).
"""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path

STEPS, UNITS = 600, 64
BUILD_LIMIT_S = 1.0
DRAW_LIMIT_MS = 500.0
CURSOR_MIN_HZ = 10.0
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDGETS = Path(__file__).resolve().parents[1] / "jazzwidget" / "widgets"

HARNESS = """
async ({source, css, state, bytesKeys, playerState, measureCursor}) => {
  const style = document.createElement("style");
  style.textContent = css;
  document.head.appendChild(style);
  const bytes = (b64) => {
    const raw = atob(b64);
    const out = new Uint8Array(raw.length);
    for (let k = 0; k < raw.length; k++) out[k] = raw.charCodeAt(k);
    return new DataView(out.buffer);
  };
  class StandIn {
    constructor(values) { this.values = values; this.handlers = {}; }
    get(key) { return this.values[key]; }
    set(key, value) {
      this.values[key] = value;
      for (const h of this.handlers["change:" + key] || []) h();
    }
    on(event, h) { (this.handlers[event] ||= []).push(h); }
    off(event, h) { this.handlers[event] = (this.handlers[event] || []).filter((x) => x !== h); }
    save_changes() {}
    send() {}
  }
  const player = new StandIn(playerState);
  for (const key of bytesKeys) state[key] = bytes(state[key]);
  const model = new StandIn(state);
  model.widget_manager = { get_model: async () => player };
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const module = (await import(url)).default;
  const el = document.createElement("div");
  el.style.width = "1100px";
  document.body.appendChild(el);
  const start = performance.now();
  module.render({ model, el });
  const canvas = el.querySelector("canvas.jwi-heatmaps");
  while (!canvas.dataset.firstDrawMs) await new Promise((r) => setTimeout(r, 5));
  const result = { wallMs: performance.now() - start,
                   firstDrawMs: Number(canvas.dataset.firstDrawMs),
                   drawMs: Number(canvas.dataset.drawMs), rows: Number(canvas.dataset.nRows),
                   gates: canvas.dataset.gates };
  if (measureCursor) {
    const overlay = el.querySelector("canvas.jwi-overlay");
    player.set("playing", true);
    let position = 0;
    const timer = setInterval(() => { position += 0.1; player.set("position", position); }, 100);
    await new Promise((r) => setTimeout(r, 2200));
    clearInterval(timer);
    result.cursorRate = Number(overlay.dataset.cursorRate || 0);
    result.cursorUpdates = Number(overlay.dataset.cursorUpdates || 0);
  }
  return result;
}
"""


def build_figures() -> tuple[dict, object, object]:
    """Trace a 600-step clip and build the whole inspector; seconds of each."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import jazzwidget
    from jazzwidget.music.clip import Clip
    from jazzwidget.widgets.inspector import GateInspector

    corpus = jazzwidget.load_corpus()
    model = jazzwidget.JazzModel(corpus.vocab, n_a=UNITS)
    model.corpus_values = list(corpus.values)
    long = model.generate(seconds=600, tempo=130, seed=1, chords="Dm7 G7 Cmaj7 Cmaj7")
    steps = long.steps[:STEPS]
    clip = Clip(steps, [c for c in long.chords if c.start < steps[-1].end], long.tempo,
                steps[-1].end, long.beats_per_bar, long.primed_with)
    GateInspector(model.trace(clip), clip)  # first widgets and figures: imports, not the build
    start = time.perf_counter()
    trace = model.trace(clip)
    traced = time.perf_counter()
    inspector = GateInspector(trace, clip, gates="ifgoch")
    built = time.perf_counter()
    return ({"trace_s": traced - start, "build_s": built - traced, "total_s": built - start},
            inspector, clip)


def browser_figures(inspector: object, screenshot: Path | None = None) -> dict:
    """Draw time and cursor rate of the real front end in headless Chromium (and a screenshot
    of the page, when given a path)."""
    from playwright.sync_api import sync_playwright

    view = inspector.view  # type: ignore[attr-defined]
    state = {name: getattr(view, name) for name in view.keys if not name.startswith("_model")
             and name not in ("layout", "player", "_dom_classes", "tabbable", "tooltip",
                              "_view_count", "_esm", "_css", "_anywidget_id")}
    bytes_keys = [name for name, value in state.items() if isinstance(value, bytes)]
    for name in bytes_keys:
        state[name] = base64.b64encode(state[name]).decode()
    state["player"] = "IPY_MODEL_standin"
    player_state = {"position": 0.0, "playing": False, "speed": 1.0}
    source = (WIDGETS / "inspector.js").read_text()
    css = (WIDGETS / "inspector.css").read_text()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 1400},
                                    device_scale_factor=2)
            page.goto("about:blank")
            # a first page load compiles the module: time the second, as a notebook would
            page.evaluate(HARNESS, {"source": source, "css": css, "state": state,
                                    "bytesKeys": bytes_keys, "playerState": player_state,
                                    "measureCursor": False})
            page.goto("about:blank")
            result = page.evaluate(HARNESS, {"source": source, "css": css, "state": state,
                                             "bytesKeys": bytes_keys,
                                             "playerState": player_state,
                                             "measureCursor": True})
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=True)
            return result
        finally:
            browser.close()


def figures(screenshot: Path | None = None) -> tuple[list[tuple], bool]:
    """Rows for bench/__main__.py's table, and whether every target was met."""
    python, inspector, _ = build_figures()
    rows = [
        (f"inspector: trace + build, {STEPS} steps x {UNITS} units x 6 gates (s)",
         f"{python['total_s']:.2f}", f"< {BUILD_LIMIT_S:g}",
         f"{python['total_s'] / BUILD_LIMIT_S:.2f}", python["total_s"] < BUILD_LIMIT_S),
        ("  of which trace / widgets (s)", f"{python['trace_s']:.2f} / {python['build_s']:.2f}"),
    ]
    ok = python["total_s"] < BUILD_LIMIT_S
    if not CHROMIUM.exists():
        rows.append(("inspector: Chromium figures", "skipped (no /usr/bin/chromium)"))
        return rows, False
    browser = browser_figures(inspector, screenshot)
    draw_ok = browser["firstDrawMs"] < DRAW_LIMIT_MS
    cursor_ok = browser["cursorRate"] >= CURSOR_MIN_HZ
    rows += [
        ("inspector: render -> heatmaps drawn, Chromium (ms)", f"{browser['firstDrawMs']:.0f}",
         f"< {DRAW_LIMIT_MS:.0f}", f"{browser['firstDrawMs'] / DRAW_LIMIT_MS:.2f}", draw_ok),
        ("  one full redraw (ms) / rows x gates", f"{browser['drawMs']:.0f} / "
         f"{browser['rows']} x {len(browser['gates'].split(','))}"),
        ("inspector: cursor updates per second, playing", f"{browser['cursorRate']:.0f}",
         f">= {CURSOR_MIN_HZ:g}", f"{browser['cursorRate'] / CURSOR_MIN_HZ:.1f}", cursor_ok),
    ]
    return rows, ok and draw_ok and cursor_ok


if __name__ == "__main__":
    import sys

    table, passed = figures(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(json.dumps({"rows": table, "ok": passed}, indent=1))
