// Level meters on canvas, fed by the WebSocket's "meters" messages (about 40 a second) and
// drawn on every animation frame: peak bar with a smooth fall-back, RMS inside it, the
// server's peak hold as a line, a dB scale with marks, and a clip light that stays lit until
// it is clicked (the server keeps it, so every panel and the CLI agree).
import { clearClip } from './api.js';
import { el } from './controls.js';
import { kMeterFloorDb, meterPosition } from './scale.js';

const kFallDbPerS = 24;  // how fast a peak bar sinks back (a PPM-like return)
const kMarks = [0, -6, -12, -18, -24, -36, -48];

export class MeterBoard {
  constructor() {
    this.readings = new Map();  // channel id → {peak_dbfs, rms_dbfs, hold_dbfs, clip}
    this.shown = new Map();     // channel id → displayed peak in dB (falls smoothly)
    this.meters = new Set();
    this.frames = 0;            // frames drawn, for the panel's own frame-rate check
    this.last = performance.now();
    const loop = (now) => {
      this.draw(now);
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }

  // Disconnected: the meters stop where they are and are drawn grey (see draw()).
  setConnected(on) {
    this.connected = on;
    if (!on) for (const m of this.meters) m.drawFrozen?.();
  }

  update(message) {
    if (this.connected === false) return;
    for (const r of [...message.inputs, ...message.outputs]) this.readings.set(r.id, r);
  }

  add(meter) { this.meters.add(meter); return () => this.meters.delete(meter); }

  level(id, dt) {
    const r = this.readings.get(id);
    const peak = r ? r.peak_dbfs : -150;
    const fallen = (this.shown.get(id) ?? -150) - kFallDbPerS * dt;
    const shown = Math.max(peak, fallen);
    this.shown.set(id, shown);
    return { peak: shown, rms: r ? r.rms_dbfs : -150, hold: r ? r.hold_dbfs : -150,
      clip: !!(r && r.clip) };
  }

  draw(now) {
    const dt = Math.min(0.2, (now - this.last) / 1000);
    this.last = now;
    if (this.connected === false) return;  // frozen as they were
    let drawn = 0;
    for (const m of this.meters) {
      if (m.canvas.isConnected && m.canvas.offsetParent !== null) {
        m.draw(m.ids.map((id) => this.level(id, dt)));
        ++drawn;
      }
    }
    if (drawn) ++this.frames;
  }
}

export class Meter {
  // `ids`: the channels drawn side by side ("in1"; "main.L", "main.R"); `name`: what the clip
  // light clears and is called by ("in1 clip", "main clip").
  constructor(ctx, ids, name, options = {}) {
    this.ids = ids;
    this.height = options.height || 150;
    this.barWidth = options.barWidth || 8;
    this.scaleWidth = options.scale === false ? 0 : 18;  // a fader beside it has the marks
    this.canvas = el('canvas', { class: 'meter-canvas', 'aria-hidden': 'true' });
    this.clipLight = el('button', { type: 'button', class: 'clip', 'aria-label': name + ' clip',
      'aria-pressed': 'false', title: 'clip: click to clear', text: 'CLIP',
      onclick: () => clearClip(name).catch((e) => ctx.message(e.message, 'error')) });
    // The channel's name under the meter ("Kick"), kept current by /name/<id>.
    this.caption = null;
    if (options.caption && ctx.store.has('/name/' + options.caption)) {
      this.caption = el('span', { class: 'meter-name' });
      const path = '/name/' + options.caption;
      const show = () => { this.caption.textContent = ctx.store.value(path); };
      show();
      ctx.onCleanup(ctx.store.on(path, show));
    }
    this.node = el('div', { class: 'meter', role: 'meter', 'aria-label': name + ' level',
      'aria-valuemin': String(kMeterFloorDb), 'aria-valuemax': '0' }, this.clipLight,
    this.canvas, this.caption);
    const width = this.scaleWidth + ids.length * (this.barWidth + 2);
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = width * ratio;
    this.canvas.height = this.height * ratio;
    this.canvas.style.width = width + 'px';
    this.canvas.style.height = this.height + 'px';
    this.g = this.canvas.getContext('2d');
    this.g.scale(ratio, ratio);
    this.lastText = '';
    ctx.onCleanup(ctx.meters.add(this));
  }

  drawFrozen() {
    const g = this.g;
    g.fillStyle = 'rgba(23,26,33,0.6)';
    g.fillRect(0, 0, this.canvas.width, this.height);
  }

  y(db) { return this.height - meterPosition(db) * (this.height - 4) - 2; }

