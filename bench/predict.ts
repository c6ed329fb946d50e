/**
 * Batch scoring (`sluice predict`, issue 19) of 1,000,000 rows × 30 features (the breast-cancer
 * test set repeated) with the fixture's logistic regression, against the way a data scientist
 * scores a file without Sluice: pandas read_csv, a scikit-learn StandardScaler + LogisticRegression
 * fitted on train.csv, predict_proba, to_csv (Debian's python3-sklearn), in the same run. Each
 * side's wall time and peak resident memory (VmHWM, sampled) are reported; Sluice's peak is also
 * shown at twice the rows, to show it does not grow with the file (it rises from Node's and the
 * libraries' own ~150 MiB to DuckDB's and onnxruntime's working buffers within the first few
 * hundred thousand rows, then stays).
 *
 * Run: `npm run bench:predict` (BENCH_ROWS changes the size).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { envInteger, formatRatio, formatSeconds, printTable, REPO_ROOT, reportGoal, SLUICE_BIN, withTempDir } from './support.js';

const ROWS = envInteger('BENCH_ROWS', 1_000_000);
const PYTHON = '/usr/bin/python3';
const FIXTURES = join(REPO_ROOT, '..', 'shared', 'fixtures', 'breast_cancer');

const SKLEARN_SCRIPT = `
import sys, pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
train = pd.read_csv(sys.argv[1])
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(train.drop(columns="target"), train["target"])
data = pd.read_csv(sys.argv[2])
p = model.predict_proba(data.drop(columns="target"))
out = pd.DataFrame({"prediction": p.argmax(axis=1), "probability_0": p[:, 0], "probability_1": p[:, 1]})
out.to_csv(sys.argv[3], index=False)
`;

interface Measured {
  readonly seconds: number;
  readonly peakBytes: number;
}

/** Runs a command to completion, sampling its peak resident memory. */
async function measure(command: string, args: readonly string[], cwd: string): Promise<Measured> {
  const started = performance.now();
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let peakBytes = 0;
  const sample = setInterval(() => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (match) peakBytes = Math.max(peakBytes, Number(match[1]) * 1024);
    } catch {
      // Exited between samples.
    }
  }, 10);
  const code = await new Promise<number>((resolve) => child.on('close', (exit) => resolve(exit ?? 1)));
  clearInterval(sample);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${stderr}`);
  return { seconds: (performance.now() - started) / 1000, peakBytes };
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MiB`;

await withTempDir('sluice-bench-predict-', async (dir) => {
  const copies = Math.ceil(ROWS / 171);
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const write = async (name: string, n: number) => {
    const path = join(dir, name);
    await db.run(`COPY (SELECT t.* EXCLUDE (i) FROM range(${n}) r, (SELECT *, row_number() OVER () AS i FROM read_csv('${join(FIXTURES, 'test.csv')}')) t ORDER BY r.range, t.i) TO '${path}' (HEADER)`);
    return path;
  };
  const data = await write('data.csv', copies);
  const double = await write('double.csv', copies * 2);
  const rows = copies * 171;
  console.log(`Scoring ${rows.toLocaleString('en')} rows × 30 features (${mb(statSync(data).size)} of CSV) with a logistic regression (${dir}).\n`);

  const model = join(FIXTURES, 'models', 'bc_logreg.onnx');
  const sluiceRun = await measure(process.execPath, [SLUICE_BIN, 'predict', '--model', model, '--data', data, '--exclude', 'target', '--out', join(dir, 'sluice.csv')], dir);
  const sluiceDouble = await measure(process.execPath, [SLUICE_BIN, 'predict', '--model', model, '--data', double, '--exclude', 'target', '--out', join(dir, 'double-out.csv')], dir);
  const table = [
    ['sluice predict (defaults)', formatSeconds(sluiceRun.seconds), `${Math.round(rows / sluiceRun.seconds).toLocaleString('en')}`, mb(sluiceRun.peakBytes)],
    [`  the same on ${(copies * 2 * 171).toLocaleString('en')} rows`, formatSeconds(sluiceDouble.seconds), `${Math.round((copies * 2 * 171) / sluiceDouble.seconds).toLocaleString('en')}`, mb(sluiceDouble.peakBytes)],
  ];
  const hasSklearn = spawnSync(PYTHON, ['-c', 'import sklearn, pandas'], { stdio: 'ignore' }).status === 0;
  let baseline: Measured | undefined;
  if (hasSklearn) {
    baseline = await measure(PYTHON, ['-c', SKLEARN_SCRIPT, join(FIXTURES, 'train.csv'), data, join(dir, 'sklearn.csv')], dir);
    table.push(['pandas + scikit-learn (read_csv, fit on train.csv, predict_proba, to_csv)', formatSeconds(baseline.seconds), `${Math.round(rows / baseline.seconds).toLocaleString('en')}`, mb(baseline.peakBytes)]);
  }
  printTable(['Scorer', 'Time', 'Rows/s', 'Peak memory'], table);

  // Same answers: the first copy against the fixture's reference probabilities.
  const [header, ...lines] = readFileSync(join(FIXTURES, 'test_predictions.csv'), 'utf8').trim().split('\n');
  const p1 = header!.split(',').indexOf('bc_logreg_p1');
  const scored = readFileSync(join(dir, 'sluice.csv'), 'utf8').split('\n', 172).slice(1);
  const worst = Math.max(...lines.map((line, i) => Math.abs(Number(line.split(',')[p1]) - Number(scored[i]!.split(',')[2]))));
  console.log(`\nLargest difference from test_predictions.csv over the first 171 rows: ${worst.toExponential(2)}.`);
  if (baseline) console.log(`sluice predict takes ${formatRatio(sluiceRun.seconds / baseline.seconds)} the time of pandas + scikit-learn, at ${formatRatio(sluiceRun.peakBytes / baseline.peakBytes)} its peak memory.`);
  else console.log('scikit-learn is not installed (apt-get install python3-sklearn python3-pandas): no baseline this run.');
  reportGoal('peak memory does not grow with the file (twice the rows within 1.25× of the peak)', sluiceDouble.peakBytes <= 1.25 * sluiceRun.peakBytes);
  reportGoal('equal to the reference to 1e-5', worst <= 1e-5);
});
