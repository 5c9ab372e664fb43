// A hardware insert set up and measured from the panel, in real headless Chromium against a
// real `phantom start`: in1's strip dialog has an Insert section whose send and return are
// chosen by name; Measure refuses a loop without a send and a silent return with the server's
// own reasons, then measures a loop through the virtual outboard gear (line3 → 2 ms → in5).
// The figure it must show is computed here, not read from the engine: the virtual converters
// take one block each way (decisions.md, "Hardware inserts"), so the round trip is
// 2 × the block + 2 ms at the rate.
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { artifacts, eventually, panelSession } from './support.mjs';

const kRateHz = 48000;
const kBlockFrames = 128;
const kGearMs = 2;
const kExpectedFrames = 2 * kBlockFrames + Math.round(kGearMs * kRateHz / 1000);  // 352
const kExpectedMs = (kExpectedFrames * 1000 / kRateHz).toFixed(2);  // 7.33

describe('the hardware insert in the strip on studio-8x8', () => {
  const session = panelSession(['--rate', String(kRateHz), '--frames', String(kBlockFrames),
    '--source', `in5=outboard:line3:delay=${kGearMs}ms`, '--source', 'in6=silence'], 'inputs');
  let page, http;
  before(() => ({ page, http } = session));

  async function resultText(insert) {
    return (await insert.locator('[data-insert="result"]').textContent()).trim();
  }

  it('sets up the loop by name, measures it and shows the delay it adds', async () => {
    // The block the virtual converters take each way is the one asked for.
    const status = await http.call('GET', '/api/status');
    assert.equal(status.rate_hz, kRateHz);
    assert.equal(status.latency.capture_frames, kBlockFrames);
    assert.equal(status.latency.playback_frames, kBlockFrames);

    const opener = page.getByRole('button', { name: 'in1 strip', exact: true });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: /· in1 · strip/ });
    await dialog.waitFor();
    const insert = dialog.getByRole('region', { name: 'in1 insert' });
    await insert.waitFor();
    const measure = insert.getByRole('button', { name: 'Measure in1 insert' });
    // The dialog's Plugins section asks for the installed plugins first; the server's first
    // GET /api/plugins loads every LV2 bundle under the controller's lock, which a measurement
    // waits for (seconds on a busy machine): the refusal below is timed from when it is done.
    await eventually(async () => (await dialog.getByRole('combobox', { name: 'in1 insert 1 plugin' })
      .getAttribute('data-count')) !== null, 'the installed plugins read', 30000);

    // No send yet: the server's reason, and nothing changes.
    await measure.click();
    await eventually(async () => /has no send/.test(await resultText(insert)), 'the refusal');
    assert.match(await page.locator('#message').textContent(), /in1's insert has no send/);
    assert.equal(await http.value('/input/in1/insert/delay'), 0);

    // Send and return are listed by name, with the id after it.
    const send = insert.getByRole('combobox', { name: 'in1 insert send' });
    const ret = insert.getByRole('combobox', { name: 'in1 insert return' });
    const line3 = await http.value('/name/line3'), main = await http.value('/name/main');
    assert.equal(await send.locator('option[value="line3"]').textContent(), `${line3} (line3)`);
    assert.equal(await send.locator('option[value="main.L"]').textContent(), `${main} L (main.L)`);
    assert.equal(await ret.locator('option[value="in5"]').textContent(),
      `${await http.value('/name/in5')} (in5)`);
    assert.equal(await ret.locator('option[value="in1"]').count(), 1, 'every input is listed');

    // A silent return (in6 plays silence): refused with the reason, the delay kept.
    await send.selectOption('line3');
    await ret.selectOption('in6');
    await eventually(async () => (await http.value('/input/in1/insert/send')) === 'line3', 'send line3');
    await eventually(async () => (await http.value('/input/in1/insert/return')) === 'in6', 'return in6');
    await measure.click();
    await eventually(async () => /was not measured/.test(await resultText(insert)), 'the refusal', 10000);
    assert.match(await resultText(insert), /came back/);
    assert.match(await resultText(insert), /the delay stays 0 frames/);
    assert.equal(await http.value('/input/in1/insert/delay'), 0);

    // The loop through the gear: measured through the button.
    await ret.selectOption('in5');
    await eventually(async () => (await http.value('/input/in1/insert/return')) === 'in5', 'return in5');
    await measure.click();
    await eventually(async () => (await insert.locator('[data-insert="result"]').getAttribute('data-frames'))
      === String(kExpectedFrames), `a round trip of ${kExpectedFrames} frames`, 10000);
    assert.match(await resultText(insert),
      new RegExp(`^Round trip ${kExpectedFrames} frames \\(${kExpectedMs} ms\\); was 0\\. Loop gain`));
    assert.equal(await http.value('/input/in1/insert/delay'), kExpectedFrames);
    // The delay's own control follows, in frames and in milliseconds.
    await eventually(async () => (await insert.getByRole('textbox', { name: 'in1 insert delay value' })
      .inputValue()) === String(kExpectedFrames), 'the delay field');
    await eventually(async () => (await insert.locator('[data-insert="delay-ms"]').textContent())
      === `= ${kExpectedMs} ms at 48 kHz`, 'the delay in ms');

    // Off, the insert adds nothing; on, it adds the loop's delay to in1's latency.
    assert.match(await insert.locator('[data-insert="latency"]').textContent(), /Adds nothing .* while off/);
    await insert.getByRole('button', { name: 'in1 insert on' }).click();
    await eventually(async () => (await http.value('/input/in1/insert/on')) === true, 'insert on');
    await eventually(async () => (await insert.locator('[data-insert="latency"]').textContent())
      === `Adds ${kExpectedFrames} frames (${kExpectedMs} ms) to in1's latency`, 'the latency added');
    assert.equal((await http.call('GET', '/api/status')).latency.inputs.in1.frames, kExpectedFrames);
    await eventually(async () => (await opener.getAttribute('data-on')).split(' ').includes('insert'),
      'the strip button lit INS');

    // The mix, typed: a parallel blend.
    const mix = insert.getByRole('textbox', { name: 'in1 insert mix value' });
    await mix.fill('50');
    await mix.press('Enter');
    await eventually(async () => (await http.value('/input/in1/insert/mix')) === 50, 'mix 50 %');
    // A delay typed by hand is a whole number of frames; a fraction is refused with the reason.
    const delay = insert.getByRole('textbox', { name: 'in1 insert delay value' });
    await delay.fill('100.5');
    await delay.press('Enter');
    await eventually(async () => /not a whole number of frames/.test(
      await insert.locator('.insert-delay .field-error').textContent()), 'the fraction refused');
    assert.equal(await http.value('/input/in1/insert/delay'), kExpectedFrames);
    await insert.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-strip-in1-insert.png') });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.deepEqual(page.errors, []);
  });

  it('fits a phone: the insert section is no wider than the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'in1 strip', exact: true }).click();
    const insert = page.getByRole('dialog', { name: /· in1 · strip/ })
      .getByRole('region', { name: 'in1 insert' });
    await insert.scrollIntoViewIfNeeded();
    const fits = await insert.evaluate((node) => {
      const r = node.getBoundingClientRect();
      return r.left >= 0 && r.right <= window.innerWidth
        && document.documentElement.scrollWidth <= window.innerWidth;
    });
    assert.ok(fits, 'the insert section fits 390 px');
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-strip-in1-insert-phone.png') });
    await page.keyboard.press('Escape');
    assert.deepEqual(page.errors, []);
  });
});
