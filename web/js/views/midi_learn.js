// MIDI learn in the panel: pick a monitor control, press Learn, move a knob or press a button
// on the MIDI controller. Shown only while the MIDI remote runs (its port in /api/status).
import { getJson, request } from '../api.js';
import { el } from '../controls.js';

const TARGETS = [['volume', 'Volume'], ['dim', 'Dim'], ['mute', 'Mute'], ['mono', 'Mono'],
  ['speakers', 'Speakers'], ['talkback', 'Talkback']];

export function midiLearn(ctx) {
  const box = el('div', { class: 'midi-learn', hidden: true });
  const pick = el('select', { 'aria-label': 'MIDI learn target' });
  for (const [leaf, text] of TARGETS)
    if (ctx.store.has('/monitor/' + leaf))
      pick.append(el('option', { value: '/monitor/' + leaf, text }));
  const button = el('button', { type: 'button', class: 'toggle', text: 'MIDI learn',
    'aria-pressed': 'false', title: 'bind the next MIDI control that moves' });
  const note = el('span', { class: 'midi-learn-note' });
  let timer = null;
  const stop = () => {
    clearInterval(timer);
    timer = null;
    button.setAttribute('aria-pressed', 'false');
  };
  button.addEventListener('click', async () => {
    try {
      if (timer) {
        await request('DELETE', '/api/midi/learn');
        stop();
        note.textContent = '';
        return;
      }
      const path = pick.value;
      await request('POST', '/api/midi/learn', { path });
      button.setAttribute('aria-pressed', 'true');
      note.textContent = 'move a control…';
      timer = setInterval(async () => {
        const midi = await getJson('/api/midi').catch(() => null);
        if (!midi || midi.learning) return;
        stop();
        const bound = midi.bindings.filter((b) => b.learned && b.target === path).pop();
        note.textContent = bound ? `${bound.control} → ${path}` : '';
      }, 250);
    } catch (e) {
      stop();
      note.textContent = e.message;
    }
  });
  box.append(pick, button, note);
  getJson('/api/status').then((status) => {
    box.hidden = !(status.surfaces || []).some((s) => s.name === 'midi' && s.address);
  }).catch(() => {});
  return box;
}
