/**
 * `sluice drift` over 1,000,000 vs 1,000,000 rows × 3 heavy-tailed numeric columns, end to end from CSV and from Parquet,
 * against pandas + SciPy computing the same statistics in the same run (Debian's
 * python3-pandas and python3-scipy): KS statistic and p-value, Wasserstein distance, Jensen–
 * Shannon distance on 10 reference-range bins, PSI on 10 reference-decile bins, means and
 * standard deviations, for every column.
 *
 * Sluice runs first at its defaults (`sluice drift ref cur`: the method per column chosen as
 * Evidently does, Wasserstein distance for samples this large), then with `--method ks`, which
 * computes the KS test and, alongside, every other statistic above (each column's `statistics`
 * in the JSON); the goals are checked on both. Both sides include process start-up.
 * Debian ships no Parquet reader for pandas (no pyarrow, no fastparquet); when none is
 * installed, the "Parquet" baseline loads the same columns from NumPy's .npy files instead,
 * the fastest input pandas + NumPy have, which favours the baseline.
 *
 * Run: `npm run bench:drift` (BENCH_ROWS changes the size).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { envInteger, formatRatio, formatSeconds, medianSeconds, printTable, reportGoal, SLUICE_BIN, timeCommand, timeSuccess, withTempDir } from './support.js';

const ROWS = envInteger('BENCH_ROWS', 1_000_000);
const REPETITIONS = 3;
const PYTHON = '/usr/bin/python3';

const SCIPY_SCRIPT = `
import json
import sys
import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import distance

def load(path):
    if path.endswith('.csv'):
        return pd.read_csv(path)
    if path.endswith('.parquet'):
        return pd.read_parquet(path)
    return pd.DataFrame(np.load(path))

def psi(ref, cur):
    inner = np.quantile(ref, np.arange(1, 10) / 10)
    r = np.bincount(np.searchsorted(inner, ref, side='left'), minlength=10) / len(ref)
    c = np.bincount(np.searchsorted(inner, cur, side='left'), minlength=10) / len(cur)
    r = np.where(r == 0, 1e-4, r)
    c = np.where(c == 0, 1e-4, c)
    return float(np.sum((c - r) * np.log(c / r)))

def js(ref, cur):
    edges = np.linspace(ref.min(), ref.max(), 11)
    p = np.histogram(ref, edges)[0]
    q = np.histogram(np.clip(cur, ref.min(), ref.max()), edges)[0]
    return float(distance.jensenshannon(p / p.sum(), q / q.sum(), base=2))

reference, current = load(sys.argv[1]), load(sys.argv[2])
result = {}
for column in reference.columns:
    ref = reference[column].dropna().to_numpy()
    cur = current[column].dropna().to_numpy()
    ks = stats.ks_2samp(ref, cur)
    result[column] = dict(ks=float(ks.statistic), p=float(ks.pvalue), wasserstein=float(stats.wasserstein_distance(ref, cur)),
                          js=js(ref, cur), psi=psi(ref, cur), means=(float(ref.mean()), float(cur.mean())), stds=(float(ref.std()), float(cur.std())))
print(json.dumps(result))
`;

/**
 * Seeded heavy-tailed data whose KS statistics fall in SciPy's slow band (n·D² between 2.2 and
 * 370 for the effective size n = rows/2, where kstwo.sf sums about n terms): Cauchy values shifted
 * by 0.01, log-normal values shifted by 0.008 on the log scale, Pareto (α = 1.5) values scaled by
 * 1.005. Normal deviates by Box–Muller, the others by inverting their CDFs.
 */
async function writeData(dir: string): Promise<Record<string, string>> {
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  const files: Record<string, string> = {};
  for (const [name, shift, scale] of [['reference', 0, 1], ['current', 1, 1.005]] as const) {
    await connection.run(`SELECT setseed(${name === 'reference' ? 0.1 : 0.2})`);
    await connection.run(`CREATE TABLE ${name} AS SELECT
        tan(pi() * (random() - 0.5)) + ${0.01 * shift} AS a,
        exp(sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) + ${0.008 * shift}) AS b,
        ${scale} * pow(1 - random(), -1 / 1.5) AS c
      FROM range(${ROWS})`);
    for (const format of ['csv', 'parquet'] as const) {
      files[`${name}.${format}`] = join(dir, `${name}.${format}`);
      await connection.run(`COPY ${name} TO '${files[`${name}.${format}`]}' (FORMAT ${format})`);
    }
  }
  return files;
}

/** Each column's KS statistic, p-value and n·D² from sluice beside SciPy's: the same values, in the slow band. */
function compareKs(sluiceJson: string, scipyOutput: string): void {
  const sluice = JSON.parse(readFileSync(sluiceJson, 'utf8')) as { columns: Record<string, { statistic: number; p_value: number }> };
  const scipy = JSON.parse(scipyOutput) as Record<string, { ks: number; p: number }>;
  const effectiveSize = (ROWS * ROWS) / (ROWS + ROWS);
  const rows = Object.entries(sluice.columns).map(([name, column]) => {
    const peer = scipy[name]!;
    const error = Math.abs(column.p_value - peer.p) / Math.max(Math.abs(peer.p), Number.MIN_VALUE);
    return [name, column.statistic.toPrecision(6), (effectiveSize * column.statistic ** 2).toFixed(1), column.p_value.toExponential(9), peer.p.toExponential(9), error.toExponential(1)];
  });
  printTable(['Column', 'KS D', 'n·D²', 'sluice p-value', 'SciPy p-value', 'Relative error'], rows);
  console.log('');
}

