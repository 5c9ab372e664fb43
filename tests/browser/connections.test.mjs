// The Connections view in real headless Chromium against `phantom start --backend jack` on a
// private `jackd -d dummy` (held under the lock every JACK test holds): the kept connections are
// listed with their state, one made from the two port lists appears in JACK's graph and in the
// state, one removed with its button goes from both.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  api, artifacts, eventually, launchBrowser, openPanel, sleep, startPhantom,
} from './support.mjs';

const server = 'phantom-browser';

// jackd under /tmp/phantom-jack-tests.lock: the shell takes the lock on fd 9 and becomes jackd,
// which keeps it until it exits.
function startJackd() {
  const child = spawn('sh', ['-c', 'exec 9>/tmp/phantom-jack-tests.lock; flock 9; exec jackd -n '
    + `${server} -d dummy -r 48000 -p 256 -C 4 -P 4`], { stdio: 'ignore' });
  return {
    async stop() {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('the Connections view on JACK', () => {
  let jackd, phantom, browser, page, http;

  before(async () => {
    jackd = startJackd();
    // Phantom refuses to start without a server: try until jackd (after the lock) is up.
    const deadline = Date.now() + 120000;
    for (;;) {
      try {
        phantom = await startPhantom(['--backend', 'jack', '--jack-server', server, '--midi', 'off']);
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await sleep(200);
      }
    }
    http = api(phantom.url);
    browser = await launchBrowser();
    page = await openPanel(browser, phantom.url, 'connections');
  });

  after(async () => {
    await browser?.close();
    await phantom?.stop();  // the client before its server
    await jackd?.stop();
  });

  const row = (from, to) => page.getByRole('row').filter({ hasText: from }).filter({ hasText: to });

  it('lists the kept connections with their state', async () => {
    await eventually(async () => await row('system:capture_1', 'phantom:hw_in_in1').count() === 1,
      'the first start\'s connection listed', 5000);
    assert.match(await row('system:capture_1', 'phantom:hw_in_in1').textContent(), /connected/);
    await page.screenshot({ path: path.join(artifacts, 'jack-connections.png'), fullPage: true });
    assert.deepEqual(page.errors, []);
  });

  it('connects two ports chosen from the lists, and disconnects with a row\'s button', async () => {
    await page.getByLabel('From (an output port)').selectOption('system:capture_3');
    await page.getByLabel('To (an input port)').selectOption('phantom:hw_in_adat1');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await eventually(async () => (await http.call('GET', '/api/connections')).connections.some(
      (c) => c.from === 'system:capture_3' && c.to === 'phantom:hw_in_adat1'
        && c.state === 'connected'), 'the connection made', 3000);
    await eventually(async () => await row('system:capture_3', 'phantom:hw_in_adat1').count() === 1,
      'the new row', 3000);

    await page.getByRole('button', { name: 'Disconnect system:capture_3 from phantom:hw_in_adat1' })
      .click();
    await eventually(async () => !(await http.call('GET', '/api/connections')).connections.some(
      (c) => c.from === 'system:capture_3' && c.to === 'phantom:hw_in_adat1'),
    'the connection gone', 3000);
    await eventually(async () => await row('system:capture_3', 'phantom:hw_in_adat1').count() === 0,
      'the row gone', 3000);
    assert.deepEqual(page.errors, []);
  });

  it('shows a refusal as the server words it', async () => {
    // An input of Phantom's as the source: refused (409), the message shown, nothing kept.
    await page.getByLabel('From (an output port)').selectOption('system:capture_2');
    await page.getByLabel('To (an input port)').selectOption('system:playback_1');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await eventually(async () => /neither is a port of phantom/.test(
      await page.locator('#message').textContent()), 'the refusal shown', 3000);
  });
});
