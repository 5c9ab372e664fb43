// A linked stereo pair in one output's mix: one strip, one fader, mute and the control room's
// solo (bound to the first channel; the server moves the second with it, /link/<id>), both meters, and balance and
// width in place of two pans. Balance b and width w stand for the pans b - w (left channel)
// and b + w (right channel), each kept within -1…+1; both are sent as one batch.
import { batch } from '../api.js';
import { el, Fader, NameField, Toggle } from '../controls.js';
import { Meter } from '../meters.js';
import { soloToggle } from './control_room.js';
import { fxSends } from './fx_panel.js';
import { formatValue } from '../scale.js';

function slider(label, value, onInput) {
  const input = el('input', { type: 'range', min: '-1', max: '1', step: '0.01',
    'aria-label': label, class: 'pair-range' });
  input.value = String(value);
  input.addEventListener('input', () => onInput(Number(input.value)));
  return input;
}

export function pairStrip(ctx, bus, left, right) {
  const p = (src, leaf) => `/mix/${bus}/${src}/${leaf}`;
  const strip = el('section', { class: 'strip mix-strip pair-strip', 'aria-label': `${bus} ${left}+${right}` },
    el('div', { class: 'pair-names' }, new NameField(ctx, left).node, new NameField(ctx, right).node),
    el('span', { class: 'strip-id', text: `${left}+${right} stereo` }));
  if (ctx.store.has(p(left, 'pan')) && ctx.store.has(p(right, 'pan'))) {
    const pans = () => [ctx.store.value(p(left, 'pan')), ctx.store.value(p(right, 'pan'))];
    const [l0, r0] = pans();
    let balance = (l0 + r0) / 2, width = (r0 - l0) / 2;
    const clamp = (v) => Math.max(-1, Math.min(1, Math.round(v * 100) / 100));
    const readout = el('span', { class: 'caption' });
    const show = () => { readout.textContent = `bal ${formatValue({ unit: '' }, balance)} · w ${Math.round(width * 100)}`; };
    let pending = null, sending = false;
    const send = async () => {
      if (sending || !pending) return;
      sending = true;
      const changes = pending;
      pending = null;
      try {
        await batch(changes.map((c) => ({ path: c.path, value: c.after })));
        ctx.actionSucceeded();
      } catch (e) {
        ctx.message(e.message, 'error');
      }
      sending = false;
      send();
    };
    const commit = () => {
      const after = [clamp(balance - width), clamp(balance + width)];
      const before = pans();
      const changes = [{ path: p(left, 'pan'), before: before[0], after: after[0] },
        { path: p(right, 'pan'), before: before[1], after: after[1] }];
      ctx.history.record(changes, `${bus} ${left}+${right} balance/width`);
      pending = changes;
      send();
      show();
    };
    const bal = slider(`${bus} ${left}+${right} balance`, balance, (v) => { balance = v; commit(); });
    const wid = slider(`${bus} ${left}+${right} width`, width, (v) => { width = v; commit(); });
    // Pans changed elsewhere (another panel, OSC, an undo): show the pair's balance and width.
    const follow = () => {
      if (pending || sending) return;
      const [l, r] = pans();
      balance = (l + r) / 2;
      width = (r - l) / 2;
      if (document.activeElement !== bal) bal.value = String(balance);
      if (document.activeElement !== wid) wid.value = String(width);
      show();
    };
    ctx.onCleanup(ctx.store.on(p(left, 'pan'), follow));
    ctx.onCleanup(ctx.store.on(p(right, 'pan'), follow));
    show();
    strip.append(el('label', { class: 'field' }, el('span', { text: 'Balance' }), bal),
      el('label', { class: 'field' }, el('span', { text: 'Width' }), wid), readout);
  }
  // The sends of the first channel: the link moves the second's with them.
  const sends = fxSends(ctx, bus, left, `${left}+${right}`);
  if (sends) strip.append(sends);
  strip.append(el('div', { class: 'fader-row' },
    new Fader(ctx, p(left, 'gain'), { compact: true, label: `${bus} ${left}+${right} gain` }).node,
    new Meter(ctx, [left, right], left, { barWidth: 5, height: 140, scale: false }).node));
  strip.append(el('div', { class: 'switches' },
    new Toggle(ctx, p(left, 'mute'), { text: 'M', kind: 'mute', label: `${bus} ${left}+${right} mute` }).node,
    soloToggle(ctx, left, `Solo ${left}+${right}`)));
  strip.append(new Toggle(ctx, `/link/${left}`, { text: '∞ St', kind: 'link',
    label: `Link ${left} stereo` }).node);
  return strip;
}
