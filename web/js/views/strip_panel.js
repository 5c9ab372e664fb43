// A channel's strip in a dialog, as TotalMix FX's channel settings and UA Console's insert
// view show it: the EQ curve across the top, then one panel per section in signal order
// (low cut → EQ → compressor → gate → LV2 plugins → hardware insert for an input; LV2 plugins
// → room EQ → delay → limiter for an output), each with its switch, its controls and, for the
// dynamics, a gain-reduction meter.
//
// Everything comes from the parameter tree: a section, band or control is shown because its
// path exists, with the range, unit and choices the tree gives. The curve is not computed
// here: GET /api/strips/<id>/response gives the magnitude of the filters the engine designs
// at the running rate, fetched again whenever a low cut or EQ parameter changes (from this
// dialog, another panel, the CLI or a recall). The GR meters read the meter feed's
// comp_gr_db / gate_gr_db / limiter_gr_db, present only while the section is on.
import { getJson } from '../api.js';
import { Choice, el, Knob, Toggle } from '../controls.js';
import { dialogContext, showDialog } from './dialog.js';
import { GrMeter } from '../meters.js';
import { insertSection } from './insert_panel.js';
import { pluginSection, pluginSlots } from './plugin_panel.js';

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attributes = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

// The curve's frame: 20 Hz … 20 kHz on a log axis, ±24 dB (the EQ's range) on a linear one.
export const kCurve = { width: 640, height: 200, lowHz: 20, highHz: 20000, rangeDb: 24, points: 241 };
const xOf = (f) => kCurve.width * Math.log(f / kCurve.lowHz) / Math.log(kCurve.highHz / kCurve.lowHz);
const yOf = (db) => kCurve.height / 2 - db * (kCurve.height / 2) / kCurve.rangeDb;
const clampY = (y) => Math.min(kCurve.height + 2, Math.max(-2, y));

const kSectionTitles = { lowcut: 'Low cut', eq: 'EQ', comp: 'Compressor', gate: 'Gate', limiter: 'Limiter' };
const kGrFields = { comp: 'comp_gr_db', gate: 'gate_gr_db', limiter: 'limiter_gr_db' };
const kSwitchText = { on: 'On', rec_fx: 'Rec FX', ms: 'M/S' };
const kCaptions = { freq: 'Freq', gain: 'Gain', q: 'Q', threshold: 'Threshold', ratio: 'Ratio',
  attack: 'Attack', release: 'Release', knee: 'Knee', makeup: 'Make-up', range: 'Range',
  hold: 'Hold', ceiling: 'Ceiling', delay: 'Delay', width: 'Width' };
const kShapeNames = { low_shelf: 'low shelf', high_shelf: 'high shelf', low_pass: 'low pass',
  high_pass: 'high pass' };

function channelsOf(ctx, kind, id) {
  if (kind === 'input') return [id];
  return ctx.device.output_channels.filter((c) => c === id || c.startsWith(id + '.'));
}

// One control for one parameter, by its type in the tree.
function control(ctx, path) {
  const param = ctx.store.get(path);
  const leaf = path.split('/').pop();
  if (param.type === 'bool')
    return new Toggle(ctx, path, { text: kSwitchText[leaf] || leaf, kind: 'strip-switch' }).node;
  if (param.type === 'choice') {
    const names = {};
    for (const c of param.choices)
      names[c] = leaf === 'slope' ? [`${c} dB/oct`, `${c} dB per octave`] : [kShapeNames[c] || c, kShapeNames[c] || c];
    return el('label', { class: 'field' }, el('span', { text: leaf === 'slope' ? 'Slope' : 'Shape' }),
      new Choice(ctx, path, { names, maxButtons: 3 }).node);
  }
  return new Knob(ctx, path, { size: 40, caption: kCaptions[leaf] || leaf }).node;
}

// The parameters directly under `prefix` that are leaves (not a band's folder), in tree order.
function leaves(ctx, prefix) {
  return ctx.store.children(prefix).filter((name) => ctx.store.has(prefix + name));
}

function sectionHead(title) {
  return el('div', { class: 'section-head' }, el('h3', { text: title }));
}

// A section panel: its title and switch, its controls, a GR meter for a dynamics section.
function section(ctx, kind, id, name) {
  const prefix = `/${kind}/${id}/${name}/`;
  const head = sectionHead(kSectionTitles[name] || name);
  const box = el('section', { class: `strip-section section-${name}`, 'aria-label': `${id} ${kSectionTitles[name] || name}` },
    head);
  const controls = el('div', { class: 'section-controls' });
  for (const leaf of leaves(ctx, prefix)) {
    const node = control(ctx, prefix + leaf);
    if (leaf === 'on') head.append(node);
    else controls.append(node);
  }
  box.append(controls);
  if (kGrFields[name])
    box.append(new GrMeter(ctx, channelsOf(ctx, kind, id), kGrFields[name],
      `${id} ${name} gain reduction`).node);
  return box;
}

