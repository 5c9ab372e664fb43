// The control room's part of the Monitor view: what the monitors play (/monitor/source), the
// solos (PFL/AFL, where they are heard, a lit "Solo" while any is on and one press to clear
// them all), the reference listening level with Recall and Store, and where talkback goes with
// how far it dims the monitors. Every control is a parameter of the tree; Clear, Recall and
// Store are actions (a Bool set on that reads off again).
import { Choice, el, Knob, Toggle } from '../controls.js';

function actionButton(ctx, path, text, title) {
  return el('button', { type: 'button', class: 'action', text, title, 'aria-label': text,
    onclick: () => {
      if (ctx.isLocked(path === '/monitor/recall' ? '/monitor/volume' : path)) {
        ctx.message(`${text}: the monitor volume is locked: unlock the monitor controller first`, 'info');
        return;
      }
      ctx.sender.send(path, true);
    } });
}

// Solo is the control room's (/solo/<id>, the same in every mix): it plays the source on the
// monitors and changes no mix. A device without a control room has none.
export function soloToggle(ctx, id, label) {
  const path = `/solo/${id}`;
  return ctx.store.has(path)
    ? new Toggle(ctx, path, { text: 'S', kind: 'solo', label: label || `Solo ${id}` }).node : '';
}

function field(text, node) {
  return el('label', { class: 'field' }, el('span', { text }), node);
}

// A light that is on while any /solo/<id> is, with the ids soloed in its tooltip.
function soloLight(ctx) {
  const ids = ctx.store.children('/solo/');
  const light = el('span', { class: 'solo-light', role: 'status', text: 'Solo' });
  const show = () => {
    const on = ids.filter((id) => ctx.store.value(`/solo/${id}`));
    light.classList.toggle('on', on.length > 0);
    light.title = on.length ? `soloed: ${on.join(', ')}` : 'nothing soloed';
    light.setAttribute('aria-label', on.length ? `Soloed: ${on.join(', ')}` : 'Nothing soloed');
  };
  for (const id of ids) ctx.onCleanup(ctx.store.on(`/solo/${id}`, show));
  show();
  return light;
}

export function controlRoomSection(ctx) {
  const has = (path) => ctx.store.has(path);
  if (!has('/monitor/source')) return null;
  const section = el('section', { class: 'control-room', 'aria-label': 'Control room' },
    el('h2', { text: 'Control room' }));
  section.append(field('Monitors play', new Choice(ctx, '/monitor/source',
    { maxButtons: 0, label: 'Monitor source' }).node));
  section.append(el('div', { class: 'solo-row' }, soloLight(ctx),
    new Choice(ctx, '/monitor/solo_mode', { label: 'Solo mode' }).node,
    actionButton(ctx, '/monitor/solo_clear', 'Clear solos', 'clear every solo')),
  field('Solo heard on', new Choice(ctx, '/monitor/solo_output',
    { maxButtons: 0, label: 'Solo output' }).node));
  section.append(el('div', { class: 'reference-row' },
    new Knob(ctx, '/monitor/reference_level', { size: 44, caption: 'Reference' }).node,
    actionButton(ctx, '/monitor/recall', 'Recall', 'set the volume to the reference level'),
    actionButton(ctx, '/monitor/store_reference', 'Store',
      'make the current volume the reference level')));
  if (has('/monitor/talkback_dim')) {
    const targets = el('div', { class: 'talkback-to', role: 'group', 'aria-label': 'Talkback to' },
      el('span', { class: 'caption', text: 'Talkback to' }));
    for (const id of ctx.store.children('/monitor/talkback_to/'))
      targets.append(new Toggle(ctx, `/monitor/talkback_to/${id}`, { text: ctx.name(id),
        kind: 'talkback', label: `Talkback to ${id}` }).node);
    section.append(targets, new Knob(ctx, '/monitor/talkback_dim', { size: 44,
      caption: 'Talkback dim' }).node);
  }
  return section;
}
