// Inputs: one strip per input with what that input really has (from the parameter tree, so
// every device gets its own): preamp gain, pad, 48 V, mode, level standard, trim, polarity,
// a meter with peak hold and a clip light, and the Strip button that opens its low cut, EQ and
// dynamics.
import { Choice, el, HoldToggle, Knob, NameField, Toggle } from '../controls.js';
import { Meter } from '../meters.js';
import { stripButton } from './strip_panel.js';

export function inputsView(ctx, root) {
  const strips = el('div', { class: 'strips wrap' });
  for (const id of ctx.store.children('/input/')) {
    const p = (leaf) => `/input/${id}/${leaf}`;
    const has = (leaf) => ctx.store.has(p(leaf));
    const spec = ctx.device.inputs.find((i) => i.id === id);
    const strip = el('section', { class: 'strip input-strip', 'aria-label': id, 'data-channel': id },
      new NameField(ctx, id).node, el('div', { class: 'strip-label', text: spec ? `${id} · ${spec.label}` : id }));
    if (has('gain')) strip.append(new Knob(ctx, p('gain'), { caption: 'Gain' }).node);
    const switches = el('div', { class: 'switches' });
    if (has('phantom')) {
      const ribbon = (ctx.device.sources || []).find((s) => s.id === id && s.passive_ribbon);
      switches.append(new HoldToggle(ctx, p('phantom'), {
        text: '48V', kind: 'phantom',
        confirm: ribbon ? () => ctx.confirm(
          `A passive ribbon microphone is on ${id} (${ribbon.source}). 48 V can destroy it ` +
          'through a miswired cable or patch bay. Switch 48 V on anyway?',
          'Switch 48 V on') : null,
      }).node);
    }
    if (has('pad')) switches.append(new Toggle(ctx, p('pad'), { text: 'Pad' }).node);
    if (has('polarity')) switches.append(new Toggle(ctx, p('polarity'), { text: 'Ø' }).node);
    strip.append(switches);
    if (has('mode')) strip.append(new Choice(ctx, p('mode')).node);
    if (has('level')) {
      strip.append(new Choice(ctx, p('level'), {
        names: { '+4dBu': ['+4 dBu', '+4 dBu'], '-10dBV': ['-10 dBV', '-10 dBV'] },
      }).node);
    }
    if (has('trim')) strip.append(new Knob(ctx, p('trim'), { caption: 'Trim', size: 40 }).node);
    strip.append(new Meter(ctx, [id], id, { caption: id }).node);
    // Low cut, EQ and dynamics: the channel's strip in a dialog (strip_panel.js).
    if (has('eq/on')) strip.append(stripButton(ctx, 'input', id));
    strips.append(strip);
  }
  root.append(strips);
}