// The EQ section: its switch, then a column per band (/eq/low, /eq/mid1 … or /eq/1 … /eq/12).
function eqSection(ctx, kind, id) {
  const prefix = `/${kind}/${id}/eq/`;
  const head = sectionHead(kind === 'output' ? 'Room EQ' : 'EQ');
  const box = el('section', { class: 'strip-section section-eq', 'aria-label': `${id} EQ` }, head);
  if (ctx.store.has(prefix + 'on')) head.append(control(ctx, prefix + 'on'));
  const bands = el('div', { class: 'eq-bands' });
  for (const band of ctx.store.children(prefix)) {
    if (ctx.store.has(prefix + band)) continue;  // a leaf (on), not a band
    const column = el('div', { class: 'eq-band', role: 'group', 'aria-label': `${id} eq ${band}` },
      el('span', { class: 'band-name', text: band }));
    for (const leaf of leaves(ctx, `${prefix}${band}/`)) column.append(control(ctx, `${prefix}${band}/${leaf}`));
    bands.append(column);
  }
  box.append(bands);
  return box;
}

// The curve: a grid, the low cut and EQ drawn thin, their sum thick, a dot per band.
class ResponseCurve {
  constructor(ctx, kind, id) {
    this.ctx = ctx;
    this.id = id;
    this.kind = kind;
    this.draws = 0;
    this.node = svg('svg', { class: 'eq-curve', role: 'img', viewBox: `0 0 ${kCurve.width} ${kCurve.height}`,
      'aria-label': `${id} EQ curve`, 'data-zero-y': yOf(0), 'data-px-per-db': (kCurve.height / 2) / kCurve.rangeDb,
      'data-low-hz': kCurve.lowHz, 'data-high-hz': kCurve.highHz, 'data-width': kCurve.width });
    const grid = svg('g', { class: 'curve-grid', 'aria-hidden': 'true' });
    for (const f of [50, 100, 200, 500, 1000, 2000, 5000, 10000]) {
      grid.append(svg('line', { x1: xOf(f), x2: xOf(f), y1: 0, y2: kCurve.height }));
      if ([100, 1000, 10000].includes(f)) {
        const t = svg('text', { x: xOf(f) + 3, y: kCurve.height - 4 });
        t.textContent = f >= 1000 ? `${f / 1000}k` : String(f);
        grid.append(t);
      }
    }
    for (const db of [-18, -12, -6, 6, 12, 18]) {
      grid.append(svg('line', { x1: 0, x2: kCurve.width, y1: yOf(db), y2: yOf(db) }));
      const t = svg('text', { x: 3, y: yOf(db) - 2 });
      t.textContent = (db > 0 ? '+' : '') + db;
      grid.append(t);
    }
    grid.append(svg('line', { class: 'curve-zero', x1: 0, x2: kCurve.width, y1: yOf(0), y2: yOf(0) }));
    this.lowcut = svg('path', { class: 'curve-part curve-lowcut', d: '' });
    this.eq = svg('path', { class: 'curve-part curve-eq', d: '' });
    this.total = svg('path', { class: 'curve-total', d: '' });
    this.dots = svg('g', { class: 'curve-bands', 'aria-hidden': 'true' });
    this.node.append(grid, this.lowcut, this.eq, this.total, this.dots);
    this.summary = el('p', { class: 'curve-summary', 'aria-live': 'polite' });
    this.inFlight = false;
    this.again = false;
    // Every low cut or EQ parameter of this strip redraws the curve.
    for (const path of ctx.store.params.keys())
      if (path.startsWith(`/${kind}/${id}/eq/`) || path.startsWith(`/${kind}/${id}/lowcut/`))
        ctx.onCleanup(ctx.store.on(path, () => this.refresh()));
    this.refresh();
  }

  async refresh() {
    if (this.inFlight) { this.again = true; return; }
    this.inFlight = true;
    try {
      const r = await getJson(`/api/strips/${encodeURIComponent(this.id)}/response?points=${kCurve.points}`);
      if (this.node.isConnected) this.draw(r);
    } catch (e) {
      this.ctx.message(`${this.id} EQ curve: ${e.message}`, 'error');
    }
    this.inFlight = false;
    if (this.again) { this.again = false; this.refresh(); }
  }

  path(freq, db) {
    return freq.map((f, k) => `${k ? 'L' : 'M'} ${xOf(f).toFixed(2)} ${clampY(yOf(db[k])).toFixed(2)}`).join(' ');
  }

