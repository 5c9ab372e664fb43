// The FX buses in the panel (TotalMix FX's FX sends and returns, and its Reverb and Echo
// settings): each source's sends into the mix's reverb and echo, a small knob each on its
// strip; the mix's returns and pre/post switches on the output's strip; and, in a dialog
// opened from that strip, the mix's two FX buses (each one's built-in switch and LV2 plugin
// slots, decisions.md "Every FX bus has two slots too") and the sound, one for every mix,
// built from the tree's /fx/reverb/ and /fx/echo/ (a control is shown because its path
// exists, with the range, unit and choices the tree gives).
import { Choice, el, Knob, Toggle } from '../controls.js';
import { dialogContext, showDialog } from './dialog.js';
import { formatValue } from '../scale.js';
import { outputLayout, PluginSlot } from './plugin_panel.js';

const kFx = [['reverb', 'Rev', 'Reverb'], ['echo', 'Echo', 'Echo']];
const kCaptions = { size: 'Size', decay: 'Decay', predelay: 'Pre-delay', damping: 'Damping',
  width: 'Width', time: 'Time', tempo: 'Tempo', feedback: 'Feedback', highcut: 'High cut' };
const kSwitches = { sync: 'Sync', highcut_on: 'High cut', pingpong: 'Ping-pong' };

// One source's sends in one mix; `name` names a linked pair (whose second side follows).
export function fxSends(ctx, bus, src, name) {
  const present = kFx.filter(([fx]) => ctx.store.has(`/mix/${bus}/${src}/${fx}`));
  if (!present.length) return null;
  const box = el('div', { class: 'fx-sends', role: 'group', 'aria-label': `${bus} ${name || src} FX sends` });
  for (const [fx, short] of present) {
    const path = `/mix/${bus}/${src}/${fx}`;
    const node = new Knob(ctx, path, { size: 28, caption: short,
      label: name ? `${bus} ${name} ${fx}` : undefined }).node;
    // The strip has no room for the value under the knob: it is the knob's tooltip.
    const tip = () => { node.title = `${short} send: ${formatValue(ctx.store.get(path), ctx.store.value(path))} dB`; };
    tip();
    ctx.onCleanup(ctx.store.on(path, tip));
    box.append(node);
  }
  return box;
}

// An output's returns of its mix's reverb and echo, each with its pre-fader switch.
export function fxReturns(ctx, id) {
  const base = `/output/${id}/`;
  const present = kFx.filter(([fx]) => ctx.store.has(`${base}${fx}_return`));
  if (!present.length) return null;
  const box = el('div', { class: 'fx-returns', role: 'group', 'aria-label': `${id} FX returns` });
  for (const [fx, short] of present)
    box.append(el('div', { class: 'fx-return' },
      new Knob(ctx, `${base}${fx}_return`, { size: 28, caption: `${short} return` }).node,
      new Toggle(ctx, `${base}${fx}_pre`, { text: 'Pre', kind: 'strip-switch',
        label: `${id} ${fx} sends pre fader` }).node));
  return box;
}

function control(ctx, path) {
  const param = ctx.store.get(path);
  const leaf = path.split('/').pop();
  if (param.type === 'bool')
    return new Toggle(ctx, path, { text: kSwitches[leaf] || leaf, kind: 'strip-switch' }).node;
  if (param.type === 'choice')
    return el('label', { class: 'field' }, el('span', { text: 'Note' }),
      new Choice(ctx, path, { maxButtons: 0 }).node);
  return new Knob(ctx, path, { size: 40, caption: kCaptions[leaf] || leaf }).node;
}

// The slot numbers of one FX bus (/output/ID/reverb/insert/N/), from the tree.
function busSlots(store, base) {
  return store.children(base).filter((n) => /^\d+$/.test(n) && store.has(`${base}${n}/plugin`));
}

// What the bus does now, in words: an FX bus runs only while its return is up (the engine
// makes it when the return leaves -inf and drops it, plugins and all, once it is back there).
function busState(ctx, id, fx, slots) {
  const ret = `/output/${id}/${fx}_return`;
  const builtin = ctx.store.value(`/output/${id}/${fx}_builtin`) !== false;
  const plugins = slots.filter((n) => ctx.store.value(`/output/${id}/${fx}/insert/${n}/plugin`));
  if (ctx.store.has(ret) && ctx.store.value(ret) === -Infinity)
    return { idle: true, text: `${id}'s ${fx} return is at -inf: this bus does not run`
      + (plugins.length ? ', nor its plugins' : '') + '. Raise the return to hear it.' };
  const level = ctx.store.has(ret) ? `return at ${formatValue(ctx.store.get(ret), ctx.store.value(ret))} dB` : 'running';
  if (!builtin && !plugins.length)
    return { idle: false, text: `${level}: built-in off and no plugin, the sends reach the return dry (a plain aux)` };
  const bypassed = plugins.filter((n) => ctx.store.value(`/output/${id}/${fx}/insert/${n}/bypass`)).length;
  return { idle: false, text: `${level}: ${builtin ? `built-in ${fx}` : 'sends dry'}`
    + (plugins.length ? ` → ${plugins.length} plugin${plugins.length > 1 ? 's' : ''}` : '')
    + (bypassed ? ` (${bypassed} bypassed)` : '') + ' → return' };
}

