// LV2 plugins in a hardware input's slots, loaded and played from the panel, in real headless
// Chromium against a real `phantom start`: in5's strip dialog has a Plugins section between
// the strip and the insert; eg-amp (lv2-examples) is picked from the installed mono plugins,
// its gain control appears and a typed -6 reaches the engine; bypass and remove from the
// panel; a URI that is not installed is refused in the server's own words; nodelay (x42) with
// its delay at 100 frames makes the channel's latency 100 frames, which is the delay set:
// nodelay reports its delay as its latency (lv2:reportsLatency), and nothing else on in5 adds
// any (the insert is off).
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { artifacts, eventually, panelSession, sleep } from './support.mjs';

const kRateHz = 48000;
const kAmp = 'http://lv2plug.in/plugins/eg-amp';
const kNoDelay = 'http://gareus.org/oss/lv2/nodelay';
const kStereo = 'http://gareus.org/oss/lv2/balance';
const kDelayFrames = 100;
const kDelayMs = (kDelayFrames * 1000 / kRateHz).toFixed(2);  // 2.08

describe('LV2 plugin slots in the strip on studio-8x8', () => {
  const session = panelSession(['--rate', String(kRateHz), '--source', 'in5=sine:440:-20dBFS'],
    'inputs');
  let page, http;
  before(() => ({ page, http } = session));

  it('loads, plays, bypasses and removes a plugin from the panel', async () => {
    const listed = (await http.call('GET', '/api/plugins')).plugins;
    assert.ok(listed.some((p) => p.uri === kAmp && p.mono_slot), 'eg-amp is installed');

    const opener = page.getByRole('button', { name: 'in5 strip', exact: true });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: /· in5 · strip/ });
    await dialog.waitFor();
    const plugins = dialog.getByRole('region', { name: 'in5 plugins' });
    await plugins.waitFor();
    // In the signal's order: after the gate, before the insert.
    const order = await dialog.locator('.strip-section').evaluateAll(
      (nodes) => nodes.map((n) => n.getAttribute('aria-label')));
    assert.ok(order.indexOf('in5 plugins') === order.indexOf('in5 Gate') + 1, order.join(', '));
    assert.ok(order.indexOf('in5 insert') === order.indexOf('in5 plugins') + 1, order.join(', '));

    const slot = plugins.getByRole('group', { name: 'in5 insert 1 slot' });
    const picker = slot.getByRole('combobox', { name: 'in5 insert 1 plugin' });
    // The mono plugins are offered, grouped by maker; a stereo one is not.
    await eventually(async () => (await picker.locator(`option[value="${kAmp}"]`).count()) === 1,
      'eg-amp in the picker');
    assert.equal(await picker.locator(`optgroup[label="lv2plug.in"] option[value="${kAmp}"]`).count(), 1);
    assert.equal(await picker.locator(`option[value="${kStereo}"]`).count(), 0);
    assert.equal(await picker.getAttribute('data-count'),
      String(listed.filter((p) => p.mono_slot).length));
    // The search narrows the list.
    const search = slot.getByRole('searchbox', { name: 'in5 insert 1 plugin search' });
    await search.fill('simple amplifier');
    assert.equal(await picker.locator(`option[value="${kAmp}"]`).evaluate((o) => o.hidden), false);
    assert.equal(await picker.locator(`option[value="${kNoDelay}"]`).evaluate((o) => o.hidden), true);
    await search.fill('');

    // Loaded from the picker: its control appears, and a typed value reaches the engine.
    await picker.selectOption(kAmp);
    await eventually(async () => (await http.value('/input/in5/insert/1/plugin')) === kAmp, 'eg-amp loaded');
    const gain = slot.getByRole('textbox', { name: 'in5 insert 1 gain value' });
    await gain.waitFor();
    await gain.fill('-6');
    await gain.press('Enter');
    await eventually(async () => (await http.value('/input/in5/insert/1/gain')) === -6, 'gain -6 in the engine');
    await eventually(async () => (await opener.getAttribute('data-on')).split(' ').includes('plugins'),
      'the strip button lit LV2');
    assert.match(await opener.textContent(), /LV2/);
    // A change made elsewhere moves the control.
    await http.set('/input/in5/insert/1/gain', -12);
    await eventually(async () => Number(await gain.inputValue()) === -12, 'the gain field follows');
    await http.set('/input/in5/insert/1/gain', -6);
    await eventually(async () => Number(await gain.inputValue()) === -6, 'the gain field follows');
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-strip-in5-plugins.png') });

    // Bypass from the panel.
    const bypass = slot.getByRole('button', { name: 'in5 insert 1 bypass' });
    await bypass.click();
    await eventually(async () => (await http.value('/input/in5/insert/1/bypass')) === true, 'bypassed');
    await eventually(async () => (await bypass.getAttribute('aria-pressed')) === 'true', 'Bypass lit');
    await bypass.click();
    await eventually(async () => (await http.value('/input/in5/insert/1/bypass')) === false, 'bypass off');

    // A plugin that is not installed: the server's refusal, word for word; nothing changes.
    const missing = 'http://example.org/no-such-plugin';
    let expected;
    try {
      await http.set('/input/in5/insert/1/plugin', missing);
    } catch (e) {
      expected = e.message.replace(/^PUT \S+: \d+ /, '');
    }
    assert.ok(expected && expected.includes('is not installed'), expected);
    await search.fill(missing);
    await search.press('Enter');
    const result = slot.locator('[data-plugin="result"]');
    await eventually(async () => (await result.textContent()) === expected, 'the refusal shown');
    assert.equal(await page.locator('#message').textContent(), expected);
    assert.equal(await http.value('/input/in5/insert/1/plugin'), kAmp);
    assert.equal(await picker.inputValue(), kAmp);

    // Removed: the slot is empty, its controls gone, the light out.
    await slot.getByRole('button', { name: 'Remove in5 insert 1 plugin' }).click();
    await eventually(async () => (await http.value('/input/in5/insert/1/plugin')) === '', 'removed');
    await eventually(async () => (await gain.count()) === 0, 'the gain control gone');
    await eventually(async () => !(await opener.getAttribute('data-on')).split(' ').includes('plugins'),
      'the LV2 light out');
    assert.equal(await picker.inputValue(), '');
    assert.deepEqual(page.errors, []);
  });

  it('shows the latency a plugin adds to the channel', async () => {
    const dialog = page.getByRole('dialog', { name: /· in5 · strip/ });
    const slot = dialog.getByRole('group', { name: 'in5 insert 1 slot' });
    await slot.getByRole('combobox', { name: 'in5 insert 1 plugin' }).selectOption(kNoDelay);
    await eventually(async () => (await http.value('/input/in5/insert/1/plugin')) === kNoDelay,
      'nodelay loaded');
    const delay = slot.getByRole('textbox', { name: 'in5 insert 1 delay value' });
    await delay.fill(String(kDelayFrames));
    await delay.press('Enter');
    await eventually(async () => (await http.value('/input/in5/insert/1/delay')) === kDelayFrames,
      'delay 100 in the engine');
    // nodelay reports a new delay once it has run a while (about 8192 frames): poll.
    const latency = dialog.locator('[data-plugins="latency"]');
    await eventually(async () => (await latency.getAttribute('data-frames')) === String(kDelayFrames),
      `a latency of ${kDelayFrames} frames`, 15000);
    assert.equal(await latency.textContent(),
      `in5's own latency (plugins and insert): ${kDelayFrames} frames (${kDelayMs} ms)`);
    assert.equal((await http.call('GET', '/api/status')).latency.inputs.in5.frames, kDelayFrames);
    // The insert's own line counts only the insert, which is off.
    await eventually(async () => /Adds nothing .* while off/.test(
      await dialog.locator('[data-insert="latency"]').textContent()), 'the insert adds nothing');
    await latency.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-strip-in5-nodelay.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.deepEqual(page.errors, []);
  });

  // A linked pair's first input's slots are the pair's (decisions.md, "LV2 plugin slots"):
  // in1's dialog lists what fits a stereo channel once /link/in1 is on, and x42's balance, a
  // stereo plugin, loads there from the picker; the server refuses the unlink under it.
  it("lists stereo plugins for a linked pair's first input and loads one", async () => {
    const listed = (await http.call('GET', '/api/plugins')).plugins;
    assert.ok(listed.some((p) => p.uri === kStereo && p.stereo_slot && !p.mono_slot),
      'x42 balance is installed, stereo');
    await http.set('/link/in1', true);
    const opener = page.getByRole('button', { name: 'in1 strip', exact: true });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: /· in1 · strip/ });
    const plugins = dialog.getByRole('region', { name: 'in1 plugins' });
    await plugins.waitFor();
    assert.equal(await plugins.getAttribute('data-layout'), 'stereo');
    const picker = plugins.getByRole('combobox', { name: 'in1 insert 1 plugin' });
    await eventually(async () => (await picker.locator(`option[value="${kStereo}"]`).count()) === 1,
      'the stereo plugin in the picker');
    assert.equal(await picker.getAttribute('data-count'),
      String(listed.filter((p) => p.stereo_slot).length));
    await picker.selectOption(kStereo);
    await eventually(async () => (await http.value('/input/in1/insert/1/plugin')) === kStereo,
      'balance loaded on the pair');
    let refusal;
    try {
      await http.set('/link/in1', false);
    } catch (e) {
      refusal = e.message;
    }
    assert.ok(refusal && refusal.includes('/input/in1/insert/1 holds a stereo plugin'), refusal);
    assert.equal(await http.value('/link/in1'), true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await http.batch([{ path: '/input/in1/insert/1/plugin', value: '' },
      { path: '/link/in1', value: false }]);
    assert.deepEqual(page.errors, []);
  });

  it('fits a phone: the plugin section is no wider than the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'in5 strip', exact: true }).click();
    const plugins = page.getByRole('dialog', { name: /· in5 · strip/ })
      .getByRole('region', { name: 'in5 plugins' });
    await plugins.getByRole('textbox', { name: 'in5 insert 1 delay value' }).waitFor();
    await plugins.scrollIntoViewIfNeeded();
    // A dialog opened with a plugin loaded names it from the list, once.
    const picker = plugins.getByRole('combobox', { name: 'in5 insert 1 plugin' });
    await eventually(async () => (await picker.locator('option:checked').textContent())
      === 'No Delay Line · latency', 'nodelay named in the picker');
    assert.equal(await picker.locator(`option[value="${kNoDelay}"]`).count(), 1);
    const fits = await plugins.evaluate((node) => {
      const r = node.getBoundingClientRect();
      return r.left >= 0 && r.right <= window.innerWidth
        && document.documentElement.scrollWidth <= window.innerWidth;
    });
    assert.ok(fits, 'the plugin section fits 390 px');
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-strip-in5-plugins-phone.png') });
    await page.keyboard.press('Escape');
    assert.deepEqual(page.errors, []);
  });
});

