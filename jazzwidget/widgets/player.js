// jazzwidget Player: Web Audio synthesis, a canvas piano roll and a playhead.
// A static ES module for anywidget: no bundler, no imports, nothing loaded from the network.
//
// Python sends the music once: `_melody` (float32 rows: pitch, start, end, velocity, type),
// `_accompaniment` (float32 rows: pitch, start, end, velocity), `_chords` ([symbol, start, end,
// voicing]), `tempo`, `duration`, `beats_per_bar`, `_midi` (bytes of the MIDI download).
// Playback state is shared both ways: `position`, `playing`, `speed`, `loop`, `volume`.

const LOOKAHEAD = 0.15; // seconds of audio scheduled ahead of the clock
const TICK_MS = 25; // how often the scheduler looks ahead
const SYNC_MS = 100; // at most ten position updates a second to Python
const ROLL_HEIGHT = 230; // CSS pixels of the canvas
const LANE = 28; // chord lane height
const TYPE_COLORS = ["#4fd1c5", "#63b3ed", "#f6ad55", "#f687b3", "#a0aec0"]; // C S A X none
const TYPE_NAMES = ["chord tone", "scale tone", "approach", "other"];
const SPEED_MIN = 0.5; // the Tempo slider's range (Python clamps `speed` to the same)
const SPEED_MAX = 2;
const LABEL_FONTS = [[12, 6], [10, 3], [9, 2]]; // chord label [font px, padding], largest first
const FONT = (size) => `600 ${size}px system-ui, -apple-system, 'Segoe UI', sans-serif`;

// A speed or volume from the model, made safe to divide by and to send to a GainNode.
const clampSpeed = (speed) =>
  Number.isFinite(speed) ? Math.min(Math.max(speed, SPEED_MIN), SPEED_MAX) : 1;
const clampVolume = (volume) => (Number.isFinite(volume) ? Math.min(Math.max(volume, 0), 1) : 0.8);

const ICONS = {
  play: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M7 4.5v15l13-7.5z"/></svg>',
  pause:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 4h4.5v16H6zM13.5 4H18v16h-4.5z"/></svg>',
  stop: '<svg viewBox="0 0 24 24" aria-hidden="true"><rect x="5.5" y="5.5" width="13" height="13" rx="1.5"/></svg>',
  loop:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M7 7h9.2l-2.1-2.1 1.4-1.4L20 8l-4.5 4.5-1.4-1.4L16.2 9H7a2 2 0 0 0-2 2v1H3v-1a4 4 0 0 1 4-4zm10 10H7.8l2.1 2.1-1.4 1.4L4 16l4.5-4.5 1.4 1.4L7.8 15H17a2 2 0 0 0 2-2v-1h2v1a4 4 0 0 1-4 4z"/></svg>',
  volume:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 9h4l5-4v14l-5-4H4zM16 8.5a5 5 0 0 1 0 7l-1.4-1.4a3 3 0 0 0 0-4.2zM18.5 6a8.5 8.5 0 0 1 0 12l-1.4-1.4a6.5 6.5 0 0 0 0-9.2z"/></svg>',
  tempo:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M10 2h4l4.5 18.5A1.2 1.2 0 0 1 17.3 22H6.7a1.2 1.2 0 0 1-1.2-1.5zm1.2 2-1.6 7.5h4.8L12.8 4zM9.2 13.5 8 20h8l-1.2-6.5z"/></svg>',
  download:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M11 3h2v10.2l3.6-3.6 1.4 1.4-6 6-6-6 1.4-1.4 3.6 3.6zM4 19h16v2H4z"/></svg>',
};

const mtof = (pitch) => 440 * Math.pow(2, (pitch - 69) / 12);
const isBlackKey = (pitch) => [1, 3, 6, 8, 10].includes(((pitch % 12) + 12) % 12);
const NOTE_NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];
const noteName = (p) => NOTE_NAMES[((p % 12) + 12) % 12] + (Math.floor(p / 12) - 1);

function bytesOf(value) {
  // Bytes traits and message buffers arrive as DataView (or ArrayBuffer / typed arrays).
  if (!value) return new Uint8Array(0);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return new Uint8Array(0);
}

function rows(value, width) {
  const bytes = bytesOf(value);
  const copy = bytes.slice().buffer; // aligned copy for Float32Array
  const flat = new Float32Array(copy, 0, Math.floor(bytes.byteLength / 4));
  const out = [];
  for (let i = 0; i + width <= flat.length; i += width) out.push(Array.from(flat.subarray(i, i + width)));
  return out;
}

