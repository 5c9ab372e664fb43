// The studio doctor in the panel, in real headless Chromium against a real `phantom start`: a
// condenser without 48 V on in1 shows as a critical finding in the Doctor view and as a badge
// on in1's strip; switching 48 V on makes both go.
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { artifacts, eventually, panelSession, showView } from './support.mjs';

describe('the Doctor view', () => {
  const session = panelSession(['--source', 'in1=condenser:sine:1k:94dBSPL'], 'doctor', async (http) => {
    await http.set('/input/in1/gain', 40);
    await http.set('/mix/main/in1/gain', 0);
  });
  let page, http;
  before(() => ({ page, http } = session));

  it('lists the finding, marks the strip, and clears both once fixed', async () => {
    await showView(page, 'Doctor');
    const row = page.locator('table.doctor tr[data-rule="no-phantom"]');
    await eventually(async () => (await row.count()) === 1, 'the no-phantom finding', 4000);
    assert.match(await row.textContent(), /in1.*48 V.*\/input\/in1\/phantom on/);
    await page.screenshot({ path: path.join(artifacts, 'studio-8x8-doctor.png'), fullPage: true });
    await showView(page, 'Inputs');
    const strip = page.getByRole('region', { name: 'in1', exact: true });
    await eventually(async () => (await strip.getAttribute('data-doctor')) === 'critical',
      'the badge on in1', 4000);
    assert.equal(await strip.getByRole('link', { name: /Doctor: no signal/ }).count(), 1);
    await http.set('/input/in1/phantom', true);
    await eventually(async () => (await strip.getAttribute('data-doctor')) === null,
      'the badge gone', 5000);
    await showView(page, 'Doctor');
    await eventually(async () => (await row.count()) === 0, 'the finding gone', 4000);
    assert.deepEqual(page.errors, []);
  });
});