await withTempDir('sluice-bench-drift-', async (dir) => {
  console.log(`Drift over ${ROWS.toLocaleString("en")} vs ${ROWS.toLocaleString("en")} rows × 3 heavy-tailed columns (${dir}), median of ${REPETITIONS} runs each, process start included.\n`);
  const files = await writeData(dir);
  const hasScipy = spawnSync(PYTHON, ['-c', 'import scipy, pandas'], { stdio: 'ignore' }).status === 0;
  const hasParquet = hasScipy && spawnSync(PYTHON, ['-c', 'import pandas, sys; pandas.io.parquet.get_engine("auto")'], { stdio: 'ignore' }).status === 0;
  const script = join(dir, 'scipy_drift.py');
  writeFileSync(script, SCIPY_SCRIPT);
  let parquetBaseline = { reference: files['reference.parquet']!, current: files['current.parquet']! };
  if (hasScipy && !hasParquet) {
    parquetBaseline = { reference: join(dir, 'reference.npy'), current: join(dir, 'current.npy') };
    timeSuccess(PYTHON, ['-c', `import numpy as np, pandas as pd\nfor n in ('reference', 'current'):\n    frame = pd.read_csv('${dir}/' + n + '.csv')\n    np.save('${dir}/' + n + '.npy', frame.to_records(index=False))`]);
  }

  // Exit 1 is the verdict "dataset drift" (the current data is shifted on purpose), not a failure.
  const drift = (args: string[]): number => {
    const run = timeCommand(process.execPath, [SLUICE_BIN, 'drift', ...args], { cwd: dir });
    if (run.status !== 0 && run.status !== 1) throw new Error(`sluice drift exited with ${run.status}: ${run.stderr}`);
    return run.seconds;
  };
  const tasks: Record<string, () => number> = {
    defaultsCsv: () => drift([files['reference.csv']!, files['current.csv']!]),
    defaultsParquet: () => drift([files['reference.parquet']!, files['current.parquet']!]),
    sluiceCsv: () => drift([files['reference.csv']!, files['current.csv']!, '--method', 'ks', '--json', join(dir, 'csv.json')]),
    sluiceParquet: () => drift([files['reference.parquet']!, files['current.parquet']!, '--method', 'ks', '--json', join(dir, 'parquet.json')]),
  };
  if (hasScipy) {
    tasks.scipyCsv = () => timeSuccess(PYTHON, [script, files['reference.csv']!, files['current.csv']!]).seconds;
    tasks.scipyParquet = () => timeSuccess(PYTHON, [script, parquetBaseline.reference, parquetBaseline.current]).seconds;
  }
  const medians = await medianSeconds(REPETITIONS, tasks);
  const rate = (seconds: number) => `${Math.round((2 * ROWS * 3) / seconds / 1e6).toLocaleString('en')}M`;
  const rows = [
    ['sluice drift (defaults), CSV', formatSeconds(medians.defaultsCsv!), rate(medians.defaultsCsv!)],
    ['sluice drift (defaults), Parquet', formatSeconds(medians.defaultsParquet!), rate(medians.defaultsParquet!)],
    ['sluice drift --method ks, CSV', formatSeconds(medians.sluiceCsv!), rate(medians.sluiceCsv!)],
    ['sluice drift --method ks, Parquet', formatSeconds(medians.sluiceParquet!), rate(medians.sluiceParquet!)],
  ];
  if (hasScipy) {
    rows.push(['pandas + SciPy, CSV', formatSeconds(medians.scipyCsv!), rate(medians.scipyCsv!)]);
    rows.push([`pandas + SciPy, ${hasParquet ? 'Parquet' : '.npy (no Parquet reader installed)'}`, formatSeconds(medians.scipyParquet!), rate(medians.scipyParquet!)]);
  }
  printTable(['Measure', 'Median', 'Values/s'], rows);
  console.log('');
  if (!hasScipy) {
    console.log('SciPy is not installed (apt-get install python3-scipy python3-pandas): no baseline this run.');
    return;
  }
  compareKs(join(dir, 'csv.json'), timeSuccess(PYTHON, [script, files['reference.csv']!, files['current.csv']!]).stdout);
  for (const [label, csv, parquet] of [['defaults', medians.defaultsCsv!, medians.defaultsParquet!], ['--method ks', medians.sluiceCsv!, medians.sluiceParquet!]] as const) {
    const csvRatio = medians.scipyCsv! / csv;
    const parquetRatio = medians.scipyParquet! / parquet;
    console.log(`sluice drift (${label}) from CSV: ${formatRatio(csvRatio)} as fast as pandas + SciPy. From Parquet: ${formatRatio(parquetRatio)}${hasParquet ? '' : ' (baseline reading .npy)'}.`);
    reportGoal(`${label}: ≥ 2× faster than pandas + SciPy from CSV`, csvRatio >= 2);
    reportGoal(`${label}: ≥ 5× faster than pandas + SciPy from Parquet`, parquetRatio >= 5);
  }
});
