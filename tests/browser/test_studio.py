"""The Studio in real JupyterLab and Chromium: its tabs render, and clicks reach the kernel."""

from __future__ import annotations

import contextlib

# Whether a 2D canvas has any pixel drawn.
PAINTED = """(canvas) => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4) if (data[i]) return true;
  return false;
}"""

SETUP_CELL = """
from jazzwidget.widgets.studio import Studio
studio = Studio(n_a=32, epochs=3)
"""


def test_studio_renders_its_tabs_and_a_click_on_generate_plays_a_clip(
        run_notebook, wait_for, screenshot_path, page_requests):
    nb = run_notebook([SETUP_CELL, "studio"])
    page, kernel = nb.page, nb.kernel
    studio = page.locator(".jazzwidget-studio")
    studio.wait_for()
    tabs = studio.get_by_role("tablist").first.get_by_role("tab")  # its own, not nested ones
    wait_for(lambda: tabs.count() >= 3, 30, "the tabs")
    assert [tabs.nth(k).inner_text().strip() for k in range(3)] == [  # then H2's Inspect
        "Data", "Train", "Generate & Play"]

    # Data tab: the corpus summary and the piano roll of its first piece.
    summary = kernel.eval("studio.corpus.summary()")
    text = studio.locator(".jazzwidget-corpus-summary").inner_text()
    assert f"{summary['vocab_size']} values in the vocabulary" in text
    assert f"{summary['files']} files" in text
    player = studio.locator(".jazzwidget-corpus-roll")
    player.wait_for()
    canvas = player.locator("canvas").first
    wait_for(lambda: canvas.evaluate(PAINTED), 20, "the piano roll to be painted")
    studio.screenshot(path=str(screenshot_path("studio.png")))

    # Train tab: a short run from the page, then the Generate tab plays the trained model.
    tabs.nth(1).click()
    train = studio.locator(".jazzwidget-trainer")
    train.wait_for(state="visible")
    train.get_by_role("button", name="Start").click()
    wait_for(lambda: kernel.eval("studio.model.epochs_trained") == 3, 120, "three epochs")
    wait_for(lambda: not kernel.eval("studio.trainer.running"), 30, "training to end")

    tabs.nth(2).click()
    generate = studio.locator(".jazzwidget-generator")
    generate.wait_for(state="visible")
    generate.get_by_role("button", name="Generate").click()
    wait_for(lambda: kernel.eval("studio.generator.clip is not None"), 30, "a generated clip")
    notes = kernel.eval("len(studio.generator.clip.notes)")
    assert notes > 0
    assert kernel.eval("studio.generator.player.clip is studio.generator.clip")
    wait_for(lambda: f"{notes} notes" in generate.inner_text(), 20, "the clip's summary shown")

    # A bad progression typed in the page is reported inline; the widget stays usable.
    chords = generate.get_by_role("textbox").last
    chords.fill("Dm7 Q7")
    wait_for(lambda: "Q7" in generate.locator(".jazzwidget-error").inner_text(), 20,
             "the chord error inline")
    chords.fill("Dm7 G7 | Cmaj7")
    wait_for(lambda: kernel.eval("studio.generator.error_box.message") == "", 20,
             "the error to clear")
    assert page_requests.outside_localhost() == []

    # The Generate tab's player shows the clip (not "Nothing to play yet").
    title = generate.locator(".jw-player .jw-title").first
    wait_for(lambda: "Nothing to play" not in title.inner_text(), 20, "the clip's title")

    # The Inspect tab shows the clip just generated in a GateInspector.
    tabs.nth(3).click()
    wait_for(lambda: tabs.nth(3).get_attribute("aria-selected") == "true", 20, "the Inspect tab")
    studio.locator("button.widget-button", has_text="Inspect").first.click()
    wait_for(lambda: kernel.eval("studio.inspect_tab.inspector is not None"), 60, "the inspector")
    studio.locator(".jw-gate-inspector canvas").first.wait_for(state="visible", timeout=60_000)

    # Each tab at 1024 and 1440 px wide (docs/img/studio-<tab>-<width>.png): the Train tab
    # with the three epochs' curves drawn, the Generate tab with its clip in the player, the
    # Inspect tab with that clip's gates.
    for width in (1024, 1440):  # tall enough for the whole Studio in one picture
        page.set_viewport_size({"width": width, "height": 3200})
        for k, tab in enumerate(("data", "train", "generate", "inspect")):
            tabs.nth(k).click()
            wait_for(lambda k=k: tabs.nth(k).get_attribute("aria-selected") == "true", 20,
                     "the tab to show")
            if tab == "train":
                plot = _plot_fits(studio, wait_for, f"the loss figure at {width} px", kernel)
                assert plot["element"] <= width
                wait_for(lambda: max(studio.evaluate(AXES)["points"]) == 3, 20, "3 epochs drawn")
            studio.screenshot(path=str(screenshot_path(f"studio-{tab}-{width}.png")))


