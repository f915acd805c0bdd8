// jazzwidget Player: Web Audio synthesis, a canvas piano roll and a playhead.
// A static ES module for anywidget: no bundler, no imports, nothing loaded from the network.
// anywidget loads this file from a blob URL, where relative imports do not resolve, so it is one
// file in sections:
//   1. constants and small helpers
//   2. binary tables: the {view, dtype, shape, columns} that the Python side sends
//   3. the page's audio: one AudioContext for every Player, started by a click; one sound at a time
//   4. synth voices
//   5. the transport: clock and scheduling of one Player (shared by all of its views)
//   6. the controller: one per Player model, between the model, the transport and the views
//   7. the piano roll: zoom, scroll, follow, chord labels
//   8. the controls
//   9. the widget: initialize (once per model) and render (once per view)
//
// Python sends the music: `_melody` and `_accompaniment` (binary tables), `_chords` ([symbol,
// start, end, voicing]), `tempo`, `duration`, `beats_per_bar`. Playback state is shared both
// ways: `position`, `playing`, `speed`, `loop`, `volume`. Another widget may read `position`,
// `playing` and `speed` and seek by setting `position`, also while playing.

// ================================================================ 1. constants and helpers
const LOOKAHEAD = 2.0; // seconds of audio scheduled ahead: a busy page may stall this long
const TICK_MS = 25; // how often the scheduler looks ahead
const SYNC_MS = 100; // at most ten position updates a second to Python
const LATE = 0.005; // a note due more than this many seconds ago (a stall) is skipped
const START_DELAY = 0.1; // seconds between Play (or a seek) and the first note
const RESUME_WAIT_MS = 1500; // how long Play waits for the browser to allow sound
const ECHO_MS = 3000; // the kernel's echo of a value we sent arrives within this
const ROLL_HEIGHT = 236; // CSS pixels of the canvas
const LANE = 32; // chord lane height
const MIN_PX_PER_SEC = 30; // a long piece opens at this zoom at least (then it scrolls)
const MAX_PX_PER_SEC = 600;
const ZOOM_STEP = 1.5;
const TYPE_COLORS = ["#4fd1c5", "#63b3ed", "#f6ad55", "#f687b3", "#a0aec0"]; // C S A X none
const TYPE_NAMES = ["chord tone", "scale tone", "approach", "other"];
const SPEED_MIN = 0.5; // the Speed slider's range (Python clamps `speed` to the same)
const SPEED_MAX = 2;
const LABEL_SIZES = [12, 10, 9]; // chord label font sizes, largest first
const STAGGER_SIZE = 9; // font of labels staggered on two rows when none fits its box
const FONT = (size) => `600 ${size}px system-ui, -apple-system, 'Segoe UI', sans-serif`;
const MESSAGES = {
  blocked: "The browser did not allow sound: click Play to allow sound.",
  needsClick: "Click Play to allow sound (the browser starts sound only after a click).",
  noAudio: "This browser cannot make sound here (no Web Audio).",
  empty: "Nothing to play yet",
};

const clampSpeed = (speed) =>
  Number.isFinite(speed) ? Math.min(Math.max(speed, SPEED_MIN), SPEED_MAX) : 1;
const clampVolume = (volume) => (Number.isFinite(volume) ? Math.min(Math.max(volume, 0), 1) : 0.8);
const clamp = (x, lo, hi) => Math.min(Math.max(x, lo), hi);
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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
  zoomIn:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M10 3a7 7 0 0 1 5.6 11.2l5.1 5.1-1.4 1.4-5.1-5.1A7 7 0 1 1 10 3zm0 2a5 5 0 1 0 0 10 5 5 0 0 0 0-10zm-1 2h2v2h2v2h-2v2H9v-2H7V9h2z"/></svg>',
  zoomOut:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M10 3a7 7 0 0 1 5.6 11.2l5.1 5.1-1.4 1.4-5.1-5.1A7 7 0 1 1 10 3zm0 2a5 5 0 1 0 0 10 5 5 0 0 0 0-10zM7 9h6v2H7z"/></svg>',
  fit: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 5h2v14H3zm16 0h2v14h-2zM7 11h3V8l4 4-4 4v-3H7zm10 0v2h0z"/></svg>',
};

const mtof = (pitch) => 440 * Math.pow(2, (pitch - 69) / 12);
const isBlackKey = (pitch) => [1, 3, 6, 8, 10].includes(((pitch % 12) + 12) % 12);
const NOTE_NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];
const noteName = (p) => NOTE_NAMES[((p % 12) + 12) % 12] + (Math.floor(p / 12) - 1);

function formatTime(seconds) {
  const s = Math.max(0, seconds);
  const m = Math.floor(s / 60);
  return `${m}:${(s - m * 60).toFixed(1).padStart(4, "0")}`;
}

function bytesOf(value) {
  // Bytes and message buffers arrive as DataView (or ArrayBuffer / typed arrays).
  if (!value) return new Uint8Array(0);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return new Uint8Array(0);
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

// ================================================================ 2. binary tables
// A table is {view: DataView, dtype: "float32", shape: [rows, columns], columns: [names]}: the
// Python side (`_serialize.binary_table`) describes the columns; here they are read by name.
const TYPED = { float32: Float32Array, float64: Float64Array, int32: Int32Array };

function readTable(table) {
  if (!table || !table.view || !Array.isArray(table.shape)) return [];
  const Typed = TYPED[table.dtype];
  if (!Typed) throw new Error(`unsupported table dtype ${table.dtype}`);
  const [n, width] = table.shape;
  const bytes = bytesOf(table.view);
  const flat = new Typed(bytes.slice().buffer, 0, n * width); // an aligned copy
  const names = table.columns;
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = {};
    for (let j = 0; j < width; j++) row[names[j]] = flat[i * width + j];
    out[i] = row;
  }
  return out;
}

