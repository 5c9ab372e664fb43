// Routing matrix: sources down, outputs across. A cell shows the gain of that source in that
// output's mix; a click opens or closes the route, a vertical drag or the wheel sets the gain
// (Shift: fine), the keyboard does both (Enter toggles, arrows step).
import { dragVertically, el, nameText, ParamControl } from '../controls.js';
import { formatValue, stepFrom, toNumber } from '../scale.js';
import { mirrorTarget } from './mixer.js';

class MatrixCell extends ParamControl {
  constructor(ctx, path) {
    super(ctx, path);
    this.lastOpen = 0;  // the gain a closed route comes back at
    this.node = el('button', { type: 'button', class: 'cell', role: 'slider',
      'aria-label': this.label, 'aria-valuemin': String(toNumber(this.param.min)),
      'aria-valuemax': String(toNumber(this.param.max)) });
    this.node.addEventListener('pointerdown', (e) => this.down(e));
    this.node.addEventListener('keydown', (e) => this.key(e));
    this.node.addEventListener('wheel', (e) => {
      e.preventDefault();
      this.commit(stepFrom(this.param, this.value, e.deltaY < 0 ? 1 : -1, e.shiftKey));
    }, { passive: false });
    this.render(this.value);
  }

  toggle() {
    this.commit(this.value === -Infinity ? this.lastOpen : -Infinity);
  }

  down(e) {
    if (e.button > 0) return;
    e.preventDefault();
    let db = this.value === -Infinity ? -30 : this.value;
    let moved = 0;  // a click that wanders a few pixels is still a click
    dragVertically(this, this.node, e, (dy, m) => {
      moved += Math.abs(dy);
      if (moved < 4) return;
      db += dy * (m.shiftKey ? 0.05 : 0.25);
      const v = db < -60 ? -Infinity : Math.min(toNumber(this.param.max), Math.round(db * 10) / 10);
      if (v !== this.value) this.commit(v);
    }, () => {
      if (moved < 4) this.toggle();
    });
  }

  key(e) {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.toggle(); return; }
    const steps = { ArrowUp: 1, ArrowDown: -1 }[e.key];
    if (steps) { e.preventDefault(); this.commit(stepFrom(this.param, this.value, steps, e.shiftKey)); }
  }

  render(value) {
    if (value !== -Infinity) this.lastOpen = value;
    const open = value !== -Infinity;
    this.node.classList.toggle('open', open);
    this.node.textContent = open ? formatValue(this.param, value) : '';
    this.node.setAttribute('aria-valuenow', open ? String(value) : String(toNumber(this.param.min)));
    this.node.setAttribute('aria-valuetext', open ? formatValue(this.param, value) + ' dB' : 'off');
  }
}

export function routingView(ctx, root) {
  const outputs = ctx.store.children('/mix/');
  const sources = outputs.length ? ctx.store.children(`/mix/${outputs[0]}/`) : [];
  const table = el('table', { class: 'matrix', 'aria-label': 'Routing matrix' });
  const head = el('tr', {}, el('th', { scope: 'col', text: 'source \\ output' }));
  // Rows and columns by name (the id in a tooltip); a mirrored output's column says whose mix
  // it plays and takes no edits there (edit the source's column).
  const mirrored = new Map(outputs.map((o) => [o, mirrorTarget(ctx, o)]));
  for (const o of outputs) {
    const m = mirrored.get(o);
    const th = el('th', { scope: 'col', title: o, class: m ? 'mirrored' : null,
      'data-output': o }, nameText(ctx, o));
    if (m) th.append(el('span', { class: 'sub', text: `mirrors ${ctx.name(m)}` }));
    head.append(th);
  }
  table.append(el('thead', {}, head));
  const body = el('tbody');
  for (const s of sources) {
    const row = el('tr', {}, el('th', { scope: 'row', title: s }, nameText(ctx, s)));
    for (const o of outputs) {
      const path = `/mix/${o}/${s}/gain`;
      const cell = ctx.store.has(path) ? new MatrixCell(ctx, path).node : null;
      if (cell && mirrored.get(o)) {
        cell.disabled = true;
        cell.setAttribute('aria-disabled', 'true');
        cell.title = `${ctx.name(o)} mirrors ${ctx.name(mirrored.get(o))}: not heard`;
      }
      row.append(el('td', { class: mirrored.get(o) ? 'mirrored' : null }, cell));
    }
    body.append(row);
  }
  table.append(body);
  root.append(el('p', { class: 'hint', text: 'Click a cell to open or close a route; drag up '
    + 'or down, or use the wheel, to set its gain (Shift: fine).' }), el('div', { class: 'matrix-scroll' }, table));
  // A mirror switched elsewhere changes the columns: build the view again.
  for (const o of outputs) {
    if (!ctx.store.has(`/output/${o}/mirror`)) continue;
    ctx.onCleanup(ctx.store.on(`/output/${o}/mirror`, () => queueMicrotask(() => {
      if (!root.isConnected || !table.isConnected) return;
      root.replaceChildren();
      routingView(ctx, root);
    })));
  }
}
