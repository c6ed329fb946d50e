/**
 * What a first-time user of `sluice serve` and `sluice server` met (issue 12): a port already in
 * use, /predict without a model name when several are served, values that overflow to Infinity,
 * feedback for a request id the server never answered.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchRepo, sluice, sluiceAsync } from '../support/cli.js';
import { sharedFixture } from '../support/fixtures.js';
import { post, startServe, type ServedProcess } from '../support/serve.js';
import { makeTempDir } from '../support/temp-dir.js';

const LOGREG = sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');
const MLP = sharedFixture('breast_cancer', 'models', 'bc_mlp.onnx');

/** Holds a port on 127.0.0.1, as another program (PostgreSQL on 5432) would. */
async function occupyPort(): Promise<{ port: number; close(): Promise<void> }> {
  const holder: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    holder.once('error', reject);
    holder.listen(0, '127.0.0.1', resolve);
  });
  const address = holder.address();
  assert.ok(address && typeof address === 'object');
  return { port: address.port, close: () => new Promise((resolve) => holder.close(() => resolve())) };
}

describe('a port already in use', () => {
  let held: Awaited<ReturnType<typeof occupyPort>>;
  let temp: ReturnType<typeof makeTempDir>;
  before(async () => {
    held = await occupyPort();
    temp = makeTempDir();
  });
  after(async () => {
    await held?.close();
    temp?.remove();
  });

  for (const workers of ['1', '2']) {
    test(`sluice serve --workers ${workers} on a taken port says so and how to choose another (exit 2)`, async () => {
      const result = await sluiceAsync(temp.path, ['serve', LOGREG, '--port', String(held.port), '--workers', workers, '--no-prediction-log', '--quiet']);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`port ${held.port} on 127\\.0\\.0\\.1 is already in use`));
      assert.match(result.stderr, /--port/);
      assert.match(result.stderr, /SLUICE_HTTP_PORT_UNAVAILABLE/);
      assert.doesNotMatch(result.stderr, /internal error|bug in Sluice/);
      assert.equal(result.stderr.match(/already in use/g)?.length, 1, `reported once:\n${result.stderr}`);
    });
  }

  test('sluice server on a taken port says so and how to choose another (exit 2)', async (t) => {
    const repo = scratchRepo({ 'README.md': 'x\n' });
    t.after(() => repo.remove());
    assert.equal(sluice(repo.root, ['init']).code, 0);
    const result = await sluiceAsync(repo.root, ['server', '--port', String(held.port), '--quiet']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`port ${held.port} on 127\\.0\\.0\\.1 is already in use`));
    assert.match(result.stderr, /--port/);
    assert.doesNotMatch(result.stderr, /internal error|bug in Sluice/);
  });
});

