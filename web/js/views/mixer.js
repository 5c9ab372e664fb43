// Mixer: the TotalMix submix idea in TotalMix's three rows. The outputs row at the top picks
// the output being mixed (its own strip stays in view at the right); below it, the hardware
// inputs row and the playback row show each source's fader, pan and mute in that output's mix
// (and its control-room solo) and its sends into that output's reverb and echo, narrow enough that studio-8x8's 18 inputs fit at 1440 px. A row longer than
// the screen is shown a bank at a time. A linked stereo pair (/link/<id>) is one strip with one
// fader (the server moves the other side), balance and width. A mirrored output's mix is not
// heard: the page says whose mix plays and offers that mix or to stop mirroring.
import { batch } from '../api.js';
import { Choice, el, Fader, Knob, NameField, nameText, Toggle } from '../controls.js';
import { Meter } from '../meters.js';
import { soloToggle } from './control_room.js';
import { fxButton, fxReturns, fxSends } from './fx_panel.js';
import { pairStrip } from './pair_strip.js';
import { stripButton } from './strip_panel.js';

const kStripPx = 67;   // a compact strip with its gap (panel.css .mix-strip)
const kMasterPx = 150;  // the output's own strip, and some air

function outputChannels(ctx, id) {
  return ctx.device.output_channels.filter((c) => c === id || c.startsWith(id + '.'));
}

export function mirrorTarget(ctx, output) {
  const path = `/output/${output}/mirror`;
  const v = ctx.store.has(path) ? ctx.store.value(path) : 'none';
  return v && v !== 'none' ? v : null;
}

// Source strips of one row: single channels, or a pair strip where /link/<id> is on.
function units(ctx, sources) {
  const out = [];
  for (let k = 0; k < sources.length; ++k) {
    const id = sources[k];
    const link = `/link/${id}`;
    if (ctx.store.has(link) && ctx.store.value(link) && k + 1 < sources.length) {
      out.push([id, sources[k + 1]]);
      ++k;
    } else {
      out.push([id]);
    }
  }
  return out;
}

function monoStrip(ctx, bus, src) {
  const p = (leaf) => `/mix/${bus}/${src}/${leaf}`;
  const strip = el('section', { class: 'strip mix-strip', 'aria-label': `${bus} ${src}`,
    'data-channel': src },
    new NameField(ctx, src).node, el('span', { class: 'strip-id', text: src }));
  if (ctx.store.has(p('pan'))) strip.append(new Knob(ctx, p('pan'), { size: 28 }).node);
  const sends = fxSends(ctx, bus, src);
  if (sends) strip.append(sends);
  strip.append(el('div', { class: 'fader-row' }, new Fader(ctx, p('gain'), { compact: true }).node,
    new Meter(ctx, [src], src, { barWidth: 5, height: 140, scale: false }).node));
  strip.append(el('div', { class: 'switches' },
    new Toggle(ctx, p('mute'), { text: 'M', kind: 'mute' }).node,
    soloToggle(ctx, src)));
  if (ctx.store.has(`/link/${src}`))
    strip.append(new Toggle(ctx, `/link/${src}`, { text: '∞ St', kind: 'link',
      label: `Link ${src} stereo` }).node);
  return strip;
}