# --------------------------------------------------------------- issue 10, one test a finding
READY_CELL = """
from jazzwidget.widgets.studio import Studio
studio = Studio(n_a=16, epochs=2)
studio.wait_ready()
"""


def _tab(page, name):
    studio = page.locator(".jazzwidget-studio")
    studio.get_by_role("tab", name=name, exact=True).click()
    return studio


def _train_two_epochs(page, kernel, wait_for):
    studio = _tab(page, "Train")
    studio.locator(".jazzwidget-trainer").get_by_role("button", name="Start").click()
    wait_for(lambda: kernel.eval("studio.model.epochs_trained") == 2, 180, "two epochs")
    wait_for(lambda: not kernel.eval("studio.trainer.running"), 60, "training to end")
    return studio


def test_finding_8_the_studio_appears_at_once_saying_tensorflow_is_loading(
        run_notebook, lab_page, wait_for):
    # Record, in the page, every note that TensorFlow is loading that was ever shown.
    lab_page.add_init_script("""
      window.__loadingNotes = [];
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('.jazzwidget-studio .jazzwidget-loading')) {
          const notes = window.__loadingNotes;
          if (!notes.includes(el.innerText)) notes.push(el.innerText);
        }
      }).observe(document, {childList: true, subtree: true});""")
    nb = run_notebook(["""
import time
start = time.monotonic()
import jazzwidget as jw
studio = jw.Studio(n_a=16, epochs=2)
returned = time.monotonic() - start
display(studio)
shown_before_ready = not studio.ready.is_set()
"""])
    page, kernel = nb.page, nb.kernel
    assert kernel.eval("shown_before_ready"), "the Studio waited for TensorFlow"
    assert kernel.eval("returned") < kernel.eval("time.monotonic() - start")
    studio = page.locator(".jazzwidget-studio")
    studio.wait_for()
    wait_for(lambda: page.evaluate("window.__loadingNotes.length") > 0, 30,
             "the 'TensorFlow is loading' note in the page")
    assert all("TensorFlow is loading" in text for text in page.evaluate("window.__loadingNotes"))
    # Usable once TensorFlow has loaded: the Train tab's Start trains.
    _tab(page, "Train")
    start = studio.locator(".jazzwidget-trainer").get_by_role("button", name="Start")
    start.wait_for(state="visible", timeout=180_000)
    assert kernel.eval("studio.ready.is_set() and studio.loading_error is None")
    start.click()
    wait_for(lambda: kernel.eval("studio.model.epochs_trained") == 2, 180, "two epochs")