// The same slots on outputs (/output/ID/insert/N/…), from the output's strip dialog in the
// Mixer, where they come first: the engine runs them after the output's volume, before its
// room EQ, delay and limiter. in5's sine is mixed into line3 (mono) and main (stereo) at 0 dB.
// eg-amp at -6 dB is heard as a fall of 6.0 dB on the engine's own meters (block peaks)
// against the same slot bypassed (the gain is the plugin's, so the level it leaves is the
// bypassed one less 6 dB: no render is compared with another), on line3 and on each side of
// main, where a mono plugin runs once a side. A stereo plugin asked for on mono line3 is
// refused in the server's words; nodelay's 100 frames are line3's own latency, on the panel
// and in /api/status.
describe('LV2 plugin slots on outputs on studio-8x8', () => {
  const session = panelSession(['--rate', String(kRateHz), '--source', 'in5=sine:440:-20dBFS'],
    'mixer', (http) => http.batch([{ path: '/mix/line3/in5/gain', value: 0 },
      { path: '/mix/main/in5/gain', value: 0 }]));
  let page, http;
  before(() => ({ page, http } = session));

  const kAmpName = 'Simple Amplifier';
  // The engine's block peak of output channels (a 440 Hz sine peaks in every block of 256
  // frames, within 0.004 dB), once three reads 100 ms apart agree within 0.01 dB: a slot's
  // change crossfades over 10 ms. (The meter's RMS would take seconds to settle: 300 ms.)
  const settledPeak = async (ids) => {
    const reads = [];
    await eventually(async () => {
      reads.push(await Promise.all(ids.map(async (id) => (await http.meter(id)).peak_dbfs)));
      await sleep(100);
      const last = reads.slice(-3);
      return last.length === 3
        && ids.every((_, k) => Math.max(...last.map((r) => r[k])) - Math.min(...last.map((r) => r[k])) < 0.01);
    }, `${ids.join(', ')} settled`, 5000);
    return reads.at(-1);
  };
  async function openOutputStrip(id) {
    await page.getByRole('tab', { name: `${id} mix` }).click();
    const opener = page.getByRole('button', { name: `${id} strip`, exact: true });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: new RegExp(`· ${id} · strip`) });
    await dialog.waitFor();
    return { opener, dialog };
  }

  it('loads eg-amp on a mono output from the panel, refuses a stereo plugin there', async () => {
    const listed = (await http.call('GET', '/api/plugins')).plugins;
    const { opener, dialog } = await openOutputStrip('line3');
    const plugins = dialog.getByRole('region', { name: 'line3 plugins' });
    await plugins.waitFor();
    // First, then the room EQ, the delay.
    const order = await dialog.locator('.strip-section').evaluateAll(
      (nodes) => nodes.map((n) => n.getAttribute('aria-label')));
    assert.deepEqual(order.slice(0, 3), ['line3 plugins', 'line3 EQ', 'line3 delay']);

    const slot = plugins.getByRole('group', { name: 'line3 insert 1 slot' });
    const picker = slot.getByRole('combobox', { name: 'line3 insert 1 plugin' });
    await eventually(async () => (await picker.locator(`option[value="${kAmp}"]`).count()) === 1,
      'eg-amp in the picker');
    // line3 is one channel: what fits a mono channel, and no stereo plugin.
    assert.equal(await picker.getAttribute('data-count'),
      String(listed.filter((p) => p.mono_slot).length));
    assert.equal(await picker.locator(`option[value="${kStereo}"]`).count(), 0);

    await picker.selectOption(kAmp);
    await eventually(async () => (await http.value('/output/line3/insert/1/plugin')) === kAmp,
      'eg-amp loaded on line3');
    const gain = slot.getByRole('textbox', { name: 'line3 insert 1 gain value' });
    await gain.fill('-6');
    await gain.press('Enter');
    await eventually(async () => (await http.value('/output/line3/insert/1/gain')) === -6,
      'gain -6 in the engine');
    // The strip button lights LV2 first: the plugins come before the room EQ.
    await eventually(async () => (await opener.getAttribute('data-on')).split(' ')[0] === 'plugins',
      'the strip button lit LV2');

    // Heard: 6.0 dB under the same slot bypassed (the Bypass of the panel).
    const bypass = slot.getByRole('button', { name: 'line3 insert 1 bypass' });
    const [amped] = await settledPeak(['line3']);
    await bypass.click();
    await eventually(async () => (await http.value('/output/line3/insert/1/bypass')) === true, 'bypassed');
    const [dry] = await settledPeak(['line3']);
    assert.ok(dry > -60, `line3 plays in5 (${dry} dBFS)`);
    assert.ok(Math.abs(amped - (dry - 6)) < 0.05, `eg-amp at -6 dB: ${amped} against ${dry} dBFS`);
    await bypass.click();
    await eventually(async () => (await http.value('/output/line3/insert/1/bypass')) === false, 'bypass off');
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-strip-line3-plugins.png') });

    // A stereo plugin on a mono output, found by its name: not in the list, so the panel asks
    // the server for the one installed plugin that matches and shows its refusal word for word.
    let expected;
    try {
      await http.set('/output/line3/insert/1/plugin', kStereo);
    } catch (e) {
      expected = e.message.replace(/^PUT \S+: \d+ /, '');
    }
    assert.ok(expected && expected.includes('a mono slot hosts a 1-in/1-out plugin'), expected);
    const search = slot.getByRole('searchbox', { name: 'line3 insert 1 plugin search' });
    await search.focus();
    await page.keyboard.type('stereo balance');
    await page.keyboard.press('Enter');
    const result = slot.locator('[data-plugin="result"]');
    await eventually(async () => (await result.textContent()) === expected, 'the refusal shown');
    assert.equal(await page.locator('#message').textContent(), expected);
    assert.equal(await http.value('/output/line3/insert/1/plugin'), kAmp);
    assert.equal(await picker.inputValue(), kAmp);
    // A name nothing installed has is said too, not passed over.
    await search.fill('no such plugin anywhere');
    await search.press('Enter');
    await eventually(async () => (await result.textContent())
      === 'line3 insert 1: no installed plugin matches "no such plugin anywhere"', 'no match said');
    await search.fill('');
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-strip-line3-refused.png') });
    assert.deepEqual(page.errors, []);
  });

  it("shows the latency a plugin adds to an output", async () => {
    const dialog = page.getByRole('dialog', { name: /· line3 · strip/ });
    const slot = dialog.getByRole('group', { name: 'line3 insert 2 slot' });
    await slot.getByRole('combobox', { name: 'line3 insert 2 plugin' }).selectOption(kNoDelay);
    await eventually(async () => (await http.value('/output/line3/insert/2/plugin')) === kNoDelay,
      'nodelay loaded on line3');
    const delay = slot.getByRole('textbox', { name: 'line3 insert 2 delay value' });
    await delay.fill(String(kDelayFrames));
    await delay.press('Enter');
    await eventually(async () => (await http.value('/output/line3/insert/2/delay')) === kDelayFrames,
      'delay 100 in the engine');
    const latency = dialog.locator('[data-plugins="latency"]');
    await eventually(async () => (await latency.getAttribute('data-frames')) === String(kDelayFrames),
      `a latency of ${kDelayFrames} frames`, 15000);
    assert.equal(await latency.textContent(),
      `line3's own latency (plugins): ${kDelayFrames} frames (${kDelayMs} ms)`);
    assert.equal((await http.call('GET', '/api/status')).latency.outputs.line3.frames, kDelayFrames);
    await latency.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-strip-line3-nodelay.png') });
    // Escape closes the dialog and gives the focus back to the button that opened it.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
      'line3 strip');
    assert.deepEqual(page.errors, []);
  });

  it('runs a mono plugin once a side of a stereo output, loaded from the panel', async () => {
    const listed = (await http.call('GET', '/api/plugins')).plugins;
    const { dialog } = await openOutputStrip('main');
    const slot = dialog.getByRole('region', { name: 'main plugins' })
      .getByRole('group', { name: 'main insert 1 slot' });
    const picker = slot.getByRole('combobox', { name: 'main insert 1 plugin' });
    // main is two channels: stereo plugins, and mono ones marked as run once a side.
    await eventually(async () => (await picker.locator(`option[value="${kStereo}"]`).count()) === 1,
      'a stereo plugin in the picker');
    assert.equal(await picker.getAttribute('data-count'),
      String(listed.filter((p) => p.stereo_slot).length));
    assert.equal(await picker.locator(`option[value="${kAmp}"]`).textContent(),
      `${kAmpName} · mono, once a side`);

    await picker.selectOption(kAmp);
    await eventually(async () => (await http.value('/output/main/insert/1/plugin')) === kAmp,
      'eg-amp loaded on main');
    const gain = slot.getByRole('textbox', { name: 'main insert 1 gain value' });
    await gain.fill('-6');
    await gain.press('Enter');
    await eventually(async () => (await http.value('/output/main/insert/1/gain')) === -6,
      'gain -6 in the engine');
    const amped = await settledPeak(['main.L', 'main.R']);
    const bypass = slot.getByRole('button', { name: 'main insert 1 bypass' });
    await bypass.click();
    await eventually(async () => (await http.value('/output/main/insert/1/bypass')) === true, 'bypassed');
    const dry = await settledPeak(['main.L', 'main.R']);
    for (const k of [0, 1]) {
      assert.ok(dry[k] > -60, `main plays in5 (${dry[k]} dBFS)`);
      assert.ok(Math.abs(amped[k] - (dry[k] - 6)) < 0.05,
        `side ${k}: eg-amp at -6 dB: ${amped[k]} against ${dry[k]} dBFS`);
    }
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-strip-main-plugins.png') });

    // Removed from the panel.
    await slot.getByRole('button', { name: 'Remove main insert 1 plugin' }).click();
    await eventually(async () => (await http.value('/output/main/insert/1/plugin')) === '', 'removed');
    await eventually(async () => (await gain.count()) === 0, 'the gain control gone');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.deepEqual(page.errors, []);
  });

  it('fits a phone: the output\'s plugin section is no wider than the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const { dialog } = await openOutputStrip('line3');
    const plugins = dialog.getByRole('region', { name: 'line3 plugins' });
    await plugins.getByRole('textbox', { name: 'line3 insert 2 delay value' }).waitFor();
    const fits = await plugins.evaluate((node) => {
      const r = node.getBoundingClientRect();
      return r.left >= 0 && r.right <= window.innerWidth
        && document.documentElement.scrollWidth <= window.innerWidth;
    });
    assert.ok(fits, 'the plugin section fits 390 px');
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-strip-line3-plugins-phone.png') });
    await page.keyboard.press('Escape');
    assert.deepEqual(page.errors, []);
  });
});
