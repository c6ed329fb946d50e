/**
 * The hot path answers /predict and v2 JSON inference straight from node:http, and answers them
 * exactly as the Fastify app does: each request here goes once over HTTP to a real server (the
 * hot path) and once through the app itself (`inject` skips the server), and the two answers
 * must agree in status, body and headers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createServingMetrics } from './metrics.js';
import { ModelSet } from './model-set.js';
import { PredictionLog } from './prediction-log.js';
import { buildServingApp } from './server.js';

const MODEL = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'breast_cancer', 'models', 'bc_logreg.onnx');
const FIXTURES = join(MODEL, '..', '..');

function firstRow(): Record<string, number> {
  const [header, line] = readFileSync(join(FIXTURES, 'test.csv'), 'utf8').split('\n');
  const columns = header!.split(',');
  return Object.fromEntries(line!.split(',').map((value, k) => [columns[k]!, Number(value)]).filter(([name]) => name !== 'target'));
}

let app: FastifyInstance;
let address: string;
let models: ModelSet;
let predictionLog: PredictionLog;
let logDir: string;
/** Requests that reached the Fastify app (its onRequest hook), by URL. */
const reachedApp: string[] = [];

before(async () => {
  logDir = mkdtempSync(join(tmpdir(), 'sluice-hot-path-'));
  const metrics = createServingMetrics();
  predictionLog = new PredictionLog(logDir, { flushIntervalMs: 50 });
  models = await ModelSet.open([{ reference: MODEL }], async (reference) => ({ path: reference }), { maxBatchSize: 32, maxDelayMs: 0 });
  const context = { models, metrics, predictionLog, version: 'test', reloadAll: async () => undefined };
  app = buildServingApp(context, { bodyLimit: 1 << 20, maxInFlight: 64 });
  app.addHook('onRequest', (request, _reply, done) => {
    reachedApp.push(request.url);
    done();
  });
  address = await app.listen({ host: '127.0.0.1', port: 0 });
});

after(async () => {
  await app.close();
  models.close();
  await predictionLog.close();
  rmSync(logDir, { recursive: true, force: true });
});

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** The headers a client reads (the request id is the caller's: both requests send the same). */
const COMPARED = ['content-type', 'x-request-id', 'x-sluice-model-version', 'inference-header-content-length'] as const;

async function overHttp(url: string, body: string, contentType = 'application/json'): Promise<Answer> {
  const response = await fetch(`${address}${url}`, { method: 'POST', headers: { 'content-type': contentType, 'x-request-id': 'req-1' }, body });
  return { status: response.status, body: await response.text(), headers: Object.fromEntries(COMPARED.map((name) => [name, response.headers.get(name) ?? undefined])) };
}

async function throughApp(url: string, body: string, contentType = 'application/json'): Promise<Answer> {
  const response = await app.inject({ method: 'POST', url, headers: { 'content-type': contentType, 'x-request-id': 'req-1' }, payload: body });
  return { status: response.statusCode, body: response.body, headers: Object.fromEntries(COMPARED.map((name) => [name, response.headers[name] === undefined ? undefined : String(response.headers[name])])) };
}

const row = firstRow();
const v2 = (data: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ inputs: [{ name: 'input', shape: [1, 30], datatype: 'FP32', data }], ...extra });

