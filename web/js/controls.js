// The panel's controls, each bound to one parameter path: it shows the store's value, follows
// changes made anywhere, and sends what the user does through the API. Every control has an
// accessible name (labelFor: "in1 gain", "hp1 in3 gain", "Dim"), a keyboard path, the mouse
// wheel and touch; Shift gives fine steps; a double-click puts a level back to its default.
import { ApiError, setText } from './api.js';
import {
  formatValue, fromPosition, isPan, labelFor, stepFrom, toNumber, toPosition,
} from './scale.js';

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

// A vertical drag that starts with pointer event `e` on `target`: `move(dy, event)` gets the
// pixels moved up since the last move, `end()` runs when the pointer lets go. The control is
// marked busy meanwhile, so the server's echo does not fight the hand.
export function dragVertically(control, target, e, move, end) {
  target.setPointerCapture(e.pointerId);
  target.focus();
  control.busy = true;
  let lastY = e.clientY;
  const onMove = (m) => {
    const dy = lastY - m.clientY;
    lastY = m.clientY;
    move(dy, m);
  };
  const onUp = () => {
    control.busy = false;
    target.removeEventListener('pointermove', onMove);
    target.removeEventListener('pointerup', onUp);
    target.removeEventListener('pointercancel', onUp);
    end();
  };
  target.addEventListener('pointermove', onMove);
  target.addEventListener('pointerup', onUp);
  target.addEventListener('pointercancel', onUp);
}

const kEchoHoldMs = 400;

export class ParamControl {
  constructor(ctx, path, options = {}) {
    this.ctx = ctx;
    this.path = path;
    this.param = ctx.store.get(path);
    this.label = options.label || labelFor(path);
    this.busy = false;  // the user is dragging: the server's echo must not fight the hand
    // Just after the hand changed it, the server's echoes of the earlier steps are older than
    // what is shown: a quick second key press must step from what it shows, not from an echo.
    this.holdEchoUntil = 0;
    ctx.onCleanup(ctx.store.on(path, (value, param) => {
      this.param = param;
      if (!this.busy && performance.now() >= this.holdEchoUntil) this.render(value);
    }));
    ctx.onCleanup(() => clearTimeout(this.echoTimer));
  }

  get value() { return this.ctx.store.value(this.path); }
  get unavailable() { return this.param.available === false; }

  commit(value) {
    if (this.ctx.isLocked(this.path)) {
      this.ctx.message(`${this.label} is locked: unlock the monitor controller first`, 'info');
      this.render(this.value);
      return;
    }
    const before = this.ctx.store.value(this.path);
    this.render(value);
    this.holdEchoUntil = performance.now() + kEchoHoldMs;
    clearTimeout(this.echoTimer);
    // Then the server has the last word (a refusal, a glide, a change from elsewhere).
    this.echoTimer = setTimeout(() => { if (!this.busy) this.render(this.value); }, kEchoHoldMs + 50);
    this.ctx.sender.send(this.path, value);
    this.ctx.history?.record([{ path: this.path, before, after: value }], this.label);
  }

  mark(node) {
    if (this.unavailable) {
      node.setAttribute('aria-disabled', 'true');
      node.title = 'not available on this hardware';
      node.classList.add('unavailable');
    }
    return node;
  }
}

// A number typed by hand: sent as text, so the server reads it as the CLI does and refuses it
// with its own message when it is wrong.
class ValueField {
  constructor(control) {
    this.control = control;
    this.input = el('input', {
      class: 'value', type: 'text', inputmode: 'decimal', spellcheck: 'false',
      'aria-label': control.label + ' value',
    });
    this.error = el('span', { class: 'field-error', role: 'alert' });
    this.node = el('span', { class: 'value-field' }, this.input, this.error);
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); this.submit(); }
      if (e.key === 'Escape') { this.show(control.value); this.input.blur(); }
    });
    this.input.addEventListener('blur', () => this.show(control.value));
    if (control.unavailable) this.input.disabled = true;
  }

  show(value) {
    if (document.activeElement !== this.input)
      this.input.value = formatValue(this.control.param, value);
  }

  async submit() {
    const c = this.control;
    if (c.ctx.isLocked(c.path)) { c.commit(c.value); return; }
    const text = this.input.value.trim();
    try {
      const before = c.value;
      const answer = await setText(c.path, text);
      const mine = answer?.changed?.find((x) => x.path === c.path);
      if (mine) c.ctx.history?.record([{ path: c.path, before, after: toNumber(mine.value) }], c.label);
      c.ctx.actionSucceeded?.();
      this.error.textContent = '';
      this.input.classList.remove('refused');
      this.input.blur();
    } catch (e) {
      const why = e instanceof ApiError ? e.message : String(e);
      this.error.textContent = why;
      this.input.classList.add('refused');
      c.ctx.message(why, 'error');
    }
  }
}