function readMusic(model) {
  const melody = readTable(model.get("_melody")).map((r) => ({
    pitch: Math.round(r.pitch),
    start: r.start,
    end: r.end,
    velocity: r.velocity,
    type: Math.round(r.type),
  }));
  const accompaniment = readTable(model.get("_accompaniment")).map((r) => ({
    pitch: Math.round(r.pitch),
    start: r.start,
    end: r.end,
    velocity: r.velocity,
  }));
  const chords = (model.get("_chords") || []).map(([symbol, start, end, pitches]) => ({
    symbol,
    start,
    end,
    pitches: pitches || [],
  }));
  for (const list of [melody, accompaniment, chords]) list.sort((a, b) => a.start - b.start);
  const duration = Math.max(0, model.get("duration") || 0);
  return {
    melody,
    accompaniment,
    chords: chords.filter((c) => c.pitches.length),
    labels: chords,
    duration,
    tempo: model.get("tempo") || 120,
    beatsPerBar: model.get("beats_per_bar") || 4,
    empty: duration <= 0,
  };
}

// ================================================================ 3. the page's audio
// One object per page (on globalThis: each Player model loads its own copy of this module):
// the AudioContext all Players share, the views that keep it open, and the controllers.
const HUB_KEY = Symbol.for("jazzwidget.player.hub");

function hub() {
  if (!globalThis[HUB_KEY]) {
    globalThis[HUB_KEY] = { ctx: null, output: null, views: 0, controllers: new Map() };
  }
  return globalThis[HUB_KEY];
}

// Call inside a click handler, before any await: a browser only lets a user gesture start sound.
// Resolves to the running AudioContext, or null when the browser keeps it suspended.
function unlockAudio() {
  const h = hub();
  if (!h.ctx || h.ctx.state === "closed") {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return Promise.reject(new Error(MESSAGES.noAudio));
    h.ctx = new Context();
    const compressor = h.ctx.createDynamicsCompressor();
    compressor.threshold.value = -14;
    compressor.ratio.value = 4;
    compressor.connect(h.ctx.destination);
    h.output = compressor;
  }
  const ctx = h.ctx;
  if (ctx.state === "running") return Promise.resolve(ctx);
  const resumed = ctx.resume().catch(() => undefined);
  return Promise.race([resumed, delay(RESUME_WAIT_MS)]).then(() =>
    ctx.state === "running" ? ctx : null,
  );
}

// The shared context if a click already started it (Python's `playing = True` needs that).
function runningAudio() {
  const ctx = hub().ctx;
  return ctx && ctx.state === "running" ? ctx : null;
}

function viewOpened() {
  hub().views += 1;
}

function viewClosed() {
  const h = hub();
  h.views = Math.max(0, h.views - 1);
  if (h.views === 0 && h.ctx) {
    const ctx = h.ctx;
    h.ctx = null;
    h.output = null;
    ctx.close().catch(() => undefined);
  }
}

// One sound at a time: pause the other exclusive Players of the page.
function pauseOthers(controller) {
  for (const other of hub().controllers.values()) {
    if (other !== controller && other.exclusive() && other.transport.playing) other.pause();
  }
}

// ================================================================ 4. synth voices
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

