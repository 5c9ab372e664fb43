// The FX buses in the panel, in real headless Chromium against a real `phantom start`: in hp1's
// mix, in1's reverb send knob and hp1's reverb return and pre switch (the output's strip) reach
// the engine's parameters, and the engine's hp1 meter shows the reverb arriving (in1's dry
// fader stays at -inf, so what hp1 plays is the reverb alone); the FX dialog shows the shared
// sound from the tree and sets it; a change made elsewhere moves the panel's knob.
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { artifacts, eventually, panelSession, showView } from './support.mjs';

describe('the FX buses on studio-8x8', () => {
  // in1: a 1 kHz sine at line level, about -38 dBFS at the converter.
  const session = panelSession(['--source', 'in1=sine:1k:-20dBu'], 'inputs');
  let page, http;
  before(() => ({ page, http } = session));

  it('sends in1 to hp1\'s reverb pre fader and hears it on hp1', async () => {
    await showView(page, 'Mixer');
    await page.getByRole('tab', { name: 'hp1 mix' }).click();
    const hp1 = page.getByRole('region', { name: 'hp1 output' });
    // The return: typed into its field.
    const ret = hp1.getByRole('textbox', { name: 'hp1 reverb_return value' });
    await ret.fill('0');
    await ret.press('Enter');
    await eventually(async () => (await http.value('/output/hp1/reverb_return')) === 0, 'return at 0 dB');
    await hp1.getByRole('button', { name: 'hp1 reverb sends pre fader' }).click();
    await eventually(async () => (await http.value('/output/hp1/reverb_pre')) === true, 'pre fader');
    // The send: the knob on in1's strip, from -inf to the top with the End key.
    const send = page.getByRole('slider', { name: 'hp1 in1 reverb', exact: true });
    await send.focus();
    await page.keyboard.press('End');
    await eventually(async () => (await http.value('/mix/hp1/in1/reverb')) === 6, 'send at +6 dB');
    assert.equal(await http.value('/mix/hp1/in1/gain'), -Infinity, 'in1 dry is not in hp1');
    await eventually(async () => (await http.meter('hp1.L')).peak_dbfs > -60,
      'the reverb on hp1', 5000);
    // The same knob follows a change from elsewhere (the CLI, OSC, another panel).
    await http.set('/mix/hp1/in1/reverb', -12);
    await eventually(async () => (await send.getAttribute('aria-valuetext')) === '-12.0 dB',
      'the knob at -12 dB');
    const strip = page.getByRole('group', { name: 'hp1 in1 FX sends' });
    assert.equal(await strip.locator('.knob').first().getAttribute('title'), 'Rev send: -12.0 dB');
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-fx-hp1.png') });
    assert.deepEqual(page.errors, []);
  });

  it('shows the FX sound from the tree and sets it', async () => {
    const opener = page.getByRole('button', { name: 'hp1 FX settings' });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: /FX · reverb and echo of hp1/ });
    await dialog.waitFor();
    for (const name of ['reverb decay', 'reverb size', 'reverb predelay', 'reverb damping',
      'reverb width', 'echo time', 'echo feedback', 'echo highcut', 'echo tempo'])
      assert.equal(await dialog.getByRole('slider', { name, exact: true }).count(), 1, name);
    const decay = dialog.getByRole('textbox', { name: 'reverb decay value' });
    await decay.fill('3.5');
    await decay.press('Enter');
    await eventually(async () => (await http.value('/fx/reverb/decay')) === 3.5, 'decay 3.5 s');
    await dialog.getByRole('button', { name: 'echo pingpong' }).click();
    await eventually(async () => (await http.value('/fx/echo/pingpong')) === true, 'ping-pong on');
    await dialog.getByRole('combobox', { name: 'echo note' }).selectOption('1/4');
    await eventually(async () => (await http.value('/fx/echo/note')) === '1/4', 'a quarter note');
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-fx-dialog.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
      'hp1 FX settings', 'the focus back on the button');
    assert.deepEqual(page.errors, []);
  });
});