// Shared by faders and knobs: vertical drag (relative, so touching a control never jumps it),
// keys, wheel, double-click to default.
class Slider extends ParamControl {
  constructor(ctx, path, options) {
    super(ctx, path, options);
    this.dragSpan = options.dragSpan || 200;  // pixels from bottom to top
  }

  attach(target) {
    target.setAttribute('role', 'slider');
    target.setAttribute('tabindex', '0');
    target.setAttribute('aria-label', this.label);
    target.setAttribute('aria-valuemin', '0');
    target.setAttribute('aria-valuemax', '100');
    target.addEventListener('pointerdown', (e) => this.down(e, target));
    target.addEventListener('keydown', (e) => this.key(e));
    target.addEventListener('wheel', (e) => {
      e.preventDefault();
      this.nudge(e.deltaY < 0 ? 1 : -1, e.shiftKey);
    }, { passive: false });
    target.addEventListener('dblclick', () => this.commit(toNumber(this.param.default)));
    this.target = this.mark(target);
  }

  down(e, target) {
    if (this.unavailable || e.button > 0) return;
    let position = toPosition(this.param, this.value);
    dragVertically(this, target, e, (dy, m) => {
      const scale = (m.shiftKey ? 0.1 : 1) / this.dragSpan;
      position = Math.min(1, Math.max(0, position + dy * scale));
      const v = fromPosition(this.param, position);
      if (v !== this.shown) this.commit(v);
    }, () => {
      // After the hand lets go the server has the last word (a glide may still be running).
      setTimeout(() => this.render(this.value), 150);
    });
  }

  key(e) {
    const steps = { ArrowUp: 1, ArrowRight: 1, ArrowDown: -1, ArrowLeft: -1, PageUp: 6,
      PageDown: -6 }[e.key];
    if (steps) { e.preventDefault(); this.nudge(steps, e.shiftKey); return; }
    if (e.key === 'Home') { e.preventDefault(); this.commit(toNumber(this.param.min)); }
    if (e.key === 'End') { e.preventDefault(); this.commit(toNumber(this.param.max)); }
  }

  nudge(steps, fine) {
    if (this.unavailable) return;
    // From what is shown: quick presses add up before the server's echo arrives.
    this.commit(stepFrom(this.param, this.shown ?? this.value, steps, fine));
  }

  renderAria(value) {
    this.shown = value;
    const t = this.target;
    t.setAttribute('aria-valuenow', Math.round(toPosition(this.param, value) * 100));
    const unit = this.param.unit ? ' ' + this.param.unit : '';
    t.setAttribute('aria-valuetext', formatValue(this.param, value) + unit);
    this.field?.show(value);
  }
}

const kFaderMarks = [6, 0, -6, -12, -20, -30, -40, -60];

export class Fader extends Slider {
  constructor(ctx, path, options = {}) {
    super(ctx, path, { dragSpan: 180, ...options });
    this.thumb = el('div', { class: 'fader-thumb' });
    this.fill = el('div', { class: 'fader-fill' });
    const track = el('div', { class: 'fader-track' }, this.fill, this.thumb);
    const marks = el('div', { class: 'fader-marks', 'aria-hidden': 'true' });
    const max = toNumber(this.param.max);
    for (const db of kFaderMarks) {
      if (db > max) continue;
      const mark = el('span', { text: db > 0 ? '+' + db : String(db) });
      // The thumb (16 px) travels inside the track: a mark sits where the thumb's centre does.
      mark.style.bottom = `calc((100% - 16px) * ${toPosition(this.param, db)} + 8px)`;
      marks.append(mark);
    }
    this.field = new ValueField(this);
    this.node = el('div', { class: 'fader' + (options.compact ? ' compact' : '') },
      el('div', { class: 'fader-body' }, options.compact ? null : marks, track),
      this.field.node);
    this.attach(track);
    this.render(this.value);
  }

  render(value) {
    const p = toPosition(this.param, value);
    this.thumb.style.bottom = `calc((100% - 16px) * ${p})`;
    this.fill.style.height = `calc((100% - 16px) * ${p} + 8px)`;
    this.renderAria(value);
  }
}