  draw(r) {
    this.lowcut.setAttribute('d', r.lowcut_on ? this.path(r.freq_hz, r.lowcut_db) : '');
    this.eq.setAttribute('d', r.eq_on && r.lowcut_on ? this.path(r.freq_hz, r.eq_db) : '');
    this.total.setAttribute('d', this.path(r.freq_hz, r.total_db));
    this.node.dataset.rateHz = r.rate_hz;
    this.node.dataset.draws = String(++this.draws);
    this.drawDots(r);
    const on = [r.lowcut_on && 'low cut', r.eq_on && 'EQ'].filter(Boolean);
    this.summary.textContent = on.length ? `${on.join(' and ')} on, at ${r.rate_hz / 1000} kHz`
      : 'low cut and EQ off: flat';
  }

  // A dot where each band sits (its frequency, and its gain for a bell or shelf), shown while
  // the EQ is on and the band is. A dot can be dragged, as on TotalMix's and UA's EQ
  // displays: across is the band's frequency (on the log axis), up and down its gain. The
  // knobs stay the keyboard's way to the same parameters.
  drawDots(r) {
    const prefix = `/${this.kind}/${this.id}/eq/`;
    this.dotMap ??= new Map();
    for (const band of this.ctx.store.children(prefix)) {
      const p = (leaf) => `${prefix}${band}/${leaf}`;
      if (!this.ctx.store.has(p('freq'))) continue;
      let dot = this.dotMap.get(band);
      if (!dot) {
        dot = svg('circle', { r: 6, 'data-band': band, class: 'band-dot' });
        const title = svg('title');
        title.textContent = `${band}: drag across for the frequency, up and down for the gain`;
        dot.append(title);
        dot.addEventListener('pointerdown', (e) => this.drag(e, dot, p));
        this.dotMap.set(band, dot);
        this.dots.append(dot);
      }
      const shown = r.eq_on && !(this.ctx.store.has(p('on')) && !this.ctx.store.value(p('on')));
      dot.style.display = shown ? '' : 'none';
      if (dot === this.dragging) continue;  // the hand has it
      const type = this.ctx.store.has(p('type')) ? this.ctx.store.value(p('type')) : 'bell';
      const gain = ['low_pass', 'high_pass'].includes(type) ? 0 : this.ctx.store.value(p('gain'));
      dot.setAttribute('cx', xOf(this.ctx.store.value(p('freq'))));
      dot.setAttribute('cy', clampY(yOf(gain)));
    }
  }

  drag(e, dot, p) {
    if (e.button > 0) return;
    e.preventDefault();
    const { store, sender } = this.ctx;
    const freq = store.get(p('freq')), gain = store.get(p('gain'));
    const before = [{ path: p('freq'), before: freq.value }, { path: p('gain'), before: gain.value }];
    const clamp = (param, v) => Math.min(Number(param.max), Math.max(Number(param.min), v));
    this.dragging = dot;
    dot.setPointerCapture(e.pointerId);
    const move = (m) => {
      const point = this.node.createSVGPoint();
      point.x = m.clientX;
      point.y = m.clientY;
      const at = point.matrixTransform(this.node.getScreenCTM().inverse());
      const hz = clamp(freq, kCurve.lowHz * Math.pow(kCurve.highHz / kCurve.lowHz, at.x / kCurve.width));
      const db = clamp(gain, (kCurve.height / 2 - at.y) / ((kCurve.height / 2) / kCurve.rangeDb));
      const hzRounded = Math.round(hz * 10) / 10, dbRounded = Math.round(db * 10) / 10;
      dot.setAttribute('cx', xOf(hzRounded));
      dot.setAttribute('cy', clampY(yOf(dbRounded)));
      sender.send(p('freq'), hzRounded);
      sender.send(p('gain'), dbRounded);
      before[0].after = hzRounded;
      before[1].after = dbRounded;
    };
    const up = () => {
      this.dragging = null;
      dot.removeEventListener('pointermove', move);
      dot.removeEventListener('pointerup', up);
      dot.removeEventListener('pointercancel', up);
      const changes = before.filter((c) => c.after !== undefined && c.after !== c.before);
      if (changes.length) this.ctx.history?.record(changes, `${this.id} eq ${dot.dataset.band}`);
    };
    dot.addEventListener('pointermove', move);
    dot.addEventListener('pointerup', up);
    dot.addEventListener('pointercancel', up);
  }
}

let dialogCount = 0;

