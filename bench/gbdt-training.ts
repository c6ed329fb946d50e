/**
 * Training gradient-boosted trees on a million rows × 20 features (100 trees, depth 6), against
 * scikit-learn's HistGradientBoostingClassifier with the same trees and depth on the same data
 * (Debian's python3-sklearn, when installed), with both models' ROC AUC on a held-out set; XGBoost's
 * `hist` trainer on two threads (python3-xgboost) is reported beside them.
 *
 * Both read the same CSV; Sluice's figure includes exporting the model to ONNX and checking the
 * export against onnxruntime.
 *
 * Run: `npm run bench:gbdt` (BENCH_ROWS changes the size, BENCH_TREES the number of trees).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envInteger, formatRatio, formatSeconds, printTable, reportGoal, timeSluice, timeSuccess, withTempDir } from './support.js';

const ROWS = envInteger('BENCH_ROWS', 1_000_000);
const TREES = envInteger('BENCH_TREES', 100);
const FEATURES = 20;
const TEST_ROWS = 100_000;
const GOAL_SECONDS = 60;
const PYTHON = '/usr/bin/python3';

const SKLEARN_SCRIPT = `
import sys, time
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
train, test, trees = pd.read_csv(sys.argv[1]), pd.read_csv(sys.argv[2]), int(sys.argv[3])
started = time.perf_counter()
model = HistGradientBoostingClassifier(max_iter=trees, max_depth=6, learning_rate=0.1, min_samples_leaf=20, max_leaf_nodes=None, early_stopping=False, random_state=0)
model.fit(train.drop(columns="target"), train["target"])
fit_seconds = time.perf_counter() - started
print(fit_seconds, roc_auc_score(test["target"], model.predict_proba(test.drop(columns="target"))[:, 1]))
`;

const XGBOOST_SCRIPT = `
import sys, time
import pandas as pd, xgboost as xgb
from sklearn.metrics import roc_auc_score
train, test, trees = pd.read_csv(sys.argv[1]), pd.read_csv(sys.argv[2]), int(sys.argv[3])
started = time.perf_counter()
model = xgb.XGBClassifier(tree_method="hist", n_estimators=trees, max_depth=6, learning_rate=0.1, n_jobs=2, random_state=0)
model.fit(train.drop(columns="target"), train["target"])
fit_seconds = time.perf_counter() - started
print(fit_seconds, roc_auc_score(test["target"], model.predict_proba(test.drop(columns="target"))[:, 1]))
`;

/** Seeded rows whose label depends on interactions and a few main effects. */
function writeData(path: string, rows: number, seed: number): void {
  let state = seed;
  const random = () => ((state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296);
  const header = [...Array.from({ length: FEATURES }, (_, f) => `f${f}`), 'target'].join(',');
  const lines = [header];
  for (let row = 0; row < rows; row++) {
    const x = Array.from({ length: FEATURES }, () => random() * 2 - 1);
    const signal = x[0]! * x[1]! * 3 + Math.sin(3 * x[2]!) + 0.5 * x[3]! - (x[4]! > 0.3 ? 0.8 : 0) + (random() - 0.5);
    lines.push(`${x.map((value) => value.toFixed(6)).join(',')},${signal > 0 ? 1 : 0}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

await withTempDir('sluice-bench-gbdt-', async (dir) => {
  console.log(`GBDT on ${ROWS.toLocaleString('en')} rows × ${FEATURES} features, ${TREES} trees of depth 6 (${dir}).\n`);
  const train = join(dir, 'train.csv');
  const test = join(dir, 'test.csv');
  writeData(train, ROWS, 1);
  writeData(test, TEST_ROWS, 2);
  const model = join(dir, 'model.onnx');

  const sluiceRun = timeSluice(dir, ['train', '--data', train, '--target', 'target', '--algorithm', 'gbdt', '--params', `n_estimators=${TREES}`, 'max_depth=6', '--out', model]);
  const trainedIn = Number(/time\s+([\d.]+) s/.exec(sluiceRun.stdout)?.[1]);
  timeSluice(dir, ['eval', '--model', model, '--data', test, '--target', 'target', '--importance-repeats', '0', '--json', join(dir, 'eval.json')]);
  const sluiceAuc = (JSON.parse(readFileSync(join(dir, 'eval.json'), 'utf8')) as { metrics: { roc_auc: number } }).metrics.roc_auc;

  const rows = [['sluice train --algorithm gbdt (read CSV, train, export, check)', formatSeconds(sluiceRun.seconds), sluiceAuc.toFixed(4)]];
  const hasSklearn = spawnSync(PYTHON, ['-c', 'import sklearn, pandas'], { stdio: 'ignore' }).status === 0;
  let sklearnSeconds: number | undefined;
  if (hasSklearn) {
    const script = join(dir, 'sklearn_gbdt.py');
    writeFileSync(script, SKLEARN_SCRIPT);
    const run = timeSuccess(PYTHON, [script, train, test, String(TREES)]);
    const [fitSeconds, auc] = run.stdout.trim().split(/\s+/).map(Number);
    sklearnSeconds = run.seconds;
    rows.push(['scikit-learn HistGradientBoostingClassifier (read CSV, fit, predict)', formatSeconds(run.seconds), auc!.toFixed(4)]);
    rows.push(['  of which fit alone', formatSeconds(fitSeconds!), '']);
  }
  if (spawnSync(PYTHON, ['-c', 'import xgboost, sklearn, pandas'], { stdio: 'ignore' }).status === 0) {
    const script = join(dir, 'xgboost_gbdt.py');
    writeFileSync(script, XGBOOST_SCRIPT);
    const run = timeSuccess(PYTHON, [script, train, test, String(TREES)]);
    const [fitSeconds, auc] = run.stdout.trim().split(/\s+/).map(Number);
    rows.push(['XGBoost hist, 2 threads (read CSV, fit, predict; reported)', formatSeconds(run.seconds), auc!.toFixed(4)]);
    rows.push(['  of which fit alone', formatSeconds(fitSeconds!), '']);
  }
  printTable(['Measure', 'Time', 'Test ROC AUC'], rows);
  console.log(`\nThe time sluice train reports (reading the CSV, training, exporting and checking; not node's start): ${trainedIn.toFixed(2)} s.`);
  if (sklearnSeconds !== undefined) console.log(`sluice takes ${formatRatio(sluiceRun.seconds / sklearnSeconds)} scikit-learn's time end to end.`);
  else console.log('scikit-learn is not installed (apt-get install python3-sklearn python3-pandas): no baseline this run.');
  reportGoal(`${TREES} trees on ${ROWS.toLocaleString('en')} rows well under ${GOAL_SECONDS} s`, sluiceRun.seconds < GOAL_SECONDS);
  if (sklearnSeconds !== undefined) reportGoal('at least as fast as scikit-learn end to end (≥ 1×)', sluiceRun.seconds <= sklearnSeconds);
});
