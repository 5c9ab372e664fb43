// Snapshots: save the whole mixer state under a name, recall it (safely: 48 V is never
// switched on and rising levels glide in; the panel says which), rename, delete.
import { snapshots } from '../api.js';
import { el } from '../controls.js';

export function snapshotsView(ctx, root) {
  const list = el('ul', { class: 'snapshot-list', 'aria-label': 'Snapshots' });
  const name = el('input', { type: 'text', 'aria-label': 'Snapshot name', placeholder: 'name',
    maxlength: '64' });
  const report = (promise, done) => promise.then(done).catch((e) => ctx.message(e.message, 'error'));

  const refresh = () => report(snapshots.list(), ({ snapshots: names }) => {
    list.replaceChildren();
    if (!names.length) list.append(el('li', { class: 'empty', text: 'No snapshots yet.' }));
    for (const n of names) list.append(row(n));
  });

  const row = (n) => {
    const item = el('li', { 'aria-label': n }, el('span', { class: 'snapshot-name', text: n }));
    const rename = el('button', { type: 'button', text: 'Rename', 'aria-label': `Rename ${n}` });
    rename.addEventListener('click', () => {
      const field = el('input', { type: 'text', value: n, 'aria-label': `New name for ${n}` });
      const ok = el('button', { type: 'button', text: 'OK', 'aria-label': `Confirm rename ${n}` });
      const go = () => report(snapshots.rename(n, field.value.trim()), () => {
        ctx.message(`Renamed ${n} to ${field.value.trim()}`, 'ok');
        refresh();
      });
      ok.addEventListener('click', go);
      field.addEventListener('keydown', (e) => { if (e.key === 'Enter') go(); });
      item.replaceChildren(field, ok);
      field.focus();
    });
    item.append(
      el('button', { type: 'button', text: 'Recall', 'aria-label': `Recall ${n}`,
        onclick: () => report(recall(n), (r) => {
          let text = `Recalled ${n}.`;
          if (r.held_phantom?.length)
            text += ` 48 V kept off on ${r.held_phantom.map((p) => p.split('/')[2]).join(', ')}:`
              + ' switch it on yourself if the microphone needs it.';
          if (r.gliding?.length) text += ' Rising levels glide in over a second.';
          ctx.message(text, r.held_phantom?.length ? 'warning' : 'ok');
        }) }),
      rename,
      el('button', { type: 'button', text: 'Delete', 'aria-label': `Delete ${n}`,
        onclick: async () => {
          if (!(await ctx.confirm(`Delete the snapshot "${n}"? This cannot be undone.`, 'Delete')))
            return;
          report(snapshots.remove(n), () => {
            ctx.message(`Deleted ${n}`, 'ok');
            refresh();
          });
        } }));
    return item;
  };

  // A recall is one undo step: what it changed goes back as it was (rising levels glide). It
  // runs in the history's queue, so a Ctrl+Z pressed before the answer waits for the step.
  const recall = (n) => ctx.history.queue(async () => {
    const before = new Map();
    for (const [path, p] of ctx.store.params) if (p.type !== 'string') before.set(path, p.value);
    const r = await snapshots.recall(n);
    const changed = [...(r.changed || []).map((c) => c.path), ...(r.gliding || [])];
    const changes = [...new Set(changed)].filter((path) => before.has(path)).map((path) => ({
      path, before: before.get(path), after: Symbol.for('recalled') }));
    ctx.history.close();
    ctx.history.record(changes, `recall ${n}`, () => snapshots.recall(n));
    ctx.actionSucceeded();
    return r;
  });

  const save = async () => {
    const wanted = name.value.trim();
    if (!wanted) { ctx.message('A snapshot needs a name', 'error'); return; }
    // Saving over a snapshot replaces it: ask first (names match whatever their case).
    const { snapshots: names } = await snapshots.list();
    const existing = names.find((x) => x.toLowerCase() === wanted.toLowerCase());
    if (existing && !(await ctx.confirm(`A snapshot named "${existing}" exists. Replace it with `
      + 'the current state?', 'Replace'))) return;
    return saveNow();
  };
  const saveNow = () => report(snapshots.save(name.value.trim()), () => {
    ctx.message(`Saved ${name.value.trim()}`, 'ok');
    ctx.actionSucceeded();
    name.value = '';
    refresh();
  });
  name.addEventListener('keydown', (e) => { if (e.key === 'Enter') save(); });
  root.append(el('div', { class: 'snapshot-save' }, name,
    el('button', { type: 'button', text: 'Save', 'aria-label': 'Save snapshot', onclick: save })),
  list);
  refresh();
}