// One mix's FX bus: its built-in switch, its plugin slots (after the built-in, before the
// return) and what it does now. Null when the tree has neither switch nor slots for it.
function busSection(ctx, id, fx, title) {
  const base = `/output/${id}/${fx}/insert/`;
  const slots = busSlots(ctx.store, base);
  const builtinPath = `/output/${id}/${fx}_builtin`;
  if (!slots.length && !ctx.store.has(builtinPath)) return null;
  const state = el('p', { class: 'insert-readout fx-bus-state', 'data-fx-bus': 'state', 'aria-live': 'polite' });
  const show = () => {
    const { idle, text } = busState(ctx, id, fx, slots);
    state.textContent = text;
    state.dataset.idle = String(idle);
  };
  const head = el('div', { class: 'section-head' }, el('h3', { text: `${title} bus` }));
  if (ctx.store.has(builtinPath))
    head.append(new Toggle(ctx, builtinPath, { text: `Built-in ${fx}`, kind: 'strip-switch',
      label: `${id} built-in ${fx}` }).node);
  const layout = outputLayout(ctx, id);
  const box = el('section', { class: `strip-section section-plugins section-${fx}-bus`,
    'aria-label': `${id} ${fx} bus`, 'data-layout': layout }, head, state,
  ...slots.map((n) => new PluginSlot(ctx, `${base}${n}/`, layout, show).node));
  for (const path of [`/output/${id}/${fx}_return`, builtinPath, ...slots.map((n) => `${base}${n}/plugin`)])
    ctx.onCleanup(ctx.store.on(path, show));
  show();
  return box;
}

let dialogCount = 0;

// Mix `id`'s FX buses and the shared FX sound in a dialog; `opener` gets the focus back on
// close.
export function openFx(ctx, id, opener) {
  const titleId = `fx-title-${++dialogCount}`;
  const dctx = dialogContext(ctx);
  const close = el('button', { type: 'button', class: 'strip-close', text: '✕ Close',
    'aria-label': 'Close FX' });
  const head = el('header', { class: 'strip-head' },
    el('h2', { id: titleId, text: `FX · reverb and echo of ${id}` }), close);
  const buses = el('div', { class: 'strip-sections' });
  for (const [fx, , title] of kFx) {
    const section = busSection(dctx, id, fx, title);
    if (section) buses.append(section);
  }
  const body = el('div', { class: 'strip-sections' });
  for (const [fx, , title] of kFx) {
    const prefix = `/fx/${fx}/`;
    const leaves = ctx.store.children(prefix).filter((leaf) => ctx.store.has(prefix + leaf));
    if (!leaves.length) continue;
    const controls = el('div', { class: 'section-controls' });
    for (const leaf of leaves) controls.append(control(dctx, prefix + leaf));
    body.append(el('section', { class: `strip-section section-${fx}`, 'aria-label': `FX ${fx}` },
      el('div', { class: 'section-head' }, el('h3', { text: title })), controls));
  }
  const dialog = el('dialog', { class: 'strip-dialog fx-dialog', 'aria-labelledby': titleId },
    head, el('p', { class: 'curve-summary',
      text: `${id}'s own FX buses: the sends go through the built-in FX, then the plugins, to the return.` }),
    buses, el('p', { class: 'curve-summary',
      text: 'The sound of the built-in reverb and echo, one for every mix:' }), body);
  return showDialog(ctx, dctx, dialog, close, opener);
}

// The button on mix `id`'s output strip that opens its FX dialog.
export function fxButton(ctx, id) {
  const button = el('button', { type: 'button', class: 'strip-open', 'aria-haspopup': 'dialog',
    'aria-label': `${id} FX settings`, text: 'FX',
    title: `${id}'s reverb and echo buses (built-in switch, plugins) and the shared FX sound` });
  button.addEventListener('click', () => openFx(ctx, id, button));
  return button;
}