def test_finding_1_no_work_is_lost_by_loading_music_or_reset(run_notebook, wait_for):
    nb = run_notebook([READY_CELL, "studio"])
    page, kernel = nb.page, nb.kernel
    studio = _train_two_epochs(page, kernel, wait_for)
    model_id = kernel.eval("id(studio.model)")
    files = kernel.eval("studio.corpus.summary()['files']")

    _tab(page, "Generate & Play")
    chords = studio.locator(".jazzwidget-generator textarea")
    chords.fill("Dm7 G7 | Cmaj7 | A7")
    wait_for(lambda: kernel.eval("studio.generator.chords.value") == "Dm7 G7 | Cmaj7 | A7", 20,
             "the typed progression in Python")

    # Load the same built-in corpus again: the trained model and the typed chords stay.
    _tab(page, "Data")
    studio.locator("button.jazzwidget-load-music").click()
    wait_for(lambda: "values in the vocabulary" in studio.locator(
        ".jazzwidget-corpus-summary").inner_text(), 20, "the summary")
    wait_for(lambda: kernel.eval("studio.model.epochs_trained") == 2
             and kernel.eval("id(studio.model)") == model_id, 20, "the model kept")
    assert kernel.eval("studio.generator.chords.value") == "Dm7 G7 | Cmaj7 | A7"
    _tab(page, "Train")
    assert "2 epochs trained" in studio.locator(".jazzwidget-trainer-status").inner_text()

    # Music the model cannot read: the Data tab asks; Cancel keeps everything.
    _tab(page, "Data")
    studio.locator("button.widget-toggle-button", has_text="music21 lead sheet").click()
    studio.locator("button.jazzwidget-load-music").click()
    question = studio.locator(".jazzwidget-confirm").first
    wait_for(lambda: "cannot read" in question.inner_text(), 60, "the question in the page")
    assert "2 epochs" in question.inner_text()
    for label in ("Replace the model", "Cancel"):
        assert question.get_by_role("button", name=label).is_visible()
    assert question.get_by_role("button", name="Save to jazzwidget-model.keras, then replace"
                                ).is_visible()
    question.get_by_role("button", name="Cancel").click()
    wait_for(lambda: kernel.eval("studio.pending is None"), 20, "the answer in Python")
    assert kernel.eval("id(studio.model)") == model_id
    assert kernel.eval("studio.corpus.summary()['files']") == files
    wait_for(lambda: not question.is_visible(), 20, "the question to go")

    # Reset asks too.
    _tab(page, "Train")
    trainer = studio.locator(".jazzwidget-trainer")
    trainer.locator("button.widget-button", has_text="Reset").first.click()
    reset_question = trainer.locator(".jazzwidget-confirm")
    wait_for(lambda: "2 epochs" in reset_question.inner_text(), 20, "the Reset question")
    reset_question.get_by_role("button", name="Cancel").click()
    wait_for(lambda: not reset_question.is_visible(), 20, "the question to go")
    assert kernel.eval("studio.model.epochs_trained") == 2
    assert kernel.eval("id(studio.model)") == model_id


def test_finding_5_the_data_tab_draws_any_piece_with_its_name_and_tracks(
        run_notebook, wait_for):
    nb = run_notebook([READY_CELL, "studio"])
    page, kernel = nb.page, nb.kernel
    studio = page.locator(".jazzwidget-studio")
    picker = studio.locator(".jazzwidget-piece-picker select")
    picker.wait_for()
    count = kernel.eval("len(studio.corpus.pieces)")
    assert count > 10 and picker.locator("option").count() == count
    name = kernel.eval("studio.corpus.pieces[10].name")
    picker.select_option(index=10)
    wait_for(lambda: kernel.eval("studio.roll.filename") == name.removesuffix(".mid"), 20,
             "the roll to draw piece 11")
    label = studio.locator(".jazzwidget-piece-label")
    wait_for(lambda: name in label.inner_text()
             and f"piece 11 of {count}" in label.inner_text(), 20, "the piece's name shown")
    tracks = kernel.eval("[t.index for t in studio.corpus.pieces[10].tracks]")
    melody = studio.get_by_role("combobox", name="melody track")
    wait_for(lambda: melody.locator("option").count() == 1 + len(tracks), 20,
             "piece 11's own tracks in the melody picker")
    notes = kernel.eval("len(studio.corpus.pieces[10].notes)")
    assert kernel.eval("len(studio.roll.clip.notes)") == notes