function row(ctx, bus, title, sources, state) {
  const section = el('section', { class: 'mix-row', 'aria-label': title },
    el('h2', { class: 'row-title', text: title }));
  const list = units(ctx, sources);
  // On a phone the output's strip sits below the rows (panel.css), not beside them.
  const beside = window.innerWidth > 720 ? kMasterPx : 24;
  const width = (document.getElementById('view').clientWidth || window.innerWidth) - beside;
  const room = Math.max(3, Math.floor(width / kStripPx));
  const strips = el('div', { class: 'strips mixer' });
  const widthOf = (u) => u.length;  // a pair strip is about two strips wide
  // Banks: consecutive strips that fit the width, as even as they can be (20 playback channels
  // in 19 places are two banks of 10, not 19 and 1); the bank shown is kept per row.
  const total = list.reduce((sum, u) => sum + widthOf(u), 0);
  const fit = total <= room ? room : Math.ceil(total / Math.ceil(total / room));
  const banks = [];
  let bank = [], used = 0;
  for (const u of list) {
    if (used + widthOf(u) > fit && bank.length) { banks.push(bank); bank = []; used = 0; }
    bank.push(u);
    used += widthOf(u);
  }
  if (bank.length) banks.push(bank);
  const key = title;
  let current = Math.min(state.banks[key] || 0, banks.length - 1);
  const draw = () => {
    strips.replaceChildren();
    for (const u of banks[current] || [])
      strips.append(u.length === 2 ? pairStrip(ctx, bus, u[0], u[1]) : monoStrip(ctx, bus, u[0]));
  };
  if (banks.length > 1) {
    const nav = el('div', { class: 'banks', role: 'tablist', 'aria-label': `${title} banks` });
    banks.forEach((b, k) => {
      const first = b[0][0], last = b[b.length - 1][b[b.length - 1].length - 1];
      nav.append(el('button', { type: 'button', role: 'tab', text: `${first}–${last}`,
        'aria-selected': k === current ? 'true' : 'false', 'aria-label': `${title} ${first} to ${last}`,
        onclick: (e) => {
          current = k;
          state.banks[key] = k;
          for (const b2 of nav.children) b2.setAttribute('aria-selected', 'false');
          e.currentTarget.setAttribute('aria-selected', 'true');
          state.rebuild();
        } }));
    });
    section.querySelector('.row-title').after(nav);
  }
  draw();
  section.append(strips);
  return section;
}

function masterStrip(ctx, id) {
  const master = el('section', { class: 'strip master-strip', 'aria-label': `${id} output` },
    new NameField(ctx, id).node, el('span', { class: 'strip-id', text: id }));
  const role = ctx.device.outputs.find((o) => o.id === id)?.role;
  const level = ctx.store.has(`/output/${id}/volume`) ? `/output/${id}/volume`
    : role === 'monitor' && ctx.store.has('/monitor/volume') ? '/monitor/volume' : null;
  const r = el('div', { class: 'fader-row' });
  if (level) r.append(new Fader(ctx, level, { compact: true }).node);
  r.append(new Meter(ctx, outputChannels(ctx, id), id, { height: 140 }).node);
  master.append(r);
  // Speaker set B plays main's mix: metered where main is.
  if (role === 'monitor')
    for (const b of ctx.device.outputs.filter((o) => o.role === 'monitor' && o.id !== id))
      r.append(new Meter(ctx, outputChannels(ctx, b.id), b.id, { height: 140 }).node);
  if (ctx.store.has(`/output/${id}/mute`))
    master.append(new Toggle(ctx, `/output/${id}/mute`, { text: 'M', kind: 'mute' }).node);
  master.append(soloToggle(ctx, id));
  if (ctx.store.has(`/output/${id}/mirror`))
    master.append(el('label', { class: 'field' }, el('span', { text: 'Plays' }),
      new Choice(ctx, `/output/${id}/mirror`, { maxButtons: 0 }).node));
  // Room EQ, delay and (headphones) limiter: the output's strip in a dialog (strip_panel.js).
  if (ctx.store.has(`/output/${id}/eq/on`)) master.append(stripButton(ctx, 'output', id));
  // This mix's reverb and echo returns and pre/post switches; its FX buses (built-in
  // switches, plugin slots) and the shared FX sound in a dialog.
  const returns = fxReturns(ctx, id);
  if (returns) master.append(returns, fxButton(ctx, id));
  return master;
}

// Copy every source's level, pan, mute and FX sends of one mix into another (TotalMix's
// Copy/Paste Submix), or clear a mix: one batch, one undo step.
function mixChanges(ctx, from, to) {
  const changes = [];
  for (const src of ctx.store.children(`/mix/${to}/`)) {
    for (const leaf of ['gain', 'pan', 'mute', 'reverb', 'echo']) {
      const dst = `/mix/${to}/${src}/${leaf}`;
      if (!ctx.store.has(dst)) continue;
      let after;
      if (from === null) after = leaf === 'pan' ? ctx.store.value(dst) : leaf === 'mute' ? false : -Infinity;
      else if (ctx.store.has(`/mix/${from}/${src}/${leaf}`)) after = ctx.store.value(`/mix/${from}/${src}/${leaf}`);
      else continue;  // a mono mix has no pan to give
      changes.push({ path: dst, before: ctx.store.value(dst), after });
    }
  }
  return changes.filter((c) => c.before !== c.after);
}

