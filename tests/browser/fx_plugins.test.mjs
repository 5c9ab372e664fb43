// The FX buses' plugin slots and built-in switches in the panel, in real headless Chromium
// against a real `phantom start`: hp1's FX dialog (opened from hp1's output strip in the
// mixer) has a section per FX bus, with the built-in switch and the bus's two slots. hp1 is
// stereo, so its reverb bus's picker lists the plugins marked stereo_slot by GET /api/plugins
// (balance, 2 in / 2 out; eg-amp, mono, once a side). eg-amp is loaded from the picker, its
// gain control appears and a typed -6 reaches the engine; the built-in reverb is switched off
// from the panel; x42's 8-in/8-out matrix mixer, searched for by name, and a URI that is not
// installed are refused in the server's own words; the bus's
// line says it does not run while the return is at -inf, and what it runs once it is up.
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { artifacts, eventually, panelSession, showView } from './support.mjs';

const kAmp = 'http://lv2plug.in/plugins/eg-amp';
const kStereo = 'http://gareus.org/oss/lv2/balance';
const kMatrix = 'http://gareus.org/oss/lv2/matrixmixer#i8o8';
const kBase = '/output/hp1/reverb/insert/1/';
const picker = (slot) => slot.getByRole('combobox', { name: 'hp1 reverb insert 1 plugin' });

