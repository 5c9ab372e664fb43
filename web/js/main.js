// The panel's start: read the device, open the WebSocket (the tree arrives in its "hello"),
// then show the view named in the address (#mixer, #routing…). Only the open view is built;
// leaving it unsubscribes its controls and meters.
import { getJson, Sender } from './api.js';
import { el } from './controls.js';
import { History } from './history.js';
import { MeterBoard } from './meters.js';
import { isPluginControl } from './scale.js';
import { Store } from './store.js';
import { connectionsView } from './views/connections.js';
import { deviceView } from './views/device.js';
import { doctorBadges, doctorView } from './views/doctor.js';
import { inputsView } from './views/inputs.js';
import { mixerView } from './views/mixer.js';
import { monitorView } from './views/monitor.js';
import { routingView } from './views/routing.js';
import { snapshotsView } from './views/snapshots.js';
import { statusView } from './views/status.js';

const views = [
  ['inputs', 'Inputs', inputsView],
  ['mixer', 'Mixer', mixerView],
  ['routing', 'Routing', routingView],
  ['monitor', 'Monitor', monitorView],
  ['snapshots', 'Snapshots', snapshotsView],
  ['connections', 'Connections', connectionsView],
  ['device', 'Device', deviceView],
  ['status', 'Status', statusView],
  ['doctor', 'Doctor', doctorView],
];

const store = new Store();
const meters = new MeterBoard();
const messageBar = document.getElementById('message');
let messageTimer = null;

function message(text, kind = 'info') {
  messageBar.textContent = text;
  messageBar.className = 'message ' + kind;
  messageBar.hidden = false;
  clearTimeout(messageTimer);
  if (kind !== 'error') messageTimer = setTimeout(() => { messageBar.hidden = true; }, 6000);
}
messageBar.addEventListener('click', () => { messageBar.hidden = true; });
// An error stays until the next action that succeeds: then it is no longer true.
function actionSucceeded() {
  if (!messageBar.hidden && messageBar.classList.contains('error')) messageBar.hidden = true;
}

// A question in the page itself (a <dialog>), answered true or false.
function confirm(question, yes) {
  const dialog = document.getElementById('confirm');
  dialog.querySelector('p').textContent = question;
  dialog.querySelector('.yes').textContent = yes;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true });
  });
}

const lockedPaths = new Set(['/monitor/volume', '/monitor/dim']);
const state = {
  locked: localStorage.getItem('phantom.lock') === 'on',
  mixOutput: localStorage.getItem('phantom.mixOutput') || '',
};

const ctx = {
  store,
  meters,
  state,
  device: null,
  message,
  confirm,
  sender: new Sender((e, path) => {
    message(e.message, 'error');
    store.notify(path);
    ctx.history.forget(path);  // a refused change is not a step to undo
  }, actionSucceeded),
  actionSucceeded,
  history: new History((e) => message(e.message, 'error'), () => updateUndoButtons()),
  // A channel's name (/name/<id>): "Kick", or the device's label until named.
  name(id) {
    const p = store.get('/name/' + id);
    return p ? p.value : id;
  },
  isLocked: (path) => state.locked && lockedPaths.has(path),
  setLocked(on) {
    state.locked = on;
    localStorage.setItem('phantom.lock', on ? 'on' : 'off');
  },
  outputLabel(id) {
    return this.device.outputs.find((o) => o.id === id)?.label || id;
  },
  cleanups: [],
  onCleanup(fn) { this.cleanups.push(fn); },
};

function show(name) {
  const view = views.find(([id]) => id === name) || views[0];
  localStorage.setItem('phantom.mixOutput', state.mixOutput || '');
  ctx.cleanups.forEach((fn) => fn());
  ctx.cleanups = [];
  const root = document.getElementById('view');
  root.replaceChildren();
  root.setAttribute('aria-label', view[1]);
  for (const tab of document.querySelectorAll('#views a'))
    tab.setAttribute('aria-current', tab.dataset.view === view[0] ? 'page' : 'false');
  view[2](ctx, root);
}

