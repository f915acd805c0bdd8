// PlotFit: keeps the plotly figures of the box it sits in as wide as the box.
//
// plotly's FigureWidget (plotly 6 and 7, an anywidget) sizes its plot once, when it is drawn:
// drawn in a hidden tab it takes plotly's default 700 px, and it never follows its container
// afterwards (the Lumino resize and after-show messages that plotly 5 handled no longer reach
// it). This widget watches the box and every plot in it (ResizeObserver; a plot drawn later is
// found when plotly says it has drawn), and when a shown plot is not as wide as its element,
// asks plotly to resize it through the handler that plotly itself installs on figures whose
// config says `responsive: true` (its window-resize handler).

const PLOT = ".js-plotly-plot";

/**
 * Resize every shown plot under `root` whose drawn width differs from its element's. Returns
 * how many were resized and whether one was drawn stale: without the responsive config its
 * figure was given, which happens when plotly's view draws before the figure's state has
 * reached the page (its view never reads that state again, so the box must draw it anew).
 */
function fit(root) {
  let resized = 0;
  let stale = false;
  for (const plot of root.querySelectorAll(PLOT)) {
    const layout = plot._fullLayout;
    if (!layout || !plot._context) continue; // not drawn yet
    if (!plot._context.responsive) {
      stale = true;
      continue;
    }
    const width = plot.clientWidth;
    if (!plot.offsetParent || width < 10) continue; // hidden (a tab not shown)
    if (Math.abs(layout.width - width) <= 1) continue;
    plot._responsiveChartHandler();
    resized += 1;
  }
  return { resized, stale };
}

function render({ model, el }) {
  let root = null;
  let frame = 0;
  let stopped = false;
  const watched = new WeakSet();
  let requests = 0;
  let staleSent = false;

  const resize = new ResizeObserver(() => schedule());

  function schedule() {
    if (frame || stopped) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (!root) return;
      watchPlots();
      const { resized, stale } = fit(root);
      requests += resized;
      el.dataset.resizes = String(requests); // read by the browser tests
      if (stale && !staleSent) {
        staleSent = true; // once per view: the box draws its figures anew, with this view
        model.send({ event: "stale" });
      }
    });
  }

  function watchPlots() {
    for (const plot of root.querySelectorAll(PLOT)) {
      if (!watched.has(plot)) {
        watched.add(plot);
        resize.observe(plot);
      }
    }
  }

  // plotly draws asynchronously: look again when any FigureWidget on the page has drawn.
  const drawn = () => schedule();
  document.addEventListener("plotlywidget-after-render", drawn);

  // The element joins the page after render returns: wait for its parent, the box to watch.
  function attach() {
    if (stopped) return;
    if (!el.parentElement) {
      requestAnimationFrame(attach);
      return;
    }
    root = el.parentElement;
    resize.observe(root);
    schedule();
  }
  attach();

  return () => {
    stopped = true;
    if (frame) cancelAnimationFrame(frame);
    resize.disconnect();
    document.removeEventListener("plotlywidget-after-render", drawn);
  };
}

export default { render };
