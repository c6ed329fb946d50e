/**
 * `sluice serve` under load (wrk): single-row requests and 100-row batches at concurrency 8 and
 * 64, first at sluice's default flags (what a user runs: the prediction log and the access log
 * on), then tuned rows (labelled), on the breast-cancer logistic model; requests/s, rows/s, p50
 * and p99 latency. Baselines in the same run: a FastAPI + uvicorn server wrapping scikit-learn's
 * predict_proba for the same kind of model (StandardScaler + LogisticRegression fitted on the
 * same training data), the typical hand-written deployment, taking the same `{"rows": [...]}`
 * body; a plain node:http server answering a constant (the ceiling of any Node server here); and
 * the same server after JSON.parse-ing each body (the least a model server does with a request),
 * and Fastify doing only that (the framework's share of the ceiling).
 * 100-row batches also go as v2 JSON tensors and as the binary tensor data extension.
 * Each baseline gets 2 worker processes (the machine's cores); wrk shares them.
 *
 * The share of the constant server (a goal) is then measured again in alternating rounds of the
 * two servers alone (BENCH_ROUNDS, default 3; the order flips each round): on a shared VM one
 * run of each, minutes apart, swung that share by half again between runs.
 *
 * Run: `npm run bench:serve` (BENCH_SECONDS changes each run's length). Needs Debian's wrk,
 * python3-fastapi, python3-uvicorn and python3-sklearn for the baseline; with python3-httptools
 * and python3-uvloop installed uvicorn uses them (as `uvicorn[standard]` does in production), and
 * without them its pure-Python stack is about ten times slower, so install them for a fair figure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { envInteger, formatRatio, printTable, reportGoal, REPO_ROOT, SLUICE_BIN, withTempDir } from './support.js';

const SECONDS = envInteger('BENCH_SECONDS', 8);
const ROUNDS = envInteger('BENCH_ROUNDS', 3);
const DEFAULTS = 'sluice, defaults';
const DEFAULTS_V2 = 'sluice, defaults, v2 tensor';
const DEFAULTS_BINARY = 'sluice, defaults, v2 binary tensor';
const CONSTANT = 'node:http constant, 2 workers';
const PARSING = 'node:http parsing the body, constant answer, 2 workers';
const FASTIFY = 'Fastify parsing the body, constant answer, 2 workers';
const FASTAPI = 'FastAPI + scikit-learn';
const TUNED_ON = 'tuned: sluice, no logs, batching on';
const TUNED_OFF = 'tuned: sluice, no logs, batching off';
const TUNED_V2 = 'tuned: sluice, no logs, v2 tensor';
const PYTHON = '/usr/bin/python3';
const FIXTURES = join(REPO_ROOT, '..', 'shared', 'fixtures', 'breast_cancer');

const FASTAPI_APP = `
import pandas as pd
from fastapi import FastAPI, Request
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

train = pd.read_csv("${FIXTURES}/train.csv")
features = [c for c in train.columns if c != "target"]
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, random_state=42)).fit(train[features], train["target"])
app = FastAPI()

@app.post("/predict")
async def predict(request: Request):
    body = await request.json()
    frame = pd.DataFrame(body["rows"], columns=features)
    return {"predictions": model.predict_proba(frame).tolist()}
`;

/**
 * A node:http server answering the same JSON on 2 workers (node:cluster): with `parse`, after
 * reading the body and JSON.parse-ing it (the least any model server does with a request), else
 * after discarding it unread.
 */
const CONSTANT_SERVER = `
import cluster from 'node:cluster';
import { createServer } from 'node:http';
const answer = JSON.stringify({ model: 'bc_logreg', version: '752dc2b09d6b', request_id: '00000000-0000-0000-0000-000000000000', predictions: [{ label: '1', probabilities: { 0: 0.01, 1: 0.99 } }] });
const parse = process.argv[3] === 'parse';
if (cluster.isPrimary) {
  for (let k = 0; k < 2; k++) cluster.fork();
  process.once('SIGTERM', () => { for (const worker of Object.values(cluster.workers)) worker.kill(); });
} else {
  createServer((request, response) => {
    const reply = () => response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer);
    if (!parse) {
      request.resume();
      request.once('end', reply);
      return;
    }
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.once('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      reply();
    });
  }).listen(Number(process.argv[2]), '127.0.0.1');
}
`;

