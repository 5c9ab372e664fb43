// Monitor controller: the big volume knob with every monitor output's meter (speaker sets A
// and B), Dim, Mute, Mono, speaker A / B / A+B, Talkback (held or latched), the control room
// (control_room.js: source, solo, reference level, talkback targets), the headphone outputs (their own mix or a mirror, and their volume), and
// a Lock that keeps the monitor volume and Dim from being changed by accident in this panel.
import { Choice, el, Knob, MomentaryToggle, Toggle } from '../controls.js';
import { Meter } from '../meters.js';
import { stripButton } from './strip_panel.js';
import { controlRoomSection } from './control_room.js';
import { midiLearn } from './midi_learn.js';

export function monitorView(ctx, root) {
  const has = (leaf) => ctx.store.has('/monitor/' + leaf);
  const controller = el('section', { class: 'monitor', 'aria-label': 'Monitor controller' });
  if (!has('volume')) {
    controller.append(el('p', { text: 'This device has no monitor controller.' }));
  } else {
    const lock = el('button', { type: 'button', class: 'toggle lock', 'aria-label': 'Lock',
      text: 'Lock', 'aria-pressed': ctx.state.locked ? 'true' : 'false',
      title: 'protect the monitor volume and Dim from accidental changes' });
    lock.addEventListener('click', () => {
      ctx.setLocked(!ctx.state.locked);
      lock.setAttribute('aria-pressed', ctx.state.locked ? 'true' : 'false');
      controller.classList.toggle('locked', ctx.state.locked);
    });
    controller.classList.toggle('locked', ctx.state.locked);
    const knob = new Knob(ctx, '/monitor/volume', { size: 150, big: true, caption: 'Volume' });
    const buttons = el('div', { class: 'monitor-buttons' });
    for (const [leaf, text] of [['dim', 'Dim'], ['mute', 'Mute'], ['mono', 'Mono']])
      if (has(leaf)) buttons.append(new Toggle(ctx, '/monitor/' + leaf, { text, kind: leaf }).node);
    if (has('talkback'))
      buttons.append(new MomentaryToggle(ctx, '/monitor/talkback', { text: 'Talkback',
        kind: 'talkback' }).node);
    // Every monitor output's meter beside the knob: speaker set B is metered where main is.
    const monitorMeters = ctx.device.outputs.filter((o) => o.role === 'monitor').map((o) =>
      new Meter(ctx, ctx.device.output_channels.filter((c) => c === o.id || c.startsWith(o.id + '.')),
        o.id, { height: 150 }).node);
    controller.append(el('div', { class: 'monitor-top' }, knob.node, ...monitorMeters), buttons);
    if (has('speakers')) {
      controller.append(new Choice(ctx, '/monitor/speakers', { names: {
        A: ['A', 'Speaker A'], B: ['B', 'Speaker B'], AB: ['A+B', 'Speakers A+B'] } }).node);
    }
    const settings = el('div', { class: 'monitor-settings' });
    for (const leaf of ['dim_level', 'talkback_level'])
      if (has(leaf)) settings.append(new Knob(ctx, '/monitor/' + leaf, { size: 44,
        caption: leaf === 'dim_level' ? 'Dim level' : 'Talkback level' }).node);
    for (const leaf of ['talkback_source', 'direct'])
      if (has(leaf)) settings.append(el('label', { class: 'field' },
        el('span', { text: leaf === 'direct' ? 'Direct monitoring' : 'Talkback mic' }),
        new Choice(ctx, '/monitor/' + leaf, { maxButtons: 3 }).node));
    // Speaker trims: level-match speaker sets A and B (/output/<id>/trim on monitor outputs).
    for (const out of ctx.device.outputs.filter((o) => o.role === 'monitor')) {
      const path = `/output/${out.id}/trim`;
      if (ctx.store.has(path)) settings.append(new Knob(ctx, path, { size: 44,
        caption: `${ctx.name(out.id)} trim`, label: `${out.id} trim` }).node);
    }
    controller.append(settings, controlRoomSection(ctx) || '', lock, midiLearn(ctx));
  }

  const headphones = ctx.device.outputs.filter((o) => o.role === 'headphone');
  const phones = headphones.length ? el('section', { class: 'headphones', 'aria-label': 'Headphones' },
    el('h2', { text: 'Headphones' })) : null;
  for (const out of headphones) {
    const p = (leaf) => `/output/${out.id}/${leaf}`;
    const strip = el('div', { class: 'phone' }, el('h3', { text: ctx.name(out.id) }));
    if (ctx.store.has(p('mirror'))) {
      const names = { none: ['own mix', 'own mix'] };
      for (const c of ctx.store.get(p('mirror')).choices)
        if (c !== 'none') names[c] = [`mirror ${c}`, `mirror ${c}`];
      strip.append(el('label', { class: 'field' }, el('span', { text: 'Source' }),
        new Choice(ctx, p('mirror'), { names, label: `${out.id} source`, maxButtons: 0 }).node));
    }
    if (ctx.store.has(p('volume'))) strip.append(new Knob(ctx, p('volume'), { size: 64,
      caption: 'Volume' }).node);
    if (ctx.store.has(p('mute'))) strip.append(new Toggle(ctx, p('mute'), { text: 'Mute',
      kind: 'mute' }).node);
    strip.append(new Meter(ctx, ctx.device.output_channels.filter(
      (c) => c === out.id || c.startsWith(out.id + '.')), out.id, { height: 100 }).node);
    if (ctx.store.has(p('eq/on'))) strip.append(stripButton(ctx, 'output', out.id));
    phones.append(strip);
  }
  root.append(el('div', { class: 'monitor-page' }, controller, phones));
}
