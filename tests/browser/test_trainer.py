"""The Trainer in real JupyterLab and Chromium: the plot grows while training runs in its thread,
and a Stop click (a browser-to-kernel message, handled because the kernel stays idle) ends
training early with the weights kept."""

from __future__ import annotations

SETUP_CELL = """
import numpy as np
import jazzwidget
from jazzwidget.music.corpus import Corpus
from jazzwidget.widgets.trainer import Trainer
corpus = Corpus(jazzwidget.load_corpus().pieces[:6])
trainer = Trainer(jazzwidget.JazzModel(corpus.vocab, n_a=64), corpus, epochs=2000,
                  keep_best=False)  # every epoch runs until Stop (no early stopping)
model_id = id(trainer.model)
def weight_sum():
    return float(sum(np.abs(w).sum() for w in trainer.model.keras_model.get_weights()))
initial = weight_sum()
"""

# Trace lengths of the Trainer's plotly figure as the page draws it (gd.data on the plot div).
DOM_POINTS = """() => {
  const plot = document.querySelector('.jazzwidget-trainer .js-plotly-plot');
  if (!plot || !plot.data) return null;
  return plot.data.map((trace) => ({name: trace.name, axis: trace.xaxis,
                                     points: trace.x ? trace.x.length : 0}));
}"""


def dom_loss_points(page) -> int:
    traces = page.evaluate(DOM_POINTS) or []
    return max((t["points"] for t in traces if t["axis"] in ("x", None)), default=0)


def test_plot_grows_while_training_and_stop_click_keeps_the_weights(
        run_notebook, wait_for, screenshot_path):
    nb = run_notebook([SETUP_CELL, "trainer"])
    page, kernel = nb.page, nb.kernel
    trainer_view = page.locator(".jazzwidget-trainer")
    trainer_view.wait_for()
    assert dom_loss_points(page) == 0

    trainer_view.get_by_role("button", name="Start").click()
    wait_for(lambda: kernel.eval("trainer.running"), 30, "training to start from the click")
    # The page gains points while the fit is still running (no re-display, same plot div).
    wait_for(lambda: dom_loss_points(page) >= 3, 120, "the plot to show three epochs")
    first_seen = dom_loss_points(page)
    wait_for(lambda: dom_loss_points(page) >= first_seen + 5, 120, "the plot to keep growing")
    assert kernel.eval("trainer.running"), "training ended before the test could stop it"
    traces = page.evaluate(DOM_POINTS)
    assert {(t["name"], t["axis"]) for t in traces} == {
        ("training", "x"), ("validation", "x"), ("training", "x2"), ("validation", "x2")}

    wait_for(lambda: dom_loss_points(page) >= 25, 180, "25 epochs for the screenshot")
    wait_for(lambda: "left" in trainer_view.locator(".jazzwidget-trainer-status").inner_text(),
             30, "the time-left estimate")
    trainer_view.screenshot(path=str(screenshot_path("trainer.png")))

    trainer_view.get_by_role("button", name="Stop").click()
    wait_for(lambda: not kernel.eval("trainer.running"), 30, "the Stop click to end training")
    done = kernel.eval("trainer.model.epochs_trained")
    assert 25 <= done < 2000
    assert kernel.eval("trainer.error is None")
    assert kernel.eval("id(trainer.model) == model_id"), "Stop must keep the model"
    assert kernel.eval("weight_sum() != initial"), "the trained weights were lost"
    stopped = kernel.eval("weight_sum()")
    # Every epoch trained is on the page once training ends (the final flush).
    wait_for(lambda: dom_loss_points(page) == done, 20, "the final points on the page")
    assert "stopped after" in trainer_view.locator(".jazzwidget-trainer-status").inner_text()

    # Start again continues from the kept weights; the curves go on from epoch `done`.
    kernel.execute("trainer.epochs.value = 2")
    trainer_view.get_by_role("button", name="Start").click()
    wait_for(lambda: kernel.eval("trainer.model.epochs_trained") == done + 2, 120,
             "two more epochs")
    wait_for(lambda: not kernel.eval("trainer.running"), 30, "the second run to end")
    assert kernel.eval("id(trainer.model) == model_id")
    assert abs(kernel.eval("weight_sum()") - stopped) < abs(stopped - kernel.eval("initial"))
    wait_for(lambda: dom_loss_points(page) == done + 2, 20, "the curves to go on")


PLAIN_KERAS_CELL = """
import numpy as np, keras
from jazzwidget.widgets.liveplot import LivePlot
x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
y = (x[:, 0] > 0).astype("int32")
net = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
net.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
print("before fit")
history = net.fit(x, y, epochs=30, validation_split=0.25, verbose=0, callbacks=[LivePlot()])
print("after fit")
"""


def test_liveplot_in_a_plain_keras_cell_keeps_the_cells_other_output(run_notebook, wait_for):
    nb = run_notebook([PLAIN_KERAS_CELL])
    cell = nb.page.locator(".jp-CodeCell").first
    outputs = cell.locator(".jp-OutputArea-output")
    wait_for(lambda: outputs.locator(".js-plotly-plot").count() == 1, 30, "one plot")
    text = outputs.all_inner_texts()
    assert any("before fit" in t for t in text) and any("after fit" in t for t in text)
    points = cell.evaluate("""(el) => el.querySelector('.js-plotly-plot').data
                              .map((trace) => trace.x.length)""")
    assert points == [30, 30, 30, 30]
