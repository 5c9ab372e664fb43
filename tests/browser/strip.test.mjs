// A channel's strip in the panel, in real headless Chromium against a real `phantom start`:
// in1's strip opens from the Inputs view; the EQ switched on and mid1's gain set with the
// panel's own controls (typed, then a key) reach the engine's parameters; the curve drawn is
// the server's response (GET /api/strips/in1/response) and stands above the 0 dB line at
// mid1's frequency by the gain set; a change made elsewhere redraws it; the compressor's and
// the headphone limiter's gain-reduction meters appear when they are on with signal; the
// dialog fits the screen on a desktop and on a phone, and gives the focus back on Escape.
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { artifacts, eventually, panelSession, showView, sleep } from './support.mjs';

// The drawn curve: the points of the total's path, as (frequency, dB) by the SVG's own frame.
async function drawnCurve(page, id) {
  return page.evaluate((name) => {
    const svg = document.querySelector(`svg.eq-curve[aria-label="${name} EQ curve"]`);
    if (!svg || !svg.dataset.draws) return null;
    const zeroY = Number(svg.dataset.zeroY), pxPerDb = Number(svg.dataset.pxPerDb);
    const low = Number(svg.dataset.lowHz), high = Number(svg.dataset.highHz);
    const width = Number(svg.dataset.width);
    const d = svg.querySelector('path.curve-total').getAttribute('d');
    const points = [...d.matchAll(/[ML] ([-\d.]+) ([-\d.]+)/g)].map((m) => {
      const x = Number(m[1]), y = Number(m[2]);
      return { hz: low * Math.pow(high / low, x / width), db: (zeroY - y) / pxPerDb, y };
    });
    return { draws: Number(svg.dataset.draws), zeroY, points };
  }, id);
}

function near(curve, hz) {
  return curve.points.reduce((best, p) => (Math.abs(Math.log(p.hz / hz)) < Math.abs(Math.log(best.hz / hz))
    ? p : best));
}

// Every drawn point is the served response's (to 0.01 dB), where it lies within the frame.
async function assertServed(http, id, curve) {
  const served = await http.call('GET', `/api/strips/${id}/response?points=${curve.points.length}`);
  assert.equal(served.total_db.length, curve.points.length);
  curve.points.forEach((p, k) => {
    const db = served.total_db[k];
    if (Math.abs(db) <= 24)
      assert.ok(Math.abs(p.db - db) < 0.01, `${id} point ${k} (${p.hz} Hz): drawn ${p.db}, served ${db}`);
    else
      assert.ok(Math.sign(p.db) === Math.sign(db) && Math.abs(p.db) > 24, `${id} point ${k} off the frame`);
  });
}

async function fitsTheScreen(page) {
  return page.evaluate(() => {
    const d = document.querySelector('dialog.strip-dialog');
    const r = d.getBoundingClientRect();
    return r.left >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight
      && document.documentElement.scrollWidth <= window.innerWidth;
  });
}

