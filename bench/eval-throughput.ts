/**
 * `sluice eval` on a million rows, against scikit-learn computing the same metrics from the same
 * predictions (Debian's python3-sklearn with pandas, when installed): rows per second for both.
 *
 * Sluice at its defaults from a predictions file (the same input scikit-learn gets, so the ratio
 * compares like with like), then end to end from a model (data read, ONNX inference, metrics
 * and, at the defaults, permutation importance), and the same without importance, labelled.
 * Both include process start-up, as a CI step would.
 *
 * Run: `npm run bench:eval` (BENCH_ROWS changes the size).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envInteger, formatRatio, formatSeconds, medianSeconds, printTable, reportGoal, timeSluice, timeSuccess, withTempDir } from './support.js';

const ROWS = envInteger('BENCH_ROWS', 1_000_000);
const REPETITIONS = 3;
const GOAL_RATIO = 3;
const PYTHON = '/usr/bin/python3';

const SKLEARN_SCRIPT = `
import sys
import pandas as pd
from sklearn import metrics
frame = pd.read_csv(sys.argv[1])
y = frame["target"].to_numpy()
proba = frame[["p0", "p1"]].to_numpy()
p1 = proba[:, 1]
pred = (p1 >= 0.5).astype(int)
values = [
    metrics.accuracy_score(y, pred), metrics.balanced_accuracy_score(y, pred),
    metrics.precision_score(y, pred), metrics.recall_score(y, pred), metrics.f1_score(y, pred),
    metrics.roc_auc_score(y, p1), metrics.average_precision_score(y, p1),
    metrics.log_loss(y, proba), metrics.brier_score_loss(y, p1), metrics.confusion_matrix(y, pred),
]
print(values[5])
`;

/** Seeded rows: two features, a label that depends on them, and a logistic model's probabilities. */
function writeData(dir: string): { data: string; predictions: string } {
  let state = 20_261_123;
  const random = () => ((state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296);
  const dataLines = ['x1,x2,target'];
  const predictionLines = ['target,p0,p1'];
  for (let row = 0; row < ROWS; row++) {
    const x1 = random() * 4 - 2;
    const x2 = random() * 4 - 2;
    const target = x1 + 0.5 * x2 + (random() - 0.5) * 2 > 0 ? 1 : 0;
    const p1 = 1 / (1 + Math.exp(-(1.5 * x1 + 0.7 * x2)));
    dataLines.push(`${x1},${x2},${target}`);
    predictionLines.push(`${target},${1 - p1},${p1}`);
  }
  const data = join(dir, 'data.csv');
  const predictions = join(dir, 'predictions.csv');
  writeFileSync(data, `${dataLines.join('\n')}\n`);
  writeFileSync(predictions, `${predictionLines.join('\n')}\n`);
  return { data, predictions };
}

await withTempDir('sluice-bench-eval-', async (dir) => {
  console.log(`sluice eval on ${ROWS.toLocaleString('en')} rows (${dir}), median of ${REPETITIONS} runs each, process start included.\n`);
  const { data, predictions } = writeData(dir);
  const model = join(dir, 'model.onnx');
  // The model for the end-to-end figure: a logistic regression trained on a sample.
  timeSluice(dir, ['train', '--data', data, '--target', 'target', '--algorithm', 'logistic_regression', '--out', model]);

  const hasSklearn = spawnSync(PYTHON, ['-c', 'import sklearn, pandas'], { stdio: 'ignore' }).status === 0;
  const script = join(dir, 'sklearn_metrics.py');
  writeFileSync(script, SKLEARN_SCRIPT);
  const tasks: Record<string, () => number> = {
    predictions: () => timeSluice(dir, ['eval', '--predictions', predictions, '--prediction-columns', 'p0,p1', '--target', 'target']).seconds,
    model: () => timeSluice(dir, ['eval', '--model', model, '--data', data, '--target', 'target']).seconds,
    modelNoImportance: () => timeSluice(dir, ['eval', '--model', model, '--data', data, '--target', 'target', '--importance-repeats', '0']).seconds,
  };
  if (hasSklearn) tasks.sklearn = () => timeSuccess(PYTHON, [script, predictions]).seconds;
  const medians = await medianSeconds(REPETITIONS, tasks);
  const rate = (seconds: number) => `${Math.round(ROWS / seconds).toLocaleString('en')}`;
  const rows = [
    ['sluice eval --predictions (same input as sklearn)', formatSeconds(medians.predictions!), rate(medians.predictions!)],
    ['sluice eval --model (defaults: read, inference, metrics, importance)', formatSeconds(medians.model!), rate(medians.model!)],
    ['sluice eval --model --importance-repeats 0 (tuned)', formatSeconds(medians.modelNoImportance!), rate(medians.modelNoImportance!)],
  ];
  if (hasSklearn) rows.push(['scikit-learn (pandas read + the same metrics)', formatSeconds(medians.sklearn!), rate(medians.sklearn!)]);
  printTable(['Measure', 'Median', 'Rows/s'], rows);
  console.log('');
  if (!hasSklearn) {
    console.log('scikit-learn is not installed (apt-get install python3-sklearn python3-pandas): no baseline this run.');
    return;
  }
  const ratio = medians.sklearn! / medians.predictions!;
  console.log(`sluice is ${formatRatio(ratio)} as fast as scikit-learn from the same predictions (end to end with the model at defaults: ${formatRatio(medians.sklearn! / medians.model!)}).`);
  reportGoal(`≥ ${GOAL_RATIO}× faster than scikit-learn end to end`, ratio >= GOAL_RATIO);
});