function formatTime(seconds) {
  const s = Math.max(0, seconds);
  const m = Math.floor(s / 60);
  return `${m}:${(s - m * 60).toFixed(1).padStart(4, "0")}`;
}

function saveBlob(el, bytes, type, filename) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.style.display = "none";
  el.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}

// ------------------------------------------------------------------ synthesis
// Melody: a small FM electric piano (sine carrier, decaying modulator at the same frequency for
// the bark, a quiet octave partial for the tine), low-passed, under an ADSR envelope.
function melodyVoice(ctx, out, pitch, when, length, velocity) {
  const f = mtof(pitch);
  const peak = 0.32 * (velocity / 127);
  const release = 0.12;
  const end = when + length;
  const stopAt = end + release * 5;

  const carrier = ctx.createOscillator();
  carrier.type = "sine";
  carrier.frequency.value = f;
  carrier.jw = { voice: "melody", pitch, when, length };

  const modulator = ctx.createOscillator();
  modulator.frequency.value = f;
  const index = ctx.createGain(); // FM depth in Hz: bright attack that mellows
  index.gain.setValueAtTime(f * 1.6, when);
  index.gain.setTargetAtTime(f * 0.25, when, 0.22);
  modulator.connect(index).connect(carrier.frequency);

  const tine = ctx.createOscillator();
  tine.frequency.value = f * 2;
  const tineGain = ctx.createGain();
  tineGain.gain.setValueAtTime(0.16, when);
  tineGain.gain.setTargetAtTime(0.03, when, 0.15);
  tine.connect(tineGain);

  const filter = ctx.createBiquadFilter();
  filter.type = "lowpass";
  filter.frequency.value = Math.min(9000, f * 7);
  filter.Q.value = 0.6;

  const amp = ctx.createGain();
  amp.gain.setValueAtTime(0, when);
  amp.gain.linearRampToValueAtTime(peak, when + 0.005);
  amp.gain.setTargetAtTime(peak * 0.35, when + 0.005, 0.5);
  amp.gain.cancelScheduledValues(end);
  amp.gain.setTargetAtTime(0, end, release);

  carrier.connect(filter);
  tineGain.connect(filter);
  filter.connect(amp).connect(out);
  const oscillators = [carrier, modulator, tine];
  for (const osc of oscillators) {
    osc.start(when);
    osc.stop(stopAt);
  }
  return { oscillators, amp, start: when, stop: stopAt };
}

// Chords (and accompaniment): a soft pad, two slightly detuned sines per pitch, low-passed.
function padVoice(ctx, out, pitches, when, length, level, voice) {
  const release = 0.25;
  const end = when + length;
  const stopAt = end + release * 5;
  const amp = ctx.createGain();
  const peak = level / Math.max(1, Math.sqrt(pitches.length));
  amp.gain.setValueAtTime(0, when);
  amp.gain.linearRampToValueAtTime(peak, when + 0.03);
  amp.gain.setTargetAtTime(peak * 0.6, when + 0.03, 0.8);
  amp.gain.cancelScheduledValues(end);
  amp.gain.setTargetAtTime(0, end, release);
  const filter = ctx.createBiquadFilter();
  filter.type = "lowpass";
  filter.frequency.value = 1400;
  filter.connect(amp).connect(out);
  const oscillators = [];
  for (const pitch of pitches) {
    for (const detune of [-4, 4]) {
      const osc = ctx.createOscillator();
      osc.type = detune < 0 ? "triangle" : "sine";
      osc.frequency.value = mtof(pitch);
      osc.detune.value = detune;
      if (detune < 0) osc.jw = { voice, pitch, when, length };
      osc.connect(filter);
      osc.start(when);
      osc.stop(stopAt);
      oscillators.push(osc);
    }
  }
  return { oscillators, amp, start: when, stop: stopAt };
}

// ------------------------------------------------------------------ the engine
class Engine {
  constructor(onEnd) {
    this.ctx = null;
    this.master = null;
    this.voices = [];
    this.playing = false;
    this.songPos = 0; // clip seconds at `anchor`
    this.anchor = 0; // AudioContext time when the clip was at `songPos`
    this._speed = 1;
    this.loop = false;
    this.volume = 0.8;
    this.duration = 0;
    this.tracks = { melody: [], chords: [], accompaniment: [] };
    this.next = { melody: 0, chords: 0, accompaniment: 0 };
    this.scheduledTo = 0;
    this.previous = null; // songPos and anchor of the turn a loop is finishing
    this.timer = null;
    this.onEnd = onEnd;
  }