function buildNav() {
  const nav = document.getElementById('views');
  for (const [id, title] of views)
    nav.append(el('a', { href: '#' + id, 'data-view': id, text: title }));
  // On a narrow screen the tabs fold into a menu button (CSS decides when).
  const menu = document.getElementById('menu');
  menu.addEventListener('click', () => {
    const open = nav.classList.toggle('open');
    menu.setAttribute('aria-expanded', open ? 'true' : 'false');
  });
  nav.addEventListener('click', () => {
    nav.classList.remove('open');
    menu.setAttribute('aria-expanded', 'false');
  });
  window.addEventListener('hashchange', () => show(location.hash.slice(1)));
}

function updateUndoButtons() {
  const h = ctx.history;
  const undo = document.getElementById('undo'), redo = document.getElementById('redo');
  if (!undo) return;
  undo.disabled = !h.done.length;
  redo.disabled = !h.undone.length;
  undo.title = h.done.length ? `Undo ${h.done[h.done.length - 1].label} (Ctrl+Z)` : 'Nothing to undo';
  redo.title = h.undone.length ? `Redo ${h.undone[h.undone.length - 1].label} (Ctrl+Shift+Z)`
    : 'Nothing to redo';
}

async function undoRedo(redo) {
  const entry = await (redo ? ctx.history.redo() : ctx.history.undo());
  if (entry) message(`${redo ? 'Redone' : 'Undone'}: ${entry.label}`, 'ok');
}

function buildUndo() {
  document.getElementById('undo').addEventListener('click', () => undoRedo(false));
  document.getElementById('redo').addEventListener('click', () => undoRedo(true));
  document.addEventListener('keydown', (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    const key = e.key.toLowerCase();
    if (key !== 'z' && key !== 'y') return;
    // A text field keeps its own undo.
    const t = e.target;
    if (t instanceof HTMLInputElement && t.type === 'text') return;
    e.preventDefault();
    undoRedo(key === 'y' || e.shiftKey);
  });
  updateUndoButtons();
}

function connect(onFirstHello) {
  const badge = document.getElementById('connection');
  const ws = new WebSocket(`ws://${location.host}/api/ws`);
  window.phantomPanel.socket = ws;  // for tests: a dropped connection is ws.close()
  ws.addEventListener('message', (event) => {
    const m = JSON.parse(event.data);
    if (m.type === 'meters') meters.update(m);
    else if (m.type === 'changes') store.apply(m.changes);
    else if (m.type === 'hello') {
      // Phantom came back as another device (or another tree): start over.
      // A plugin's controls come and go with it (views/plugin_panel.js reads them): not a
      // new tree.
      const fixed = (paths) => paths.filter((p) => !isPluginControl(p)).join();
      const before = fixed([...store.params.keys()]);
      if (before && before !== fixed(m.params.map((p) => p.path))) location.reload();
      store.replaceAll(m.params);
      badge.textContent = 'connected';
      badge.className = 'connection up';
      meters.setConnected(true);
      document.body.classList.remove('disconnected');
      onFirstHello?.();
      onFirstHello = null;
    }
  });
  ws.addEventListener('close', () => {
    badge.textContent = 'disconnected: reconnecting…';
    badge.className = 'connection down';
    // Frozen, greyed meters: a level that no longer comes must not look live.
    meters.setConnected(false);
    document.body.classList.add('disconnected');
    setTimeout(() => connect(onFirstHello), 1000);
  });
}

async function pollStatus() {
  try {
    const s = await getJson('/api/status');
    document.getElementById('status-summary').textContent =
      `${s.backend} · ${s.rate_hz / 1000} kHz · ${s.frames} frames · ${s.latency_ms} ms · `
      + `DSP ${s.dsp_load_percent} % · xruns ${s.xruns}`;
  } catch {
    // the connection badge already says it
  }
}

async function start() {
  try {
    ctx.device = await getJson('/api/device');
  } catch (e) {
    message(`Cannot read the device: ${e.message}`, 'error');
    return;
  }
  document.getElementById('device-name').textContent = ctx.device.name;
  buildNav();
  buildUndo();
  connect(() => {
    show(location.hash.slice(1));
    document.body.dataset.ready = 'true';  // for scripts and tests: the panel is built
  });
  pollStatus();
  setInterval(pollStatus, 1000);
  pollDoctor();
  setInterval(pollDoctor, 1000);
}

// The studio doctor's badges on the strips of whichever view is open.
async function pollDoctor() {
  try {
    doctorBadges((await getJson('/api/doctor')).findings);
  } catch {
    // the connection badge already says it
  }
}

window.phantomPanel = { store, meters, history: ctx.history };
start();