/**
 * Fastify (the framework under sluice serve) at its defaults, answering the same JSON after its
 * own JSON body parser: what the framework alone leaves of the constant server's throughput.
 */
const FASTIFY_SERVER = `
import cluster from 'node:cluster';
import Fastify from '${join(REPO_ROOT, 'node_modules', 'fastify', 'fastify.js')}';
const answer = { model: 'bc_logreg', version: '752dc2b09d6b', request_id: '00000000-0000-0000-0000-000000000000', predictions: [{ label: '1', probabilities: { 0: 0.01, 1: 0.99 } }] };
if (cluster.isPrimary) {
  for (let k = 0; k < 2; k++) cluster.fork();
  process.once('SIGTERM', () => { for (const worker of Object.values(cluster.workers)) worker.kill(); });
} else {
  const app = Fastify({ logger: false, bodyLimit: 64 << 20 });
  app.post('/predict', async () => answer);
  await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
}
`;

interface Figures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

function readRows(count: number): Record<string, number>[] {
  const [header, ...lines] = readFileSync(join(FIXTURES, 'test.csv'), 'utf8').trim().split('\n');
  const columns = header!.split(',');
  return Array.from({ length: count }, (_, k) => Object.fromEntries(lines[k % lines.length]!.split(',').map((value, c) => [columns[c]!, Number(value)]).filter(([name]) => name !== 'target')));
}

function milliseconds(text: string): number {
  const match = /([\d.]+)(us|ms|s)/.exec(text);
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

/** wrk with a POST body from a file (sent as it is, bytes and all) and these headers; its --latency percentiles. */
function runWrk(dir: string, url: string, bodyFile: string, connections: number, headers: Readonly<Record<string, string>>): Figures {
  const script = join(dir, `post-${connections}.lua`);
  const headerLines = Object.entries(headers).map(([name, value]) => `wrk.headers["${name}"] = "${value}"\n`).join('');
  writeFileSync(script, `local f = io.open("${bodyFile}", "rb")\nwrk.method = "POST"\nwrk.body = f:read("*a")\nf:close()\n${headerLines}`);
  const result = spawnSync('wrk', ['-t2', `-c${connections}`, `-d${SECONDS}s`, '--latency', '-s', script, url], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`wrk failed: ${result.stderr}`);
  const out = result.stdout;
  if (/Non-2xx or 3xx responses: (\d+)/.test(out)) throw new Error(`${url} answered errors under load:\n${out}`);
  return {
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    p50Ms: milliseconds(/\s50%\s+(\S+)/.exec(out)?.[1] ?? ''),
    p99Ms: milliseconds(/\s99%\s+(\S+)/.exec(out)?.[1] ?? ''),
  };
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 100) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rows: readRows(1) }) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

