// The parameter tree as the panel knows it: filled by the WebSocket's "hello", kept current by
// its "changes" (from this panel, the CLI, another browser or a recall glide). Controls
// subscribe to one path each.
import { toNumber } from './scale.js';

export class Store {
  constructor() {
    this.params = new Map();     // path → {path, type, min, max, unit, choices, default, value…}
    this.listeners = new Map();  // path → Set of functions(value, param)
  }

  replaceAll(list) {
    this.params.clear();
    // A name is text as it is: a channel called "-inf" stays a name.
    for (const p of list) this.params.set(p.path, { ...p,
      value: p.type === 'string' ? p.value : toNumber(p.value) });
    for (const [path, fns] of this.listeners) {
      const p = this.params.get(path);
      if (p) for (const fn of fns) fn(p.value, p);
    }
  }

  apply(changes) {
    for (const { path, value } of changes) {
      const p = this.params.get(path);
      if (!p) continue;
      p.value = p.type === 'string' ? value : toNumber(value);
      const fns = this.listeners.get(path);
      if (fns) for (const fn of fns) fn(p.value, p);
    }
  }

  // The parameters under `prefix` that `replaceable(path)` names, replaced by `list` (a plugin
  // slot's controls, which come and go with its plugin); the controls of those in `list` are
  // told their values.
  replaceUnder(prefix, list, replaceable) {
    for (const path of [...this.params.keys()])
      if (path.startsWith(prefix) && replaceable(path)) this.params.delete(path);
    for (const p of list) {
      if (!replaceable(p.path)) continue;
      this.params.set(p.path, { ...p, value: p.type === 'string' ? p.value : toNumber(p.value) });
      this.notify(p.path);
    }
  }

  // Tell a path's controls its value again (after a refused change, they show the last good one).
  notify(path) {
    const p = this.params.get(path);
    const fns = this.listeners.get(path);
    if (p && fns) for (const fn of fns) fn(p.value, p);
  }

  get(path) { return this.params.get(path); }
  has(path) { return this.params.has(path); }
  value(path) { return this.params.get(path)?.value; }

  // Paths directly under a prefix: children('/mix/') → ['main', 'alt', 'hp1'…] in tree order.
  children(prefix) {
    const names = [];
    for (const path of this.params.keys()) {
      if (!path.startsWith(prefix)) continue;
      const name = path.slice(prefix.length).split('/')[0];
      if (name && !names.includes(name)) names.push(name);
    }
    return names;
  }

  // Returns the function that unsubscribes.
  on(path, fn) {
    if (!this.listeners.has(path)) this.listeners.set(path, new Set());
    this.listeners.get(path).add(fn);
    return () => this.listeners.get(path)?.delete(fn);
  }
}
