// Undo and redo of what this panel changed (TotalMix keeps the same): every entry is a list of
// {path, before, after}; undo sends the befores as one batch, redo the afters. A drag is one
// entry (changes to the same paths within kMergeMs join the entry on top). A snapshot recall is
// one entry holding every parameter it changed. Unlimited within a run; nothing is kept across
// a reload (the server's state file is the memory, this is the hand's).
import { batch } from './api.js';

const kMergeMs = 1500;

function same(a, b) {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) < 1e-9);
}

export class History {
  constructor(onError, onChange = () => {}) {
    this.done = [];
    this.undone = [];
    this.onError = onError;
    this.onChange = onChange;
  }

  // `changes`: [{path, before, after}]; `label` says what it was ("hp1 in3 gain", "recall verse").
  // `redo`: how to do it again, when that is not setting the afters (a recall recalls).
  record(changes, label, redo = null) {
    const real = changes.filter((c) => !same(c.before, c.after));
    if (!real.length) return;
    const now = performance.now();
    const top = this.done[this.done.length - 1];
    const paths = (e) => e.changes.map((c) => c.path).sort().join();
    if (top && !top.closed && now - top.at < kMergeMs
        && paths(top) === real.map((c) => c.path).sort().join()) {
      for (const c of real) top.changes.find((t) => t.path === c.path).after = c.after;
      top.at = now;
    } else {
      this.done.push({ changes: real.map((c) => ({ ...c })), label, at: now, closed: !!redo,
        redo });
    }
    this.undone = [];
    this.onChange();
  }

  // The server refused a change to `path`: the entry on top that holds it did not happen.
  forget(path) {
    const top = this.done[this.done.length - 1];
    if (!top || !top.changes.some((c) => c.path === path)) return;
    this.done.pop();
    this.onChange();
  }

  // The next change starts a new entry (a snapshot recall must not merge with a fader).
  close() {
    const top = this.done[this.done.length - 1];
    if (top) top.closed = true;
  }

  // Steps run one after another (a quick Ctrl+Z, Ctrl+Shift+Z must not race), and an entry
  // changes sides at once, so the next key finds it; a refused step goes back where it was.
  undo() { return this.queue(() => this.step(this.done, this.undone, 'before')); }
  redo() { return this.queue(() => this.step(this.undone, this.done, 'after')); }

  queue(fn) {
    const run = (this.tail || Promise.resolve()).then(fn);
    this.tail = run.catch(() => {});
    return run;
  }

  async step(from, to, side) {
    const entry = from.pop();
    if (!entry) return null;
    entry.closed = true;
    to.push(entry);
    this.onChange();
    try {
      if (side === 'after' && entry.redo) await entry.redo();
      else await batch(entry.changes.map((c) => ({ path: c.path, value: c[side] })));
    } catch (e) {
      to.splice(to.indexOf(entry), 1);
      from.push(entry);
      this.onError(e);
      this.onChange();
      return null;
    }
    return entry;
  }
}
