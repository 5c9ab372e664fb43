// A hardware input's insert in its strip dialog, where TotalMix FX and UA Console put it
// (after the strip, in signal order): the switch, the send (an output channel) and the
// return (an input), both chosen by name, the wet/dry mix, the loop's delay in frames and
// milliseconds, a Measure button, and the latency the insert adds.
//
// The controls are the tree's /input/ID/insert/… parameters, like every other control.
// Measure is POST /api/inserts/ID/measure: the server plays the sequence, sets the delay
// itself (the change comes back on the WebSocket) and answers with what it found, or refuses
// with the reason (no send, nothing came back…), which is shown as it is. The rate and the
// latency are the server's figures (GET /api/status), read when the dialog opens, after a
// measurement and whenever an insert parameter of the channel changes.
import { ApiError, getJson, request } from '../api.js';
import { Choice, el, Knob, Toggle } from '../controls.js';

// "main.L" → "Main L (main.L)", "line3" → "Line 3 (line3)": the channel's name, then its id.
function channelName(ctx, channel) {
  if (channel === 'none') return 'none';
  const dot = channel.indexOf('.');
  const name = dot < 0 ? ctx.name(channel) : `${ctx.name(channel.slice(0, dot))} ${channel.slice(dot + 1)}`;
  return `${name} (${channel})`;
}

function channelChoice(ctx, path, caption) {
  const names = {};
  for (const c of ctx.store.get(path).choices) names[c] = [channelName(ctx, c), c];
  return el('label', { class: 'field' }, el('span', { text: caption }),
    new Choice(ctx, path, { names, maxButtons: 0 }).node);
}

const ms = (frames, rateHz) => (frames * 1000 / rateHz).toFixed(2);

// The insert section of input `id`'s strip, or null when the input has none.
export function insertSection(ctx, id) {
  const base = `/input/${id}/insert/`;
  if (!ctx.store.has(base + 'on')) return null;
  const head = el('div', { class: 'section-head' }, el('h3', { text: 'Insert' }),
    new Toggle(ctx, base + 'on', { text: 'On', kind: 'strip-switch' }).node);
  const delayMs = el('span', { class: 'insert-readout', 'data-insert': 'delay-ms' });
  const latency = el('p', { class: 'insert-readout', 'data-insert': 'latency', 'aria-live': 'polite' });
  const result = el('p', { class: 'insert-result', 'data-insert': 'result', 'aria-live': 'polite' });
  const measure = el('button', { type: 'button', class: 'insert-measure', text: 'Measure',
    'aria-label': `Measure ${id} insert`,
    title: 'play a burst out of the send, find it on the return, and set the delay to the round trip' });
  const delayBox = el('div', { class: 'insert-delay' },
    new Knob(ctx, base + 'delay', { size: 40, caption: 'Delay (frames)' }).node, delayMs);
  const box = el('section', { class: 'strip-section section-insert', 'aria-label': `${id} insert` },
    head,
    el('div', { class: 'section-controls' },
      channelChoice(ctx, base + 'send', 'Send'),
      channelChoice(ctx, base + 'return', 'Return'),
      new Knob(ctx, base + 'mix', { size: 40, caption: 'Mix (wet)' }).node,
      delayBox),
    el('div', { class: 'insert-measure-row' }, measure, result),
    latency);

  let rateHz = 0;
  const showDelay = () => {
    const frames = ctx.store.value(base + 'delay');
    delayMs.textContent = rateHz ? `= ${ms(frames, rateHz)} ms at ${rateHz / 1000} kHz` : '';
  };
  // The rate and the input's latency as the server reports them.
  let reading = false, again = false;
  const readStatus = async () => {
    if (reading) { again = true; return; }
    reading = true;
    try {
      const s = await getJson('/api/status');
      rateHz = s.rate_hz;
      const mine = s.latency?.inputs?.[id];
      showDelay();
      // The insert's part of the channel's latency (which also holds its plugins'): the
      // delay while it is on, as the server counts it (http-api.md, latency.inputs).
      const on = ctx.store.value(base + 'on');
      const frames = on ? ctx.store.value(base + 'delay') : 0;
      latency.textContent = !mine ? ''
        : frames ? `Adds ${frames} frames (${ms(frames, rateHz)} ms) to ${id}'s latency`
          : on ? `Adds nothing to ${id}'s latency (delay 0)`
            : `Adds nothing to ${id}'s latency while off`;
      latency.dataset.frames = mine ? String(frames) : '';
    } catch {
      // the connection badge already says it
    }
    reading = false;
    if (again) { again = false; readStatus(); }
  };
  for (const leaf of ['on', 'send', 'return', 'mix', 'delay'])
    ctx.onCleanup(ctx.store.on(base + leaf, () => { showDelay(); readStatus(); }));

  measure.addEventListener('click', async () => {
    measure.disabled = true;
    measure.textContent = 'Measuring…';
    result.textContent = '';
    result.classList.remove('refused');
    try {
      const m = await request('POST', `/api/inserts/${encodeURIComponent(id)}/measure`);
      await readStatus();
      result.dataset.frames = String(m.delay_frames);
      result.textContent = `Round trip ${m.delay_frames} frames`
        + (rateHz ? ` (${ms(m.delay_frames, rateHz)} ms)` : '')
        + `; was ${m.previous_delay_frames}. Loop gain ${m.gain_db.toFixed(1)} dB`
        + (m.inverted ? ', polarity inverted' : '') + '.';
      ctx.actionSucceeded?.();
    } catch (e) {
      const why = e instanceof ApiError ? e.message : String(e);
      delete result.dataset.frames;
      result.textContent = why;
      result.classList.add('refused');
      ctx.message(why, 'error');
    }
    measure.disabled = false;
    measure.textContent = 'Measure';
  });
  readStatus();
  return box;
}