describe('the strip view on studio-8x8', () => {
  // in1: a 1 kHz sine at line level, about -38 dBFS at the converter.
  const session = panelSession(['--source', 'in1=sine:1k:-20dBu'], 'inputs');
  let page, http;
  before(() => ({ page, http } = session));

  it('opens in1\'s strip, sets the EQ with the panel and draws the real response', async () => {
    await showView(page, 'Inputs');
    const opener = page.getByRole('button', { name: 'in1 strip', exact: true });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: /in1 · strip/ });
    await dialog.waitFor();
    // All off: the curve lies on the 0 dB line.
    await eventually(async () => (await drawnCurve(page, 'in1'))?.draws >= 1, 'the first curve');
    const flat = await drawnCurve(page, 'in1');
    assert.ok(flat.points.length > 100);
    for (const p of flat.points) assert.ok(Math.abs(p.db) < 1e-6, `flat at ${p.hz} Hz: ${p.db}`);

    await dialog.getByRole('button', { name: 'in1 eq on', exact: true }).click();
    await eventually(async () => (await http.value('/input/in1/eq/on')) === true, 'EQ on in the engine');
    const field = dialog.getByRole('textbox', { name: 'in1 eq mid1 gain value' });
    await field.fill('6');
    await field.press('Enter');
    await eventually(async () => (await http.value('/input/in1/eq/mid1/gain')) === 6, 'mid1 at +6 dB');
    // One key step up on the knob itself: +7 dB.
    const knob = dialog.getByRole('slider', { name: 'in1 eq mid1 gain', exact: true });
    await knob.focus();
    await page.keyboard.press('ArrowUp');
    await eventually(async () => (await http.value('/input/in1/eq/mid1/gain')) === 7, 'mid1 at +7 dB');
    const mid1Hz = await http.value('/input/in1/eq/mid1/freq');
    await eventually(async () => Math.abs(near(await drawnCurve(page, 'in1'), mid1Hz).db - 7) < 0.1,
      'the curve 7 dB above the 0 dB line at mid1', 5000);
    const curve = await drawnCurve(page, 'in1');
    const peak = near(curve, mid1Hz);
    assert.ok(peak.y < curve.zeroY, 'above the 0 dB line');
    assert.ok(Math.abs(peak.db - 7) < 0.1, `+7 dB at ${mid1Hz} Hz, drawn ${peak.db}`);
    // What is drawn is the server's response, point for point (where it is within the frame).
    await assertServed(http, 'in1', curve);

    // A change from elsewhere (the API: another panel, the CLI) redraws it: a 24 dB/oct low cut.
    const before = curve.draws;
    await http.batch({ '/input/in1/lowcut/on': true, '/input/in1/lowcut/freq': 200,
      '/input/in1/lowcut/slope': '24' });
    await eventually(async () => near(await drawnCurve(page, 'in1'), 50).db < -20, 'the low cut drawn', 5000);
    const withLowCut = await drawnCurve(page, 'in1');
    assert.ok(withLowCut.draws > before);
    await assertServed(http, 'in1', withLowCut);

    // mid2's dot dragged up: its gain rises by what the curve's scale says, its frequency stays.
    const dot = page.locator('svg.eq-curve circle[data-band="mid2"]');
    const box = await dot.boundingBox();
    const frame = await page.locator('svg.eq-curve').boundingBox();
    const pxPerDb = (frame.height / 2) / 24;  // ±24 dB over the curve's height
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    for (let k = 1; k <= 5; ++k) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - k * pxPerDb);
    await page.mouse.up();
    await eventually(async () => Math.abs((await http.value('/input/in1/eq/mid2/gain')) - 5) <= 0.3,
      'mid2 dragged to about +5 dB');
    assert.ok(Math.abs(Math.log2((await http.value('/input/in1/eq/mid2/freq')) / 2500)) < 0.05, 'mid2 stayed at 2.5 kHz');
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-strip-in1.png'), fullPage: true });
    assert.deepEqual(page.errors, []);
  });

  it('shows the compressor\'s gain reduction while it is on with signal', async () => {
    const dialog = page.getByRole('dialog', { name: /in1 · strip/ });
    const gr = dialog.getByRole('meter', { name: 'in1 comp gain reduction' });
    assert.equal(await gr.isVisible(), false, 'no GR meter while the compressor is off');
    await dialog.getByRole('button', { name: 'in1 comp on', exact: true }).click();
    const threshold = dialog.getByRole('textbox', { name: 'in1 comp threshold value' });
    await threshold.fill('-60');
    await threshold.press('Enter');
    await eventually(async () => (await http.value('/input/in1/comp/threshold')) === -60, 'threshold at -60');
    await eventually(async () => await gr.isVisible() && Number(await gr.getAttribute('aria-valuenow')) > 3,
      'the compressor pulling the sine down', 5000);
    const engine = await http.meter('in1');
    assert.ok(engine.comp_gr_db > 3, JSON.stringify(engine));
    assert.equal(await dialog.getByRole('meter', { name: 'in1 gate gain reduction' }).isVisible(), false);
    assert.ok(await fitsTheScreen(page), 'the strip fits a 1400 px screen');
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-strip-in1-comp.png'), fullPage: true });
    // Escape closes it and gives the focus back; the strip's button says what is on.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    const opener = page.getByRole('button', { name: 'in1 strip', exact: true });
    assert.equal(await opener.evaluate((b) => b === document.activeElement), true);
    assert.equal(await opener.getAttribute('data-on'), 'lowcut eq comp');
    assert.deepEqual(page.errors, []);
  });

  it('shows a headphone output\'s limiter and room EQ, and fits a phone', async () => {
    await http.batch({ '/input/in1/comp/on': false, '/input/in1/gain': 20, '/mix/hp1/in1/gain': 0 });
    await showView(page, 'Monitor');
    await page.getByRole('button', { name: 'hp1 strip', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /hp1 · strip/ });
    await dialog.waitFor();
    const gr = dialog.getByRole('meter', { name: 'hp1 limiter gain reduction' });
    await dialog.getByRole('button', { name: 'hp1 limiter on', exact: true }).click();
    const ceiling = dialog.getByRole('textbox', { name: 'hp1 limiter ceiling value' });
    await ceiling.fill('-40');
    await ceiling.press('Enter');
    await eventually(async () => await gr.isVisible() && Number(await gr.getAttribute('aria-valuenow')) > 3,
      'the limiter holding the ceiling', 5000);
    // The room EQ: twelve bands, one moved through the API shows in the curve.
    assert.equal(await dialog.getByRole('group', { name: /^hp1 eq \d+$/ }).count(), 12);
    await http.batch({ '/output/hp1/eq/on': true, '/output/hp1/eq/7/on': true, '/output/hp1/eq/7/freq': 2000,
      '/output/hp1/eq/7/gain': -9 });
    await eventually(async () => Math.abs(near(await drawnCurve(page, 'hp1'), 2000).db + 9) < 0.1,
      'the room EQ band drawn at -9 dB', 5000);
    await page.setViewportSize({ width: 390, height: 844 });
    await sleep(200);
    assert.ok(await fitsTheScreen(page), 'the strip fits a 390 px phone');
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-strip-hp1-phone.png') });
    await page.getByRole('button', { name: 'Close hp1 strip' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 1400, height: 900 });
    assert.deepEqual(page.errors, []);
  });
});
