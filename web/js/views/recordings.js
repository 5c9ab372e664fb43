// Recording while running (virtual hardware): what is being recorded, a Stop for each, and a
// field to start more in the forms of `render --record` (main=/path/take.wav, capture=/path/dir/).
// Files are written under a temp name and put in place on Stop (or when Phantom stops).
import { getJson, request } from '../api.js';
import { el } from '../controls.js';

export function recordingsSection(ctx, root) {
  const list = el('ul', { class: 'recordings', 'aria-label': 'Recordings' });
  const field = el('input', {
    type: 'text', 'aria-label': 'What to record', placeholder: 'main=/home/me/take.wav',
  });
  const start = el('button', { type: 'button', text: 'Record' });
  const section = el('section', { 'aria-label': 'Recording' },
    el('h2', { text: 'Recording' }), list, el('div', { class: 'record-start' }, field, start));
  root.append(section);
  const show = (answer) => {
    list.replaceChildren(...(answer.recordings.length ? answer.recordings.map((r) => el('li', {},
      `${r.what} → ${r.path} (${Math.round(r.seconds)} s) `,
      el('button', {
        type: 'button', text: 'Stop', 'aria-label': `Stop recording ${r.what}`,
        onclick: () => request('DELETE', `/api/recordings/${r.id}`)
          .then((a) => { ctx.message(`Recorded ${a.stopped.path}`); poll(); })
          .catch((e) => ctx.message(e.message, 'error')),
      }))) : [el('li', { text: 'none' })]));
  };
  const poll = () => getJson('/api/recordings').then(show).catch(() => section.remove());
  start.addEventListener('click', () => {
    const record = field.value.split(/\s+/).filter((s) => s);
    if (!record.length) return;
    request('POST', '/api/recordings', { record })
      .then(() => { field.value = ''; poll(); })
      .catch((e) => ctx.message(e.message, 'error'));
  });
  poll();
  const timer = setInterval(poll, 1000);
  ctx.onCleanup(() => clearInterval(timer));
}