  // Every division by the speed goes through this: it is never 0, negative or NaN.
  get speed() {
    return this._speed;
  }

  set speed(value) {
    this._speed = clampSpeed(value);
  }

  setMusic(melody, chords, accompaniment, duration) {
    this.stopVoices();
    this.tracks = { melody, chords, accompaniment };
    this.duration = duration;
  }

  ensureContext() {
    // Called inside the Play click: a desktop browser only lets a user gesture start audio.
    if (!this.ctx) {
      const Context = window.AudioContext || window.webkitAudioContext;
      this.ctx = new Context();
      this.master = this.ctx.createGain();
      this.master.gain.value = this.volume;
      const compressor = this.ctx.createDynamicsCompressor();
      compressor.threshold.value = -14;
      compressor.ratio.value = 4;
      this.master.connect(compressor).connect(this.ctx.destination);
      this.melodyBus = this.ctx.createGain();
      this.padBus = this.ctx.createGain();
      this.padBus.gain.value = 0.55;
      this.melodyBus.connect(this.master);
      this.padBus.connect(this.master);
    }
    if (this.ctx.state !== "running") this.ctx.resume();
    return this.ctx;
  }

  time() {
    if (!this.playing || !this.ctx) return this.songPos;
    const now = this.ctx.currentTime;
    let { songPos, anchor } = this;
    if (now < anchor) {
      if (!this.previous) return songPos; // about to start
      ({ songPos, anchor } = this.previous); // the end of the turn before a loop's next one
    }
    const t = songPos + (now - anchor) * this.speed;
    return Math.min(Math.max(t, 0), this.duration);
  }

  resetPointers(from) {
    for (const name of Object.keys(this.tracks)) {
      const track = this.tracks[name];
      let i = 0;
      while (i < track.length && track[i].start < from - 1e-6) i++;
      this.next[name] = i;
    }
    this.scheduledTo = from;
    this.previous = null;
  }