describe('the FX buses\' plugin slots on studio-8x8', () => {
  const session = panelSession([], 'inputs');
  let page, http;
  before(() => ({ page, http } = session));

  it('loads a plugin on hp1\'s reverb bus, sets its control and switches the built-in off', async () => {
    const listed = (await http.call('GET', '/api/plugins')).plugins;
    assert.ok(listed.some((p) => p.uri === kAmp && p.stereo_slot), 'eg-amp is installed');
    assert.equal(await http.value('/output/hp1/reverb_return'), -Infinity);

    await showView(page, 'Mixer');
    await page.getByRole('tab', { name: 'hp1 mix' }).click();
    const opener = page.getByRole('button', { name: 'hp1 FX settings' });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: /FX · reverb and echo of hp1/ });
    await dialog.waitFor();
    const bus = dialog.getByRole('region', { name: 'hp1 reverb bus' });
    await bus.waitFor();
    assert.equal(await dialog.getByRole('region', { name: 'hp1 echo bus' }).count(), 1);
    assert.equal(await bus.getAttribute('data-layout'), 'stereo');
    // The return is at -inf: the bus does not run, and the panel says so.
    const state = bus.locator('[data-fx-bus="state"]');
    assert.equal(await state.getAttribute('data-idle'), 'true');
    assert.match(await state.textContent(), /hp1's reverb return is at -inf: this bus does not run/);

    const slot = bus.getByRole('group', { name: 'hp1 reverb insert 1 slot' });
    const picker = slot.getByRole('combobox', { name: 'hp1 reverb insert 1 plugin' });
    await eventually(async () => (await picker.locator(`option[value="${kAmp}"]`).count()) === 1,
      'eg-amp in the picker');
    // A stereo bus lists the 2-in/2-out plugins and the mono ones (once a side): the server's
    // stereo_slot, all of them.
    assert.equal(await picker.locator(`option[value="${kStereo}"]`).count(), 1);
    assert.equal(await picker.getAttribute('data-count'),
      String(listed.filter((p) => p.stereo_slot).length));
    assert.match(await picker.locator(`option[value="${kAmp}"]`).textContent(), /mono, once a side/);

    // Loaded from the picker: the parameter is set, its control appears and sets the plugin.
    await picker.selectOption(kAmp);
    await eventually(async () => (await http.value(`${kBase}plugin`)) === kAmp, 'eg-amp loaded');
    const gain = slot.getByRole('textbox', { name: 'hp1 reverb insert 1 gain value' });
    await gain.waitFor();
    await gain.fill('-6');
    await gain.press('Enter');
    await eventually(async () => (await http.value(`${kBase}gain`)) === -6, 'gain -6 in the engine');
    // Still not running: the line says the plugin does not run either.
    await eventually(async () => /does not run, nor its plugins/.test(await state.textContent()),
      'the plugin idle with the return');

    // The built-in switch, on by default; off from the panel.
    const builtin = bus.getByRole('button', { name: 'hp1 built-in reverb' });
    assert.equal(await builtin.getAttribute('aria-pressed'), 'true');
    await builtin.click();
    await eventually(async () => (await http.value('/output/hp1/reverb_builtin')) === false,
      'the built-in reverb off');
    await eventually(async () => (await builtin.getAttribute('aria-pressed')) === 'false', 'switch out');
    // The return raised (elsewhere): the line says what the bus runs now.
    await http.set('/output/hp1/reverb_return', 0);
    await eventually(async () => (await state.getAttribute('data-idle')) === 'false', 'the bus running');
    assert.equal(await state.textContent(), 'return at 0.0 dB: sends dry → 1 plugin → return');
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-fx-hp1-reverb-plugin.png') });

    // A change made elsewhere moves the control.
    await http.set(`${kBase}gain`, -12);
    await eventually(async () => Number(await gain.inputValue()) === -12, 'the gain field follows');

    // Bypass from the panel.
    const bypass = slot.getByRole('button', { name: 'hp1 reverb insert 1 bypass' });
    await bypass.click();
    await eventually(async () => (await http.value(`${kBase}bypass`)) === true, 'bypassed');
    await eventually(async () => (await state.textContent())
      === 'return at 0.0 dB: sends dry → 1 plugin (1 bypassed) → return', 'the line says bypassed');

    // Removed: the slot is empty, the control gone; with the built-in off too, a plain aux.
    await slot.getByRole('button', { name: 'Remove hp1 reverb insert 1 plugin' }).click();
    await eventually(async () => (await http.value(`${kBase}plugin`)) === '', 'removed');
    await eventually(async () => (await gain.count()) === 0, 'the gain control gone');
    await eventually(async () => /a plain aux/.test(await state.textContent()), 'a plain aux');
    assert.deepEqual(page.errors, []);
  });

  it('shows the server\'s refusal', async () => {
    const bus = page.getByRole('region', { name: 'hp1 reverb bus' });
    const slot = bus.getByRole('group', { name: 'hp1 reverb insert 1 slot' });
    const search = slot.getByRole('searchbox', { name: 'hp1 reverb insert 1 plugin search' });
    const result = slot.locator('[data-plugin="result"]');
    // The server's words for `uri` on the slot, asked through the API.
    const refusal = async (uri) => {
      try {
        await http.set(`${kBase}plugin`, uri);
      } catch (e) {
        return e.message.replace(/^PUT \S+: \d+ /, '');
      }
      return null;
    };
    // x42's 8-in/8-out matrix mixer fits no slot of two channels: not listed, but named in the
    // search box it is asked for (the one installed plugin matching), and refused.
    const matrix = await refusal(kMatrix);
    assert.ok(matrix && /8 audio input/.test(matrix), matrix);
    assert.equal(await picker(slot).locator(`option[value="${kMatrix}"]`).count(), 0);
    await search.fill('Matrix Mixer 8x8');
    await search.press('Enter');
    await eventually(async () => (await result.textContent()) === matrix, 'the layout refusal shown');
    assert.equal(await page.locator('#message').textContent(), matrix);
    // A URI that is not installed.
    const missing = await refusal('http://example.org/no-such-reverb');
    assert.ok(missing && missing.includes('is not installed'), missing);
    await search.fill('http://example.org/no-such-reverb');
    await search.press('Enter');
    await eventually(async () => (await result.textContent()) === missing, 'the refusal shown');
    assert.equal(await page.locator('#message').textContent(), missing);
    assert.equal(await http.value(`${kBase}plugin`), '');
    // The echo bus's switch is its own.
    await page.getByRole('button', { name: 'hp1 built-in echo' }).click();
    await eventually(async () => (await http.value('/output/hp1/echo_builtin')) === false, 'echo built-in off');
    assert.equal(await http.value('/output/hp1/reverb_builtin'), false);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: /FX · reverb and echo of hp1/ }).waitFor({ state: 'detached' });
    assert.deepEqual(page.errors, []);
  });

  it('fits a phone: the FX buses are no wider than the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'hp1 FX settings' }).click();
    const dialog = page.getByRole('dialog', { name: /FX · reverb and echo of hp1/ });
    await dialog.waitFor();
    for (const fx of ['reverb', 'echo']) {
      const bus = dialog.getByRole('region', { name: `hp1 ${fx} bus` });
      await bus.scrollIntoViewIfNeeded();
      const fits = await bus.evaluate((node) => {
        const r = node.getBoundingClientRect();
        return r.left >= 0 && r.right <= window.innerWidth
          && document.documentElement.scrollWidth <= window.innerWidth;
      });
      assert.ok(fits, `hp1's ${fx} bus fits 390 px`);
    }
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-fx-hp1-buses-phone.png') });
    await page.keyboard.press('Escape');
    assert.deepEqual(page.errors, []);
  });
});