export class Knob extends Slider {
  constructor(ctx, path, options = {}) {
    super(ctx, path, { dragSpan: 200, ...options });
    const size = options.size || 52;
    const r = size / 2 - 5;
    this.geometry = { c: size / 2, r };
    const face = svg('svg', { width: size, height: size, viewBox: `0 0 ${size} ${size}` });
    face.append(svg('path', { class: 'knob-track', d: this.arc(0, 1) }));
    this.arcPath = svg('path', { class: 'knob-arc', d: '' });
    this.pointer = svg('line', { class: 'knob-pointer', x1: size / 2, y1: size / 2 });
    face.append(this.arcPath, this.pointer);
    const dial = el('div', { class: 'knob-dial' });
    dial.append(face);
    // The scale's ends under the dial: 0 … 60 dB, -inf … +6 dB, L … R, 20 … 20k Hz.
    const signed = this.param.unit === 'dB';
    const end = (v) => (isPan(this.param) ? (v < 0 ? 'L' : 'R')
      : v === -Infinity ? '-inf' : v >= 1000 ? `${v / 1000}k` : (v > 0 && signed ? '+' : '') + v);
    const scale = el('div', { class: 'knob-scale', 'aria-hidden': 'true' },
      el('span', { text: end(toNumber(this.param.min)) }),
      el('span', { text: size >= 50 ? this.param.unit || '' : '' }),
      el('span', { text: end(toNumber(this.param.max)) }));
    scale.style.width = size + 'px';
    this.field = new ValueField(this);
    this.node = el('div', { class: 'knob' + (options.big ? ' big' : '') }, dial, scale,
      options.caption ? el('span', { class: 'caption', text: options.caption }) : null,
      this.field.node);
    this.attach(dial);
    this.render(this.value);
  }

  angle(position) { return (-135 + 270 * position) * Math.PI / 180; }

  point(position, radius) {
    const a = this.angle(position), { c } = this.geometry;
    return [c + radius * Math.sin(a), c - radius * Math.cos(a)];
  }

  arc(from, to) {
    const { r } = this.geometry;
    const [x0, y0] = this.point(from, r), [x1, y1] = this.point(to, r);
    const large = (to - from) * 270 > 180 ? 1 : 0;
    return `M ${x0} ${y0} A ${r} ${r} 0 ${large} 1 ${x1} ${y1}`;
  }

  render(value) {
    const p = toPosition(this.param, value);
    const origin = isPan(this.param) ? 0.5 : 0;  // pan grows from the centre
    this.arcPath.setAttribute('d', Math.abs(p - origin) < 1e-3 ? ''
      : this.arc(Math.min(p, origin), Math.max(p, origin)));
    const [x, y] = this.point(p, this.geometry.r - 4);
    this.pointer.setAttribute('x2', x);
    this.pointer.setAttribute('y2', y);
    this.renderAria(value);
  }
}

export class Toggle extends ParamControl {
  constructor(ctx, path, options = {}) {
    super(ctx, path, options);
    this.node = this.mark(el('button', {
      class: 'toggle ' + (options.kind || ''), type: 'button', 'aria-label': this.label,
      text: options.text || this.label,
    }));
    this.node.addEventListener('click', () => {
      if (!this.unavailable) this.commit(!this.value);
    });
    this.render(this.value);
  }

  render(value) {
    this.node.setAttribute('aria-pressed', value ? 'true' : 'false');
  }
}

// Talkback: held, it talks while held; clicked, it latches until clicked again.
export class MomentaryToggle extends Toggle {
  constructor(ctx, path, options = {}) {
    super(ctx, path, options);
    const fresh = this.node.cloneNode(true);  // without Toggle's click handler
    this.node.replaceWith(fresh);
    this.node = fresh;
    let pressedAt = 0, wasOn = false;
    fresh.addEventListener('pointerdown', (e) => {
      if (e.button > 0) return;
      pressedAt = performance.now();
      wasOn = !!this.value;
      if (!wasOn) this.commit(true);
    });
    const release = () => {
      if (!pressedAt) return;
      const held = performance.now() - pressedAt;
      pressedAt = 0;
      if (wasOn || held > 400) this.commit(false);  // a hold ends, or a latch is released
    };
    fresh.addEventListener('pointerup', release);
    fresh.addEventListener('pointercancel', release);
    fresh.addEventListener('keydown', (e) => {
      if ((e.key === 'Enter' || e.key === ' ') && !e.repeat) {
        e.preventDefault();
        this.commit(!this.value);
      }
    });
    this.render(this.value);
  }
}

// 48 V: on only after a press held for about a second (and, with a passive ribbon on the
// input, a confirmation); off at once.
export class HoldToggle extends Toggle {
  static kHoldMs = 1000;

