/**
 * The web UI (issue 18) in real headless Chromium against a real `sluice server`, over runs logged
 * through the server's own MLflow API: the runs table, a filter in the search box, a run's
 * metric history chart, and a compare of two runs. Any console error fails the test.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, recordErrors, SCREENSHOTS } from '../support/browser.js';
import { sluice } from '../support/cli.js';
import { post, startSluiceServer, type ServedProcess } from '../support/serve.js';
import { makeTempDir } from '../support/temp-dir.js';

const RUNS = [
  { name: 'logreg-c1', C: '1.0', accuracy: [0.81, 0.9, 0.95] },
  { name: 'logreg-c01', C: '0.1', accuracy: [0.7, 0.8, 0.86] },
  { name: 'logreg-c10', C: '10.0', accuracy: [0.6, 0.75, 0.91] },
];

describe('the web UI', { timeout: 60_000 }, () => {
  const dir = makeTempDir('sluice-ui-');
  let server: ServedProcess;
  let browser: Browser;
  const errors: string[] = [];
  const ids = new Map<string, string>();

  before(async () => {
    assert.equal(sluice(dir.path, ['init']).code, 0);
    server = await startSluiceServer(dir.path, []);
    const api = `${server.url}/api/2.0/mlflow`;
    for (const run of RUNS) {
      const created = await post(`${api}/runs/create`, { experiment_id: '0', run_name: run.name, start_time: Date.now() });
      const id = created.body.run.info.run_id as string;
      ids.set(run.name, id);
      const metrics = run.accuracy.map((value, step) => ({ key: 'accuracy', value, step, timestamp: Date.now() }));
      assert.equal((await post(`${api}/runs/log-batch`, { run_id: id, metrics, params: [{ key: 'C', value: run.C }] })).status, 200);
      await post(`${api}/runs/update`, { run_id: id, status: 'FINISHED', end_time: Date.now() });
    }
    // One run gets an input data set and artifacts, as an MLflow client logs them.
    const c1 = ids.get('logreg-c1')!;
    const logged = await post(`${api}/runs/log-inputs`, { run_id: c1, datasets: [{ dataset: { name: 'train.csv', digest: 'blake3:91bae985', source_type: 'local', source: 'data/train.csv' } }] });
    assert.equal(logged.status, 200, JSON.stringify(logged.body));
    for (const [name, body] of [['summary.json', '{"roc_auc":0.95,"rows":171}'], ['data/head.csv', 'a,b\n1,2\n3,4\n']] as const) {
      const put = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/0/${c1}/artifacts/${name}`, { method: 'PUT', body });
      assert.equal(put.status, 200, await put.text());
    }
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    dir.remove();
  });

  async function open(path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    recordErrors(page, errors);
    await page.goto(`${server.url}${path}`);
    return page;
  }

  test('the runs table shows each run with its latest metric value', async () => {
    const page = await open('/');
    const row = page.locator(`[data-run-id="${ids.get('logreg-c1')}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /logreg-c1[\s\S]*0\.9500[\s\S]*1\.0/);
    assert.equal(await page.locator('.body [role=row]').count(), 3);
    await page.screenshot({ path: join(SCREENSHOTS, 'runs.png') });
    assert.deepEqual(errors, []);
  });

  test('a filter typed in the search box narrows the runs server-side', async () => {
    const page = await open('/');
    await page.locator('.body [role=row]').first().waitFor();
    await page.getByLabel('Filter runs').fill("params.C = '10.0'");
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('1 runs').waitFor();
    assert.equal(await page.locator('.body [role=row]').count(), 1);
    assert.ok(page.url().includes('filter='), 'the filter is kept in the URL');
    assert.deepEqual(errors, []);
  });

  test('the user chooses the metric and param columns, and the URL keeps the choice', async () => {
    const page = await open('/');
    await page.locator('.body [role=row]').first().waitFor();
    const header = page.locator('.row.head');
    assert.match(await header.innerText(), /accuracy[\s\S]*C/);
    await page.locator('.column-choice summary').click();
    await page.locator('.column-choice fieldset', { hasText: 'Metrics' }).getByLabel('accuracy').uncheck();
    await page.locator('.row.head .th', { hasText: 'accuracy' }).waitFor({ state: 'detached' });
    assert.match(page.url(), /columns=params\.C(&|$)/);
    assert.doesNotMatch(await page.locator(`[data-run-id="${ids.get('logreg-c1')}"]`).innerText(), /0\.9500/);
    // The URL alone restores the choice.
    const shared = await open(new URL(page.url()).search.replace(/^/, '/'));
    await shared.locator('.body [role=row]').first().waitFor();
    assert.doesNotMatch(await shared.locator('.row.head').innerText(), /accuracy/);
    await shared.locator('.column-choice summary').click();
    await shared.locator('.column-choice fieldset', { hasText: 'Metrics' }).getByLabel('accuracy').check();
    await shared.locator('.row.head .th', { hasText: 'accuracy' }).waitFor();
    assert.match(shared.url(), /columns=metrics\.accuracy%2Cparams\.C/);
    assert.deepEqual(errors, []);
  });

  test('a run page draws its metric history', async () => {
    const page = await open(`/?page=run&run=${ids.get('logreg-c1')}`);
    await page.locator('[data-testid=history-chart] canvas').waitFor();
    assert.match(await page.locator('section').innerText(), /accuracy\s+0\.9500/);
    await page.screenshot({ path: join(SCREENSHOTS, 'run.png') });
    assert.deepEqual(errors, []);
  });

  test('a run page lists its inputs and artifacts, and previews a JSON artifact', async () => {
    const page = await open(`/?page=run&run=${ids.get('logreg-c1')}`);
    await page.locator('[data-artifact="summary.json"]').waitFor();
    assert.match(await page.locator('[data-input="train.csv"]').innerText(), /blake3:91bae985/);
    assert.equal(await page.locator('[data-artifact="data"]').count(), 1, 'a directory is listed');
    await page.locator('[data-artifact="summary.json"]').getByRole('button', { name: 'Preview' }).click();
    const preview = page.locator('[data-preview="summary.json"] pre');
    await preview.waitFor();
    assert.equal(await preview.innerText(), '{\n  "roc_auc": 0.95,\n  "rows": 171\n}');
    assert.deepEqual(errors, []);
  });

  test('compare shows two runs side by side with both histories', async () => {
    const page = await open(`/?page=compare&runs=${ids.get('logreg-c1')},${ids.get('logreg-c10')}`);
    await page.locator('[data-testid=history-chart] canvas').waitFor();
    const table = await page.locator('table.compare').innerText();
    assert.match(table, /params\.C\s+1\.0\s+10\.0/);
    assert.match(table, /metrics\.accuracy\s+0\.9500\s+0\.9100/);
    assert.equal(await page.locator('[data-testid=history-chart] .u-legend .u-series').count(), 3, 'the step axis and one series per run');
    const scatter = page.getByRole('img', { name: 'metrics.accuracy against params.C' });
    await scatter.locator('canvas').waitFor();
    assert.match(await page.locator('.scatter .count').innerText(), /^2 of 2 runs have both\.$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'compare.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });

  test('unknown non-API paths get the UI, API paths keep their JSON 404', async () => {
    const page = await (await fetch(`${server.url}/some/client/route`)).text();
    assert.match(page, /<div id="root">/);
    const api = await fetch(`${server.url}/api/2.0/mlflow/nothing-here`);
    assert.equal(api.status, 404);
    assert.match(await api.text(), /ENDPOINT_NOT_FOUND/);
  });
});