LAYOUT = """(root) => {
  // Content wider than the Studio, outside any scrolling or clipping box of its own (a roll
  // that scrolls sideways is fine; a control cut off or pushed out of view is not).
  const box = root.getBoundingClientRect();
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== root; up = up.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(up).overflowX)
          && up.getBoundingClientRect().right <= box.right + 1) return true;
    }
    return false;
  };
  const over = [];
  for (const el of root.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > box.right + 1 && !clipped(el)) {
      over.push(`${el.tagName}.${el.className} ${Math.round(r.left)}-${Math.round(r.right)}`);
    }
  }
  return {width: box.width, over: over.slice(0, 5)};
}"""
PLOT = """(root) => {
  // The Train tab's loss figure as drawn: both panels, as wide as its element, inside the tab.
  const trainer = root.querySelector('.jazzwidget-trainer');
  const plot = trainer && trainer.querySelector('.js-plotly-plot');
  const L = plot && plot._fullLayout;
  if (!L || !L.xaxis2 || !L.yaxis2) {  // not drawn yet, or without its second panel
    return {drawn: Boolean(L), layout: Object.keys((plot && plot.layout) || {}).length,
            responsive: Boolean(plot && plot._context && plot._context.responsive)};
  }
  const box = trainer.getBoundingClientRect();
  const left = plot.getBoundingClientRect().left;
  const titles = [...plot.querySelectorAll('.annotation-text')].map((t) => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, inside: r.left >= box.left - 1 && r.right <= box.right + 1};
  });
  return {width: L.width, element: plot.clientWidth, trainer: box.width,
          panels: plot.querySelectorAll('.cartesianlayer .subplot').length,
          panel2_right: left + L.xaxis2._offset + L.xaxis2._length, right: box.right, titles};
}"""


def _plot_fits(studio, wait_for, what: str, kernel=None) -> dict:
    """Wait until the loss figure is drawn with both panels, as wide as its element (which is
    as wide as the Train tab), its second panel and both titles inside the tab."""
    def fits():
        plot = studio.evaluate(PLOT)
        if (plot and plot.get("panels") == 2 and abs(plot["width"] - plot["element"]) <= 1
                and plot["panel2_right"] <= plot["right"] + 1
                and {t["text"] for t in plot["titles"]} >= {"loss", "accuracy"}
                and all(t["inside"] for t in plot["titles"])):
            return plot
        return None

    try:
        return wait_for(fits, 30, what)
    except AssertionError as error:
        redraws = kernel.eval("getattr(getattr(studio.trainer, 'plot_box', None), "
                              "'redraws', None)") if kernel else "?"
        fit = studio.evaluate("(r) => [...r.querySelectorAll('.jazzwidget-plotfit')]"
                              ".map((f) => JSON.stringify(f.dataset))")
        raise AssertionError(f"{error}: {studio.evaluate(PLOT)}, {redraws} redraws, "
                             f"PlotFit {fit}") from None


def test_finding_6_the_layout_fits_from_600_px_and_the_plot_follows_its_container(
        run_notebook, wait_for, screenshot_path):
    nb = run_notebook([READY_CELL, "studio.layout.width = '600px'\nstudio"])
    page, kernel = nb.page, nb.kernel
    studio = page.locator(".jazzwidget-studio")
    progression = " ".join(["Dm7", "G7", "Cmaj7", "A7alt"] * 6)  # 24 chords
    kernel.execute(f"studio.generator.chords.value = {progression!r}")
    for tab in ("Data", "Train", "Generate & Play"):
        _tab(page, tab)
        wait_for(lambda: studio.evaluate(LAYOUT)["width"] > 0, 20, f"the {tab} tab")
        with contextlib.suppress(AssertionError):  # the assert below says what is over
            wait_for(lambda: not studio.evaluate(LAYOUT)["over"], 20, f"{tab} to fit")
        name = tab.split()[0].lower()
        studio.screenshot(path=str(screenshot_path(f"studio-{name}-600.png")))
        layout = studio.evaluate(LAYOUT)
        assert layout["over"] == [] and layout["width"] <= 601, (tab, layout)
    # The chord field wraps: a text area, all 24 chords inside its width.
    chords = studio.locator(".jazzwidget-generator textarea")
    assert chords.evaluate("(el) => el.scrollWidth <= el.clientWidth + 1")
    assert chords.input_value() == progression

    # The loss figure, drawn while its tab was hidden, fits the tab once shown...
    _tab(page, "Train")
    plot = _plot_fits(studio, wait_for, "the loss figure to fit the 600 px Train tab", kernel)
    assert plot["element"] <= 600
    # ...and follows its container, wider and narrower (no fixed 700 px).
    page.set_viewport_size({"width": 1700, "height": 900})
    kernel.execute("studio.layout.width = '1440px'")
    plot = _plot_fits(studio, wait_for, "the loss figure to widen with a 1440 px Studio")
    assert plot["width"] > 1300, plot
    kernel.execute("studio.layout.width = '600px'")
    plot = _plot_fits(studio, wait_for, "the loss figure to narrow back to 600 px")
    assert plot["width"] < 600, plot