describe('requests a first-time user sends', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let server: ServedProcess;
  before(async () => {
    temp = makeTempDir();
    // One worker: feedback is matched against the predictions of the process that answered them.
    server = await startServe(temp.path, [LOGREG, MLP, '--workers', '1', '--prediction-log', join(temp.path, 'predictions'), '--quiet']);
  });
  after(async () => {
    await server?.stop();
    temp?.remove();
  });

  const row = () => Object.fromEntries(['mean_radius', 'mean_texture', 'mean_perimeter', 'mean_area', 'mean_smoothness', 'mean_compactness', 'mean_concavity', 'mean_concave_points', 'mean_symmetry', 'mean_fractal_dimension', 'radius_error', 'texture_error', 'perimeter_error', 'area_error', 'smoothness_error', 'compactness_error', 'concavity_error', 'concave_points_error', 'symmetry_error', 'fractal_dimension_error', 'worst_radius', 'worst_texture', 'worst_perimeter', 'worst_area', 'worst_smoothness', 'worst_compactness', 'worst_concavity', 'worst_concave_points', 'worst_symmetry', 'worst_fractal_dimension'].map((name) => [name, 1]));

  for (const path of ['/predict', '/invocations']) {
    test(`${path} without a model name, with two models served, names the per-model paths`, async () => {
      const body = path === '/predict' ? { rows: [row()] } : { dataframe_records: [row()] };
      const response = await post(`${server.url}${path}`, body);
      assert.equal(response.status, 400);
      const message = String(response.body.error ?? response.body.message);
      assert.doesNotMatch(message, /none named/);
      assert.match(message, /serves 2 models and the request names none/);
      assert.match(message, new RegExp(`/models/bc_logreg${path}`));
      assert.match(message, new RegExp(`/models/bc_mlp${path}`));
    });
  }

  // 1e400 is valid JSON and parses to Infinity; 1e39 is finite but beyond float32.
  for (const [protocol, path, body] of [
    ['/predict', '/models/bc_logreg/predict', `{"rows": [${JSON.stringify(row())}, ${JSON.stringify(row()).replace('"mean_area":1', '"mean_area":1e400')}]}`],
    ['/invocations', '/models/bc_logreg/invocations', `{"dataframe_records": [${JSON.stringify(row())}, ${JSON.stringify(row()).replace('"mean_area":1', '"mean_area":-1e400')}]}`],
    ['/invocations CSV', '/models/bc_logreg/invocations', `${Object.keys(row()).join(',')}\n${Object.values(row()).join(',')}\n${Object.values(row()).map((value, k) => (k === 3 ? '1e39' : value)).join(',')}\n`],
    ['v2 infer', '/v2/models/bc_logreg/infer', `{"inputs": [{"name": "input", "shape": [2, 30], "datatype": "FP32", "data": [${[...new Array(33).fill('1'), '1e400', ...new Array(26).fill('1')].join(',')}]}]}`],
  ] as const) {
    test(`${protocol}: a value beyond the float range gets 400 naming the feature and row`, async () => {
      const response = await post(`${server.url}${path}`, body, protocol.endsWith('CSV') ? 'text/csv' : 'application/json');
      assert.equal(response.status, 400, JSON.stringify(response.body));
      const message = String(response.body.error ?? response.body.message);
      assert.match(message, /[Rr]ow 2/);
      assert.match(message, /"mean_area"/);
      assert.match(message, /finite/);
    });
  }

  test('feedback for a request id this server answered is matched', async () => {
    const sent = await post(`${server.url}/models/bc_logreg/predict`, { rows: [row()] }, 'application/json', { 'x-request-id': 'known-1' });
    assert.equal(sent.status, 200);
    const response = await post(`${server.url}/feedback`, { request_id: 'known-1', label: 1 });
    assert.equal(response.status, 202);
    assert.deepEqual([response.body.accepted, response.body.matched], [true, true]);
  });

  test('feedback for an unknown request id is accepted but says it matched no prediction', async () => {
    const response = await post(`${server.url}/feedback`, { request_id: 'never-sent', label: 1 });
    assert.equal(response.status, 202);
    assert.equal(response.body.accepted, true);
    assert.equal(response.body.matched, false);
    assert.match(response.body.note, /never-sent/);
  });
});