  draw(levels) {
    const g = this.g, h = this.height;
    g.clearRect(0, 0, this.canvas.width, h);
    g.font = '9px system-ui, sans-serif';
    g.textAlign = 'right';
    g.fillStyle = '#8a93a3';
    for (const db of this.scaleWidth ? kMarks : []) {
      const y = this.y(db);
      g.fillText(String(db), this.scaleWidth - 3, y + 3);
    }
    let clip = false, loudest = -150;
    levels.forEach((l, k) => {
      const x = this.scaleWidth + k * (this.barWidth + 2);
      g.fillStyle = '#11151c';
      g.fillRect(x, 0, this.barWidth, h);
      const top = this.y(l.peak);
      const gradient = g.createLinearGradient(0, h, 0, 0);
      gradient.addColorStop(0, '#2f9e58');
      gradient.addColorStop(meterPosition(-18), '#4cc36f');
      gradient.addColorStop(meterPosition(-6), '#e2c044');
      gradient.addColorStop(meterPosition(-1), '#e5533d');
      g.fillStyle = gradient;
      g.fillRect(x, top, this.barWidth, h - top);
      const rmsTop = this.y(l.rms);
      g.fillStyle = 'rgba(255,255,255,0.22)';
      g.fillRect(x + 2, rmsTop, this.barWidth - 4, h - rmsTop);
      if (l.hold > kMeterFloorDb) {
        g.fillStyle = '#f4f6fa';
        g.fillRect(x, this.y(l.hold) - 1, this.barWidth, 2);
      }
      g.fillStyle = 'rgba(0,0,0,0.35)';
      for (const db of kMarks) g.fillRect(x, this.y(db), this.barWidth, 1);
      clip ||= l.clip;
      loudest = Math.max(loudest, l.peak);
    });
    this.clipLight.setAttribute('aria-pressed', clip ? 'true' : 'false');
    const text = loudest <= -150 ? '-inf' : loudest.toFixed(1);
    if (text !== this.lastText) {
      this.node.setAttribute('aria-valuenow', String(Math.max(kMeterFloorDb, loudest)));
      this.node.setAttribute('aria-valuetext', text + ' dBFS');
      this.lastText = text;
    }
  }
}

// A gain-reduction meter (a compressor's, a gate's, a limiter's): a bar that grows down from
// 0 dB as the section pulls the level down, fed by the `comp_gr_db` / `gate_gr_db` /
// `limiter_gr_db` of the meter feed. The feed carries the field only while the section is on:
// without it the meter says "off" and is hidden. Over several channels (hp1.L, hp1.R) it
// shows the largest reduction.
const kGrRangeDb = 24;

export class GrMeter {
  constructor(ctx, ids, field, name) {
    this.channels = ids;
    this.ids = [];  // the board's levels are not needed (and level() moves the peaks' fall)
    this.board = ctx.meters;
    this.field = field;
    this.fill = el('div', { class: 'gr-fill' });
    this.text = el('span', { class: 'gr-text', text: 'off' });
    this.meter = el('div', { class: 'gr-meter', role: 'meter', 'aria-label': name,
      'aria-valuemin': '0', 'aria-valuemax': String(kGrRangeDb), 'aria-valuenow': '0',
      'aria-valuetext': 'off', hidden: true },
    el('span', { class: 'caption', text: 'GR' }),
    el('div', { class: 'gr-bar', 'aria-hidden': 'true' }, this.fill), this.text);
    // The slot stays on screen while the meter is hidden: MeterBoard draws only what is shown.
    this.node = el('div', { class: 'gr-slot' }, this.meter);
    this.canvas = this.node;
    this.last = null;
    ctx.onCleanup(ctx.meters.add(this));
  }

  draw() {
    const values = this.channels.map((id) => this.board.readings.get(id)?.[this.field])
      .filter((v) => typeof v === 'number');
    const gr = values.length ? Math.max(...values) : null;
    const text = gr === null ? 'off' : `-${gr.toFixed(1)} dB`;
    if (text === this.last) return;
    this.last = text;
    const m = this.meter;
    m.hidden = gr === null;
    m.dataset.grDb = gr === null ? '' : String(gr);
    m.setAttribute('aria-valuenow', String(gr ?? 0));
    m.setAttribute('aria-valuetext', gr === null ? 'off' : `${gr.toFixed(1)} dB of gain reduction`);
    this.fill.style.height = `${Math.min(1, (gr ?? 0) / kGrRangeDb) * 100}%`;
    this.text.textContent = text;
  }
}
