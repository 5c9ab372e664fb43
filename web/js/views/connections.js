// Connections: the JACK connections of Phantom's ports, kept with its state (restored at the
// next start, after the JACK server comes back, and made when a port they wait for appears).
// Each shows its state: connected, waiting (a port is absent: a netjack2 slave not joined yet)
// or refused. Add one from two lists of the graph's ports; remove one with its button.
import { connections } from '../api.js';
import { el } from '../controls.js';

const STATE_TEXT = {
  connected: 'connected',
  waiting: 'waiting for its port',
  refused: 'refused by the server',
};

export function connectionsView(ctx, root) {
  const table = el('table', { class: 'connections', 'aria-label': 'Connections' });
  const from = el('select', { 'aria-label': 'From (an output port)' });
  const to = el('select', { 'aria-label': 'To (an input port)' });
  const waiting = el('ul', { class: 'events', 'aria-label': 'Waiting' });
  const report = (promise, done) => promise.then(done).catch((e) => ctx.message(e.message, 'error'));

  const fill = (select, ports) => {
    const chosen = select.value;
    select.replaceChildren(...ports.map((p) => el('option', {
      value: p.name, text: p.ours ? `${p.name} (Phantom)` : p.name })));
    if (ports.some((p) => p.name === chosen)) select.value = chosen;
  };

  const show = ({ connections: list, ports }) => {
    const head = el('tr', {}, el('th', { text: 'From' }), el('th', { text: 'To' }),
      el('th', { text: 'State' }), el('th', { text: '' }));
    const rows = list.map((c) => el('tr', { 'data-state': c.state },
      el('td', { text: c.from }), el('td', { text: c.to }),
      el('td', { class: `state ${c.state}`, text: STATE_TEXT[c.state] || c.state }),
      el('td', {}, el('button', { type: 'button', text: 'Disconnect',
        'aria-label': `Disconnect ${c.from} from ${c.to}`,
        onclick: () => report(connections.disconnect(c.from, c.to), refresh) }))));
    if (!rows.length)
      rows.push(el('tr', {}, el('td', { colspan: '4', class: 'empty', text: 'No connections kept.' })));
    table.replaceChildren(head, ...rows);
    fill(from, ports.filter((p) => p.direction === 'output'));
    fill(to, ports.filter((p) => p.direction === 'input'));
  };

  // On the virtual hardware there is no graph of ports: say so in the view, once.
  const refresh = () => connections.list().then(show).catch((e) => {
    if (e.status === 409) {
      clearInterval(timer);
      root.replaceChildren(el('p', { class: 'empty', text: e.message }));
    } else {
      ctx.message(e.message, 'error');
    }
  });
  const showWaiting = () => connections.status().then((s) => {
    const lines = s.connections_waiting || [];
    waiting.replaceChildren(...(lines.length ? lines : ['none']).map((w) => el('li', { text: w })));
  }).catch(() => {});

  const add = () => report(connections.connect(from.value, to.value), (c) => {
    ctx.message(`${c.from} → ${c.to}: ${STATE_TEXT[c.state] || c.state}`, 'ok');
    refresh();
  });
  root.append(
    el('div', { class: 'connection-add' }, from, el('span', { text: '→' }), to,
      el('button', { type: 'button', text: 'Connect', 'aria-label': 'Connect', onclick: add })),
    table, el('h2', { text: 'Waiting for ports' }), waiting);
  // Connections made elsewhere (qjackctl, a DAW, a slave joining) show up within two seconds.
  const timer = setInterval(() => { refresh(); showWaiting(); }, 2000);
  refresh();
  showWaiting();
  ctx.onCleanup(() => clearInterval(timer));
}
