"""The Studio in real JupyterLab and Chromium: its tabs render, and clicks reach the kernel."""

from __future__ import annotations

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
    tabs = studio.get_by_role("tab")
    wait_for(lambda: tabs.count() == 3, 30, "three tabs")
    assert [tabs.nth(k).inner_text().strip() for k in range(3)] == [
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