  play(from) {
    this.ensureContext();
    if (this.playing) return;
    let start = from ?? this.songPos;
    if (start >= this.duration - 1e-3) start = 0;
    this.songPos = start;
    this.anchor = this.ctx.currentTime + 0.03;
    this.playing = true;
    this.resetPointers(start);
    this.tick();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  pause() {
    if (!this.playing) return;
    this.songPos = this.time();
    this.playing = false;
    clearInterval(this.timer);
    this.timer = null;
    this.stopVoices();
  }

  seek(position) {
    const t = Math.min(Math.max(position, 0), this.duration);
    if (!this.playing) {
      this.songPos = t;
      return;
    }
    this.stopVoices();
    this.songPos = t;
    this.anchor = this.ctx.currentTime + 0.02;
    this.resetPointers(t);
    this.tick();
  }

  setSpeed(value) {
    const speed = clampSpeed(value);
    if (this.playing) {
      // Re-anchor now; notes already sounding keep their length, the rest follow the new speed.
      const now = this.ctx.currentTime;
      this.songPos = this.time();
      this.anchor = now;
      this.voices = this.voices.filter((voice) => {
        if (voice.start <= now) return true;
        this.silence(voice, now);
        return false;
      });
      this.speed = speed;
      this.resetPointers(this.songPos);
      this.tick();
    } else {
      this.speed = speed;
    }
  }

  setVolume(value) {
    const volume = clampVolume(value);
    this.volume = volume;
    if (this.master) this.master.gain.setTargetAtTime(volume, this.ctx.currentTime, 0.02);
  }

  silence(voice, now) {
    try {
      voice.amp.gain.cancelScheduledValues(now);
      voice.amp.gain.setTargetAtTime(0, now, 0.01);
      for (const osc of voice.oscillators) osc.stop(now + 0.06);
    } catch (error) {
      // an oscillator that never started throws on stop in some browsers: nothing sounds then
    }
  }

  stopVoices() {
    if (!this.ctx) return;
    const now = this.ctx.currentTime;
    for (const voice of this.voices) this.silence(voice, now);
    this.voices = [];
  }

  scheduleUpTo(clipTime) {
    const at = (t) => this.anchor + (t - this.songPos) / this.speed;
    const now = this.ctx.currentTime;
    for (const name of Object.keys(this.tracks)) {
      const track = this.tracks[name];
      while (this.next[name] < track.length && track[this.next[name]].start < clipTime) {
        const note = track[this.next[name]++];
        if (note.start < this.scheduledTo - 1e-6) continue;
        const when = Math.max(at(note.start), now);
        const length = Math.max(0.02, (Math.min(note.end, this.duration) - note.start) / this.speed);
        const voice =
          name === "melody"
            ? melodyVoice(this.ctx, this.melodyBus, note.pitch, when, length, note.velocity)
            : name === "chords"
              ? padVoice(this.ctx, this.padBus, note.pitches, when, length, 0.2, "chord")
              : padVoice(this.ctx, this.padBus, [note.pitch], when, length, 0.12 * (note.velocity / 100), "accompaniment");
        this.voices.push(voice);
      }
    }
    this.scheduledTo = clipTime;
    this.voices = this.voices.filter((voice) => voice.stop > now);
  }

  tick() {
    if (!this.playing) return;
    const now = this.ctx.currentTime;
    const horizon = this.songPos + (now + LOOKAHEAD - this.anchor) * this.speed;
    this.scheduleUpTo(Math.min(horizon, this.duration));
    if (horizon < this.duration) return;
    const endAt = this.anchor + (this.duration - this.songPos) / this.speed;
    if (this.loop && this.duration > 0) {
      // The next turn starts exactly where this one ends.
      const previous = { songPos: this.songPos, anchor: this.anchor };
      this.resetPointers(0);
      this.previous = previous;
      this.anchor = endAt;
      this.songPos = 0;
      this.scheduleUpTo(Math.min((now + LOOKAHEAD - this.anchor) * this.speed, this.duration));
    } else if (now >= endAt) {
      this.playing = false;
      clearInterval(this.timer);
      this.timer = null;
      this.songPos = this.duration;
      this.onEnd();
    }
  }

  close() {
    this.playing = false;
    clearInterval(this.timer);
    this.stopVoices();
    if (this.ctx) this.ctx.close();
    this.ctx = null;
  }
}

// ------------------------------------------------------------------ DOM
function button(className, label, icon, text = "") {
  const b = document.createElement("button");
  b.type = "button";
  b.className = `jw-btn ${className}`;
  b.setAttribute("aria-label", label);
  b.title = label;
  b.innerHTML = icon + (text ? `<span>${text}</span>` : "");
  return b;
}

function slider(label, min, max, step, value) {
  const input = document.createElement("input");
  input.type = "range";
  input.min = String(min);
  input.max = String(max);
  input.step = String(step);
  input.value = String(value);
  input.setAttribute("aria-label", label);
  input.title = label;
  return input;
}

function readMusic(model) {
  const melody = rows(model.get("_melody"), 5).map(([pitch, start, end, velocity, type]) => ({
    pitch: Math.round(pitch),
    start,
    end,
    velocity,
    type: Math.round(type),
  }));
  const accompaniment = rows(model.get("_accompaniment"), 4).map(([pitch, start, end, velocity]) => ({
    pitch: Math.round(pitch),
    start,
    end,
    velocity,
  }));
  const chords = (model.get("_chords") || []).map(([symbol, start, end, pitches]) => ({
    symbol,
    start,
    end,
    pitches: pitches || [],
  }));
  for (const list of [melody, accompaniment, chords]) list.sort((a, b) => a.start - b.start);
  return {
    melody,
    accompaniment,
    chords: chords.filter((c) => c.pitches.length),
    labels: chords,
    duration: model.get("duration"),
    tempo: model.get("tempo"),
    beatsPerBar: model.get("beats_per_bar") || 4,
  };
}

function roundRect(g, x, y, w, h, r) {
  const radius = Math.max(0, Math.min(r, w / 2, h / 2));
  g.beginPath();
  g.roundRect ? g.roundRect(x, y, w, h, radius) : g.rect(x, y, w, h);
}

function render({ model, el }) {
  el.classList.add("jw-player");
  const root = document.createElement("div");
  root.className = "jw-root";
  el.appendChild(root);

  // header: title and time
  const header = document.createElement("div");
  header.className = "jw-header";
  const title = document.createElement("div");
  title.className = "jw-title";
  const clock = document.createElement("div");
  clock.className = "jw-clock";
  header.append(title, clock);

  // canvas piano roll
  const stage = document.createElement("div");
  stage.className = "jw-stage";
  const canvas = document.createElement("canvas");
  canvas.className = "jw-roll";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", "piano roll: click to move the playhead");
  stage.appendChild(canvas);

  // controls
  const controls = document.createElement("div");
  controls.className = "jw-controls";
  const playBtn = button("jw-play", "Play", ICONS.play);
  const stopBtn = button("jw-stop", "Stop", ICONS.stop);
  const loopBtn = button("jw-loop", "Loop", ICONS.loop);
  const tempoBox = document.createElement("label");
  tempoBox.className = "jw-field";
  const tempoInput = slider("Tempo", 0.5, 2, 0.05, model.get("speed"));
  const tempoText = document.createElement("span");
  tempoText.className = "jw-value";
  tempoBox.innerHTML = ICONS.tempo;
  tempoBox.append(tempoInput, tempoText);
  const volumeBox = document.createElement("label");
  volumeBox.className = "jw-field";
  const volumeInput = slider("Volume", 0, 1, 0.01, model.get("volume"));
  volumeBox.innerHTML = ICONS.volume;
  volumeBox.append(volumeInput);
  const spacer = document.createElement("div");
  spacer.className = "jw-spacer";
  const midiBtn = button("jw-download jw-midi", "Download MIDI", ICONS.download, "MIDI");
  const wavBtn = button("jw-download jw-wav", "Download WAV", ICONS.download, "WAV");
  controls.append(playBtn, stopBtn, loopBtn, tempoBox, volumeBox, spacer, midiBtn, wavBtn);

  const legend = document.createElement("div");
  legend.className = "jw-legend";
  legend.innerHTML = TYPE_NAMES.map(
    (name, i) => `<span><i style="background:${TYPE_COLORS[i]}"></i>${name}</span>`,
  ).join("");

  const errorBox = document.createElement("div");
  errorBox.className = "jw-error";
  errorBox.setAttribute("role", "alert");

  root.append(header, stage, controls, legend, errorBox);

  let music = readMusic(model);
  let lastSync = 0;
  let settingPosition = false;
  let settingPlaying = false;
  let dragging = false;

  const pushState = (position, playing) => {
    settingPosition = true;
    settingPlaying = true;
    model.set("position", position);
    if (playing !== undefined) model.set("playing", playing);
    settingPosition = false;
    settingPlaying = false;
    model.save_changes();
  };

  const engine = new Engine(() => {
    pushState(engine.duration, false);
    updateControls();
  });
  engine.speed = model.get("speed");
  engine.loop = model.get("loop");
  engine.volume = clampVolume(model.get("volume"));
  engine.songPos = Math.min(model.get("position"), music.duration);
  engine.setMusic(music.melody, music.chords, music.accompaniment, music.duration);

  // ---------------------------------------------------------------- drawing
  let width = 0;
  let hiddenLabels = []; // chords whose label did not fit their box at the last draw
  let pitchLow = 48;
  let pitchHigh = 84;
  const dpr = () => window.devicePixelRatio || 1;

  function pitchRange() {
    const pitches = [...music.melody, ...music.accompaniment].map((n) => n.pitch);
    if (!pitches.length) return [55, 79];
    let lo = Math.min(...pitches) - 2;
    let hi = Math.max(...pitches) + 2;
    while (hi - lo < 20) {
      lo -= 1;
      hi += 1;
    }
    return [lo, hi];
  }

  function resize() {
    const w = Math.max(240, Math.floor(stage.clientWidth || el.clientWidth || 640));
    if (w === width && canvas.width === Math.round(w * dpr())) return;
    width = w;
    canvas.style.width = `${w}px`;
    canvas.style.height = `${ROLL_HEIGHT}px`;
    canvas.width = Math.round(w * dpr());
    canvas.height = Math.round(ROLL_HEIGHT * dpr());
    draw();
  }

  function draw() {
    if (!width) return;
    const g = canvas.getContext("2d");
    const scale = dpr();
    g.setTransform(scale, 0, 0, scale, 0, 0);
    const W = width;
    const H = ROLL_HEIGHT;
    const duration = Math.max(music.duration, 1e-6);
    const x = (t) => (t / duration) * W;
    const rollTop = LANE + 4;
    const rollH = H - rollTop - 4;
    const span = pitchHigh - pitchLow + 1;
    const rowH = rollH / span;
    const y = (p) => rollTop + (pitchHigh - p) * rowH;
    const now = engine.time();

    // background and key rows
    g.fillStyle = "#12141b";
    g.fillRect(0, 0, W, H);
    for (let p = pitchLow; p <= pitchHigh; p++) {
      if (isBlackKey(p)) {
        g.fillStyle = "#0e1016";
        g.fillRect(0, y(p), W, rowH);
      }
      if (((p % 12) + 12) % 12 === 0) {
        g.fillStyle = "rgba(255,255,255,0.06)";
        g.fillRect(0, y(p) + rowH - 1, W, 1);
        if (rowH >= 6) {
          g.fillStyle = "rgba(255,255,255,0.28)";
          g.font = "600 9px system-ui, -apple-system, 'Segoe UI', sans-serif";
          g.textBaseline = "middle";
          g.textAlign = "right";
          g.fillText(noteName(p), W - 4, y(p) + rowH / 2);
          g.textAlign = "left";
        }
      }
    }

    // beat and bar lines
    const beat = 60 / (music.tempo || 120);
    const bar = beat * music.beatsPerBar;
    if (beat > 0 && duration / beat < 2000) {
      for (let i = 0, t = 0; t <= duration + 1e-6; i++, t = i * beat) {
        const isBar = i % music.beatsPerBar === 0;
        g.fillStyle = isBar ? "rgba(255,255,255,0.16)" : "rgba(255,255,255,0.05)";
        g.fillRect(Math.round(x(t)), isBar ? 0 : rollTop, 1, isBar ? H : rollH);
        if (isBar && x(bar) > 28) {
          g.fillStyle = "rgba(255,255,255,0.32)";
          g.font = "600 9px system-ui, -apple-system, 'Segoe UI', sans-serif";
          g.textBaseline = "top";
          g.fillText(String(i / music.beatsPerBar + 1), Math.round(x(t)) + 3, rollTop + 2);
        }
      }
    }

    // chord lane
    g.fillStyle = "#181b24";
    g.fillRect(0, 0, W, LANE);
    g.textBaseline = "middle";
    hiddenLabels = [];
    let currentChord = null;
    for (const chord of music.labels) {
      const x0 = x(chord.start) + 2;
      const w = Math.max(4, x(chord.end) - x(chord.start) - 4);
      const current = chord.start <= now && now < chord.end && (engine.playing || now > 0);
      g.fillStyle = current ? "rgba(246,196,85,0.22)" : "rgba(255,255,255,0.06)";
      roundRect(g, x0, 4, w, LANE - 8, 6);
      g.fill();
      g.fillStyle = current ? "#f6c455" : "#d5d9e2";
      // the largest font that fits the chord's box; when even the smallest does not, the label
      // is a tooltip (see chordTooltip) and, for the current chord, a pill drawn below
      let fits = false;
      for (const [size, pad] of LABEL_FONTS) {
        g.font = FONT(size);
        if (g.measureText(chord.symbol).width + 2 * pad <= w) {
          g.fillText(chord.symbol, x0 + pad, LANE / 2);
          fits = true;
          break;
        }
      }
      if (!fits) hiddenLabels.push(chord);
      if (current) currentChord = { chord, fits, centre: x0 + w / 2 };
    }
    if (currentChord && !currentChord.fits) {
      // The current chord is always readable: an amber pill over its neighbours.
      g.font = FONT(11);
      const text = currentChord.chord.symbol;
      const pillW = Math.min(W, g.measureText(text).width + 12);
      const left = Math.min(Math.max(currentChord.centre - pillW / 2, 0), W - pillW);
      g.save();
      g.shadowColor = "rgba(0,0,0,0.6)";
      g.shadowBlur = 6;
      g.fillStyle = "#f6c455";
      roundRect(g, left, 3, pillW, LANE - 6, (LANE - 6) / 2);
      g.fill();
      g.restore();
      g.fillStyle = "#12141b";
      g.fillText(text, left + 6, LANE / 2);
    }

    // accompaniment then melody
    const barH = Math.max(2, rowH - 1.5);
    for (const n of music.accompaniment) {
      g.fillStyle = "rgba(160,174,192,0.28)";
      roundRect(g, x(n.start), y(n.pitch) + 0.75, Math.max(2, x(n.end) - x(n.start) - 1), barH, 2);
      g.fill();
    }
    let drawn = 0;
    for (const n of music.melody) {
      const sounding = n.start <= now && now < n.end && (engine.playing || now > 0);
      const x0 = x(n.start);
      const w = Math.max(3, x(n.end) - x0 - 1.5);
      const color = TYPE_COLORS[n.type] || TYPE_COLORS[4];
      g.save();
      g.globalAlpha = 0.55 + 0.45 * Math.min(1, n.velocity / 110);
      if (sounding) {
        g.shadowColor = color;
        g.shadowBlur = 14;
        g.globalAlpha = 1;
      }
      g.fillStyle = sounding ? "#ffffff" : color;
      roundRect(g, x0, y(n.pitch) + 0.5, w, barH + 0.5, Math.min(4, barH / 2));
      g.fill();
      g.restore();
      if (sounding) {
        g.fillStyle = color;
        roundRect(g, x0 + 1.5, y(n.pitch) + 2, w - 3, Math.max(1, barH - 2.5), 3);
        g.fill();
        g.fillStyle = "#ffffff";
        g.font = "600 10px system-ui, -apple-system, 'Segoe UI', sans-serif";
        g.textBaseline = "bottom";
        g.fillText(noteName(n.pitch), x0, y(n.pitch) - 2);
      }
      drawn++;
    }

    // playhead
    const px = Math.round(x(now)) + 0.5;
    g.fillStyle = "rgba(246,196,85,0.045)";
    g.fillRect(0, LANE, px, H - LANE);
    g.strokeStyle = "#f6c455";
    g.lineWidth = 2;
    g.beginPath();
    g.moveTo(px, LANE - 2);
    g.lineTo(px, H);
    g.stroke();
    g.fillStyle = "#f6c455";
    g.beginPath();
    g.moveTo(px - 6, LANE - 8);
    g.lineTo(px + 6, LANE - 8);
    g.lineTo(px, LANE);
    g.closePath();
    g.fill();

    canvas.dataset.notes = String(drawn);
    canvas.dataset.chords = String(music.labels.length);
    canvas.dataset.hiddenLabels = String(hiddenLabels.length);
    canvas.dataset.currentChord = currentChord ? currentChord.chord.symbol : "";
    canvas.dataset.position = now.toFixed(3);
    canvas.dataset.pitchLow = String(pitchLow);
    canvas.dataset.pitchHigh = String(pitchHigh);
    canvas.dataset.rollTop = String(rollTop);
    canvas.dataset.rowHeight = String(rowH);
  }

  // ------------------------------------------------------------- state -> view
  function updateControls() {
    const playing = engine.playing;
    playBtn.innerHTML = playing ? ICONS.pause : ICONS.play;
    playBtn.setAttribute("aria-label", playing ? "Pause" : "Play");
    playBtn.title = playing ? "Pause" : "Play";
    playBtn.classList.toggle("jw-active", playing);
    loopBtn.setAttribute("aria-pressed", String(engine.loop));
    loopBtn.classList.toggle("jw-on", engine.loop);
    tempoText.textContent = `${Math.round((music.tempo || 120) * engine.speed)} bpm`;
    tempoText.title = `${Math.round(engine.speed * 100)}% of ${Math.round(music.tempo || 120)} bpm`;
    el.dataset.playing = String(playing);
  }

  function updateClock() {
    clock.textContent = `${formatTime(engine.time())} / ${formatTime(music.duration)}`;
  }

  function showError(message) {
    errorBox.textContent = message || "";
    errorBox.style.display = message ? "block" : "none";
  }

  function refreshMusic() {
    const wasPlaying = engine.playing;
    engine.pause();
    music = readMusic(model);
    [pitchLow, pitchHigh] = pitchRange();
    engine.setMusic(music.melody, music.chords, music.accompaniment, music.duration);
    engine.songPos = Math.min(model.get("position"), music.duration);
    title.textContent = model.get("title");
    updateControls();
    updateClock();
    draw();
    if (wasPlaying) pushState(engine.songPos, false);
  }

  // ------------------------------------------------------------------ frame loop
  let frame = 0;
  let dirty = true; // something changed while paused: draw once more
  function loop() {
    frame = requestAnimationFrame(loop);
    if (!engine.playing && !dirty) return;
    dirty = false;
    draw();
    updateClock();
    const stamp = performance.now();
    if (engine.playing && stamp - lastSync >= SYNC_MS) {
      lastSync = stamp;
      pushState(engine.time());
    }
  }

  // ------------------------------------------------------------------ events
  playBtn.addEventListener("click", () => {
    if (engine.playing) {
      engine.pause();
      pushState(engine.songPos, false);
    } else {
      engine.play();
      pushState(engine.time(), true);
    }
    updateControls();
    dirty = true;
  });
  stopBtn.addEventListener("click", () => {
    engine.pause();
    engine.songPos = 0;
    pushState(0, false);
    updateControls();
    dirty = true;
  });
  loopBtn.addEventListener("click", () => {
    model.set("loop", !model.get("loop"));
    model.save_changes();
  });
  tempoInput.addEventListener("input", () => {
    model.set("speed", Number(tempoInput.value));
    model.save_changes();
  });
  volumeInput.addEventListener("input", () => {
    model.set("volume", Number(volumeInput.value));
    model.save_changes();
  });
  midiBtn.addEventListener("click", () => {
    const bytes = bytesOf(model.get("_midi"));
    if (!bytes.byteLength) return showError("There is no MIDI to download.");
    saveBlob(el, bytes, "audio/midi", `${model.get("filename")}.mid`);
  });
  wavBtn.addEventListener("click", () => {
    wavBtn.disabled = true;
    wavBtn.classList.add("jw-busy");
    model.send({ type: "wav" });
  });

  const seekTo = (event) => {
    const rect = canvas.getBoundingClientRect();
    const t = ((event.clientX - rect.left) / rect.width) * music.duration;
    engine.seek(Math.min(Math.max(t, 0), music.duration));
    if (!engine.playing) engine.songPos = Math.min(Math.max(t, 0), music.duration);
    pushState(engine.time());
    dirty = true;
  };
  canvas.addEventListener("pointerdown", (event) => {
    dragging = true;
    canvas.setPointerCapture?.(event.pointerId);
    seekTo(event);
  });
  // A chord whose label does not fit its box names itself in a tooltip over the chord lane.
  const chordTooltip = (event) => {
    const rect = canvas.getBoundingClientRect();
    const t = ((event.clientX - rect.left) / rect.width) * music.duration;
    const inLane = event.clientY - rect.top < LANE;
    const chord = inLane && hiddenLabels.find((c) => c.start <= t && t < c.end);
    if (chord) {
      if (canvas.title !== chord.symbol) canvas.title = chord.symbol;
    } else if (canvas.hasAttribute("title")) {
      canvas.removeAttribute("title");
    }
  };
  canvas.addEventListener("pointermove", (event) => {
    chordTooltip(event);
    if (dragging) seekTo(event);
  });
  canvas.addEventListener("pointerleave", () => canvas.removeAttribute("title"));
  canvas.addEventListener("pointerup", () => (dragging = false));

  const onCustom = (message, buffers) => {
    if (message?.type === "wav") {
      wavBtn.disabled = false;
      wavBtn.classList.remove("jw-busy");
      saveBlob(el, bytesOf(buffers?.[0]), "audio/wav", message.filename || "clip.wav");
    } else if (message?.type === "wav-error") {
      wavBtn.disabled = false;
      wavBtn.classList.remove("jw-busy");
      showError(message.message);
    }
  };
  model.on("msg:custom", onCustom);

  // ------------------------------------------------------------------ model -> view
  const onPosition = () => {
    if (settingPosition) return;
    const p = model.get("position");
    if (Math.abs(p - engine.time()) > 0.02) {
      engine.seek(p);
      dirty = true;
    }
  };
  const onPlaying = () => {
    if (settingPlaying) return;
    const want = model.get("playing");
    if (want && !engine.playing) engine.play();
    if (!want && engine.playing) engine.pause();
    updateControls();
    dirty = true;
  };
  const onSpeed = () => {
    engine.setSpeed(model.get("speed"));
    tempoInput.value = String(model.get("speed"));
    updateControls();
  };
  const onLoop = () => {
    engine.loop = model.get("loop");
    updateControls();
  };
  const onVolume = () => {
    engine.setVolume(model.get("volume"));
    volumeInput.value = String(model.get("volume"));
  };
  const onError = () => showError(model.get("error"));
  const onTitle = () => (title.textContent = model.get("title"));
  const handlers = [
    ["change:position", onPosition],
    ["change:playing", onPlaying],
    ["change:speed", onSpeed],
    ["change:loop", onLoop],
    ["change:volume", onVolume],
    ["change:error", onError],
    ["change:title", onTitle],
    ["change:_melody", refreshMusic],
    ["change:_accompaniment", refreshMusic],
    ["change:_chords", refreshMusic],
    ["change:duration", refreshMusic],
  ];
  for (const [event, handler] of handlers) model.on(event, handler);

  const observer = new ResizeObserver(() => resize());
  observer.observe(stage);
  [pitchLow, pitchHigh] = pitchRange();
  title.textContent = model.get("title");
  showError(model.get("error"));
  updateControls();
  updateClock();
  requestAnimationFrame(resize);
  frame = requestAnimationFrame(loop);

  return () => {
    cancelAnimationFrame(frame);
    observer.disconnect();
    for (const [event, handler] of handlers) model.off(event, handler);
    model.off("msg:custom", onCustom);
    if (engine.playing) pushState(engine.time(), false);
    engine.close();
  };
}

export default { render };