await withTempDir('sluice-bench-serve-', async (dir) => {
  const hasWrk = spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
  if (!hasWrk) {
    console.log('wrk is not installed (apt-get install wrk): nothing measured.');
    return;
  }
  const bodies = { 1: join(dir, 'one-row.json'), 100: join(dir, 'hundred-rows.json') } as const;
  writeFileSync(bodies[1], JSON.stringify({ rows: readRows(1) }));
  writeFileSync(bodies[100], JSON.stringify({ rows: readRows(100) }));
  // The same 100 rows as one Open Inference Protocol v2 tensor (no per-row objects to parse).
  const v2Body = join(dir, 'hundred-rows-v2.json');
  writeFileSync(v2Body, JSON.stringify({ inputs: [{ name: 'input', shape: [100, 30], datatype: 'FP32', data: readRows(100).flatMap((row) => Object.values(row)) }] }));
  // And as the binary tensor data extension, answered in binary too (tritonclient's default): a
  // JSON header, then the 100 × 30 float32 values as bytes.
  const binaryBody = join(dir, 'hundred-rows-binary.bin');
  const tensor = Buffer.from(new Float32Array(readRows(100).flatMap((row) => Object.values(row))).buffer);
  const binaryHeader = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [100, 30], datatype: 'FP32', parameters: { binary_data_size: tensor.length } }], parameters: { binary_data_output: true } }));
  writeFileSync(binaryBody, Buffer.concat([binaryHeader, tensor]));
  const binaryHeaders = { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(binaryHeader.length) };
  console.log(`Model server load test: ${SECONDS} s per run, wrk with 2 threads, baselines with 2 workers, sluice at its defaults with --workers auto (${availableParallelism()} here), the breast-cancer logistic model.\n`);
  const model = join(FIXTURES, 'models', 'bc_logreg.onnx');
  const results: { server: string; rows: 1 | 100; connections: number; figures: Figures }[] = [];

  const JSON_BODY = { 'Content-Type': 'application/json' };
  const measure = async (server: string, command: string, args: string[], url: string, options: { env?: NodeJS.ProcessEnv; rows?: readonly (1 | 100)[]; body?: string; headers?: Record<string, string> } = {}) => {
    const child = spawn(command, args, { cwd: dir, stdio: 'ignore', env: { ...process.env, ...options.env } });
    try {
      await waitReady(url.replace(/\/v2\/models\/[^/]+\/infer$/, '/predict'), child);
      for (const rows of options.rows ?? ([1, 100] as const)) {
        for (const connections of [8, 64]) results.push({ server, rows, connections, figures: runWrk(dir, url, options.body ?? bodies[rows], connections, options.headers ?? JSON_BODY) });
      }
    } finally {
      await stop(child);
    }
  };

  // First what a user gets: every flag at its default (the workers, adaptive batching, the
  // prediction log and the access log on). The log goes under the temporary directory, not the
  // user's state directory; the access log goes to stderr, here /dev/null.
  const defaults = [SLUICE_BIN, 'serve', model, '--port', '18761'];
  const state = { XDG_STATE_HOME: join(dir, 'state') };
  await measure(DEFAULTS, process.execPath, defaults, 'http://127.0.0.1:18761/predict', { env: state });
  await measure(DEFAULTS_V2, process.execPath, defaults, 'http://127.0.0.1:18761/v2/models/bc_logreg/infer', { env: state, rows: [100], body: v2Body });
  await measure(DEFAULTS_BINARY, process.execPath, defaults, 'http://127.0.0.1:18761/v2/models/bc_logreg/infer', { env: state, rows: [100], body: binaryBody, headers: binaryHeaders });
  writeFileSync(join(dir, 'constant.mjs'), CONSTANT_SERVER);
  await measure(CONSTANT, process.execPath, [join(dir, 'constant.mjs'), '18763'], 'http://127.0.0.1:18763/predict');
  await measure(PARSING, process.execPath, [join(dir, 'constant.mjs'), '18764', 'parse'], 'http://127.0.0.1:18764/predict');
  writeFileSync(join(dir, 'fastify.mjs'), FASTIFY_SERVER);
  await measure(FASTIFY, process.execPath, [join(dir, 'fastify.mjs'), '18765'], 'http://127.0.0.1:18765/predict', { rows: [1] });
  const hasFastapi = spawnSync(PYTHON, ['-c', 'import fastapi, uvicorn, sklearn, pandas'], { stdio: 'ignore' }).status === 0;
  if (hasFastapi) {
    writeFileSync(join(dir, 'baseline_app.py'), FASTAPI_APP);
    await measure(FASTAPI, PYTHON, ['-m', 'uvicorn', 'baseline_app:app', '--port', '18762', '--workers', '2', '--log-level', 'warning'], 'http://127.0.0.1:18762/predict');
  }
  // Tuned: 2 workers, no prediction log, no access log; batching on at the default size (32 rows)
  // and no wait (requests still coalesce while a batch runs), or off.
  const tuned = (batch: number) => [SLUICE_BIN, 'serve', model, '--port', '18761', '--workers', '2', '--max-batch-size', String(batch), '--max-batch-delay-ms', '0', '--no-prediction-log', '--quiet', '--max-in-flight', '100000'];
  await measure(TUNED_ON, process.execPath, tuned(32), 'http://127.0.0.1:18761/predict');
  await measure(TUNED_OFF, process.execPath, tuned(1), 'http://127.0.0.1:18761/predict');
  await measure(TUNED_V2, process.execPath, tuned(32), 'http://127.0.0.1:18761/v2/models/bc_logreg/infer', { rows: [100], body: v2Body });

  // The goal's ratio again, in alternating rounds of sluice at its defaults and the constant server.
  const roundsResults: typeof results = [];
  for (let round = 0; round < ROUNDS; round++) {
    const sluiceRound = () => measure(DEFAULTS, process.execPath, defaults, 'http://127.0.0.1:18761/predict', { env: state, rows: [1] });
    const constantRound = () => measure(CONSTANT, process.execPath, [join(dir, 'constant.mjs'), '18763'], 'http://127.0.0.1:18763/predict', { rows: [1] });
    const before = results.length;
    for (const run of round % 2 === 0 ? [sluiceRound, constantRound] : [constantRound, sluiceRound]) await run();
    roundsResults.push(...results.splice(before));
  }

  printTable(
    ['Server', 'Rows/request', 'Connections', 'Requests/s', 'Rows/s', 'p50', 'p99'],
    results.map(({ server, rows, connections, figures }) => [server, String(rows), String(connections), figures.requestsPerSecond.toFixed(0), (figures.requestsPerSecond * rows).toFixed(0), `${figures.p50Ms.toFixed(2)} ms`, `${figures.p99Ms.toFixed(2)} ms`]),
  );
  console.log('');
  const find = (server: string, rows: number, connections: number) => results.find((result) => result.server === server && result.rows === rows && result.connections === connections)?.figures;
  for (const connections of [8, 64]) {
    const ours = find(DEFAULTS, 1, connections)!;
    const constant = find(CONSTANT, 1, connections)!;
    const theirs = find(FASTAPI, 1, connections);
    const versus = theirs ? `${formatRatio(ours.requestsPerSecond / theirs.requestsPerSecond)} FastAPI's requests/s (p99 ${ours.p99Ms.toFixed(2)} ms vs ${theirs.p99Ms.toFixed(2)} ms), ` : '';
    const share = (server: string) => `${(100 * find(server, 1, connections)!.requestsPerSecond / constant.requestsPerSecond).toFixed(0)} %`;
    console.log(`Single rows, ${connections} connections, sluice at its defaults: ${versus}${share(DEFAULTS)} of the constant node:http server's (a node:http server that only parses the body reaches ${share(PARSING)}, Fastify doing only that ${share(FASTIFY)}).`);
  }
  const perRound = (server: string, connections: number) => roundsResults.filter((result) => result.server === server && result.connections === connections).map((result) => result.figures.requestsPerSecond);
  const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  // Without rounds (BENCH_ROUNDS=0), the one run of each in the table above.
  const roundShare = (connections: number) => (ROUNDS > 0 ? mean(perRound(DEFAULTS, connections)) / mean(perRound(CONSTANT, connections)) : find(DEFAULTS, 1, connections)!.requestsPerSecond / find(CONSTANT, 1, connections)!.requestsPerSecond);
  if (ROUNDS > 0) {
    console.log(`\nSingle rows in ${ROUNDS} alternating rounds (req/s per round):`);
    for (const connections of [8, 64]) {
      const runs = (server: string) => perRound(server, connections).map((rps) => rps.toFixed(0)).join(', ');
      console.log(`  ${connections} connections: sluice, defaults ${runs(DEFAULTS)}; node:http constant ${runs(CONSTANT)}; sluice's share of the means ${(100 * roundShare(connections)).toFixed(0)} %.`);
    }
  }
  if (!hasFastapi) console.log('FastAPI, uvicorn or scikit-learn is not installed (apt-get install python3-fastapi python3-uvicorn python3-sklearn): no FastAPI baseline this run.');
  for (const connections of [8, 64]) {
    const ours = find(DEFAULTS, 1, connections)!;
    const theirs = find(FASTAPI, 1, connections);
    if (theirs) reportGoal(`defaults: ≥ 3× FastAPI's single-row requests/s at equal or lower p99 (${connections} connections)`, ours.requestsPerSecond >= 3 * theirs.requestsPerSecond && ours.p99Ms <= theirs.p99Ms);
    reportGoal(`defaults: ≥ 60 % of the constant node:http server's single-row requests/s (${connections} connections${ROUNDS > 0 ? `, means of ${ROUNDS} alternating rounds` : ''})`, roundShare(connections) >= 0.6);
  }
  const batchRows = (server: string) => Math.max(...results.filter((result) => result.server === server && result.rows === 100).map((result) => result.figures.requestsPerSecond * 100));
  const rowsText = (server: string) => `${server} ${Math.round(batchRows(server)).toLocaleString('en')}`;
  reportGoal(
    `defaults: ≥ 500,000 rows/s with 100-row batches (best of 8 and 64 connections: ${rowsText(DEFAULTS)}; ${rowsText(DEFAULTS_V2)}; ${rowsText(DEFAULTS_BINARY)})`,
    Math.max(batchRows(DEFAULTS), batchRows(DEFAULTS_V2), batchRows(DEFAULTS_BINARY)) >= 500_000,
  );
});
