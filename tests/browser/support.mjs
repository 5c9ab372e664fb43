// What the browser tests share: a real `phantom start` on the virtual hardware (a free port, a
// private state file), Debian's Chromium through playwright-core, the HTTP API, and a folder
// for the screenshots every run leaves behind.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const artifacts = process.env.PHANTOM_ARTIFACTS_DIR
  || path.resolve(process.cwd(), 'artifacts');
mkdirSync(artifacts, { recursive: true });

export async function startPhantom(args = []) {
  const binary = process.env.PHANTOM_BINARY;
  if (!binary) throw new Error('PHANTOM_BINARY must name the phantom executable');
  const dir = mkdtempSync(path.join(tmpdir(), 'phantom-browser-'));
  const child = spawn(binary, ['start', '--session', path.join(dir, 'state.json'),
    '--http', '127.0.0.1:0', '--osc', '127.0.0.1:0', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`phantom did not start: ${output}`)), 15000);
    const read = (chunk) => {
      output += chunk;
      const m = output.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) { clearTimeout(timer); resolve(m[0]); }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`phantom exited (${code}): ${output}`)));
  });
  return {
    url,
    async stop() {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.PHANTOM_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox'],
    headless: true,
  });
}

export function api(base) {
  const call = async (method, route, body) => {
    const response = await fetch(new URL(route, base), {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${json.error}`);
    return json;
  };
  return {
    call,
    value: async (p) => {
      const v = (await call('GET', '/api/params' + p)).value;
      return v === '-inf' ? -Infinity : v;
    },
    set: (p, value) => call('PUT', '/api/params' + p, { value }),
    batch: (changes) => call('POST', '/api/params', changes),
    // The engine's own meter of one channel ("main.L", "in1"), in dBFS.
    meter: async (id) => {
      const m = await call('GET', '/api/meters');
      const r = [...m.inputs, ...m.outputs].find((x) => x.id === id);
      if (!r) throw new Error(`no meter ${id}`);
      return r;
    },
  };
}

export async function eventually(check, what, timeoutMs = 3000) {
  const start = Date.now();
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return Date.now() - start;
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what} (${last})`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function openPanel(browser, url, view) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Refusals the tests provoke on purpose (422, 409, 404) are logged by the browser as errors too.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4(22|09|04)/.test(m.text())) errors.push(m.text());
  });
  await page.goto(url + (view ? '#' + view : ''));
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  page.errors = errors;
  return page;
}

export async function showView(page, view) {
  await page.getByRole('link', { name: view, exact: true }).click();
  await page.waitForFunction((v) => document.getElementById('view').getAttribute('aria-label') === v,
    view);
}

// One describe()'s Phantom and panel page: before() starts `phantom start ARGS`, runs
// `setup(http)` if given, and opens the panel at `view`; after() closes both. The returned
// object's phantom, http, browser and page are set once before() has run.
export function panelSession(args, view, setup) {
  const s = {};
  before(async () => {
    s.phantom = await startPhantom(args);
    s.http = api(s.phantom.url);
    await setup?.(s.http);
    s.browser = await launchBrowser();
    s.page = await openPanel(s.browser, s.phantom.url, view);
  });
  after(async () => {
    await s.browser?.close();
    await s.phantom?.stop();
  });
  return s;
}