// The step is in the history before the batch goes, and the batch goes through the history's
// queue: a Ctrl+Z pressed before the server has answered finds the step and runs after it,
// never before it (an undo overtaking its own change would leave the change in place).
async function applyRecorded(ctx, changes, label) {
  if (!changes.length) { ctx.message(`${label}: nothing to change`, 'info'); return; }
  ctx.history.close();
  ctx.history.record(changes, label);
  ctx.history.close();
  try {
    await ctx.history.queue(() => batch(changes.map((c) => ({ path: c.path, value: c.after }))));
    ctx.actionSucceeded();
    ctx.message(`${label} (Ctrl+Z undoes it)`, 'ok');
  } catch (e) {
    ctx.history.forget(changes[0].path);  // refused: not a step to undo
    ctx.message(e.message, 'error');
  }
}

export function mixerView(ctx, root) {
  const outputs = ctx.store.children('/mix/');
  let current = outputs.includes(ctx.state.mixOutput) ? ctx.state.mixOutput : outputs[0];
  const picker = el('div', { class: 'output-picker', role: 'tablist', 'aria-label': 'Outputs' });
  const tools = el('div', { class: 'mix-tools' });
  const banner = el('div', { class: 'mirror-banner', role: 'status' });
  const body = el('div', { class: 'mixer-body' });
  let cleanup = [];
  const local = { ...ctx, onCleanup: (fn) => cleanup.push(fn) };
  const state = { banks: {}, rebuild: () => show(current) };

  const show = (id) => {
    current = id;
    ctx.state.mixOutput = id;
    for (const b of picker.children) b.setAttribute('aria-selected', b.dataset.id === id ? 'true' : 'false');
    cleanup.forEach((fn) => fn());
    cleanup = [];
    body.replaceChildren();
    tools.replaceChildren();
    banner.replaceChildren();
    const target = mirrorTarget(ctx, id);
    banner.hidden = !target;
    const rows = el('div', { class: 'mix-rows' });
    if (target) {
      banner.append(el('span', { text: `${ctx.name(id)} mirrors ${ctx.name(target)}: `
        + 'the faders below are not heard.' }),
      el('button', { type: 'button', text: `Edit ${ctx.name(target)} mix`,
        onclick: () => show(target) }),
      el('button', { type: 'button', text: 'Stop mirroring', onclick: () => applyRecorded(ctx,
        [{ path: `/output/${id}/mirror`, before: target, after: 'none' }],
        `stop ${id} mirroring`) }));
      rows.classList.add('not-live');
      rows.inert = true;
      rows.setAttribute('aria-disabled', 'true');
    }
    const sources = ctx.store.children(`/mix/${id}/`);
    const hardware = sources.filter((s) => !/^pb\d+$/.test(s));
    const playback = sources.filter((s) => /^pb\d+$/.test(s));
    if (hardware.length) rows.append(row(local, id, 'Hardware inputs', hardware, state));
    if (playback.length) rows.append(row(local, id, 'Playback', playback, state));
    body.append(rows, masterStrip(local, id));

    const others = outputs.filter((o) => o !== id);
    const copyTo = el('select', { 'aria-label': 'Copy this mix to' },
      ...others.map((o) => el('option', { value: o, text: ctx.name(o) })));
    tools.append(el('span', { class: 'hint', text: 'This mix:' }), copyTo,
      el('button', { type: 'button', text: 'Copy to', 'aria-label': 'Copy mix',
        onclick: () => applyRecorded(ctx, mixChanges(ctx, id, copyTo.value),
          `copy ${id} mix to ${copyTo.value}`) }),
      el('button', { type: 'button', text: 'Clear mix', 'aria-label': 'Clear mix',
        onclick: () => applyRecorded(ctx, mixChanges(ctx, null, id), `clear ${id} mix`) }));
    // A link or a mirror switched anywhere changes what this page is: build it again.
    const rebuildOn = [`/output/${id}/mirror`,
      ...sources.filter((s) => ctx.store.has(`/link/${s}`)).map((s) => `/link/${s}`)];
    for (const path of rebuildOn)
      cleanup.push(ctx.store.on(path, () => queueMicrotask(() => show(current))));
  };

  for (const id of outputs) {
    picker.append(el('button', { type: 'button', role: 'tab', 'data-id': id,
      'aria-label': `${id} mix`, onclick: () => show(id) }, nameText(ctx, id),
    mirrorTarget(ctx, id) ? el('span', { class: 'mirror-mark', text: ' ⇄' }) : null));
  }
  root.append(picker, tools, banner, body);
  show(current);
  ctx.onCleanup(() => cleanup.forEach((fn) => fn()));
}
