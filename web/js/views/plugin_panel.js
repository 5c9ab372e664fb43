// A channel's LV2 plugin slots in its strip dialog, where the engine runs them (decisions.md,
// "LV2 plugin slots"): for a hardware input between the strip's own sections and the
// hardware insert, for an output after its volume and before its room EQ, delay and limiter.
// Per slot: a picker of the installed plugins that fit the channel (GET /api/plugins, grouped
// by maker and searchable; a URI typed in the search box and Enter loads that plugin), Remove,
// Bypass, and the plugin's controls once it is loaded. A slot is named by its base path
// (/input/in5/insert/1/, /output/main/insert/2/), so inputs and outputs share all of it.
//
// A plugin's controls are parameters of the tree (BASE/SYMBOL) that come and go with the
// plugin, so the tree the panel got in the WebSocket's hello does not have them: whenever a
// slot's plugin changes (from here or anywhere else), the slot's parameters are read again
// (GET /api/params?prefix=…) into the store, and from then on the change stream moves them
// like any other control. A refusal (a plugin that is not installed, cannot be hosted, does
// not fit the channel's layout or fails to start) is shown as the server words it: the panel
// does not judge a layout itself, it only lists what fits. The channel's latency is the
// server's figure (GET /api/status, latency.inputs.ID or latency.outputs.ID), read on every
// change of a slot and every second while the dialog is open: a plugin may report its latency
// only once it runs.
import { ApiError, getJson, setParam } from '../api.js';
import { el, Knob, Toggle } from '../controls.js';
import { dialogContext } from './dialog.js';
import { isPluginControl } from '../scale.js';

// The slot numbers `kind` ('input' | 'output') `id` has (1, 2), from the tree.
export function pluginSlots(store, kind, id) {
  const base = `/${kind}/${id}/insert/`;
  return store.children(base).filter((n) => /^\d+$/.test(n) && store.has(`${base}${n}/plugin`));
}

// What a channel's slots take, as the server decides it (http-api.md, GET /api/plugins): an
// input and a mono output a 1-in/1-out plugin; a stereo output, and a linked pair's first
// input (/link/<id> on: its slots are the pair's), a 2-in/2-out one, or a mono one that runs
// once a side.
function layoutOf(ctx, kind, id) {
  if (kind === 'input') return ctx.store.value(`/link/${id}`) ? 'stereo' : 'mono';
  return outputLayout(ctx, id);
}
// An output's, and so its mix's FX buses' (fx_panel.js).
export function outputLayout(ctx, id) {
  const sides = ctx.device.output_channels.filter((c) => c.startsWith(id + '.')).length;
  return sides >= 2 ? 'stereo' : 'mono';
}
const kFits = {
  mono: { fits: (p) => p.mono_slot, words: 'a mono channel' },
  stereo: { fits: (p) => p.stereo_slot, words: 'a stereo channel (stereo, or mono once a side)' },
};

// The installed plugins, read once per page: the server reads them once per process too.
let catalogRequest = null;
function catalog() {
  catalogRequest ??= getJson('/api/plugins').then((r) => r.plugins)
    .catch((e) => { catalogRequest = null; throw e; });
  return catalogRequest;
}

const makerOf = (uri) => { try { return new URL(uri).host || uri; } catch { return uri; } };
const whyOf = (e) => (e instanceof ApiError ? e.message : String(e));
const wordsOf = (text) => text.trim().toLowerCase().split(/\s+/).filter(Boolean);
const matches = (words, text) => words.every((w) => text.toLowerCase().includes(w));

// A control's caption: the plugin's name for it, without the note on whole numbers or the
// list of choices the tree's description adds (those stay in the tooltip).
const captionOf = (param, leaf) => (param.description || leaf).replace(/ \(whole numbers\).*$/, '')
  .replace(/: .*$/, '');

function pluginControl(ctx, path) {
  const param = ctx.store.get(path);
  const leaf = path.split('/').pop();
  const caption = captionOf(param, leaf);
  const node = param.type === 'bool'
    ? new Toggle(ctx, path, { text: caption, kind: 'strip-switch' }).node
    : new Knob(ctx, path, { size: 40, caption }).node;
  node.title = param.description || leaf;
  return node;
}

