// The FX buses in the panel (TotalMix FX's FX sends and returns, and its Reverb and Echo
// settings): each source's sends into the mix's reverb and echo, a small knob each on its
// strip; the mix's returns and pre/post switches on the output's strip; and the sound, one
// for every mix, in a dialog built from the tree's /fx/reverb/ and /fx/echo/ (a control is
// shown because its path exists, with the range, unit and choices the tree gives).
import { Choice, el, Knob, Toggle } from '../controls.js';
import { dialogContext, showDialog } from './dialog.js';
import { formatValue } from '../scale.js';

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

let dialogCount = 0;

// The FX sound in a dialog; `opener` gets the focus back on close.
export function openFx(ctx, opener) {
  const titleId = `fx-title-${++dialogCount}`;
  const dctx = dialogContext(ctx);
  const close = el('button', { type: 'button', class: 'strip-close', text: '✕ Close',
    'aria-label': 'Close FX' });
  const head = el('header', { class: 'strip-head' },
    el('h2', { id: titleId, text: 'FX · reverb and echo of every mix' }), close);
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
      text: 'One sound for every mix; each mix has its own sends and returns.' }), body);
  return showDialog(ctx, dctx, dialog, close, opener);
}

export function fxButton(ctx) {
  const button = el('button', { type: 'button', class: 'strip-open', 'aria-haspopup': 'dialog',
    'aria-label': 'FX settings', title: 'the reverb and echo sound, shared by every mix', text: 'FX' });
  button.addEventListener('click', () => openFx(ctx, button));
  return button;
}
