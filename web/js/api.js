// The HTTP API (docs/http-api.md) as the panel uses it. Every refusal carries the server's
// own message, which the panel shows as it is: it names the path, the value and what is
// allowed.
import { toWire } from './scale.js';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export async function request(method, url, body) {
  const options = { method, headers: {} };
  // Every write says it is JSON, with or without a body: the server refuses a write that does
  // not (a cross-site form cannot say it).
  if (method !== 'GET') options.headers['Content-Type'] = 'application/json';
  if (body !== undefined) options.body = JSON.stringify(body);
  const response = await fetch(url, options);
  let answer = null;
  try {
    answer = await response.json();
  } catch {
    answer = null;
  }
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

export const getJson = (url) => request('GET', url);

export function setParam(path, value) {
  return request('PUT', '/api/params' + path, { value: toWire(value) });
}

// Several parameters at once, all-or-nothing: [{path, value}].
export function batch(changes) {
  return request('POST', '/api/params', changes.map(({ path, value }) => ({ path,
    value: toWire(value) })));
}

export function setText(path, text) {  // as typed: "-6", "off", "-inf"
  return request('PUT', '/api/params' + path, { value: text });
}

export const snapshots = {
  list: () => getJson('/api/snapshots'),
  save: (name) => request('POST', '/api/snapshots', { name }),
  recall: (name) => request('POST', '/api/snapshots/' + encodeURIComponent(name)),
  rename: (from, to) => request('PUT', '/api/snapshots/' + encodeURIComponent(from), { name: to }),
  remove: (name) => request('DELETE', '/api/snapshots/' + encodeURIComponent(name)),
};

export const connections = {
  list: () => getJson('/api/connections'),
  status: () => getJson('/api/status'),
  connect: (from, to) => request('POST', '/api/connections', { from, to }),
  disconnect: (from, to) => request('DELETE', '/api/connections', { from, to }),
};

export const clearClip = (id) => request('POST', '/api/meters/clear', id ? { id } : {});

// A control being dragged sends at most one request at a time per path; the newest value
// waits and goes next, so a fast drag never queues a backlog behind a slow network.
export class Sender {
  constructor(onError, onSuccess = () => {}) {
    this.inFlight = new Set();
    this.waiting = new Map();
    this.onError = onError;
    this.onSuccess = onSuccess;
  }

  send(path, value) {
    if (this.inFlight.has(path)) {
      this.waiting.set(path, value);
      return;
    }
    this.inFlight.add(path);
    setParam(path, value)
      .then(() => this.onSuccess(path))
      .catch((e) => this.onError(e, path))
      .finally(() => {
        this.inFlight.delete(path);
        if (this.waiting.has(path)) {
          const next = this.waiting.get(path);
          this.waiting.delete(path);
          this.send(path, next);
        }
      });
  }
}
