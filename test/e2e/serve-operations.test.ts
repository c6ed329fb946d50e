/**
 * Operating `sluice serve`: following a registry alias under load (the new version takes over
 * and no request fails), several workers on one port with metrics aggregated across them, and
 * load shedding with 503 + Retry-After while health probes still answer.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { scratchRepo, sluice, sluiceAsync, type ScratchRepo } from '../support/cli.js';
import { sharedFixture } from '../support/fixtures.js';
import { post, startServe } from '../support/serve.js';

function firstRows(count: number): Record<string, number>[] {
  const [header, ...lines] = readFileSync(sharedFixture('breast_cancer', 'test.csv'), 'utf8').trim().split('\n');
  const columns = header!.split(',');
  return lines.slice(0, count).map((line) => Object.fromEntries(line.split(',').map((value, k) => [columns[k]!, Number(value)]).filter(([name]) => name !== 'target')));
}

const rows = firstRows(20);
const model = (name: string) => sharedFixture('breast_cancer', 'models', `${name}.onnx`);

describe('serving operations', () => {
  let repo: ScratchRepo;
  before(() => {
    repo = scratchRepo({ 'README.md': 'serving\n' });
    assert.equal(sluice(repo.root, ['init']).code, 0);
    assert.equal(sluice(repo.root, ['models', 'register', model('bc_weak_logreg3'), '--name', 'breast-cancer', '--alias', 'champion']).code, 0);
    assert.equal(sluice(repo.root, ['models', 'register', model('bc_logreg'), '--name', 'breast-cancer']).code, 0);
  });
  after(() => repo.remove());

  test('when the alias moves, the new version takes over under load and no request fails', async () => {
    const server = await startServe(repo.root, ['models:/breast-cancer@champion', '--follow-interval', '0.1', '--no-prediction-log', '--quiet']);
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
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal((await sluiceAsync(repo.root, ['models', 'alias', 'breast-cancer', 'champion', '2'])).code, 0);
      for (let waited = 0; waited < 10_000 && versions.at(-1) !== '2'; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 300));
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

  test('in a workspace the session is a tracked run whose artifacts hold the prediction log', async () => {
    const server = await startServe(repo.root, ['models:/breast-cancer@champion', '--quiet']);
    for (let k = 0; k < 3; k++) assert.equal((await post(`${server.url}/predict`, { rows })).status, 200);
    assert.equal(await server.stop(), 0);
    const listed = JSON.parse((await sluiceAsync(repo.root, ['runs', 'list', '--json', '--all', '--filter', "tags.sluice.kind = 'serve'"])).stdout) as { runs: { run_id: string; status: string }[] };
    assert.equal(listed.runs[0]?.status, 'FINISHED');
    const shown = JSON.parse((await sluiceAsync(repo.root, ['runs', 'show', listed.runs[0]!.run_id, '--json'])).stdout) as { params: Record<string, string>; artifacts: { path: string; is_dir: boolean }[] };
    assert.deepEqual(shown.params, { 'model.0': 'models:/breast-cancer@champion' });
    assert.deepEqual(shown.artifacts, [{ path: 'predictions', is_dir: true, size: null }]);
  });

  test('POST /admin/reload reloads now and reports each model', async () => {
    const server = await startServe(repo.root, ['champion=models:/breast-cancer@champion', '--follow-interval', '0', '--no-prediction-log', '--quiet']);
    const response = await post(`${server.url}/admin/reload`, {});
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.models, [{ name: 'champion', ready: true, version: '2' }]);
    await server.stop();
  });

  test('with SLUICE_ADMIN_TOKEN set, /admin/reload needs that bearer token', async () => {
    const server = await startServe(repo.root, [model('bc_logreg'), '--no-prediction-log', '--quiet'], { SLUICE_ADMIN_TOKEN: 's3cret' });
    const refused = await post(`${server.url}/admin/reload`, {});
    assert.equal(refused.status, 401);
    assert.match(refused.body.error, /need the admin token/);
    assert.equal((await post(`${server.url}/admin/reload`, {}, 'application/json', { authorization: 'Bearer s3cret' })).status, 200);
    assert.equal((await post(`${server.url}/predict`, { rows: rows.slice(0, 1) })).status, 200, 'predictions need no token');
    await server.stop();
  });

  test('two workers share the port; metrics add up across them; reload reaches both', async () => {
    const server = await startServe(repo.root, [model('bc_logreg'), '--workers', '2', '--no-prediction-log', '--quiet']);
    const responses = await Promise.all(Array.from({ length: 40 }, () => post(`${server.url}/predict`, { rows: rows.slice(0, 1) })));
    assert.deepEqual([...new Set(responses.map((response) => response.status))], [200]);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const total = [...text.matchAll(/^sluice_inference_requests_total\{[^}]*protocol="predict",status="200"\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
    assert.equal(total, 40);
    assert.equal((await post(`${server.url}/admin/reload`, { force: true })).status, 200);
    assert.equal(await server.stop(), 0);
  });

  test('beyond --max-in-flight requests are shed with 503 and Retry-After; probes still answer', async () => {
    const server = await startServe(repo.root, [model('bc_mlp'), '--max-in-flight', '2', '--max-batch-size', '1', '--no-prediction-log', '--quiet']);
    const big = firstRows(171);
    const burst = await Promise.all(Array.from({ length: 40 }, () => post(`${server.url}/predict`, { rows: big })));
    const shed = burst.filter((response) => response.status === 503);
    assert.ok(shed.length > 0, 'some requests were shed');
    assert.ok(burst.some((response) => response.status === 200), 'the rest were answered');
    assert.equal(shed[0]!.headers.get('retry-after'), '1');
    assert.match(shed[0]!.body.error, /at its limit of 2 requests in flight/);
    assert.equal((await fetch(`${server.url}/v2/health/ready`)).status, 200);
    assert.match(await (await fetch(`${server.url}/metrics`)).text(), /sluice_inference_shed_requests_total [1-9]/);
    await server.stop();
  });
});
