// jazzwidget gate inspector: canvas heatmaps of an LSTM's gates over time, a note strip and a
// chord lane on the Player's time axis, hover arithmetic, a cursor that follows a linked Player.
// A static ES module for anywidget: no bundler, no imports, nothing loaded from the network.
//
// Python sends (see inspector_data.py): `_i`, `_f`, `_g`, `_o`, `_c`, `_h` (float32, units x
// steps), `_c_start` (float32, the cell state before step 0), `_steps` (float32 rows: start,
// end, pitch, type), `values`, `chords` ([symbol, start, end]), `duration`, `tempo`,
// `beats_per_bar`, `n_a`, `n_steps`. View state: `gates` (shown), `rows` (units, top first),
// `found`, `spans`, `selected_unit`, `selection`, `per_step`, `tanh_c`, `player`, `position`.

const GATE_NAMES = {
  i: "i  input gate (the seed's update gate)",
  f: "f  forget gate",
  g: "g  candidate value",
  o: "o  output gate",
  c: "c  cell state",
  h: "h  hidden state",
};
const ALL_GATES = ["i", "f", "g", "o", "c", "h"];
const TYPE_COLORS = ["#4fd1c5", "#63b3ed", "#f6ad55", "#f687b3", "#5a6275", "#a0aec0"]; // C S A X R ?
const TYPE_NAMES = ["chord tone", "scale tone", "approach", "other", "rest", ""];
const NOTE_NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];
const LANE = 22; // chord lane
const STRIP = 66; // note strip
const HEADER = 16; // a gate's label row
const GAP = 4;
const DRAG_PX = 4; // a press that moves less than this is a click
const FONT = "600 10px system-ui, -apple-system, 'Segoe UI', sans-serif";

const noteName = (p) => NOTE_NAMES[((p % 12) + 12) % 12] + (Math.floor(p / 12) - 1);
const fmt = (v, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : "nan");
const paren = (v) => (v < 0 ? `(${fmt(v)})` : fmt(v));

function bytesOf(value) {
  if (!value) return new Uint8Array(0);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return new Uint8Array(0);
}

function floats(value) {
  const bytes = bytesOf(value);
  return new Float32Array(bytes.slice().buffer, 0, Math.floor(bytes.byteLength / 4));
}

// 256-entry RGB lookup tables, interpolated between a few stops.
function lut(stops) {
  const out = new Uint8ClampedArray(256 * 3);
  for (let k = 0; k < 256; k++) {
    const t = k / 255;
    let j = 0;
    while (j < stops.length - 2 && t > stops[j + 1][0]) j++;
    const [t0, a] = stops[j];
    const [t1, b] = stops[j + 1];
    const u = Math.min(1, Math.max(0, (t - t0) / (t1 - t0)));
    for (let ch = 0; ch < 3; ch++) out[k * 3 + ch] = a[ch] + (b[ch] - a[ch]) * u;
  }
  return out;
}
// gates in (0, 1): dark to teal to yellow; g, c, h: blue - dark - orange, centred on 0
const SEQUENTIAL = lut([
  [0, [13, 16, 24]],
  [0.35, [36, 84, 122]],
  [0.7, [45, 180, 160]],
  [1, [250, 230, 90]],
]);
const DIVERGING = lut([
  [0, [90, 160, 255]],
  [0.5, [20, 22, 30]],
  [1, [255, 150, 60]],
]);

function readData(model) {
  const steps = floats(model.get("_steps"));
  const n = model.get("n_steps");
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  const pitches = new Int16Array(n);
  const types = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    starts[k] = steps[k * 4];
    ends[k] = steps[k * 4 + 1];
    pitches[k] = Math.round(steps[k * 4 + 2]);
    types[k] = Math.round(steps[k * 4 + 3]);
  }
  const gates = {};
  for (const name of ALL_GATES) gates[name] = floats(model.get(`_${name}`));
  let cMax = 1e-6;
  for (const v of gates.c) cMax = Math.max(cMax, Math.abs(v));
  return {
    n,
    nA: model.get("n_a"),
    starts,
    ends,
    pitches,
    types,
    gates,
    cMax,
    cStart: floats(model.get("_c_start")),
    values: model.get("values") || [],
    chords: (model.get("chords") || []).map(([symbol, start, end]) => ({ symbol, start, end })),
    duration: Math.max(model.get("duration") || 0, 1e-6),
    tempo: model.get("tempo") || 120,
    beatsPerBar: model.get("beats_per_bar") || 4,
  };
}