AXES = """(root) => {
  const plot = root.querySelector('.jazzwidget-trainer .js-plotly-plot');
  const L = plot._fullLayout;
  const ticks = [...plot.querySelectorAll('.yaxislayer-above .y2tick text')]
    .map((t) => t.textContent);
  return {x: L.xaxis.range, y: L.yaxis.range, y2: L.yaxis2.range, ticks2: ticks,
          points: plot.data.map((t) => t.x ? t.x.length : 0)};
}"""


def test_finding_7_hints_statuses_and_plot_agree(run_notebook, wait_for):
    nb = run_notebook([READY_CELL, "studio.trainer.keep_best.value = False\nstudio"])
    page, kernel = nb.page, nb.kernel
    studio = _tab(page, "Train")
    trainer = studio.locator(".jazzwidget-trainer")
    status = trainer.locator(".jazzwidget-trainer-status")
    # Before training: both panels drawn, epochs from 1, loss from 0 (not plotly's -1).
    _plot_fits(studio, wait_for, "the empty loss figure", kernel)
    axes = studio.evaluate(AXES)
    assert axes["x"][0] >= 1 and axes["y"][0] >= 0, axes

    # While training, the Generate tab says so (not "untrained").
    kernel.execute("studio.trainer.epochs.value = 10000")
    trainer.get_by_role("button", name="Start").click()
    wait_for(lambda: kernel.eval("studio.model.epochs_trained") >= 2, 180, "two epochs")
    _tab(page, "Generate & Play")
    generate = studio.locator(".jazzwidget-generator")
    text = generate.inner_text()
    assert "training is running" in text and "untrained" not in text
    _tab(page, "Train")
    trainer.get_by_role("button", name="Stop").click()
    wait_for(lambda: not kernel.eval("studio.trainer.running"), 60, "Stop")
    _tab(page, "Generate & Play")
    assert "untrained" not in generate.inner_text()

    # Accuracy in percent on the status (and on the plot's axis, checked below).
    _tab(page, "Train")
    wait_for(lambda: "%" in status.inner_text(), 20, "accuracy in % in the status")

    # Continuing: the status counts epochs as the plot does.
    done = kernel.eval("studio.model.epochs_trained")
    kernel.execute("studio.trainer.epochs.value = 2")
    kernel.execute("seen = []\nstudio.trainer.status.observe("
                   "lambda c: seen.append(c['new']), names='value')")
    trainer.get_by_role("button", name="Start").click()
    wait_for(lambda: kernel.eval("studio.model.epochs_trained") == done + 2, 120, "two more")
    wait_for(lambda: not kernel.eval("studio.trainer.running"), 60, "the run to end")
    assert any(f"{done + 2}/{done + 2}" in s for s in kernel.eval("seen"))
    try:
        wait_for(lambda: max(studio.evaluate(AXES)["points"]) == done + 2, 20, "plot epochs")
    except AssertionError as error:
        raise AssertionError(f"{error}: {done + 2} epochs, the plot {studio.evaluate(AXES)}, "
                             f"Python {kernel.eval('studio.trainer.liveplot.plot.drawn()')}, "
                             f"{kernel.eval('studio.trainer.plot_box.redraws')} redraws"
                             ) from None
    ticks = wait_for(lambda: studio.evaluate(AXES)["ticks2"], 20, "accuracy ticks")
    assert all(t.endswith("%") for t in ticks), ticks

    # After Reset (confirmed in the page), the empty plot shows the empty frame again.
    trainer.locator("button.widget-button", has_text="Reset").first.click()
    trainer.locator(".jazzwidget-confirm").get_by_role("button", name="Reset", exact=True).click()
    wait_for(lambda: kernel.eval("studio.model.epochs_trained") == 0, 20, "the reset")
    wait_for(lambda: "0 epochs trained" in status.inner_text(), 20, "the status reset")
    wait_for(lambda: max(studio.evaluate(AXES)["points"]) == 0, 20, "the curves to go")
    wait_for(lambda: studio.evaluate(AXES)["x"] == [1, 10], 20, "epochs 1-10 again")
    assert studio.evaluate(AXES)["y"] == [0, 5]
