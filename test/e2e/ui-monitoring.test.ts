/**
 * The monitoring page (issue 18) in real headless Chromium against a real `sluice server` of a
 * workspace whose monitor closed its windows through real commands: the resampled and the
 * drifted breast-cancer rows replayed through `sluice serve --env production` with their labels
 * (`sluice monitor replay`), then `sluice monitor run`. The page charts the drifted share and the
 * live accuracy over the two windows, lists the newest window's columns with the three shifted
 * ones drifted, and shows the drift alert. Any console error fails the test.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, recordErrors, SCREENSHOTS } from '../support/browser.js';
import { sluice, sluiceAsync, type ScratchRepo } from '../support/cli.js';
import { environmentRepo } from '../support/environment.js';
import { sharedFixture } from '../support/fixtures.js';
import { startServe, startSluiceServer, type ServedProcess } from '../support/serve.js';

const SHIFTED = ['mean_area', 'mean_radius', 'mean_texture'];

describe('the monitoring page', { timeout: 180_000 }, () => {
  let repo: ScratchRepo;
  let server: ServedProcess;
  let browser: Browser;

  before(async () => {
    repo = environmentRepo(`deploy:
  production: {model: bc, port: 0}
monitor:
  production:
    window: {every: 171 predictions, min_rows: 100}
    reference: ${sharedFixture('breast_cancer', 'train.csv')}
    checks:
      data_drift: {method: ks, drift_share: 0.1}
      performance: {metric: accuracy, min_labels: 50}
    alerts:
      - {name: drift, when: data_drift.dataset_drift, severity: warning}
`);
    const serving = await startServe(repo.root, ['--env', 'production', '--no-monitor']);
    try {
      for (const file of ['current_nodrift.csv', 'current_drifted.csv']) {
        const replay = await sluiceAsync(repo.root, ['monitor', 'replay', '--env', 'production', '--data', sharedFixture('breast_cancer', file), '--labels', 'target', '--url', serving.url]);
        assert.equal(replay.code, 0, replay.stderr);
      }
    } finally {
      await serving.stop();
    }
    const run = sluice(repo.root, ['monitor', 'run', '--env', 'production']);
    assert.equal(run.code, 0, run.stderr);
    server = await startSluiceServer(repo.root, []);
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    repo?.remove();
  });

  test('charts drift and live accuracy over the windows, names the drifted columns and shows the alert', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    const errors: string[] = [];
    recordErrors(page, errors);
    await page.goto(`${server.url}/?page=monitoring`);
    const card = page.locator('[data-monitor="production"]');
    await card.waitFor();
    assert.match(await card.locator('h2').innerText(), /production 2 windows, 342 predictions/);
    // uPlot draws its canvas in an effect after the card renders: wait for each before counting.
    for (const chart of ['drifted share of columns over time', 'live accuracy over time']) {
      const canvas = card.getByRole('img', { name: chart }).locator('canvas');
      await canvas.first().waitFor();
      assert.equal(await canvas.count(), 1, chart);
    }
    const drifted = await card.locator('.scores tr.drifted td:first-child').allInnerTexts();
    assert.deepEqual([...drifted].sort(), SHIFTED);
    assert.match(await card.getByTestId('live-metric').innerText(), /^0\.\d{4} \(95 % interval 0\.\d{4}–0\.\d{4}\) on 171 labels$/);
    assert.match(await card.locator('.alerts [data-rule="drift"]').innerText(), /drift \(warning\)/);
    await page.screenshot({ path: join(SCREENSHOTS, 'monitoring.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });
});