// The step sounding at time t (binary search on starts), or -1 outside every step.
function stepAt(data, t) {
  let lo = 0;
  let hi = data.n - 1;
  if (hi < 0 || t < data.starts[0]) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (data.starts[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return t < data.ends[lo] || lo === data.n - 1 ? (t <= data.ends[lo] ? lo : -1) : -1;
}

function render({ model, el }) {
  const renderStart = performance.now();
  el.classList.add("jw-inspector");
  const root = document.createElement("div");
  root.className = "jwi-root";
  el.appendChild(root);

  const toolbar = document.createElement("div");
  toolbar.className = "jwi-toolbar";
  const title = document.createElement("div");
  title.className = "jwi-title";
  const perStep = document.createElement("label");
  perStep.className = "jwi-toggle";
  perStep.innerHTML = '<input type="checkbox" class="jwi-per-step"> one column per step';
  const tanhC = document.createElement("label");
  tanhC.className = "jwi-toggle";
  tanhC.innerHTML = '<input type="checkbox" class="jwi-tanh-c"> show tanh(c)';
  const hint = document.createElement("div");
  hint.className = "jwi-hint";
  hint.textContent = "hover: the cell's arithmetic · click: select unit, seek · drag on notes: find units";
  toolbar.append(title, perStep, tanhC, hint);

  const stage = document.createElement("div");
  stage.className = "jwi-stage";
  const canvas = document.createElement("canvas");
  canvas.className = "jwi-heatmaps";
  const overlay = document.createElement("canvas");
  overlay.className = "jwi-overlay";
  overlay.setAttribute("role", "img");
  overlay.setAttribute("aria-label", "gate heatmaps: hover a cell, click to seek, drag on the notes");
  const tooltip = document.createElement("div");
  tooltip.className = "jwi-tooltip";
  tooltip.setAttribute("role", "tooltip");
  const cursorLine = document.createElement("div");
  cursorLine.className = "jwi-cursor";
  stage.append(canvas, overlay, cursorLine, tooltip);
  root.append(toolbar, stage);

  const perStepInput = perStep.querySelector("input");
  const tanhInput = tanhC.querySelector("input");

  let data = readData(model);
  let width = 0;
  let layout = { blocks: [], height: LANE + STRIP };
  let columns = new Int32Array(0); // heatmap pixel column -> step
  let pitchLow = 48;
  let pitchHigh = 84;
  const dpr = () => window.devicePixelRatio || 1;
  const cursor = { pos: model.get("position") || 0, stamp: performance.now(), playing: false, speed: 1 };
  const cursorTimes = [];
  let cursorUpdates = 0;
  let drag = null;
  let hover = null;
  let overlayDirty = true;
  let firstDrawMs = null;

  // ------------------------------------------------------------------ geometry
  const perStepMode = () => model.get("per_step");
  function xOfTime(t) {
    if (!perStepMode()) return (t / data.duration) * width;
    const k = stepAt(data, t);
    if (k < 0) return t <= 0 ? 0 : width;
    const share = (t - data.starts[k]) / Math.max(data.ends[k] - data.starts[k], 1e-9);
    return ((k + Math.min(1, Math.max(0, share))) / Math.max(data.n, 1)) * width;
  }
  function xOfStep(k) {
    return perStepMode() ? (k / Math.max(data.n, 1)) * width : (data.starts[k] / data.duration) * width;
  }
  function xEndOfStep(k) {
    return perStepMode() ? ((k + 1) / Math.max(data.n, 1)) * width : (data.ends[k] / data.duration) * width;
  }
  function stepAtX(x) {
    if (perStepMode()) {
      const k = Math.floor((x / width) * data.n);
      return k >= 0 && k < data.n ? k : -1;
    }
    return stepAt(data, (x / width) * data.duration);
  }
  function timeAtX(x) {
    if (!perStepMode()) return Math.min(Math.max((x / width) * data.duration, 0), data.duration);
    const k = stepAtX(x);
    if (k < 0) return x <= 0 ? 0 : data.duration;
    const share = (x / width) * data.n - k;
    return data.starts[k] + share * (data.ends[k] - data.starts[k]);
  }

  function blockHeight(rows) {
    return Math.round(Math.min(224, Math.max(56, rows * 2.5)));
  }

  function computeLayout() {
    const gates = (model.get("gates") || []).filter((g) => ALL_GATES.includes(g));
    const rows = model.get("rows") || [];
    const blocks = [];
    let y = LANE + STRIP + GAP;
    const bh = blockHeight(rows.length);
    for (const gate of gates) {
      blocks.push({ gate, top: y + HEADER, height: bh, labelTop: y });
      y += HEADER + bh + GAP;
    }
    return { blocks, height: y, rows, rowHeight: rows.length ? bh / rows.length : 0 };
  }

  function computeColumns(pixels) {
    const out = new Int32Array(pixels);
    for (let px = 0; px < pixels; px++) out[px] = stepAtX(((px + 0.5) / pixels) * width);
    return out;
  }

  function pitchRange() {
    let lo = 127;
    let hi = 0;
    for (let k = 0; k < data.n; k++) {
      if (data.pitches[k] < 0) continue;
      lo = Math.min(lo, data.pitches[k]);
      hi = Math.max(hi, data.pitches[k]);
    }
    if (lo > hi) return [55, 79];
    lo -= 1;
    hi += 1;
    while (hi - lo < 12) {
      lo -= 1;
      hi += 1;
    }
    return [lo, hi];
  }

  // ------------------------------------------------------------------ drawing
  function resize() {
    const w = Math.max(240, Math.floor(stage.clientWidth || el.clientWidth || 640));
    layout = computeLayout();
    const h = layout.height;
    const scale = dpr();
    if (w !== width || canvas.height !== Math.round(h * scale) || canvas.width !== Math.round(w * scale)) {
      width = w;
      for (const c of [canvas, overlay]) {
        c.style.width = `${w}px`;
        c.style.height = `${h}px`;
        c.width = Math.round(w * scale);
        c.height = Math.round(h * scale);
      }
      stage.style.height = `${h}px`;
    }
    draw();
  }

  // Each cell's colour, packed as one little-endian RGBA word, computed once per data/tanh
  // change; a draw then only copies words through the pixel-column -> step map.
  let colorCache = { key: null, words: {} };
  function cellColors(gate) {
    const tanh = Boolean(model.get("tanh_c"));
    if (colorCache.key !== data || colorCache.tanh !== tanh) colorCache = { key: data, tanh, words: {} };
    if (colorCache.words[gate]) return colorCache.words[gate];
    const values = data.gates[gate];
    const words = new Uint32Array(values.length);
    const sequential = gate === "i" || gate === "f" || gate === "o";
    const table = sequential ? SEQUENTIAL : DIVERGING;
    const scale = gate === "c" && !tanh ? 1 / data.cMax : 1;
    for (let j = 0; j < values.length; j++) {
      let v = values[j];
      let k;
      if (sequential) k = Math.round(v * 255);
      else {
        if (gate === "c") v = tanh ? Math.tanh(v) : v * scale;
        k = Math.round((v + 1) * 127.5);
      }
      k = k < 0 ? 0 : k > 255 ? 255 : k || 0;
      words[j] = (255 << 24) | (table[k * 3 + 2] << 16) | (table[k * 3 + 1] << 8) | table[k * 3];
    }
    colorCache.words[gate] = words;
    return words;
  }

  function drawHeatmap(g, block, pixels) {
    const rows = layout.rows;
    const nRows = rows.length;
    if (!nRows || !data.n) return;
    const words = cellColors(block.gate);
    const image = new ImageData(pixels, nRows);
    const out = new Uint32Array(image.data.buffer);
    for (let r = 0; r < nRows; r++) {
      const base = rows[r] * data.n;
      const o = r * pixels;
      for (let x = 0; x < pixels; x++) {
        const k = columns[x];
        out[o + x] = k < 0 ? 0 : words[base + k];
      }
    }
    const off = new OffscreenCanvas(pixels, nRows);
    off.getContext("2d").putImageData(image, 0, 0);
    g.imageSmoothingEnabled = false;
    g.drawImage(off, 0, 0, pixels, nRows, 0, block.top, width, block.height);
  }

  function drawStrip(g) {
    // chord lane
    g.fillStyle = "#181b24";
    g.fillRect(0, 0, width, LANE);
    g.font = FONT;
    g.textBaseline = "middle";
    for (const chord of data.chords) {
      const x0 = xOfTime(chord.start);
      const x1 = xOfTime(chord.end);
      g.fillStyle = "rgba(255,255,255,0.06)";
      g.fillRect(x0 + 1, 3, Math.max(2, x1 - x0 - 2), LANE - 6);
      if (g.measureText(chord.symbol).width + 6 < x1 - x0) {
        g.fillStyle = "#d5d9e2";
        g.fillText(chord.symbol, x0 + 4, LANE / 2);
      }
    }
    // note strip
    const top = LANE;
    g.fillStyle = "#12141b";
    g.fillRect(0, top, width, STRIP);
    const span = pitchHigh - pitchLow + 1;
    const rowH = (STRIP - 8) / span;
    for (let k = 0; k < data.n; k++) {
      const x0 = xOfStep(k);
      const w = Math.max(1.5, xEndOfStep(k) - x0 - 1);
      const type = data.types[k];
      g.fillStyle = TYPE_COLORS[type] || TYPE_COLORS[5];
      if (data.pitches[k] >= 0) {
        const y = top + 4 + (pitchHigh - data.pitches[k]) * rowH;
        g.fillRect(x0, y, w, Math.max(2, rowH));
      } else if (type === 4) {
        g.globalAlpha = 0.6;
        g.fillRect(x0, top + STRIP - 5, w, 3); // a rest: a low grey dash
        g.globalAlpha = 1;
      }
    }
  }

  function drawBarLines(g) {
    const beat = 60 / data.tempo;
    const bar = beat * data.beatsPerBar;
    if (!(bar > 0) || data.duration / bar > 400) return;
    g.fillStyle = "rgba(255,255,255,0.22)";
    for (let t = 0; t <= data.duration + 1e-6; t += bar) g.fillRect(Math.round(xOfTime(t)), 0, 1, layout.height);
  }

  function drawLabels(g) {
    g.font = FONT;
    g.textBaseline = "middle";
    const tanh = model.get("tanh_c");
    for (const block of layout.blocks) {
      g.fillStyle = "#1d212c";
      g.fillRect(0, block.labelTop, width, HEADER);
      g.fillStyle = "#e6e9f0";
      let label = GATE_NAMES[block.gate];
      if (block.gate === "c") label += tanh ? ", as tanh(c)" : `, scaled by max |c| = ${fmt(data.cMax, 2)}`;
      g.fillText(`${label}  ·  ${layout.rows.length} units`, 6, block.labelTop + HEADER / 2);
      const seq = block.gate === "i" || block.gate === "f" || block.gate === "o";
      const table = seq ? SEQUENTIAL : DIVERGING;
      const barW = 90;
      const x0 = width - barW - 40;
      for (let k = 0; k < barW; k++) {
        const idx = Math.round((k / (barW - 1)) * 255);
        g.fillStyle = `rgb(${table[idx * 3]},${table[idx * 3 + 1]},${table[idx * 3 + 2]})`;
        g.fillRect(x0 + k, block.labelTop + 4, 1, HEADER - 8);
      }
      g.fillStyle = "#8b93a7";
      g.textAlign = "right";
      g.fillText(seq ? "0" : "-1", x0 - 4, block.labelTop + HEADER / 2);
      g.textAlign = "left";
      g.fillText(seq ? "1" : "+1", x0 + barW + 4, block.labelTop + HEADER / 2);
    }
  }

  function draw() {
    if (!width) return;
    const started = performance.now();
    layout = computeLayout();
    const scale = dpr();
    const pixels = Math.round(width); // one heatmap column per CSS pixel, scaled up by the GPU
    columns = computeColumns(pixels);
    const g = canvas.getContext("2d");
    g.setTransform(scale, 0, 0, scale, 0, 0);
    g.fillStyle = "#161922";
    g.fillRect(0, 0, width, layout.height);
    const parts = [performance.now() - started];
    drawStrip(g);
    parts.push(performance.now() - started);
    for (const block of layout.blocks) drawHeatmap(g, block, pixels);
    parts.push(performance.now() - started);
    drawLabels(g);
    drawBarLines(g);
    const spent = performance.now() - started;
    parts.push(spent);
    canvas.dataset.parts = parts.map((p) => p.toFixed(1)).join(",");
    if (firstDrawMs === null && layout.blocks.length && data.n) {
      firstDrawMs = performance.now() - renderStart;
      canvas.dataset.firstDrawMs = firstDrawMs.toFixed(1);
    }
    Object.assign(canvas.dataset, {
      drawMs: spent.toFixed(1),
      rows: layout.rows.join(","),
      nRows: String(layout.rows.length),
      steps: String(data.n),
      gates: layout.blocks.map((b) => b.gate).join(","),
      blocks: JSON.stringify(layout.blocks),
      duration: String(data.duration),
      width: String(width),
      perStep: String(perStepMode()),
      draws: String(Number(canvas.dataset.draws || 0) + 1),
    });
    overlayDirty = true;
  }

  // ------------------------------------------------------------------ overlay
  function cursorTime() {
    if (!cursor.playing) return cursor.pos;
    const t = cursor.pos + ((performance.now() - cursor.stamp) / 1000) * cursor.speed;
    return Math.min(Math.max(t, 0), data.duration);
  }

  function drawOverlay() {
    const g = overlay.getContext("2d");
    const scale = dpr();
    g.setTransform(scale, 0, 0, scale, 0, 0);
    g.clearRect(0, 0, width, layout.height);
    const rows = layout.rows;
    // firing spans of the found units: amber marks under the note strip
    const spans = model.get("spans") || [];
    g.fillStyle = "rgba(246,196,85,0.85)";
    for (const [a, b] of spans) {
      if (a >= data.n) continue;
      const x0 = xOfStep(a);
      const x1 = xEndOfStep(Math.min(b, data.n) - 1);
      g.fillRect(x0, LANE + STRIP - 3, Math.max(2, x1 - x0), 3);
    }
    // the selected time range
    const sel = drag && drag.moved ? [Math.min(drag.k0, drag.k1), Math.max(drag.k0, drag.k1) + 1] : model.get("selection") || [];
    if (sel.length === 2 && sel[1] > sel[0]) {
      const x0 = xOfStep(sel[0]);
      const x1 = xEndOfStep(Math.min(sel[1], data.n) - 1);
      g.fillStyle = "rgba(99,179,237,0.16)";
      g.fillRect(x0, LANE, x1 - x0, layout.height - LANE);
      g.strokeStyle = "rgba(99,179,237,0.9)";
      g.lineWidth = 1;
      g.strokeRect(x0 + 0.5, LANE + 0.5, x1 - x0 - 1, STRIP - 1);
    }
    // found units (marked at the left edge) and the selected unit (outlined)
    const found = new Set(model.get("found") || []);
    const selected = model.get("selected_unit");
    for (const block of layout.blocks) {
      rows.forEach((unit, r) => {
        const y = block.top + r * layout.rowHeight;
        if (found.has(unit)) {
          g.fillStyle = "#f6c455";
          g.fillRect(0, y, 4, Math.max(1, layout.rowHeight));
        }
        if (unit === selected) {
          g.strokeStyle = "#ffffff";
          g.lineWidth = 1;
          g.strokeRect(0.5, y - 0.5, width - 1, Math.max(1, layout.rowHeight) + 1);
        }
      });
    }
    // hovered cell
    if (hover) {
      const block = layout.blocks.find((b) => b.gate === hover.gate);
      if (block) {
        g.strokeStyle = "rgba(255,255,255,0.9)";
        const x0 = xOfStep(hover.step);
        const y = block.top + hover.row * layout.rowHeight;
        g.strokeRect(x0 - 0.5, y - 0.5, Math.max(2, xEndOfStep(hover.step) - x0) + 1, Math.max(1, layout.rowHeight) + 1);
      }
    }
  }

  // The cursor is a thin element moved by a CSS transform: no canvas is redrawn per frame.
  let cursorX = null;
  function moveCursor() {
    const t = cursorTime();
    const x = Math.round(xOfTime(t));
    cursorLine.style.height = `${layout.height}px`;
    if (x !== cursorX) {
      cursorLine.style.transform = `translateX(${x - 1}px)`;
      cursorX = x;
    }
    overlay.dataset.cursor = t.toFixed(3);
    overlay.dataset.cursorX = String(x);
  }

  // ------------------------------------------------------------------ tooltip
  function cellAt(event) {
    const rect = overlay.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    const step = stepAtX(x);
    const block = layout.blocks.find((b) => y >= b.top && y < b.top + b.height);
    if (!block) return { x, y, step, region: y < LANE ? "chords" : y < LANE + STRIP ? "notes" : "gap" };
    const row = Math.min(layout.rows.length - 1, Math.floor((y - block.top) / layout.rowHeight));
    return { x, y, step, region: "heatmap", gate: block.gate, row, unit: layout.rows[row] };
  }

  function chordAt(t) {
    let found = "";
    for (const chord of data.chords) if (chord.start <= t + 1e-6) found = chord.symbol;
    return found;
  }

  // The cell's numbers, straight from the buffers: what the hover shows and the tests read.
  function cellNumbers(unit, k) {
    const at = (gate, s) => data.gates[gate][unit * data.n + s];
    const cPrev = k > 0 ? at("c", k - 1) : data.cStart[unit];
    const n = { i: at("i", k), f: at("f", k), g: at("g", k), o: at("o", k), c: at("c", k), h: at("h", k), cPrev };
    n.kept = n.f * n.cPrev;
    n.written = n.i * n.g;
    return n;
  }

  function showTooltip(event, cell) {
    const k = cell.step;
    const n = cellNumbers(cell.unit, k);
    const pitch = data.pitches[k];
    const t0 = data.starts[k];
    const type = TYPE_NAMES[data.types[k]] || "";
    const keptShare = Math.abs(n.kept) / Math.max(Math.abs(n.kept) + Math.abs(n.written), 1e-12);
    const gateValue = cell.gate === "c" && model.get("tanh_c") ? Math.tanh(n.c) : n[cell.gate];
    tooltip.innerHTML = `
      <div class="jwi-tt-head">step ${k} · ${fmt(t0, 2)}–${fmt(data.ends[k], 2)} s · unit ${cell.unit}</div>
      <div><b>${data.values[k] || "(no value)"}</b> ${pitch >= 0 ? noteName(pitch) : "rest"}${type ? ` · ${type}` : ""}${chordAt(t0) ? ` · over ${chordAt(t0)}` : ""}</div>
      <div>${cell.gate}${cell.gate === "c" && model.get("tanh_c") ? " (tanh)" : ""} = <b>${fmt(gateValue)}</b></div>
      <div class="jwi-math jwi-math-c">c = f·c_prev + i·g = ${fmt(n.f)}·${paren(n.cPrev)} + ${fmt(n.i)}·${paren(n.g)} = ${fmt(n.c)}</div>
      <div class="jwi-math jwi-math-h">h = o·tanh(c) = ${fmt(n.o)}·tanh(${fmt(n.c)}) = ${fmt(n.h)}</div>
      <div class="jwi-math jwi-math-kept">kept ${fmt(n.kept)} vs written ${fmt(n.written)}: ${Math.round(keptShare * 100)}% of the change is memory</div>`;
    Object.assign(tooltip.dataset, {
      step: String(k),
      unit: String(cell.unit),
      gate: cell.gate,
      i: String(n.i),
      f: String(n.f),
      g: String(n.g),
      o: String(n.o),
      c: String(n.c),
      h: String(n.h),
      cPrev: String(n.cPrev),
    });
    tooltip.style.display = "block";
    const rect = stage.getBoundingClientRect();
    const left = Math.min(event.clientX - rect.left + 14, Math.max(0, width - tooltip.offsetWidth - 4));
    tooltip.style.left = `${left}px`;
    tooltip.style.top = `${Math.max(0, event.clientY - rect.top + 14)}px`;
  }

  function hideTooltip() {
    tooltip.style.display = "none";
    if (hover) {
      hover = null;
      overlayDirty = true;
    }
  }

  // ------------------------------------------------------------------ linked player
  let playerModel = null;
  let playerId = null;
  const onPlayerPosition = () => {
    cursor.pos = playerModel.get("position");
    cursor.stamp = performance.now();
    cursorDirty = true;
  };
  const onPlayerPlaying = () => {
    cursor.pos = playerModel.get("position");
    cursor.stamp = performance.now();
    cursor.playing = Boolean(playerModel.get("playing"));
    cursorDirty = true;
  };
  const onPlayerSpeed = () => {
    cursor.pos = cursorTime();
    cursor.stamp = performance.now();
    cursor.speed = playerModel.get("speed") || 1;
  };
  const playerEvents = [
    ["change:position", onPlayerPosition],
    ["change:playing", onPlayerPlaying],
    ["change:speed", onPlayerSpeed],
  ];
  function unlinkPlayer() {
    if (playerModel) for (const [e, h] of playerEvents) playerModel.off(e, h);
    playerModel = null;
    el.dataset.linked = "false";
  }
  async function linkPlayer() {
    const ref = model.get("player");
    const id = typeof ref === "string" ? ref.replace(/^IPY_MODEL_/, "").replace(/^anywidget:/, "") : null;
    if (id === playerId) return;
    unlinkPlayer();
    playerId = id;
    if (!id) return;
    try {
      const pm = await model.widget_manager.get_model(id);
      if (playerId !== id) return;
      playerModel = pm;
      for (const [e, h] of playerEvents) playerModel.on(e, h);
      cursor.speed = pm.get("speed") || 1;
      onPlayerPlaying();
      el.dataset.linked = "true";
    } catch (error) {
      el.dataset.linked = "error";
      console.warn("jazzwidget inspector: cannot reach the linked Player", error);
    }
  }

  function seek(t) {
    const time = Math.min(Math.max(t, 0), data.duration);
    cursor.pos = time;
    cursor.stamp = performance.now();
    if (playerModel) {
      playerModel.set("position", time);
      playerModel.save_changes();
    } else {
      model.set("position", time);
      model.save_changes();
    }
    cursorDirty = true;
  }

  // ------------------------------------------------------------------ frame loop
  let frame = 0;
  let cursorDirty = true;
  function loop() {
    frame = requestAnimationFrame(loop);
    if (overlayDirty) {
      overlayDirty = false;
      cursorDirty = true;
      drawOverlay();
    }
    if (!cursor.playing && !cursorDirty) return;
    cursorDirty = false;
    moveCursor();
    if (cursor.playing) {
      const now = performance.now();
      cursorUpdates++;
      cursorTimes.push(now);
      while (cursorTimes.length && cursorTimes[0] < now - 1000) cursorTimes.shift();
      overlay.dataset.cursorRate = String(cursorTimes.length);
      overlay.dataset.cursorUpdates = String(cursorUpdates);
    }
  }

  // ------------------------------------------------------------------ events
  overlay.addEventListener("pointerdown", (event) => {
    const cell = cellAt(event);
    if (cell.region === "notes") {
      drag = { x0: cell.x, k0: Math.max(0, cell.step), k1: Math.max(0, cell.step), moved: false, id: event.pointerId };
      overlay.setPointerCapture?.(event.pointerId);
      return;
    }
    if (cell.region === "heatmap" && cell.unit !== undefined) {
      model.set("selected_unit", cell.unit);
      model.save_changes();
    }
    seek(timeAtX(cell.x));
  });
  overlay.addEventListener("pointermove", (event) => {
    const cell = cellAt(event);
    if (drag) {
      if (Math.abs(cell.x - drag.x0) >= DRAG_PX) drag.moved = true;
      if (cell.step >= 0) drag.k1 = cell.step;
      overlayDirty = true;
      return;
    }
    if (cell.region === "heatmap" && cell.step >= 0 && cell.unit !== undefined) {
      hover = { gate: cell.gate, row: cell.row, step: cell.step };
      showTooltip(event, cell);
      overlayDirty = true;
    } else {
      hideTooltip();
    }
  });
  const endDrag = (event) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    if (!d.moved) {
      seek(timeAtX(cellAt(event).x));
      return;
    }
    model.set("selection", [Math.min(d.k0, d.k1), Math.max(d.k0, d.k1) + 1]);
    model.save_changes();
    overlayDirty = true;
  };
  overlay.addEventListener("pointerup", endDrag);
  overlay.addEventListener("pointercancel", () => (drag = null));
  overlay.addEventListener("pointerleave", hideTooltip);
  perStepInput.addEventListener("change", () => {
    model.set("per_step", perStepInput.checked);
    model.save_changes();
  });
  tanhInput.addEventListener("change", () => {
    model.set("tanh_c", tanhInput.checked);
    model.save_changes();
  });

  // ------------------------------------------------------------------ model -> view
  // Several traits change together (hold_sync): read and draw once, on the next frame.
  let queued = null;
  const schedule = (reread) => {
    if (queued) {
      queued.reread ||= reread;
      return;
    }
    queued = { reread };
    requestAnimationFrame(() => {
      const { reread: again } = queued;
      queued = null;
      if (again) {
        data = readData(model);
        [pitchLow, pitchHigh] = pitchRange();
      }
      resize();
    });
  };
  const refreshData = () => schedule(true);
  const redraw = () => schedule(false);
  const marks = () => (overlayDirty = true);
  const onPosition = () => {
    if (playerModel) return;
    cursor.pos = model.get("position");
    cursor.stamp = performance.now();
    cursorDirty = true;
  };
  const syncToggles = () => {
    perStepInput.checked = Boolean(model.get("per_step"));
    tanhInput.checked = Boolean(model.get("tanh_c"));
  };
  const onTitle = () => (title.textContent = model.get("title"));
  const handlers = [
    ["change:_steps", refreshData],
    ["change:_i", refreshData],
    ["change:_c", refreshData],
    ["change:gates", redraw],
    ["change:rows", redraw],
    ["change:per_step", () => (syncToggles(), redraw())],
    ["change:tanh_c", () => (syncToggles(), redraw())],
    ["change:found", marks],
    ["change:spans", marks],
    ["change:selection", marks],
    ["change:selected_unit", marks],
    ["change:position", onPosition],
    ["change:player", linkPlayer],
    ["change:title", onTitle],
  ];
  for (const [event, handler] of handlers) model.on(event, handler);

  const observer = new ResizeObserver(() => resize());
  observer.observe(stage);
  [pitchLow, pitchHigh] = pitchRange();
  syncToggles();
  onTitle();
  el.dataset.linked = "false";
  linkPlayer();
  resize();
  frame = requestAnimationFrame(loop);

  return () => {
    cancelAnimationFrame(frame);
    observer.disconnect();
    for (const [event, handler] of handlers) model.off(event, handler);
    unlinkPlayer();
  };
}

export default { render };
