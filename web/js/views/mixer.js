// Mixer: the TotalMix submix idea. Choose an output at the top and see a fader, pan, mute and
// solo for every input and playback channel feeding that output's own mix, with the source's
// meter; the output's own level and meter close the row.
import { Choice, el, Fader, Knob, Toggle } from '../controls.js';
import { Meter } from '../meters.js';

function outputChannels(ctx, id) {
  return ctx.device.output_channels.filter((c) => c === id || c.startsWith(id + '.'));
}

export function mixerView(ctx, root) {
  const outputs = ctx.store.children('/mix/');
  let current = outputs.includes(ctx.state.mixOutput) ? ctx.state.mixOutput : outputs[0];
  const picker = el('div', { class: 'output-picker', role: 'tablist', 'aria-label': 'Submix' });
  const body = el('div', { class: 'strips mixer' });
  let cleanup = [];
  const local = { ...ctx, onCleanup: (fn) => cleanup.push(fn) };

  const show = (id) => {
    current = id;
    ctx.state.mixOutput = id;
    for (const b of picker.children) b.setAttribute('aria-selected', b.dataset.id === id);
    cleanup.forEach((fn) => fn());
    cleanup = [];
    body.replaceChildren();
    for (const src of ctx.store.children(`/mix/${id}/`)) {
      const p = (leaf) => `/mix/${id}/${src}/${leaf}`;
      const strip = el('section', { class: 'strip mix-strip', 'aria-label': `${id} ${src}` },
        el('h3', { text: src }));
      if (ctx.store.has(p('pan'))) strip.append(new Knob(local, p('pan'), { size: 36 }).node);
      const row = el('div', { class: 'fader-row' }, new Fader(local, p('gain')).node,
        new Meter(local, [src], src, { barWidth: 6, height: 180, scale: false }).node);
      strip.append(row);
      strip.append(el('div', { class: 'switches' },
        new Toggle(local, p('mute'), { text: 'M', kind: 'mute' }).node,
        new Toggle(local, p('solo'), { text: 'S', kind: 'solo' }).node));
      body.append(strip);
    }
    // The output's own level: its volume, or the monitor controller's for monitor outputs.
    const master = el('section', { class: 'strip master-strip', 'aria-label': `${id} output` },
      el('h3', { text: ctx.outputLabel(id) }));
    const role = ctx.device.outputs.find((o) => o.id === id)?.role;
    const level = ctx.store.has(`/output/${id}/volume`) ? `/output/${id}/volume`
      : role === 'monitor' && ctx.store.has('/monitor/volume') ? '/monitor/volume' : null;
    const row = el('div', { class: 'fader-row' });
    if (level) row.append(new Fader(local, level).node);
    row.append(new Meter(local, outputChannels(ctx, id), id, { height: 180 }).node);
    master.append(row);
    if (ctx.store.has(`/output/${id}/mute`))
      master.append(new Toggle(local, `/output/${id}/mute`, { text: 'M', kind: 'mute' }).node);
    if (ctx.store.has(`/output/${id}/mirror`))
      master.append(new Choice(local, `/output/${id}/mirror`).node);
    body.append(master);
  };

  for (const id of outputs) {
    picker.append(el('button', { type: 'button', role: 'tab', 'data-id': id,
      text: ctx.outputLabel(id), 'aria-label': `${id} mix`, onclick: () => show(id) }));
  }
  root.append(picker, body);
  show(current);
  ctx.onCleanup(() => cleanup.forEach((fn) => fn()));
}
