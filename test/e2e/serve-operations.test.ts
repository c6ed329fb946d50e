/**
 * Operating `sluice serve`: following a registry alias under load (the new version takes over
 * and no request fails), several workers on one port with metrics aggregated across them, and
 * load shedding at --max-in-flight: with the only slot held by a request whose body never
 * completes, predictions get 503 + Retry-After in their protocol's error shape while probes still
 * answer, and a client that hangs up gives its slot back.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test, type TestContext } from 'node:test';
import { scratchRepo, sluice, sluiceAsync, type ScratchRepo } from '../support/cli.js';
import { sharedFixture } from '../support/fixtures.js';
import { pollUntil } from '../support/processes.js';
import { post, startIncompleteRequest, startServe, type IncompleteRequest, type ServedProcess } from '../support/serve.js';
import { makeTempDir } from '../support/temp-dir.js';

function firstRows(count: number): Record<string, number>[] {
  const [header, ...lines] = readFileSync(sharedFixture('breast_cancer', 'test.csv'), 'utf8').trim().split('\n');
  const columns = header!.split(',');
  return lines.slice(0, count).map((line) => Object.fromEntries(line.split(',').map((value, k) => [columns[k]!, Number(value)]).filter(([name]) => name !== 'target')));
}

const rows = firstRows(20);
const model = (name: string) => sharedFixture('breast_cancer', 'models', `${name}.onnx`);

/** Starts `sluice serve`, stopped by the test's cleanup even when an assertion fails. */
async function serveFor(t: TestContext, cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ServedProcess> {
  const server = await startServe(cwd, args, env);
  t.after(() => server.stop());
  return server;
}

describe('serving operations', () => {
  let repo: ScratchRepo;
  before(() => {
    repo = scratchRepo({ 'README.md': 'serving\n' });
    assert.equal(sluice(repo.root, ['init']).code, 0);
    assert.equal(sluice(repo.root, ['models', 'register', model('bc_weak_logreg3'), '--name', 'breast-cancer', '--alias', 'champion']).code, 0);
    assert.equal(sluice(repo.root, ['models', 'register', model('bc_logreg'), '--name', 'breast-cancer']).code, 0);
  });
  after(() => repo?.remove());

  test('when the alias moves, the new version takes over under load and no request fails', async (t) => {
    // One worker: each worker follows the alias on its own, so with several a client could meet
    // the old version again on a connection to a worker that has not swapped yet.
    const server = await serveFor(t, repo.root, ['models:/breast-cancer@champion', '--workers', '1', '--follow-interval', '0.1', '--no-prediction-log', '--quiet']);
    const statuses: number[] = [];
    const versions: string[] = [];
    const perClient: string[][] = [];
    let running = true;
    const client = async () => {
      const seen: string[] = [];
      perClient.push(seen);
      while (running) {
        const response = await post(`${server.url}/predict`, { rows });
        statuses.push(response.status);
        if (response.status === 200) {
          versions.push(response.body.version);
          seen.push(response.body.version);
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    try {
      await pollUntil(() => (statuses.length > 50 ? true : undefined), 'load on version 1', 30_000);
      assert.equal((await sluiceAsync(repo.root, ['models', 'alias', 'breast-cancer', 'champion', '2'])).code, 0);
      // Every client keeps sending until it has been answered by the new version a few times.
      await pollUntil(() => (perClient.every((seen) => seen.filter((version) => version === '2').length >= 3) ? true : undefined), 'every client answered by version 2', 30_000);
    } finally {
      running = false;
      await Promise.all(clients);
    }
    assert.ok(statuses.length > 50, `load was applied (${statuses.length} requests)`);
    assert.deepEqual([...new Set(statuses)], [200], 'every request answered 200');
    assert.equal(versions[0], '1');
    assert.equal(versions.at(-1), '2');
    // The swap is atomic: once a client got the new version, its later requests never got the old one.
    for (const seen of perClient) assert.equal(seen.lastIndexOf('1') < Math.max(0, seen.indexOf('2')) || !seen.includes('2'), true, seen.join(','));
    const metadata = (await (await fetch(`${server.url}/v2/models/breast-cancer`)).json()) as { versions: string[] };
    assert.deepEqual(metadata.versions, ['2']);
    assert.equal(await server.stop(), 0);
  });

  test('in a workspace the session is a tracked run whose artifacts hold the prediction log', async (t) => {
    const server = await serveFor(t, repo.root, ['models:/breast-cancer@champion', '--quiet']);
    for (let k = 0; k < 3; k++) assert.equal((await post(`${server.url}/predict`, { rows })).status, 200);
    assert.equal(await server.stop(), 0);
    const listed = JSON.parse((await sluiceAsync(repo.root, ['runs', 'list', '--json', '--all', '--filter', "tags.sluice.kind = 'serve'"])).stdout) as { runs: { run_id: string; status: string }[] };
    assert.equal(listed.runs[0]?.status, 'FINISHED');
    const shown = JSON.parse((await sluiceAsync(repo.root, ['runs', 'show', listed.runs[0]!.run_id, '--json'])).stdout) as { params: Record<string, string>; artifacts: { path: string; is_dir: boolean }[] };
    assert.deepEqual(shown.params, { 'model.0': 'models:/breast-cancer@champion' });
    assert.deepEqual(shown.artifacts, [{ path: 'predictions', is_dir: true, size: null }]);
  });

  test('POST /admin/reload reloads now and reports each model', async (t) => {
    assert.equal((await sluiceAsync(repo.root, ['models', 'alias', 'breast-cancer', 'champion', '2'])).code, 0);
    const server = await serveFor(t, repo.root, ['champion=models:/breast-cancer@champion', '--follow-interval', '0', '--no-prediction-log', '--quiet']);
    const response = await post(`${server.url}/admin/reload`, {});
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.models, [{ name: 'champion', ready: true, version: '2' }]);
    assert.equal(await server.stop(), 0);
  });

  test('with SLUICE_ADMIN_TOKEN set, /admin/reload needs that bearer token', async (t) => {
    const server = await serveFor(t, repo.root, [model('bc_logreg'), '--no-prediction-log', '--quiet'], { SLUICE_ADMIN_TOKEN: 's3cret' });
    const refused = await post(`${server.url}/admin/reload`, {});
    assert.equal(refused.status, 401);
    assert.match(refused.body.error, /need the admin token/);
    assert.equal((await post(`${server.url}/admin/reload`, {}, 'application/json', { authorization: 'Bearer s3cret' })).status, 200);
    assert.equal((await post(`${server.url}/predict`, { rows: rows.slice(0, 1) })).status, 200, 'predictions need no token');
    assert.equal(await server.stop(), 0);
  });

  test('two workers share the port; metrics add up across them; reload reaches both', async (t) => {
    const server = await serveFor(t, repo.root, [model('bc_logreg'), '--workers', '2', '--no-prediction-log', '--quiet']);
    const responses = await Promise.all(Array.from({ length: 40 }, () => post(`${server.url}/predict`, { rows: rows.slice(0, 1) })));
    assert.deepEqual([...new Set(responses.map((response) => response.status))], [200]);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const total = [...text.matchAll(/^sluice_inference_requests_total\{[^}]*protocol="predict",status="200"\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
    assert.equal(total, 40);
    assert.equal((await post(`${server.url}/admin/reload`, { force: true })).status, 200);
    assert.equal(await server.stop(), 0);
  });
});

describe('load shedding at --max-in-flight 1', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let server: ServedProcess;
  before(async () => {
    temp = makeTempDir();
    // One worker: the limit is per process.
    server = await startServe(temp.path, [model('bc_logreg'), '--workers', '1', '--max-in-flight', '1', '--no-prediction-log', '--quiet']);
  });
  after(async () => {
    await server?.stop();
    temp?.remove();
  });

  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    const value = new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1];
    assert.ok(value !== undefined, `/metrics has ${name}:\n${text}`);
    return Number(value);
  };

  /**
   * Takes the server's only slot with a request whose body never completes, and waits until the
   * server counts it in flight. The test's cleanup hangs up and waits for the slot to come back.
   */
  const holdTheSlot = async (t: TestContext): Promise<IncompleteRequest> => {
    const held = await startIncompleteRequest(server.url, '/predict');
    t.after(async () => {
      await held.hangUp();
      await pollUntil(async () => ((await metric('sluice_inference_in_flight_requests')) === 0 ? true : undefined), 'the held slot coming back');
    });
    await pollUntil(async () => ((await metric('sluice_inference_in_flight_requests')) === 1 ? true : undefined), 'the held request taking the slot');
    return held;
  };

  test('at the limit, a prediction gets 503 with Retry-After in each protocol\'s error shape', async (t) => {
    await holdTheSlot(t);
    const predict = await post(`${server.url}/predict`, { rows: rows.slice(0, 1) });
    assert.equal(predict.status, 503);
    assert.equal(predict.headers.get('retry-after'), '1');
    assert.deepEqual(predict.body, { error: 'The server is at its limit of 1 requests in flight; retry shortly.', code: 'SLUICE_SERVING_OVERLOADED' });

    const infer = await post(`${server.url}/v2/models/bc_logreg/infer`, { inputs: [{ name: 'input', shape: [1, 30], datatype: 'FP32', data: Object.values(rows[0]!) }] });
    assert.equal(infer.status, 503);
    assert.equal(infer.headers.get('retry-after'), '1');
    assert.deepEqual(infer.body, { error: 'The server is at its limit of 1 requests in flight; retry shortly.' });

    const invocations = await post(`${server.url}/invocations`, { dataframe_records: rows.slice(0, 1) });
    assert.equal(invocations.status, 503);
    assert.equal(invocations.headers.get('retry-after'), '1');
    assert.deepEqual(invocations.body, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'The server is at its limit of 1 requests in flight; retry shortly.' });
  });

  test('at the limit, health probes, /ping and /metrics still answer 200', async (t) => {
    await holdTheSlot(t);
    for (const path of ['/v2/health/ready', '/v2/health/live', '/ping', '/health', '/metrics']) {
      assert.equal((await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(10_000) })).status, 200, path);
    }
  });

  test('every shed request counts in sluice_inference_shed_requests_total', async (t) => {
    await holdTheSlot(t);
    const before = await metric('sluice_inference_shed_requests_total');
    for (let k = 0; k < 3; k++) assert.equal((await post(`${server.url}/predict`, { rows: rows.slice(0, 1) })).status, 503);
    assert.equal(await metric('sluice_inference_shed_requests_total'), before + 3);
  });

  test('a client that hangs up mid-request gives its slot back: predictions are answered again', async (t) => {
    const held = await holdTheSlot(t);
    assert.equal((await post(`${server.url}/predict`, { rows: rows.slice(0, 1) })).status, 503, 'the slot is taken');
    await held.hangUp();
    const answered = await pollUntil(async () => {
      const response = await post(`${server.url}/predict`, { rows: rows.slice(0, 1) });
      return response.status === 200 ? response : undefined;
    }, 'a prediction answered after the hang-up');
    assert.equal(answered.body.predictions.length, 1);
  });
});