export class PluginSlot {
  // `base`: the slot's path with a slash after it (/output/main/insert/1/, an FX bus's
  // /output/hp1/reverb/insert/1/); `layout`: what the channel takes ('mono' | 'stereo').
  constructor(ctx, base, layout, onChange) {
    this.ctx = ctx;
    this.base = base;
    this.layout = layout;
    this.onChange = onChange;
    // The accessible names' rule (web-panel.md): the path without its first part.
    this.label = base.split('/').filter(Boolean).slice(1).join(' ');
    const slot = base.split('/').filter(Boolean).pop();
    this.search = el('input', { type: 'search', class: 'plugin-search', placeholder: 'search, or a URI',
      'aria-label': `${this.label} plugin search`,
      title: 'narrows the list; Enter loads the only match, or the URI typed' });
    this.picker = el('select', { class: 'plugin-picker', 'aria-label': `${this.label} plugin` },
      el('option', { value: '', text: 'none' }));
    this.remove = el('button', { type: 'button', class: 'plugin-remove', text: 'Remove',
      'aria-label': `Remove ${this.label} plugin` });
    const bypass = new Toggle(ctx, this.base + 'bypass', { text: 'Bypass', kind: 'strip-switch' }).node;
    this.result = el('p', { class: 'insert-result plugin-result', 'data-plugin': 'result', 'aria-live': 'polite' });
    this.controls = el('div', { class: 'section-controls plugin-controls' });
    this.node = el('div', { class: 'plugin-slot', role: 'group', 'aria-label': `${this.label} slot`,
      'data-slot': slot, 'data-layout': layout },
    el('div', { class: 'plugin-slot-head' }, el('span', { class: 'band-name', text: `Slot ${slot}` }),
      this.picker, this.search, this.remove, bypass),
    this.result, this.controls);
    this.controlsCtx = null;
    this.reads = 0;

    this.picker.addEventListener('change', () => this.load(this.picker.value));
    this.remove.addEventListener('click', () => this.load(''));
    this.search.addEventListener('input', () => this.filter());
    this.search.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      this.enter();
    });
    ctx.onCleanup(ctx.store.on(this.base + 'plugin', () => { this.showPlugin(); this.readControls(); }));
    ctx.onCleanup(ctx.store.on(this.base + 'bypass', () => this.onChange()));
    ctx.onCleanup(() => this.controlsCtx?.cleanups.forEach((fn) => fn()));
    this.fill();
    this.showPlugin();
    this.readControls();
  }

  get uri() { return this.ctx.store.value(this.base + 'plugin') || ''; }

  async fill() {
    let plugins;
    try {
      plugins = await catalog();
    } catch (e) {
      this.refused(`the installed plugins could not be read: ${whyOf(e)}`);
      return;
    }
    const { fits, words } = kFits[this.layout];
    const fitting = plugins.filter(fits);
    // What showPlugin() added while the list was on its way goes: the list has it, or adds it.
    this.picker.replaceChildren(this.picker.options[0]);
    const names = new Map();
    for (const p of fitting) names.set(p.name, (names.get(p.name) || 0) + 1);
    const groups = new Map();
    for (const p of fitting) {
      const maker = makerOf(p.uri);
      if (!groups.has(maker)) groups.set(maker, el('optgroup', { label: maker }));
      groups.get(maker).append(el('option', { value: p.uri, title: p.uri,
        text: (names.get(p.name) > 1 ? `${p.name} (${p.uri})` : p.name)
          + (this.layout === 'stereo' && p.mono_slot ? ' · mono, once a side' : '')
          + (p.reports_latency ? ' · latency' : '') }));
    }
    for (const maker of [...groups.keys()].sort()) this.picker.append(groups.get(maker));
    this.picker.dataset.count = String(fitting.length);
    this.picker.title = `${fitting.length} of the ${plugins.length} plugins installed fit ${words}`;
    this.showPlugin();
  }

  // The picker shows the slot's plugin, listed or not (a session may have loaded any).
  showPlugin() {
    const uri = this.uri;
    if (uri && ![...this.picker.options].some((o) => o.value === uri))
      this.picker.append(el('option', { value: uri, text: uri, title: uri }));
    this.picker.value = uri;
    this.remove.disabled = !uri;
    this.node.dataset.uri = uri;
  }

  filter() {
    const words = wordsOf(this.search.value);
    for (const group of this.picker.querySelectorAll('optgroup')) {
      let any = false;
      for (const o of group.querySelectorAll('option')) {
        o.hidden = !matches(words, `${o.textContent} ${o.value}`);
        any ||= !o.hidden;
      }
      group.hidden = !any;
    }
  }

  // Enter in the search box: the only plugin listed that matches, or the URI typed. When no
  // plugin that fits matches, the one installed plugin that does is asked for all the same, so
  // the server says why it does not fit (a stereo plugin on a mono output); anything else is
  // said here rather than nothing happening.
  async enter() {
    const text = this.search.value.trim();
    if (!text) return;
    const shown = [...this.picker.options].filter((o) => o.value && !o.hidden);
    if (shown.length === 1) return this.load(shown[0].value);
    if (text.includes(':')) return this.load(text);
    if (shown.length > 1) {
      this.note(`${shown.length} plugins match "${text}": pick one from the list`);
      return;
    }
    let installed = [];
    try {
      installed = (await catalog()).filter((p) => matches(wordsOf(text), `${p.name} ${p.uri}`));
    } catch {
      // fill() already said the list could not be read
    }
    if (installed.length === 1) return this.load(installed[0].uri);
    const fits = kFits[this.layout].words;
    this.refused(installed.length
      ? `${this.label}: none of the ${installed.length} installed plugins matching "${text}" fits ${fits}`
      : `${this.label}: no installed plugin matches "${text}"`);
  }

  note(text) {
    this.result.textContent = text;
    this.result.classList.remove('refused');
  }

  refused(why) {
    this.result.textContent = why;
    this.result.classList.add('refused');
    this.ctx.message(why, 'error');
  }

  async load(uri) {
    this.note('');
    try {
      await setParam(this.base + 'plugin', uri);
      this.search.value = '';
      this.filter();
      this.ctx.actionSucceeded?.();
    } catch (e) {
      this.refused(whyOf(e));
      this.showPlugin();  // the slot keeps what it had
    }
  }

  // The slot's parameters as the server has them now, into the store; then the controls.
  async readControls() {
    const read = ++this.reads;
    let list;
    try {
      list = (await getJson(`/api/params?prefix=${encodeURIComponent(this.base)}`))
        .filter((p) => isPluginControl(p.path));
    } catch (e) {
      this.refused(`${this.label}: the plugin's controls could not be read: ${whyOf(e)}`);
      return;
    }
    if (read !== this.reads) return;  // a newer plugin is being read
    this.ctx.store.replaceUnder(this.base, list, isPluginControl);
    this.controlsCtx?.cleanups.forEach((fn) => fn());
    this.controlsCtx = dialogContext(this.ctx);
    this.controls.replaceChildren(...list.map((p) => pluginControl(this.controlsCtx, p.path)));
    this.node.dataset.controls = String(list.length);
    this.onChange();
  }
}

