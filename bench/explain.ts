/**
 * TreeSHAP (`sluice explain --method tree`, issue 19) on 10,000 rows of a 100-tree, depth-6
 * XGBoost model (20 features, trained by Debian's python3-xgboost and imported), against
 * XGBoost's own exact TreeSHAP (`predict(..., pred_contribs=True)`, both cores) in the same run.
 * Sluice's figures: the whole command at its defaults (read CSV, explain, write JSON), and the
 * explanation alone in-process. The largest difference between the two answers is printed.
 *
 * Run: `npm run bench:explain` (BENCH_ROWS, BENCH_TREES change the size).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainModel } from '../src/explain/index.js';
import { envInteger, formatRatio, formatSeconds, printTable, reportGoal, timeSluice, withTempDir } from './support.js';

const ROWS = envInteger('BENCH_ROWS', 10_000);
const TREES = envInteger('BENCH_TREES', 100);
const PYTHON = '/usr/bin/python3';

const SCRIPT = `
import sys, time, numpy as np, pandas as pd, xgboost as xgb
out, rows, trees = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(0)
X = rng.normal(size=(rows, 20)).astype(np.float32)
y = ((X[:, 0] * X[:, 1] + np.sin(3 * X[:, 2]) + 0.5 * X[:, 3] - (X[:, 4] > 0.3) + rng.normal(scale=0.5, size=rows)) > 0).astype(int)
frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(20)])
frame.assign(target=y).to_csv(f"{out}/data.csv", index=False)
model = xgb.XGBClassifier(n_estimators=trees, max_depth=6, tree_method="hist", n_jobs=2, random_state=0).fit(frame, y)
model.get_booster().save_model(f"{out}/model.json")
matrix = xgb.DMatrix(frame)
booster = model.get_booster()
booster.set_param({"nthread": 2})
started = time.perf_counter()
contribs = booster.predict(matrix, pred_contribs=True)
print(time.perf_counter() - started)
np.save(f"{out}/contribs.npy", contribs)
np.savetxt(f"{out}/contribs_head.txt", contribs[:200], fmt="%.17g")
`;

await withTempDir('sluice-bench-explain-', async (dir) => {
  if (spawnSync(PYTHON, ['-c', 'import xgboost, pandas'], { stdio: 'ignore' }).status !== 0) {
    console.log('XGBoost is not installed (apt-get install python3-xgboost python3-pandas): nothing to compare with.');
    return;
  }
  console.log(`TreeSHAP on ${ROWS.toLocaleString('en')} rows × 20 features, ${TREES} trees of depth 6 (${dir}).\n`);
  const trained = spawnSync(PYTHON, ['-c', SCRIPT, dir, String(ROWS), String(TREES)], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '2' } });
  if (trained.status !== 0) throw new Error(trained.stderr);
  const xgboostSeconds = Number(trained.stdout.trim().split('\n').at(-1));
  timeSluice(dir, ['models', 'import', 'xgboost', 'model.json', '--out', 'model.onnx']);
  const command = timeSluice(dir, ['explain', '--model', 'model.onnx', '--data', 'data.csv', '--target', 'target', '--json', 'shap.json']);
  const started = performance.now();
  const explanation = await explainModel({ modelPath: join(dir, 'model.onnx'), modelLabel: 'model.onnx', dataPath: join(dir, 'data.csv'), exclude: ['target'] });
  const inProcess = (performance.now() - started) / 1000;

  const reference = readFileSync(join(dir, 'contribs_head.txt'), 'utf8').trim().split('\n').map((line) => line.split(' ').map(Number));
  let worst = 0;
  reference.forEach((row, i) => {
    explanation.features.forEach((_, j) => (worst = Math.max(worst, Math.abs(explanation.values[i * 20 + j]! - row[j]!))));
    worst = Math.max(worst, Math.abs(explanation.expected[0]! - row[20]!));
  });
  printTable(
    ['Explainer', 'Time', 'Rows/s'],
    [
      ['sluice explain (defaults: read CSV, TreeSHAP, write JSON)', formatSeconds(command.seconds), Math.round(ROWS / command.seconds).toLocaleString('en')],
      ['  TreeSHAP in-process (read CSV, explain)', formatSeconds(inProcess), Math.round(ROWS / inProcess).toLocaleString('en')],
      ['XGBoost pred_contribs=True (2 threads, the call alone)', formatSeconds(xgboostSeconds), Math.round(ROWS / xgboostSeconds).toLocaleString('en')],
    ],
  );
  console.log(`\nLargest difference from XGBoost over the first 200 rows (values and bias): ${worst.toExponential(2)}.`);
  console.log(`XGBoost's call takes ${formatRatio(xgboostSeconds / command.seconds)} the time of the whole sluice explain, ${formatRatio(xgboostSeconds / inProcess)} of the in-process explanation.`);
  reportGoal('sluice explain at least as fast as XGBoost\'s pred_contribs (≥ 1×)', command.seconds <= xgboostSeconds);
  reportGoal('equal to XGBoost to 1e-5', worst <= 1e-5);
});
