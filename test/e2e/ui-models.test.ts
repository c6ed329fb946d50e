/**
 * The web UI's models pages (issue 18) in real headless Chromium against a real `sluice server`
 * on a workspace built by real Sluice commands, as the demo builds it: the example pipeline run,
 * the production model and then the candidate registered as `champion`. The models page lists
 * `breast-cancer` with its alias; a model's page shows its versions and the lineage graph of the
 * champion, reaching the training data by content hash. Any console error fails the test.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, recordErrors, SCREENSHOTS } from '../support/browser.js';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';
import { REPO_ROOT, sharedFixture } from '../support/fixtures.js';
import { startSluiceServer, type ServedProcess } from '../support/serve.js';

interface Lineage {
  data: { name: string; digest: string }[];
  upstream: { stage: string; data: { name: string; digest: string }[] }[];
}

describe('the web UI: models', { timeout: 90_000 }, () => {
  let repo: ScratchRepo;
  let server: ServedProcess;
  let browser: Browser;
  let lineage: Lineage;
  const tokens: Record<'reader' | 'editor', string> = { reader: '', editor: '' };
  const errors: string[] = [];

  before(async () => {
    repo = scratchRepo({ 'README.md': 'ui\n' });
    cpSync(join(REPO_ROOT, 'examples', 'pipeline'), repo.root, { recursive: true });
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'example pipeline');
    for (const args of [['init'], ['models', 'register', sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), '--name', 'breast-cancer', '--alias', 'champion'], ['run'], ['models', 'register', 'models/candidate.onnx', '--name', 'breast-cancer', '--alias', 'champion']]) {
      const result = sluice(repo.root, args);
      assert.equal(result.code, 0, `sluice ${args.join(' ')}: ${result.stderr}`);
    }
    lineage = (JSON.parse(sluice(repo.root, ['models', 'show', 'breast-cancer@champion', '--json']).stdout) as { lineage: Lineage }).lineage;
    for (const role of ['reader', 'editor'] as const) {
      const created = sluice(repo.root, ['token', 'create', '--role', role, '--name', `ui-${role}`, '--json']);
      assert.equal(created.code, 0, created.stderr);
      tokens[role] = (JSON.parse(created.stdout) as { secret: string }).secret;
    }
    server = await startSluiceServer(repo.root, []);
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    repo?.remove();
  });

  /** Opens a page signed in with a token (kept in sessionStorage, as the login form does). */
  async function open(path: string, role: 'reader' | 'editor' = 'editor'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    await page.addInitScript(`sessionStorage.setItem('sluice-token', ${JSON.stringify(tokens[role])});`);
    recordErrors(page, errors);
    await page.goto(`${server.url}${path}`);
    return page;
  }

  test('the models page lists breast-cancer with its champion alias, and links to the model', async () => {
    const page = await open('/?page=models');
    const row = page.locator('[data-model="breast-cancer"]');
    await row.waitFor();
    assert.match(await row.innerText(), /breast-cancer[\s\S]*@champion → v2/);
    await row.getByRole('link', { name: 'breast-cancer' }).click();
    await page.locator('svg.lineage').waitFor();
    assert.ok(page.url().includes('page=model') && page.url().includes('name=breast-cancer'));
    assert.deepEqual(errors, []);
  });

  test('a model\'s page shows its versions and the champion\'s lineage graph, reaching the training data by hash', async () => {
    const page = await open('/?page=model&name=breast-cancer');
    const graph = page.locator('svg.lineage');
    await graph.waitFor();
    assert.match(await page.locator('[data-version="2"]').innerText(), /v2[\s\S]*@champion/);
    assert.equal(await page.locator('[data-version="1"]').count(), 1);
    assert.match(await page.locator('h3').innerText(), /Version 2 \(champion\)/);
    const trainData = lineage.upstream.flatMap((stage) => stage.data).find((item) => item.name === 'data/train.csv');
    assert.ok(trainData, 'the lineage reaches data/train.csv');
    const dataNode = graph.locator(`[data-node="data:${trainData.digest}"]`);
    assert.equal(await dataNode.count(), 1);
    assert.match((await dataNode.textContent()) ?? '', new RegExp(`data/train\\.csv.*${trainData.digest.slice(0, 19)}`));
    assert.equal(await graph.locator('[data-node="stage:train"]').count(), 1);
    assert.equal(await graph.locator('[data-node="model:breast-cancer v2"]').count(), 1);
    assert.ok((await graph.locator('polyline').count()) >= 3, 'edges are drawn');
    await page.screenshot({ path: join(SCREENSHOTS, 'model.png') });
    assert.deepEqual(errors, []);
  });

  test('choosing another version shows that version, without lineage when none is known', async () => {
    const page = await open('/?page=model&name=breast-cancer&version=1');
    await page.getByText('No lineage: no run is known to have produced this file.').waitFor();
    assert.match(await page.locator('h3').innerText(), /Version 1/);
    assert.deepEqual(errors, []);
  });

  test('the runs table shows the demo pipeline run with the metric values its metrics file holds', async () => {
    const accuracy = (JSON.parse(readFileSync(join(repo.root, 'metrics', 'test.json'), 'utf8')) as { accuracy: number }).accuracy;
    const page = await open('/?page=runs&columns=metrics.test.accuracy');
    const row = page.locator('.body [role=row]', { hasText: /^pipeline-/ }).first();
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`pipeline-[0-9a-f]{8}\\s+FINISHED\\s+${accuracy.toFixed(4).replace('.', '\\.')}`));
    assert.deepEqual(errors, []);
  });

  test('the pipeline page draws the example\'s DAG, each stage with its latest outcome', async () => {
    const page = await open('/?page=pipeline');
    await page.locator('svg.pipeline').waitFor();
    const stages = await page.locator('svg.pipeline [data-stage]').evaluateAll((nodes) => nodes.map((node) => [node.getAttribute('data-stage'), node.getAttribute('class')]));
    assert.deepEqual(stages.map(([name]) => name).sort(), ['evaluate@test', 'evaluate@validation', 'gate', 'prepare', 'train', 'validate']);
    assert.ok(stages.every(([, kind]) => /stage-ran/.test(kind ?? '')), JSON.stringify(stages));
    for (const edge of ['prepare→train', 'train→evaluate@test', 'train→gate']) assert.equal(await page.locator(`svg.pipeline [data-edge="${edge}"]`).count(), 1, edge);
    assert.match(await page.locator('[data-stage-row="train"]').innerText(), /^train\s+ran/);
    await page.screenshot({ path: join(SCREENSHOTS, 'pipeline.png') });
    assert.deepEqual(errors, []);
  });

  test('a stage run\'s page shows the stage\'s log and the files it produced', async () => {
    const post = async (path: string, body: unknown) =>
      (await fetch(`${server.url}/api/2.0/mlflow/${path}`, { method: 'POST', headers: { authorization: `Bearer ${tokens.reader}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
    const experiments = ((await post('experiments/search', { max_results: 100 })) as { experiments: { experiment_id: string }[] }).experiments.map((experiment) => experiment.experiment_id);
    const found = (await post('runs/search', { experiment_ids: experiments, filter: "tags.`sluice.stage` = 'train'", max_results: 1 })) as { runs?: { info: { run_id: string } }[] };
    const runId = found.runs?.[0]?.info.run_id;
    assert.ok(runId, JSON.stringify(found));
    const page = await open(`/?page=run&run=${runId}`);
    const log = page.getByTestId('stage-log');
    await log.waitFor();
    assert.match(await log.innerText(), /models\/candidate\.onnx/);
    assert.match(await page.locator('[data-output="models/candidate.onnx"]').innerText(), /blake3:[0-9a-f]{64}/);
    assert.deepEqual(errors, []);
  });

  test('the data page shows the validation stage\'s latest report: data, schema, rows, checks, passed', async () => {
    const page = await open('/?page=data');
    const row = page.locator('[data-validation="data/train.csv"]');
    await row.waitFor();
    assert.match(await row.innerText(), /data\/train\.csv\s+data\/schema\.yaml\s+validate\s+398\s+\d+\s+passed\s+reports\/data-validation\.json/);
    assert.deepEqual(errors, []);
  });

  test('a reader token cannot promote: the button is disabled, and the server refuses the request', async () => {
    const page = await open('/?page=model&name=breast-cancer&version=1', 'reader');
    const button = page.getByRole('button', { name: 'Promote to champion' });
    await button.waitFor();
    assert.equal(await button.isDisabled(), true, 'disabled while the role is being checked, and after');
    await page.locator('button[title*="editor or admin token"]').waitFor();
    assert.equal(await button.isDisabled(), true);
    assert.match((await button.getAttribute('title')) ?? '', /your token is a reader's: this needs an editor or admin token/);
    const refused = await fetch(`${server.url}/api/2.0/mlflow/registered-models/alias`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.reader}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'breast-cancer', alias: 'champion', version: '1' }),
    });
    assert.equal(refused.status, 403);
    assert.deepEqual(errors, []);
  });

  test('an editor promotes a version: the alias moves, in the page and in the registry\'s audit log', async () => {
    const page = await open('/?page=model&name=breast-cancer&version=1');
    await page.getByRole('button', { name: 'Promote to champion' }).click();
    await page.locator('h3', { hasText: 'Version 1 (champion)' }).waitFor();
    assert.match(await page.locator('[data-version="1"]').innerText(), /@champion/);
    const shown = JSON.parse(sluice(repo.root, ['models', 'show', 'breast-cancer@champion', '--json']).stdout) as { version: number };
    assert.equal(shown.version, 1);
    const audit = sluice(repo.root, ['audit', '--model', 'breast-cancer', '--limit', '1']).stdout;
    assert.match(audit, /token:ui-editor\s+alias\.set\s+models:\/breast-cancer@champion/);
    assert.deepEqual(errors, []);
  });
});
