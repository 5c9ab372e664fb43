// Device: the spec sheet of the interface, as GET /api/device gives it.
import { getJson } from '../api.js';
import { Choice, el } from '../controls.js';

function table(caption, rows, columns) {
  const t = el('table', { class: 'sheet' }, el('caption', { text: caption }));
  t.append(el('tr', {}, ...columns.map(([, title]) => el('th', { scope: 'col', text: title }))));
  for (const r of rows) {
    t.append(el('tr', {}, ...columns.map(([key, , show]) => {
      const v = r[key];
      return el('td', { text: show ? show(v, r) : v === undefined ? '' : String(v) });
    })));
  }
  return el('div', { class: 'sheet-scroll' }, t);  // a phone scrolls the table, not the page
}

const yes = (v) => (v ? 'yes' : '');

export function deviceView(ctx, root) {
  const d = ctx.device;
  const facts = el('dl', { class: 'facts' });
  const fact = (term, value) => facts.append(el('dt', { text: term }), el('dd', { text: value }));
  fact('Device', `${d.name} (${d.id})`);
  fact('Sample rate', `${d.sample_rate_hz} Hz (supports ${d.sample_rates.join(', ')})`);
  fact('Host channels', `${d.host.capture} capture, ${d.host.playback} playback, `
    + `${d.host.loopback} loopback`);
  fact('Clock sources', d.clock_sources.join(', '));
  fact('MIDI', `${d.midi.inputs} in, ${d.midi.outputs} out`);
  // The controls that live here: where the clock comes from (and whether it is locked), and
  // which output goes back to the computer as loopback.
  const controls = el('section', { class: 'device-controls', 'aria-label': 'Clock and loopback' });
  if (ctx.store.has('/clock/source')) {
    const lockState = el('span', { class: 'clock-state', text: '' });
    getJson('/api/status').then((st) => {
      lockState.textContent = st.backend === 'jack'
        ? 'the JACK server\'s sound card sets the clock' : 'locked (virtual hardware)';
    }).catch(() => { lockState.textContent = ''; });
    controls.append(el('label', { class: 'field' }, el('span', { text: 'Clock source' }),
      new Choice(ctx, '/clock/source', { maxButtons: 0 }).node, lockState));
  }
  if (ctx.store.has('/loopback/source')) {
    const names = {};
    for (const c of ctx.store.get('/loopback/source').choices)
      names[c] = [c === 'none' ? 'none' : `${ctx.name(c)} (${c})`, c];
    controls.append(el('label', { class: 'field' }, el('span', { text: 'Loopback source' }),
      new Choice(ctx, '/loopback/source', { maxButtons: 0, names }).node));
  }
  root.append(controls, facts,
    table('Inputs', d.inputs, [['id', 'Id'], ['label', 'Label'], ['connector', 'Connector'],
      ['kind', 'Kind'], ['gain_db', 'Preamp gain', (g) => (g ? `${g[0]}–${g[1]} dB` : '')],
      ['pad_db', 'Pad', (p) => (p ? `${p} dB` : '')], ['phantom', '48 V', yes],
      ['modes', 'Modes', (m) => (m ? m.join(', ') : '')],
      ['full_scale_dbu', 'Full scale', (f) => (f !== undefined ? `${f} dBu` : '')]]),
    table('Outputs', d.outputs, [['id', 'Id'], ['label', 'Label'], ['role', 'Role'],
      ['channels', 'Channels'], ['own_mix', 'Own mix', yes],
      ['full_scale_dbu', 'Full scale', (f) => (f !== undefined ? `${f} dBu` : '')]]),
    table('Digital I/O', d.digital, [['label', 'Port'], ['format', 'Format'],
      ['channels', 'Channels (1x / 2x / 4x)',
        (c) => `${c.single} / ${c.double} / ${c.quad}`]]),
    table('Channels by sample rate', Object.entries(d.channel_counts).map(([rate, c]) => ({
      rate, ...c })), [['rate', 'Rate (Hz)'], ['inputs', 'Inputs'], ['outputs', 'Outputs']]));
  if (d.sources?.length) {
    root.append(table('Virtual hardware sources', d.sources, [['id', 'Input'],
      ['source', 'Plays'], ['passive_ribbon', 'Passive ribbon', yes]]));
  }
}