// Opens `kind` ('input' | 'output') `id`'s strip; `opener` gets the focus back on close.
export function openStrip(ctx, kind, id, opener) {
  const titleId = `strip-title-${++dialogCount}`;
  const dctx = dialogContext(ctx);
  const close = el('button', { type: 'button', class: 'strip-close', text: '✕ Close',
    'aria-label': `Close ${id} strip` });
  const head = el('header', { class: 'strip-head' },
    el('h2', { id: titleId, text: `${ctx.name(id)} · ${id} · strip` }), close);
  const curve = new ResponseCurve(dctx, kind, id);
  const body = el('div', { class: 'strip-sections' });
  const base = `/${kind}/${id}/`;
  if (kind === 'input') {
    for (const name of ['lowcut', 'eq', 'comp', 'gate'])
      if (ctx.store.children(base + name + '/').length)
        body.append(name === 'eq' ? eqSection(dctx, kind, id) : section(dctx, kind, id, name));
    // The plugin slots, then the hardware insert, after the strip: the engine's order
    // (decisions.md, "LV2 plugin slots", "Hardware inserts").
    const plugins = pluginSection(dctx, kind, id);
    if (plugins) body.append(plugins);
    const insert = insertSection(dctx, id);
    if (insert) body.append(insert);
    const extra = ['width', 'ms', 'rec_fx'].filter((leaf) => ctx.store.has(base + leaf));
    if (extra.length) {
      const box = el('section', { class: 'strip-section', 'aria-label': `${id} channel` },
        sectionHead('Channel'));
      const controls = el('div', { class: 'section-controls' });
      for (const leaf of extra) controls.append(control(dctx, base + leaf));
      box.append(controls);
      body.append(box);
    }
  } else {
    // The plugin slots first: they run after the output's volume, before its room EQ, delay
    // and limiter, so the limiter stays the last word (decisions.md, "LV2 plugin slots").
    const plugins = pluginSection(dctx, kind, id);
    if (plugins) body.append(plugins);
    if (ctx.store.children(base + 'eq/').length) body.append(eqSection(dctx, kind, id));
    if (ctx.store.has(base + 'delay')) {
      body.append(el('section', { class: 'strip-section', 'aria-label': `${id} delay` },
        sectionHead('Delay'), el('div', { class: 'section-controls' }, control(dctx, base + 'delay'))));
    }
    if (ctx.store.children(base + 'limiter/').length) body.append(section(dctx, kind, id, 'limiter'));
  }
  const dialog = el('dialog', { class: 'strip-dialog', 'aria-labelledby': titleId,
    'data-strip': id },
  head, el('div', { class: 'curve-box' }, curve.node, curve.summary), body);
  return showDialog(ctx, dctx, dialog, close, opener);
}

// The button on a strip that opens it, lit with the sections that are on.
export function stripButton(ctx, kind, id) {
  const base = `/${kind}/${id}/`;
  const sections = [['lowcut', 'LC'], ['eq', 'EQ'], ['comp', 'C'], ['gate', 'G'], ['insert', 'INS'],
    ['limiter', 'L']]
    .filter(([s]) => ctx.store.has(`${base}${s}/on`));
  const lights = el('span', { class: 'strip-lights', 'aria-hidden': 'true' });
  const title = kind === 'input' ? `${id}: low cut, EQ, dynamics, plugins and insert`
    : `${id}: plugins, room EQ, delay${ctx.store.has(`${base}limiter/on`) ? ' and limiter' : ''}`;
  const button = el('button', { type: 'button', class: 'strip-open', 'aria-haspopup': 'dialog',
    'aria-label': `${id} strip`, title }, el('span', { text: 'Strip' }), lights);
  // Plugins loaded in the slots light LV2 (bypassed or not: they are loaded) where the signal
  // meets them: on an input between the strip's sections and the insert, on an output first.
  const slots = pluginSlots(ctx.store, kind, id).map((n) => `${base}insert/${n}/plugin`);
  const show = () => {
    const on = sections.filter(([s]) => ctx.store.value(`${base}${s}/on`));
    const plugins = slots.filter((path) => ctx.store.value(path)).length;
    const insertAt = kind === 'output' ? 0 : on.findIndex(([s]) => s === 'insert');
    if (plugins) on.splice(insertAt < 0 ? on.length : insertAt, 0, ['plugins', 'LV2']);
    lights.textContent = on.map(([, t]) => t).join(' ');
    button.dataset.on = on.map(([s]) => s).join(' ');
    button.dataset.plugins = String(plugins);
  };
  for (const [s] of sections) ctx.onCleanup(ctx.store.on(`${base}${s}/on`, show));
  for (const path of slots) ctx.onCleanup(ctx.store.on(path, show));
  show();
  button.addEventListener('click', () => openStrip(ctx, kind, id, button));
  return button;
}