const CASES: readonly { readonly name: string; readonly url: string; readonly body: string }[] = [
  { name: 'a row', url: '/predict', body: JSON.stringify({ rows: [row] }) },
  { name: 'a row to the named model', url: '/models/bc_logreg/predict', body: JSON.stringify({ rows: [row, row] }) },
  { name: 'a row naming the model in the body', url: '/predict', body: JSON.stringify({ model: 'bc_logreg', rows: [row] }) },
  { name: 'an unknown model', url: '/models/nope/predict', body: JSON.stringify({ rows: [row] }) },
  { name: 'malformed JSON', url: '/predict', body: '{"rows": [' },
  { name: 'a __proto__ key', url: '/predict', body: '{"rows": [], "__proto__": {"polluted": true}}' },
  { name: 'no rows', url: '/predict', body: JSON.stringify({ rows: [] }) },
  { name: 'rows that are not a list', url: '/predict', body: JSON.stringify({ rows: 'a' }) },
  { name: 'a feature of the wrong type', url: '/predict', body: JSON.stringify({ rows: [{ ...row, 'mean radius': 'big' }] }) },
  { name: 'a missing feature', url: '/predict', body: JSON.stringify({ rows: [{ 'mean radius': 1 }] }) },
  { name: 'a v2 tensor', url: '/v2/models/bc_logreg/infer', body: v2(Object.values(row)) },
  { name: 'a v2 tensor with its id', url: '/v2/models/bc_logreg/infer', body: v2(Object.values(row), { id: 'mine' }) },
  { name: 'a v2 tensor answered in binary', url: '/v2/models/bc_logreg/infer', body: v2(Object.values(row), { parameters: { binary_data_output: true } }) },
  { name: 'a v2 tensor of the wrong shape', url: '/v2/models/bc_logreg/infer', body: v2([1, 2, 3]) },
  { name: 'a v2 request to a version not served', url: '/v2/models/bc_logreg/versions/9/infer', body: v2(Object.values(row)) },
  { name: 'a v2 request to an unknown model', url: '/v2/models/nope/infer', body: v2(Object.values(row)) },
];

for (const { name, url, body } of CASES) {
  test(`the hot path answers ${name} as the app does`, async () => {
    const before = reachedApp.length;
    const fast = await overHttp(url, body);
    assert.equal(reachedApp.length, before, `${url} went to the app`);
    const app = await throughApp(url, body);
    assert.deepEqual(fast, app);
  });
}

test('requests out of the ordinary go to the app: another content type, a query string, an empty body, another method', async () => {
  const rows = JSON.stringify({ rows: [row] });
  const before = reachedApp.length;
  assert.equal((await overHttp('/predict', rows, 'text/plain')).status, 415);
  assert.equal((await overHttp('/predict?x=1', rows)).status, 200);
  assert.equal((await overHttp('/predict', '')).status, 400);
  assert.equal((await fetch(`${address}/predict`)).status, 404);
  assert.deepEqual(reachedApp.slice(before), ['/predict', '/predict?x=1', '/predict', '/predict']);
});

test('a request answered by the hot path is counted, timed and written to the prediction log like any other', async () => {
  const metric = async (pattern: RegExp) => Number((await (await fetch(`${address}/metrics`)).text()).match(pattern)?.[1] ?? 0);
  const answered = /sluice_inference_requests_total\{model="bc_logreg",version="\w+",protocol="predict",status="200"\} (\d+)/;
  const timed = /sluice_inference_request_duration_seconds_count\{model="bc_logreg",version="\w+",protocol="predict"\} (\d+)/;
  const [answeredBefore, timedBefore] = [await metric(answered), await metric(timed)];
  const response = await fetch(`${address}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'logged-once' }, body: JSON.stringify({ rows: [row] }) });
  assert.equal(response.status, 200);
  assert.equal(await metric(answered), answeredBefore + 1);
  assert.equal(await metric(timed), timedBefore + 1);
  // The log writes on a timer: wait for the line, for 10 s at most.
  const logged = () => readdirSync(logDir).flatMap((file) => readFileSync(join(logDir, file), 'utf8').split('\n')).filter((line) => line.includes('"request_id":"logged-once"'));
  for (let waited = 0; logged().length === 0 && waited < 10_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  const [line] = logged();
  assert.ok(line, 'the prediction was not logged');
  const record = JSON.parse(line) as { model: string; protocol: string; inputs: unknown[]; outputs: { label: string }[]; latency_ms: number };
  assert.equal(record.model, 'bc_logreg');
  assert.equal(record.protocol, 'predict');
  assert.deepEqual(record.inputs, [row]);
  assert.equal(record.outputs.length, 1);
  assert.ok(record.latency_ms > 0);
});