// ================================================================ 5. the transport
// The clock and the note scheduler of one Player. Clip time t sounds at audio time
// anchor + (t - songPos) / speed; notes are scheduled LOOKAHEAD seconds ahead.
class Transport {
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
    this.onTick = () => undefined;
  }

  // Every division by the speed goes through this: it is never 0, negative or NaN.
  get speed() {
    return this._speed;
  }

  set speed(value) {
    this._speed = clampSpeed(value);
  }

  setMusic(music) {
    this.stopVoices();
    this.tracks = { melody: music.melody, chords: music.chords, accompaniment: music.accompaniment };
    this.duration = music.duration;
  }

  // Our nodes on the page's context (made again if the page made a new context).
  attach(ctx) {
    if (this.ctx === ctx) return;
    this.ctx = ctx;
    this.voices = [];
    this.master = ctx.createGain();
    this.master.gain.value = this.volume;
    this.master.connect(hub().output);
    this.melodyBus = ctx.createGain();
    this.padBus = ctx.createGain();
    this.padBus.gain.value = 0.55;
    this.melodyBus.connect(this.master);
    this.padBus.connect(this.master);
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
    return clamp(t, 0, this.duration);
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

  play(ctx, from) {
    this.attach(ctx);
    if (this.playing || this.duration <= 0) return;
    let start = from ?? this.songPos;
    if (start >= this.duration - 1e-3) start = 0;
    this.songPos = start;
    this.anchor = ctx.currentTime + START_DELAY;
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
    const t = clamp(position, 0, this.duration);
    if (!this.playing) {
      this.songPos = t;
      return;
    }
    this.stopVoices();
    this.songPos = t;
    this.anchor = this.ctx.currentTime + START_DELAY;
    this.resetPointers(t);
    this.tick();
  }

  setSpeed(value) {
    const speed = clampSpeed(value);
    if (!this.playing) {
      this.speed = speed;
      return;
    }
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
  }

  // Loop off while the next turn is already scheduled but not begun: take that turn back.
  setLoop(on) {
    this.loop = on;
    if (on || !this.playing || !this.previous) return;
    const now = this.ctx.currentTime;
    if (now >= this.anchor) return; // the next turn has begun: it plays to its end
    const turn = this.anchor;
    this.voices = this.voices.filter((voice) => {
      if (voice.start < turn - 1e-6) return true;
      this.silence(voice, now);
      return false;
    });
    ({ songPos: this.songPos, anchor: this.anchor } = this.previous);
    this.previous = null;
    for (const name of Object.keys(this.tracks)) this.next[name] = this.tracks[name].length;
    this.scheduledTo = this.duration;
  }

  setVolume(value) {
    this.volume = clampVolume(value);
    if (this.master) this.master.gain.setTargetAtTime(this.volume, this.ctx.currentTime, 0.02);
  }

  silence(voice, now) {
    try {
      voice.amp.gain.cancelScheduledValues(now);
      voice.amp.gain.setTargetAtTime(0, now, 0.01);
      for (const osc of voice.oscillators) osc.stop(now + 0.06);
    } catch (error) {
      // an oscillator stopped twice throws in some browsers: it is silent either way
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
    for (const name of Object.keys(this.tracks)) {
      const track = this.tracks[name];
      while (this.next[name] < track.length && track[this.next[name]].start < clipTime) {
        const note = track[this.next[name]++];
        if (note.start < this.scheduledTo - 1e-6) continue;
        const due = at(note.start);
        const now = this.ctx.currentTime; // read again: making voices takes time too
        if (due < now - LATE) continue; // the page stalled past this note: skip it, no burst
        const when = Math.max(due, now);
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
    const now = this.ctx.currentTime;
    this.voices = this.voices.filter((voice) => voice.stop > now);
  }

  tick() {
    if (!this.playing) return;
    const now = this.ctx.currentTime;
    const horizon = this.songPos + (now + LOOKAHEAD - this.anchor) * this.speed;
    this.scheduleUpTo(Math.min(horizon, this.duration));
    if (horizon >= this.duration) {
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
        return;
      }
    }
    this.onTick();
  }

  close() {
    this.playing = false;
    clearInterval(this.timer);
    this.stopVoices();
    if (this.master) this.master.disconnect();
    this.ctx = null;
    this.master = null;
  }
}

// ================================================================ 6. the controller
// One per Player model: it owns the transport (so two views of one Player make one sound),
// answers the model's changes once, and tells its views when to redraw.
class Controller {
  constructor(model) {
    this.model = model;
    this.views = new Set();
    this.notice = "";
    this.starting = false;
    this.requests = new Map(); // download request id -> the view's callback
    this.lastSync = 0;
    this.ownChange = false; // set while we write position/playing: our own change events
    this.sent = { position: [] }; // [value, stamp] of the positions we sent lately
    this.outside = { position: -Infinity }; // when the last outside seek came
    this.music = readMusic(model);
    this.transport = new Transport(() => {
      this.push(this.transport.duration, false);
      this.changed();
    });
    this.transport.onTick = () => this.sync();
    this.transport.speed = model.get("speed");
    this.transport.loop = model.get("loop");
    this.transport.volume = clampVolume(model.get("volume"));
    this.transport.setMusic(this.music);
    this.transport.songPos = clamp(model.get("position"), 0, this.music.duration);
    this.handlers = [
      ["change:position", () => this.onPosition()],
      ["change:playing", () => this.onPlaying()],
      ["change:speed", () => this.onSpeed()],
      ["change:loop", () => this.onLoop()],
      ["change:volume", () => this.transport.setVolume(model.get("volume"))],
      ["change:_melody", () => this.onMusic()],
      ["change:_accompaniment", () => this.onMusic()],
      ["change:_chords", () => this.onMusic()],
      ["change:duration", () => this.onMusic()],
      ["msg:custom", (message, buffers) => this.onMessage(message, buffers)],
    ];
    for (const [event, handler] of this.handlers) model.on(event, handler);
  }

  exclusive() {
    return this.model.get("exclusive") !== false;
  }

  changed() {
    for (const view of this.views) view.refresh();
  }

  setNotice(text) {
    this.notice = text;
    this.changed();
  }

  // Write position (and playing) to the model and Python.
  push(position, playing) {
    const stamp = performance.now();
    this.remember("position", position, stamp);
    this.ownChange = true;
    try {
      this.model.set("position", position);
      if (playing !== undefined) this.model.set("playing", playing);
    } finally {
      this.ownChange = false;
    }
    this.model.save_changes();
  }

  sync() {
    const stamp = performance.now();
    if (stamp - this.lastSync < SYNC_MS) return;
    this.lastSync = stamp;
    this.push(this.transport.time());
  }

  start(ctx) {
    if (this.music.empty) return;
    if (this.exclusive()) pauseOthers(this);
    this.notice = "";
    this.transport.play(ctx);
    this.push(this.transport.time(), true);
    this.changed();
  }

  pause() {
    this.transport.pause();
    this.push(this.transport.songPos, false);
    this.changed();
  }

  stop() {
    this.transport.pause();
    this.transport.songPos = 0;
    this.push(0, false);
    this.changed();
  }

  // The Play button: start (or pause). Sound needs the click itself, so unlockAudio is called
  // before anything is awaited.
  async toggle() {
    if (this.transport.playing) return this.pause();
    if (this.music.empty || this.starting) return;
    let unlocking;
    try {
      unlocking = unlockAudio();
    } catch (error) {
      unlocking = Promise.reject(error);
    }
    this.starting = true;
    this.changed();
    let ctx = null;
    try {
      ctx = await unlocking;
    } catch (error) {
      this.starting = false;
      this.push(this.transport.songPos, false);
      return this.setNotice(MESSAGES.noAudio);
    }
    this.starting = false;
    if (!ctx) {
      this.push(this.transport.songPos, false);
      return this.setNotice(MESSAGES.blocked);
    }
    this.start(ctx);
  }

  seek(position) {
    this.transport.seek(position);
    this.push(this.transport.time());
    this.changed();
  }

  remember(key, value, stamp) {
    this.sent[key] = this.sent[key].filter(([, t]) => stamp - t < ECHO_MS);
    this.sent[key].push([value, stamp]);
  }

  // The kernel echoes the updates we send (and ipywidgets may send a buffered one late). When
  // Python (or another widget) set the value in between, such an echo would undo its change (a
  // seek from Python jumping back): a position we sent before the last outside seek, coming
  // back within ECHO_MS, is a stale echo. (`playing` is sent only on a click or at the end:
  // no stream of updates to come back late.)
  isStaleEcho(key, value) {
    const now = performance.now();
    return this.sent[key].some(
      ([sent, t]) => sent === value && t < this.outside[key] && now - t < ECHO_MS,
    );
  }

  overtake(key) {
    this.outside[key] = performance.now();
  }

  onPosition() {
    if (this.ownChange) return;
    const p = Number(this.model.get("position"));
    if (this.isStaleEcho("position", p)) return;
    this.overtake("position");
    if (Number.isFinite(p) && Math.abs(p - this.transport.time()) > 0.02) {
      this.transport.seek(p);
      this.changed();
    }
  }

  onPlaying() {
    if (this.ownChange) return;
    const want = Boolean(this.model.get("playing"));
    if (want && !this.transport.playing) {
      const ctx = runningAudio();
      if (ctx && !this.music.empty) {
        this.start(ctx);
      } else {
        // No click has allowed sound yet (or nothing to play): say so, and stay consistent.
        this.push(this.transport.songPos, false);
        this.setNotice(this.music.empty ? "" : MESSAGES.needsClick);
      }
    } else if (!want && this.transport.playing) {
      this.transport.pause();
      this.push(this.transport.songPos);
      this.changed();
    }
  }

  onSpeed() {
    this.transport.setSpeed(this.model.get("speed"));
    this.changed();
  }

  onLoop() {
    this.transport.setLoop(Boolean(this.model.get("loop")));
    this.changed();
  }

  onMusic() {
    const wasPlaying = this.transport.playing;
    this.transport.pause();
    this.music = readMusic(this.model);
    this.transport.setMusic(this.music);
    this.transport.songPos = clamp(this.model.get("position"), 0, this.music.duration);
    if (wasPlaying) this.push(this.transport.songPos, false);
    for (const view of this.views) view.musicChanged();
    this.changed();
  }

  download(format, speed, callback) {
    const request = `${format}-${performance.now()}-${Math.random()}`;
    this.requests.set(request, callback);
    this.model.send({ type: "download", format, speed, request });
  }

  onMessage(message, buffers) {
    const callback = this.requests.get(message?.request);
    if (!callback) return;
    this.requests.delete(message.request);
    callback(message, buffers);
  }

  addView(view) {
    this.views.add(view);
  }

  removeView(view) {
    this.views.delete(view);
    if (this.views.size === 0 && this.transport.playing) this.pause(); // nothing shows it now
  }

  close() {
    for (const [event, handler] of this.handlers) this.model.off(event, handler);
    this.transport.close();
  }
}

function controllerOf(model) {
  const controllers = hub().controllers;
  const uid = model.get("_uid") || "";
  let controller = controllers.get(uid);
  if (!controller) {
    controller = new Controller(model);
    controllers.set(uid, controller);
  }
  return controller;
}

// ================================================================ 7. the piano roll
// A canvas the width of the view that draws the time window the scroll box shows: the box's
// inner track is as wide as the whole piece at the zoom (pixels per second).
const SHORT_QUALITIES = [
  [/maj7/, "Δ7"],
  [/maj9/, "Δ9"],
  [/maj/, "Δ"],
  [/m7b5/, "ø7"],
  [/dim7/, "°7"],
  [/dim/, "°"],
  [/min/, "m"],
  [/sus4/, "sus"],
  [/aug/, "+"],
];

const chordRoot = (symbol) => (symbol.match(/^[A-G][b#]?/) || [symbol])[0];

function shortChord(symbol) {
  let text = symbol;
  for (const [pattern, short] of SHORT_QUALITIES) text = text.replace(pattern, short);
  return text;
}

function roundRect(g, x, y, w, h, r) {
  const radius = Math.max(0, Math.min(r, w / 2, h / 2));
  g.beginPath();
  g.roundRect ? g.roundRect(x, y, w, h, radius) : g.rect(x, y, w, h);
}

class PianoRoll {
  constructor(stage, controller) {
    this.stage = stage; // the scroll box
    this.controller = controller;
    this.track = document.createElement("div");
    this.track.className = "jw-track";
    this.canvas = document.createElement("canvas");
    this.canvas.className = "jw-roll";
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label", "piano roll: click to move the playhead, Ctrl+wheel to zoom");
    this.track.appendChild(this.canvas);
    stage.appendChild(this.track);
    this.width = 0;
    this.pxPerSec = 0; // 0: not yet chosen (set at the first layout)
    this.follow = true;
    this.expectedScroll = null;
    this.pitchLow = 48;
    this.pitchHigh = 84;
    // What the last draw put where; hit-testing (seek, tooltips) reads it, and so can a test.
    this.layout = { t0: 0, pxPerSec: 1, labels: [], chordBoxes: [], notes: 0, position: 0 };
    this.canvas.jwLayout = this.layout;
    this.musicChanged();
  }

  get music() {
    return this.controller.music;
  }

  musicChanged() {
    const pitches = [...this.music.melody, ...this.music.accompaniment].map((n) => n.pitch);
    let lo = pitches.length ? Math.min(...pitches) - 2 : 55;
    let hi = pitches.length ? Math.max(...pitches) + 2 : 79;
    while (hi - lo < 20) {
      lo -= 1;
      hi += 1;
    }
    this.pitchLow = lo;
    this.pitchHigh = hi;
    this.pxPerSec = 0;
    this.follow = true;
    this.resize(true);
  }

  fitPxPerSec() {
    return this.width / Math.max(this.music.duration, 1e-6);
  }

  minPxPerSec() {
    return Math.min(this.fitPxPerSec(), MAX_PX_PER_SEC);
  }

  resize(force = false) {
    if (!this.stage.clientWidth) return; // not laid out yet: the ResizeObserver calls again
    const w = Math.max(200, Math.floor(this.stage.clientWidth));
    const scale = window.devicePixelRatio || 1;
    if (!force && w === this.width && this.canvas.width === Math.round(w * scale)) return;
    const fitted = this.pxPerSec && Math.abs(this.pxPerSec - this.fitPxPerSec()) < 1e-6;
    this.width = w;
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${ROLL_HEIGHT}px`;
    this.canvas.width = Math.round(w * scale);
    this.canvas.height = Math.round(ROLL_HEIGHT * scale);
    if (!this.pxPerSec) this.pxPerSec = clamp(Math.max(this.fitPxPerSec(), MIN_PX_PER_SEC), 1e-6, MAX_PX_PER_SEC);
    else if (fitted) this.pxPerSec = this.fitPxPerSec();
    this.setZoom(this.pxPerSec, this.controller.transport.time());
  }

  // Zoom to `pxPerSec`, keeping clip time `anchor` at the same place in the view.
  setZoom(pxPerSec, anchor) {
    const before = anchor * this.pxPerSec - this.stage.scrollLeft;
    const at = Number.isFinite(before) ? clamp(before, 0, this.width) : 0;
    this.pxPerSec = clamp(pxPerSec, this.minPxPerSec(), MAX_PX_PER_SEC);
    const content = Math.max(this.width, Math.ceil(this.music.duration * this.pxPerSec));
    this.track.style.width = `${content}px`;
    this.scrollTo(anchor * this.pxPerSec - at);
    this.draw();
  }

  zoomBy(factor, anchor) {
    const t = anchor ?? this.zoomAnchor();
    this.setZoom(this.pxPerSec * factor, t);
  }

  fit() {
    this.setZoom(this.fitPxPerSec(), 0);
  }

  // Zoom around the playhead when it is in view, else around the middle of the view.
  zoomAnchor() {
    const now = this.controller.transport.time();
    const { t0 } = this.view();
    const t1 = t0 + this.width / this.pxPerSec;
    return now >= t0 && now <= t1 ? now : (t0 + t1) / 2;
  }

  canZoomIn() {
    return this.pxPerSec < MAX_PX_PER_SEC - 1e-6 && !this.music.empty;
  }

  canZoomOut() {
    return this.pxPerSec > this.minPxPerSec() + 1e-6 && !this.music.empty;
  }

  scrollTo(left) {
    const max = Math.max(0, this.track.offsetWidth - this.stage.clientWidth);
    const target = Math.round(clamp(left, 0, max));
    if (Math.abs(this.stage.scrollLeft - target) >= 1) {
      this.expectedScroll = target;
      this.stage.scrollLeft = target;
    }
  }

  // A scroll that we did not ask for is the user's: stop following the playhead until Play.
  onScroll() {
    const left = this.stage.scrollLeft;
    if (this.expectedScroll !== null && Math.abs(left - this.expectedScroll) <= 1) {
      this.expectedScroll = null;
    } else if (this.controller.transport.playing) {
      this.follow = false;
    }
    this.draw();
  }

  view() {
    return { t0: this.stage.scrollLeft / this.pxPerSec };
  }

  timeAt(clientX) {
    const rect = this.canvas.getBoundingClientRect();
    return clamp(this.view().t0 + (clientX - rect.left) / this.pxPerSec, 0, this.music.duration);
  }

  // Keep the playhead in view while playing: turn the page when it nears the right edge.
  followPlayhead(now) {
    if (!this.follow || !this.controller.transport.playing) return;
    const x = now * this.pxPerSec - this.stage.scrollLeft;
    if (x < 0 || x > this.width * 0.85) this.scrollTo(now * this.pxPerSec - this.width * 0.1);
  }

  chordLabels(g, chords, X) {
    // Each label the largest that fits its chord's box, in full or shortened; the ones that fit
    // nowhere are staggered on two rows, each free to run over its neighbour's box.
    const labels = [];
    const rowEnds = [-Infinity, -Infinity];
    chords.forEach((chord, i) => {
      const x0 = X(chord.start) + 2;
      const w = Math.max(4, X(chord.end) - X(chord.start) - 4);
      for (const text of [chord.symbol, shortChord(chord.symbol)]) {
        for (const size of LABEL_SIZES) {
          g.font = FONT(size);
          const textW = g.measureText(text).width;
          if (textW + 6 <= w) {
            labels.push({ symbol: chord.symbol, text, size, row: -1, x: x0 + 3, w: textW, chord });
            return;
          }
        }
      }
      g.font = FONT(STAGGER_SIZE);
      const row = i % 2;
      const x = Math.max(x0 + 1, rowEnds[row] + 3);
      const hidden = x > x0 + Math.max(w, 6); // no room left on its row: a tooltip only
      // the short form, or the root alone when the short form would crowd out the next label
      const nextX = i + 2 < chords.length ? X(chords[i + 2].start) + 3 : Infinity;
      let text = shortChord(chord.symbol);
      if (x + g.measureText(text).width + 3 > nextX) text = chordRoot(chord.symbol);
      const textW = g.measureText(text).width;
      if (!hidden) rowEnds[row] = x + textW;
      labels.push({ symbol: chord.symbol, text, size: STAGGER_SIZE, row, x, w: textW, chord, hidden });
    });
    return labels;
  }

  draw() {
    if (!this.width) return;
    const music = this.music;
    const g = this.canvas.getContext("2d");
    const scale = window.devicePixelRatio || 1;
    g.setTransform(scale, 0, 0, scale, 0, 0);
    const W = this.width;
    const H = ROLL_HEIGHT;
    const pps = this.pxPerSec;
    const t0 = this.stage.scrollLeft / pps;
    const t1 = t0 + W / pps;
    const X = (t) => (t - t0) * pps;
    const rollTop = LANE + 4;
    const rollH = H - rollTop - 4;
    const span = this.pitchHigh - this.pitchLow + 1;
    const rowH = rollH / span;
    const Y = (p) => rollTop + (this.pitchHigh - p) * rowH;
    const transport = this.controller.transport;
    const now = transport.time();
    const lit = transport.playing || now > 0;
    const visible = (item) => item.end >= t0 && item.start <= t1;

    // background and key rows
    g.fillStyle = "#12141b";
    g.fillRect(0, 0, W, H);
    for (let p = this.pitchLow; p <= this.pitchHigh; p++) {
      if (isBlackKey(p)) {
        g.fillStyle = "#0e1016";
        g.fillRect(0, Y(p), W, rowH);
      }
      if (((p % 12) + 12) % 12 === 0) {
        g.fillStyle = "rgba(255,255,255,0.06)";
        g.fillRect(0, Y(p) + rowH - 1, W, 1);
        if (rowH >= 6) {
          g.fillStyle = "rgba(255,255,255,0.28)";
          g.font = FONT(9);
          g.textBaseline = "middle";
          g.textAlign = "right";
          g.fillText(noteName(p), W - 4, Y(p) + rowH / 2);
          g.textAlign = "left";
        }
      }
    }

    if (music.empty) {
      g.fillStyle = "#8b93a7";
      g.font = FONT(13);
      g.textAlign = "center";
      g.textBaseline = "middle";
      g.fillText(`${MESSAGES.empty}: give the Player a clip or a file`, W / 2, H / 2);
      g.textAlign = "left";
      Object.assign(this.layout, { t0: 0, pxPerSec: pps, labels: [], chordBoxes: [], notes: 0, position: 0 });
      return;
    }

    // beat and bar lines (skipped when they would be closer than 4 px)
    const beat = 60 / music.tempo;
    const bar = beat * music.beatsPerBar;
    if (beat * pps >= 4 || bar * pps >= 4) {
      const step = beat * pps >= 4 ? beat : bar;
      const first = Math.max(0, Math.floor(t0 / step));
      for (let i = first, t = i * step; t <= Math.min(t1, music.duration) + 1e-6; i++, t = i * step) {
        const beatIndex = Math.round(t / beat);
        const isBar = beatIndex % music.beatsPerBar === 0;
        g.fillStyle = isBar ? "rgba(255,255,255,0.16)" : "rgba(255,255,255,0.05)";
        g.fillRect(Math.round(X(t)), isBar ? 0 : rollTop, 1, isBar ? H : rollH);
        if (isBar && bar * pps > 28) {
          g.fillStyle = "rgba(255,255,255,0.32)";
          g.font = FONT(9);
          g.textBaseline = "top";
          g.fillText(String(beatIndex / music.beatsPerBar + 1), Math.round(X(t)) + 3, rollTop + 2);
        }
      }
    }

    // chord lane: a box per chord, then the labels
    g.fillStyle = "#181b24";
    g.fillRect(0, 0, W, LANE);
    const chords = music.labels.filter(visible);
    const boxes = [];
    let current = null;
    for (const chord of chords) {
      const x0 = X(chord.start) + 2;
      const w = Math.max(4, X(chord.end) - X(chord.start) - 4);
      const isCurrent = lit && chord.start <= now && now < chord.end;
      if (isCurrent) current = chord;
      g.fillStyle = isCurrent ? "rgba(246,196,85,0.22)" : "rgba(255,255,255,0.06)";
      roundRect(g, x0, 4, w, LANE - 8, 6);
      g.fill();
      boxes.push({ symbol: chord.symbol, x: x0, w, start: chord.start, end: chord.end });
    }
    const labels = this.chordLabels(g, chords, X);
    g.textBaseline = "middle";
    for (const label of labels) {
      if (label.hidden) continue;
      const isCurrent = label.chord === current;
      const y = label.row < 0 ? LANE / 2 : label.row === 0 ? 4 + (LANE - 8) / 4 : LANE - 4 - (LANE - 8) / 4;
      g.font = FONT(label.size);
      if (label.row >= 0) {
        // a dark backing so a label over its neighbour's box stays readable
        g.fillStyle = isCurrent ? "#f6c455" : "rgba(18,20,27,0.92)";
        roundRect(g, label.x - 2, y - label.size / 2 - 1, label.w + 4, label.size + 2, 3);
        g.fill();
        g.fillStyle = isCurrent ? "#12141b" : "#d5d9e2";
      } else {
        g.fillStyle = isCurrent ? "#f6c455" : "#d5d9e2";
      }
      g.fillText(label.text, label.x, y);
      label.y = y;
    }

    // accompaniment then melody
    const barH = Math.max(2, rowH - 1.5);
    for (const n of music.accompaniment) {
      if (!visible(n)) continue;
      g.fillStyle = "rgba(160,174,192,0.28)";
      roundRect(g, X(n.start), Y(n.pitch) + 0.75, Math.max(2, (n.end - n.start) * pps - 1), barH, 2);
      g.fill();
    }
    let drawn = 0;
    for (const n of music.melody) {
      if (!visible(n)) continue;
      const sounding = lit && n.start <= now && now < n.end;
      const x0 = X(n.start);
      const w = Math.max(3, (n.end - n.start) * pps - 1.5);
      const color = TYPE_COLORS[n.type] || TYPE_COLORS[4];
      g.save();
      g.globalAlpha = 0.55 + 0.45 * Math.min(1, n.velocity / 110);
      if (sounding) {
        g.shadowColor = color;
        g.shadowBlur = 14;
        g.globalAlpha = 1;
      }
      g.fillStyle = sounding ? "#ffffff" : color;
      roundRect(g, x0, Y(n.pitch) + 0.5, w, barH + 0.5, Math.min(4, barH / 2));
      g.fill();
      g.restore();
      if (sounding) {
        g.fillStyle = color;
        roundRect(g, x0 + 1.5, Y(n.pitch) + 2, w - 3, Math.max(1, barH - 2.5), 3);
        g.fill();
        g.fillStyle = "#ffffff";
        g.font = FONT(10);
        g.textBaseline = "bottom";
        g.fillText(noteName(n.pitch), x0, Y(n.pitch) - 2);
      }
      drawn++;
    }

    // playhead
    const px = Math.round(X(now)) + 0.5;
    g.fillStyle = "rgba(246,196,85,0.045)";
    g.fillRect(0, LANE, clamp(px, 0, W), H - LANE);
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

    Object.assign(this.layout, {
      t0,
      pxPerSec: pps,
      width: W,
      labels: labels.map(({ symbol, text, size, row, x, y, w, hidden }) => ({ symbol, text, size, row, x, y, w, hidden: Boolean(hidden) })),
      chordBoxes: boxes,
      current: current ? current.symbol : "",
      notes: drawn,
      position: now,
      rollTop,
      rowHeight: rowH,
      pitchLow: this.pitchLow,
      pitchHigh: this.pitchHigh,
      follow: this.follow,
    });
  }

  // The chord under the pointer (as the last draw placed its box), named in a tooltip over the
  // chord lane.
  tooltip(event) {
    const rect = this.canvas.getBoundingClientRect();
    const inLane = event.clientY - rect.top < LANE;
    const x = event.clientX - rect.left;
    const chord = inLane && this.layout.chordBoxes.find((c) => c.x - 2 <= x && x < c.x + c.w + 2);
    if (chord) {
      if (this.canvas.title !== chord.symbol) this.canvas.title = chord.symbol;
    } else if (this.canvas.hasAttribute("title")) {
      this.canvas.removeAttribute("title");
    }
  }
}

// ================================================================ 8. the controls
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

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Buttons side by side: [className, label, icon] each; returns the group and its buttons.
function buttonGroup(className, specs) {
  const group = element("div", `jw-group ${className}`);
  const buttons = specs.map(([name, label, icon]) => button(name, label, icon));
  group.append(...buttons);
  return [group, ...buttons];
}

function buildDom(el, model) {
  el.classList.add("jw-player");
  const root = element("div", "jw-root");
  el.appendChild(root);

  const header = element("div", "jw-header");
  const heading = element("div", "jw-heading");
  const title = element("div", "jw-title");
  const summary = element("div", "jw-summary");
  heading.append(title, summary);
  const clock = element("div", "jw-clock");
  header.append(heading, clock);

  const stage = element("div", "jw-stage");

  const controls = element("div", "jw-controls");
  const [transportGroup, playBtn, stopBtn, loopBtn] = buttonGroup("jw-transport", [
    ["jw-play", "Play", ICONS.play],
    ["jw-stop", "Stop", ICONS.stop],
    ["jw-loop", "Loop", ICONS.loop],
  ]);

  const tempoChip = element("span", "jw-field jw-tempo");
  tempoChip.innerHTML = ICONS.tempo;
  const tempoText = element("span", "jw-value");
  tempoChip.append(tempoText);
  tempoChip.title = "the clip's tempo";

  const speedBox = element("label", "jw-field jw-speed");
  const speedName = element("span", "jw-name", "speed");
  const speedInput = slider("Speed", SPEED_MIN, SPEED_MAX, 0.05, model.get("speed"));
  const speedText = element("span", "jw-value");
  speedBox.append(speedName, speedInput, speedText);

  const volumeBox = element("label", "jw-field jw-volume");
  volumeBox.innerHTML = ICONS.volume;
  const volumeInput = slider("Volume", 0, 1, 0.01, model.get("volume"));
  volumeBox.append(volumeInput);

  const [zoomGroup, zoomOutBtn, zoomInBtn, fitBtn] = buttonGroup("jw-zoom", [
    ["jw-zoom-out", "Zoom out", ICONS.zoomOut],
    ["jw-zoom-in", "Zoom in", ICONS.zoomIn],
    ["jw-fit", "Show the whole piece", ICONS.fit],
  ]);

  const downloads = element("div", "jw-group jw-downloads");
  const downloadTempo = document.createElement("select");
  downloadTempo.className = "jw-download-tempo";
  downloadTempo.setAttribute("aria-label", "Download tempo");
  downloadTempo.title = "the tempo the downloads are written at";
  const midiBtn = button("jw-download jw-midi", "Download MIDI", ICONS.download, "MIDI");
  const wavBtn = button("jw-download jw-wav", "Download WAV", ICONS.download, "WAV");
  downloads.append(downloadTempo, midiBtn, wavBtn);

  controls.append(transportGroup, tempoChip, speedBox, volumeBox, zoomGroup, downloads);

  const legend = element("div", "jw-legend");
  legend.innerHTML = TYPE_NAMES.map(
    (name, i) => `<span><i style="background:${TYPE_COLORS[i]}"></i>${name}</span>`,
  ).join("");
  const notice = element("div", "jw-notice");
  notice.setAttribute("role", "status");
  const errorBox = element("div", "jw-error");
  errorBox.setAttribute("role", "alert");
  root.append(header, stage, controls, legend, notice, errorBox);
  return {
    title, summary, clock, stage, playBtn, stopBtn, loopBtn, tempoText, speedInput, speedText,
    volumeInput, zoomOutBtn, zoomInBtn, fitBtn, downloadTempo, midiBtn, wavBtn, notice, errorBox,
  };
}

// ================================================================ 9. the widget
function initialize({ model }) {
  const controller = controllerOf(model);
  return () => {
    controller.close();
    hub().controllers.delete(model.get("_uid") || "");
  };
}

function render({ model, el }) {
  const controller = controllerOf(model);
  const dom = buildDom(el, model);
  const roll = new PianoRoll(dom.stage, controller);
  let dirty = true;
  let dragging = false;
  let frame = 0;

  function showMessage(box, text) {
    box.textContent = text || "";
    box.style.display = text ? "block" : "none";
  }

  function updateDownloads() {
    const tempo = controller.music.tempo;
    const speed = controller.transport.speed;
    const heard = Math.round(tempo * speed);
    const options = [["clip", `${Math.round(tempo)} bpm${heard !== Math.round(tempo) ? " (the clip's)" : ""}`]];
    if (Math.abs(speed - 1) > 1e-9) options.unshift(["heard", `${heard} bpm (as heard)`]);
    const key = options.map((o) => o.join(":")).join("|");
    if (dom.downloadTempo.dataset.key !== key) {
      dom.downloadTempo.dataset.key = key;
      dom.downloadTempo.replaceChildren(
        ...options.map(([value, text]) => {
          const option = document.createElement("option");
          option.value = value;
          option.textContent = text;
          return option;
        }),
      );
    }
    const label = options.find(([value]) => value === dom.downloadTempo.value)?.[1] || "";
    dom.midiBtn.title = `Download MIDI at ${label}`;
    dom.wavBtn.title = `Download WAV at ${label}`;
  }

  function refresh() {
    const { transport, music } = controller;
    const playing = transport.playing;
    dom.playBtn.innerHTML = playing ? ICONS.pause : ICONS.play;
    dom.playBtn.setAttribute("aria-label", playing ? "Pause" : "Play");
    dom.playBtn.title = music.empty ? "Nothing to play" : playing ? "Pause" : "Play";
    dom.playBtn.classList.toggle("jw-active", playing);
    dom.playBtn.classList.toggle("jw-busy", controller.starting);
    for (const b of [dom.playBtn, dom.stopBtn, dom.midiBtn, dom.wavBtn]) b.disabled = music.empty;
    dom.downloadTempo.disabled = music.empty;
    dom.loopBtn.setAttribute("aria-pressed", String(transport.loop));
    dom.loopBtn.classList.toggle("jw-on", transport.loop);
    dom.tempoText.textContent = `${Math.round(music.tempo)} bpm`;
    dom.speedText.textContent = `×${transport.speed.toFixed(2)}`;
    dom.speedInput.value = String(transport.speed);
    dom.volumeInput.value = String(model.get("volume"));
    dom.zoomInBtn.disabled = !roll.canZoomIn();
    dom.zoomOutBtn.disabled = !roll.canZoomOut();
    dom.fitBtn.disabled = !roll.canZoomOut();
    dom.title.textContent = model.get("title") || (music.empty ? MESSAGES.empty : "");
    dom.summary.textContent = model.get("summary") || "";
    updateDownloads();
    showMessage(dom.notice, controller.notice);
    showMessage(dom.errorBox, model.get("error"));
    el.dataset.playing = String(playing);
    el.dataset.empty = String(music.empty);
    dirty = true;
  }

  const view = {
    refresh,
    musicChanged: () => roll.musicChanged(),
  };
  controller.addView(view);
  viewOpened();

  function updateClock() {
    dom.clock.textContent = `${formatTime(controller.transport.time())} / ${formatTime(controller.music.duration)}`;
  }

  // ------------------------------------------------------------ frame loop
  function loop() {
    frame = requestAnimationFrame(loop);
    const playing = controller.transport.playing;
    if (!playing && !dirty) return;
    dirty = false;
    if (playing) roll.followPlayhead(controller.transport.time());
    roll.draw();
    updateClock();
  }

  // ------------------------------------------------------------ events
  dom.playBtn.addEventListener("click", () => {
    roll.follow = true;
    controller.toggle();
  });
  dom.stopBtn.addEventListener("click", () => {
    roll.follow = true;
    controller.stop();
    roll.scrollTo(0);
  });
  dom.loopBtn.addEventListener("click", () => {
    model.set("loop", !model.get("loop"));
    model.save_changes();
  });
  dom.speedInput.addEventListener("input", () => {
    model.set("speed", clampSpeed(Number(dom.speedInput.value)));
    model.save_changes();
  });
  dom.volumeInput.addEventListener("input", () => {
    model.set("volume", clampVolume(Number(dom.volumeInput.value)));
    model.save_changes();
  });
  dom.downloadTempo.addEventListener("change", () => updateDownloads());
  dom.zoomInBtn.addEventListener("click", () => {
    roll.zoomBy(ZOOM_STEP);
    refresh();
  });
  dom.zoomOutBtn.addEventListener("click", () => {
    roll.zoomBy(1 / ZOOM_STEP);
    refresh();
  });
  dom.fitBtn.addEventListener("click", () => {
    roll.fit();
    refresh();
  });

  const download = (format, busyButton, type) => {
    if (controller.music.empty) return;
    busyButton.disabled = true;
    busyButton.classList.add("jw-busy");
    const speed = dom.downloadTempo.value === "heard" ? controller.transport.speed : 1;
    controller.download(format, speed, (message, buffers) => {
      busyButton.disabled = controller.music.empty;
      busyButton.classList.remove("jw-busy");
      if (message.type === "download-error") return showMessage(dom.errorBox, message.message);
      saveBlob(el, bytesOf(buffers?.[0]), type, message.filename);
    });
  };
  dom.midiBtn.addEventListener("click", () => download("midi", dom.midiBtn, "audio/midi"));
  dom.wavBtn.addEventListener("click", () => download("wav", dom.wavBtn, "audio/wav"));

  const seekTo = (event) => {
    if (controller.music.empty) return;
    roll.follow = true;
    controller.seek(roll.timeAt(event.clientX));
  };
  const canvas = roll.canvas;
  canvas.addEventListener("pointerdown", (event) => {
    dragging = true;
    canvas.setPointerCapture?.(event.pointerId);
    seekTo(event);
  });
  canvas.addEventListener("pointermove", (event) => {
    roll.tooltip(event);
    if (dragging) seekTo(event);
  });
  canvas.addEventListener("pointerleave", () => canvas.removeAttribute("title"));
  canvas.addEventListener("pointerup", () => (dragging = false));
  // Ctrl+wheel (a pinch on a touchpad) zooms around the pointer; a sideways wheel scrolls.
  const onWheel = (event) => {
    if (!(event.ctrlKey || event.metaKey) || controller.music.empty) return;
    event.preventDefault();
    roll.zoomBy(Math.exp(-event.deltaY / 300), roll.timeAt(event.clientX));
    refresh();
  };
  dom.stage.addEventListener("wheel", onWheel, { passive: false });
  dom.stage.addEventListener("scroll", () => {
    roll.onScroll();
    dirty = true;
  });

  // ------------------------------------------------------------ model -> this view
  const handlers = [
    ["change:title", refresh],
    ["change:summary", refresh],
    ["change:error", refresh],
    ["change:volume", refresh],
  ];
  for (const [event, handler] of handlers) model.on(event, handler);

  const observer = new ResizeObserver(() => {
    roll.resize();
    refresh();
  });
  observer.observe(dom.stage);
  refresh();
  updateClock();
  requestAnimationFrame(() => roll.resize());
  frame = requestAnimationFrame(loop);

  return () => {
    cancelAnimationFrame(frame);
    observer.disconnect();
    for (const [event, handler] of handlers) model.off(event, handler);
    controller.removeView(view);
    viewClosed();
  };
}

export default { initialize, render };