describe('where the prediction log goes and how much of it is kept', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => (temp = makeTempDir()));
  after(() => temp?.remove());
  const rows = [Object.fromEntries(readFileSync(sharedFixture('breast_cancer', 'test.csv'), 'utf8').split('\n')[0]!.split(',').filter((name) => name !== 'target').map((name) => [name, 1]))];

  test('sluice init git-ignores .sluice/predictions/', (t) => {
    const repo = scratchRepo({ 'README.md': 'x\n' });
    t.after(() => repo.remove());
    assert.equal(sluice(repo.root, ['init']).code, 0);
    assert.match(readFileSync(join(repo.root, '.gitignore'), 'utf8'), /^\/\.sluice\/predictions\/$/m);
  });

  test('a workspace made before the entry existed gets it on its next serve: the log stays out of git', async (t) => {
    const repo = scratchRepo({ 'README.md': 'x\n' });
    t.after(() => repo.remove());
    assert.equal(sluice(repo.root, ['init']).code, 0);
    writeFileSync(join(repo.root, '.gitignore'), readFileSync(join(repo.root, '.gitignore'), 'utf8').replace('/.sluice/predictions/\n', ''));
    const server = await startServe(repo.root, [LOGREG, '--quiet']);
    t.after(() => server.stop());
    assert.equal((await post(`${server.url}/predict`, { rows })).status, 200);
    assert.equal(await server.stop(), 0);
    assert.ok(readdirSync(join(repo.root, '.sluice', 'predictions')).length > 0, 'the log was written');
    assert.doesNotMatch(repo.git('status', '--porcelain', '--untracked-files=all'), /predictions/);
  });

  test('outside a workspace the log goes to the state directory, printed at start, not the current directory', async (t) => {
    const cwd = join(temp.path, 'outside');
    const state = join(temp.path, 'state');
    mkdirSync(cwd);
    const server = await startServe(cwd, [LOGREG, '--quiet'], { XDG_STATE_HOME: state });
    t.after(() => server.stop());
    assert.equal((await post(`${server.url}/predict`, { rows })).status, 200);
    assert.equal(await server.stop(), 0);
    const dir = join(state, 'sluice', 'predictions');
    assert.ok(server.stderr().includes(`Prediction log: ${dir} (keeps at most 1024 MB and 7 days`), server.stderr());
    assert.ok(readdirSync(dir).some((file) => file.startsWith('predictions-')));
    assert.deepEqual(readdirSync(cwd), []);
  });

  test('starting prints only Sluice lines: no deprecation or other warning from Node or the HTTP framework', async (t) => {
    const server = await startServe(temp.path, [LOGREG, '--workers', '2']);
    t.after(() => server.stop());
    assert.equal((await post(`${server.url}/predict`, { rows })).status, 200);
    assert.equal(await server.stop(), 0);
    assert.match(server.stderr(), /Serving bc_logreg at/);
    assert.doesNotMatch(server.stderr(), /Warning|DEP\d|--trace-warnings/);
  });

  test('at start, files beyond --prediction-log-max-age-days are removed', async (t) => {
    const dir = join(temp.path, 'aged');
    mkdirSync(dir);
    const old = 'predictions-20200101T000000Z-4194399-0001.jsonl';
    writeFileSync(join(dir, old), '{}\n');
    const longAgo = new Date(Date.now() - 3 * 86_400_000);
    utimesSync(join(dir, old), longAgo, longAgo);
    const server = await startServe(temp.path, [LOGREG, '--quiet', '--prediction-log', dir, '--prediction-log-max-age-days', '2', '--prediction-log-max-mb', '10']);
    t.after(() => server.stop());
    assert.match(server.stderr(), /keeps at most 10 MB and 2 days/);
    assert.deepEqual(readdirSync(dir), []);
  });

  test('a retention limit that is not a positive number is refused with the flag named (exit 2)', () => {
    const result = sluice(temp.path, ['serve', LOGREG, '--prediction-log-max-mb', '0']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--prediction-log-max-mb/);
    assert.match(result.stderr, /more than 0/);
  });
});

describe('the defaults, as --help tells them', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => (temp = makeTempDir()));
  after(() => temp?.remove());

  test('--help says --workers defaults to one per core (auto), and offers --prediction-log-sample', () => {
    const help = sluice(temp.path, ['serve', '--help']).stdout.replace(/\s+/g, ' ');
    assert.match(help, /--workers <n> processes sharing the port; auto: one per core \(os\.availableParallelism\(\)\).*\(default: "auto"\)/);
    assert.match(help, /--prediction-log-sample <fraction> the fraction of predictions logged.*\(default: "1"\)/);
  });

  test('a sample outside (0, 1] or a worker count that is not a number is refused, saying what fits (exit 2)', () => {
    for (const [flag, value, message] of [
      ['--prediction-log-sample', '0', /--prediction-log-sample must be more than 0 \(--no-prediction-log keeps none\)/],
      ['--prediction-log-sample', '1.5', /--prediction-log-sample must be at most 1/],
      ['--workers', 'many', /--workers must be a number of processes, or auto \(one per core\)/],
    ] as const) {
      const result = sluice(temp.path, ['serve', LOGREG, flag, value]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
    }
  });
});