// What the channel's own latency line counts, besides its plugins.
function latencyWhat(ctx, kind, id) {
  if (kind === 'input') return 'plugins and insert';
  return ctx.store.has(`/output/${id}/limiter/on`) ? 'plugins and limiter' : 'plugins';
}

// The plugin section of `kind` ('input' | 'output') `id`'s strip, or null when it has no slots.
export function pluginSection(ctx, kind, id) {
  const slots = pluginSlots(ctx.store, kind, id);
  if (!slots.length) return null;
  const layout = layoutOf(ctx, kind, id);
  const what = latencyWhat(ctx, kind, id);
  const latency = el('p', { class: 'insert-readout', 'data-plugins': 'latency', 'aria-live': 'polite' });
  let reading = false, again = false;
  const readStatus = async () => {
    if (reading) { again = true; return; }
    reading = true;
    try {
      const mine = (await getJson('/api/status')).latency?.[kind === 'input' ? 'inputs' : 'outputs']?.[id];
      if (mine && latency.dataset.frames !== String(mine.frames)) {
        latency.textContent = `${id}'s own latency (${what}): ${mine.frames} frames`
          + ` (${mine.ms.toFixed(2)} ms)`;
        latency.dataset.frames = String(mine.frames);
      }
    } catch {
      // the connection badge already says it
    }
    reading = false;
    if (again) { again = false; readStatus(); }
  };
  const box = el('section', { class: 'strip-section section-plugins', 'aria-label': `${id} plugins`,
    'data-layout': layout },
  el('div', { class: 'section-head' }, el('h3', { text: 'Plugins' })),
  ...slots.map((n) => new PluginSlot(ctx, `/${kind}/${id}/insert/${n}/`, layout, readStatus).node),
  latency);
  const timer = setInterval(readStatus, 1000);
  ctx.onCleanup(() => clearInterval(timer));
  readStatus();
  return box;
}