  constructor(ctx, path, options = {}) {
    super(ctx, path, options);
    this.confirm = options.confirm;  // async () => boolean, or null
    const fresh = this.node.cloneNode(true);
    this.node.replaceWith(fresh);
    this.node = fresh;
    this.progress = el('span', { class: 'hold-progress', 'aria-hidden': 'true' });
    fresh.append(this.progress);
    let timer = null;
    let downAt = 0;
    const complete = async () => {
      clearTimeout(timer);
      timer = null;
      fresh.classList.remove('holding');
      if (this.confirm && !(await this.confirm())) return;
      this.commit(true);
    };
    const start = () => {
      if (this.unavailable) return;
      if (this.value) { this.commit(false); return; }
      fresh.classList.add('holding');
      downAt = performance.now();
      timer = setTimeout(complete, HoldToggle.kHoldMs);
    };
    const stop = () => {
      if (!timer) return;
      // A busy page may hand over the release before the timer's turn: a press held for the
      // whole second is a hold, whichever of the two comes first.
      if (performance.now() - downAt >= HoldToggle.kHoldMs) { complete(); return; }
      clearTimeout(timer);
      timer = null;
      fresh.classList.remove('holding');
      ctx.message(`Hold ${this.label} for a second to switch 48 V on`, 'info');
    };
    fresh.addEventListener('pointerdown', (e) => { if (e.button === 0) start(); });
    fresh.addEventListener('pointerup', stop);
    fresh.addEventListener('pointerleave', stop);
    fresh.addEventListener('pointercancel', stop);
    fresh.addEventListener('keydown', (e) => {
      if ((e.key === 'Enter' || e.key === ' ') && !e.repeat) { e.preventDefault(); start(); }
    });
    fresh.addEventListener('keyup', (e) => { if (e.key === 'Enter' || e.key === ' ') stop(); });
    this.render(this.value);
  }
}

// A choice: a row of buttons for a few options, a list box for many.
export class Choice extends ParamControl {
  constructor(ctx, path, options = {}) {
    super(ctx, path, options);
    const names = options.names || {};  // choice → [visible text, accessible name]
    const choices = this.param.choices;
    if (choices.length <= (options.maxButtons ?? 4)) {
      this.buttons = new Map();
      this.node = this.mark(el('div', { class: 'choice', role: 'radiogroup',
        'aria-label': this.label }));
      for (const c of choices) {
        const [text, name] = names[c] || [c, c];
        const b = el('button', { type: 'button', role: 'radio', text, 'aria-label': name,
          onclick: () => { if (!this.unavailable) this.commit(c); } });
        this.buttons.set(c, b);
        this.node.append(b);
      }
    } else {
      this.select = el('select', { 'aria-label': this.label });
      for (const c of choices) this.select.append(el('option', { value: c,
        text: (names[c] || [c])[0] }));
      this.select.addEventListener('change', () => this.commit(this.select.value));
      if (this.unavailable) this.select.disabled = true;
      this.node = this.mark(el('span', { class: 'choice' }, this.select));
    }
    this.render(this.value);
  }

  render(value) {
    if (this.select) { this.select.value = value; return; }
    for (const [c, b] of this.buttons) b.setAttribute('aria-checked', c === value ? 'true' : 'false');
  }
}

// A channel's name, live: the text of /name/<id> (the id where the device has no name for it).
export function nameText(ctx, id, tag = 'span', attributes = {}) {
  const path = '/name/' + id;
  const node = el(tag, attributes);
  const show = () => { node.textContent = ctx.store.has(path) ? ctx.store.value(path) : id; };
  show();
  if (ctx.store.has(path)) ctx.onCleanup(ctx.store.on(path, show));
  return node;
}

// A name typed in place: Enter or leaving the field sends it, Escape puts the old one back.
// An empty field gives the device's label back. The server refuses a bad one with its reason.
export class NameField extends ParamControl {
  constructor(ctx, id, options = {}) {
    super(ctx, '/name/' + id, { label: `${id} name`, ...options });
    this.input = el('input', { class: 'name-field', type: 'text', spellcheck: 'false',
      'aria-label': this.label, title: `${id}: click to rename` });
    this.node = this.input;
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); this.input.blur(); }
      if (e.key === 'Escape') { this.render(this.value); this.skip = true; this.input.blur(); }
    });
    this.input.addEventListener('blur', () => {
      if (this.skip) { this.skip = false; return; }
      const text = this.input.value.trim() || this.param.default;
      if (text !== this.value) this.commit(text);
    });
    this.render(this.value);
  }

  render(value) {
    if (document.activeElement !== this.input) this.input.value = value;
  }
}
