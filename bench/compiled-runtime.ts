/**
 * The model runtime alone: µs per `model.run(feeds)` (the OnnxModel boundary the server calls:
 * tensors in, tensors out, awaited) for one row and for 32 rows, with onnxruntime and with the
 * compiled runtime, in the same process and run. Models: the three breast-cancer fixtures and a
 * gradient-boosted model trained here by Sluice at its defaults (100 trees, depth up to 6).
 *
 * A third column compiles without unrolling (`unroll: false`): every kernel loops over typed
 * arrays, which is what a tight interpreter's kernels would do minus its dispatch, to see what
 * generating straight-line code per graph buys.
 *
 * Rounds alternate between the runtimes so that a noisy neighbour hits them alike; each figure
 * is the median over rounds. Load times (ms) include, for the compiled runtime, the compilation
 * and the verification against onnxruntime on 256 probe rows.
 *
 * Run: `npm run bench:runtime`; BENCH_RUNTIME_ROUNDS sets the rounds (default 15).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadOnnxModel, ort, type LoadOnnxOptions, type OnnxModel } from '../src/inference/index.js';
import { trainModel } from '../src/training/index.js';
import { envInteger, formatRatio, median, printTable, REPO_ROOT, withTempDir } from './support.js';

const ROUNDS = envInteger('BENCH_RUNTIME_ROUNDS', 15);
/** Calls per round and batch size: enough for a round to last a few milliseconds. */
const CALLS: Record<number, number> = { 1: 2000, 32: 400 };
const SHARED = join(REPO_ROOT, '..', 'shared', 'fixtures', 'breast_cancer');

const RUNTIMES = {
  onnxruntime: { runtime: 'onnxruntime' },
  compiled: { runtime: 'auto' },
  'compiled, loops': { runtime: 'auto', compiler: { unroll: false } },
} as const satisfies Record<string, LoadOnnxOptions>;
type RuntimeName = keyof typeof RUNTIMES;

function csv(path: string): { header: string[]; rows: string[][] } {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  return { header: header!.split(','), rows: lines.map((line) => line.split(',')) };
}

/** Feeds of `count` test.csv rows for `model` (one [N, 30] input, or one [N, 1] input per column). */
function feedsFor(model: OnnxModel, count: number): Record<string, ort.Tensor> {
  const { header, rows } = csv(join(SHARED, 'test.csv'));
  const picked = rows.slice(0, count).map((row) => row.map(Number));
  const only = model.inputs[0]!;
  if (model.inputs.length === 1 && only.shape[1] === 30) return { [only.name]: new ort.Tensor('float32', Float32Array.from(picked.flat().filter((_, k) => k % header.length < 30)), [count, 30]) };
  return Object.fromEntries(model.inputs.map((input) => [input.name, new ort.Tensor('float32', Float32Array.from(picked, (row) => row[header.indexOf(input.name)]!), [count, 1])]));
}

async function microseconds(model: OnnxModel, feeds: Record<string, ort.Tensor>, calls: number): Promise<number> {
  const start = performance.now();
  for (let call = 0; call < calls; call++) await model.run(feeds);
  return ((performance.now() - start) * 1000) / calls;
}

async function benchModel(name: string, path: string): Promise<string[][]> {
  const models = {} as Record<RuntimeName, OnnxModel>;
  const loadMs = {} as Record<RuntimeName, number>;
  for (const [runtime, options] of Object.entries(RUNTIMES) as [RuntimeName, LoadOnnxOptions][]) {
    const start = performance.now();
    models[runtime] = await loadOnnxModel(path, options);
    loadMs[runtime] = performance.now() - start;
    if (runtime !== 'onnxruntime' && models[runtime].runtime.kind !== 'compiled') throw new Error(`${name} is not compiled: ${models[runtime].runtime.reason}`);
  }
  const table: string[][] = [];
  for (const rows of [1, 32]) {
    const feeds = feedsFor(models.onnxruntime, rows);
    const samples = Object.fromEntries(Object.keys(RUNTIMES).map((runtime) => [runtime, [] as number[]])) as Record<RuntimeName, number[]>;
    for (let round = -2; round < ROUNDS; round++) {
      for (const runtime of Object.keys(RUNTIMES) as RuntimeName[]) {
        const us = await microseconds(models[runtime], feeds, CALLS[rows]!);
        if (round >= 0) samples[runtime].push(us);
      }
    }
    const [reference, compiled, loops] = (Object.keys(RUNTIMES) as RuntimeName[]).map((runtime) => median(samples[runtime]));
    table.push([name, String(rows), reference!.toFixed(2), compiled!.toFixed(2), loops!.toFixed(2), formatRatio(reference! / compiled!)]);
  }
  table.push([`  load ms`, '', loadMs.onnxruntime.toFixed(1), loadMs.compiled.toFixed(1), loadMs['compiled, loops'].toFixed(1), '']);
  await Promise.all(Object.values(models).map((model) => model.release()));
  return table;
}

await withTempDir('sluice-bench-runtime-', async (dir) => {
  const gbdt = await trainModel({ dataPath: join(SHARED, 'train.csv'), target: 'target', algorithm: 'gbdt', outPath: join(dir, 'gbdt.onnx') });
  const models: [string, string][] = [
    ...['bc_logreg', 'bc_mlp', 'bc_weak_logreg3'].map((name): [string, string] => [name, join(SHARED, 'models', `${name}.onnx`)]),
    ['sluice gbdt (defaults: 100 trees, depth ≤ 6)', gbdt.outPath],
  ];
  const rows: string[][] = [];
  for (const [name, path] of models) rows.push(...(await benchModel(name, path)));
  console.log(`µs per model.run (median of ${ROUNDS} rounds; Node ${process.version}, onnxruntime-node, 1 intra-op thread)`);
  printTable(['model', 'rows', 'onnxruntime µs', 'compiled µs', 'compiled, loops µs', 'speed-up'], rows);
});
