"""PlotBox in real JupyterLab and Chromium: plotly figures follow the box's width, and a figure
drawn before its state reached the page is drawn again from its whole state."""

from __future__ import annotations

SETUP = """
from jazzwidget.widgets.lossfigure import LossFigure
from jazzwidget.widgets.plotfit import PlotBox
plot = LossFigure()
plot.add({"loss": 2.0, "accuracy": 0.25})
plot.add({"loss": 1.5, "accuracy": 0.5})
plot.flush()
figure = plot.figure
"""
# What the page holds when a figure's first state never arrived (seen with the Studio's Train
# tab under load): an empty layout, no traces, no config. plotly's view then draws an empty
# default plot and never reads the state again.
STALE = """
figure._send({"method": "update", "state": {"_widget_layout": {}, "_widget_data": [],
                                            "_config": {}}, "buffer_paths": []})
box = PlotBox([figure], layout={"width": "500px"})
box
"""
DRAWN = """(box) => {
  const plot = box.querySelector('.js-plotly-plot');
  const L = plot && plot._fullLayout;
  if (!L) return null;
  return {width: L.width, element: plot.clientWidth, panels: Boolean(L.xaxis2 && L.yaxis2),
          responsive: Boolean(plot._context && plot._context.responsive),
          points: plot.data.map((t) => (t.x ? t.x.length : 0))};
}"""


def test_a_stale_figure_is_drawn_again_and_follows_the_box_width(run_notebook, wait_for):
    nb = run_notebook([SETUP, STALE])
    page, kernel = nb.page, nb.kernel
    box = page.locator(".jazzwidget-plotbox")
    box.wait_for()
    wait_for(lambda: kernel.eval("box.redraws") == 1, 30, "the page to report the stale figure")

    def drawn_at(width):
        plot = box.evaluate(DRAWN)
        if (plot and plot["panels"] and plot["responsive"] and max(plot["points"]) == 2
                and abs(plot["width"] - plot["element"]) <= 1
                and width - 20 <= plot["element"] <= width):
            return plot
        return None

    wait_for(lambda: drawn_at(500), 30, "the figure drawn again, 500 px wide, both panels")
    assert kernel.eval("box.redraws") == 1  # drawn well this time: no more redraws
    for width in (900, 320):
        kernel.execute(f"box.layout.width = '{width}px'")
        wait_for(lambda width=width: drawn_at(width), 30, f"the figure to follow {width} px")
