"""End to end: the quick-start notebook, as a student opens it, in real JupyterLab and Chromium."""

from pathlib import Path

QUICKSTART = Path(__file__).resolve().parents[2] / "notebooks" / "01_quickstart.ipynb"


def test_quickstart_runs_in_jupyterlab_and_shows_its_widgets(
        run_notebook, page_requests, wait_for, screenshot_path):
    nb = run_notebook(QUICKSTART, name="01_quickstart.ipynb", timeout=300)
    page = nb.page
    # the live plot drew every epoch the notebook trained (JAZZWIDGET_EPOCHS=3 under test)
    epochs = nb.kernel.eval("len(model.history['loss'])")
    assert epochs == 3
    plot = page.locator(".jp-OutputArea-output .js-plotly-plot").first
    plot.wait_for(timeout=30_000)
    wait_for(lambda: page.evaluate(
        "() => document.querySelector('.js-plotly-plot').data[0].x.length") == epochs,
        30, "the loss curve to show every epoch")
    # two players with their piano rolls, the WAV fallback, and the Studio's three tabs
    rolls = page.locator(".jp-OutputArea-output .jw-player canvas.jw-roll")
    wait_for(lambda: rolls.count() >= 3, 30, "the players' piano rolls")
    notes = nb.kernel.eval("len(clip.notes)")
    assert notes > 20
    # the roll's last drawing layout (the player's one inspection point) counts the notes drawn
    wait_for(lambda: rolls.first.evaluate("(c) => c.jwLayout.notes") == notes, 30,
             "every note of the first clip drawn in its roll")
    assert page.locator(".jp-OutputArea-output audio").count() == 1
    for tab in ("Data", "Train", "Generate & Play"):
        assert page.locator(".jp-OutputArea-output .lm-TabBar-tab", has_text=tab).count() >= 1
    assert page_requests.outside_localhost() == []
    show_plot_and_first_player(page, plot, rolls.first, wait_for)
    page.screenshot(path=screenshot_path("quickstart.png"))


def show_plot_and_first_player(page, plot, roll, wait_for) -> None:
    """Frame the interesting part for the screenshot: the left sidebar (a file browser full of
    other tests' notebooks) collapsed, the notebook scrolled inside its panel (JupyterLab
    scrolls there, not the page) to the loss curve with the first Player under it."""
    page.set_viewport_size({"width": 1200, "height": 1250})
    collapsed = page.evaluate("""async () => {
      const app = window.jupyterapp;
      if (!app.shell.leftCollapsed) await app.commands.execute('application:toggle-left-area');
      return app.shell.leftCollapsed;
    }""")
    assert collapsed is True
    output = plot.locator("xpath=ancestor::div[contains(@class, 'jp-OutputArea-output')][1]")
    player = page.locator(".jp-OutputArea-output .jw-player").first

    def framed() -> bool:
        # scrolled again on each try: Lab may still be laying out after the sidebar closed
        output.evaluate("(el) => el.scrollIntoView({block: 'start'})")
        output.scroll_into_view_if_needed()
        height = page.viewport_size["height"]
        boxes = [plot.bounding_box(), roll.bounding_box(), player.bounding_box()]
        return all(box and box["y"] >= 0 and box["y"] + box["height"] <= height
                   for box in boxes)

    wait_for(framed, 20, "the loss curve and the first Player to be in view together")
