// Evaluates model/model.json on data/prepared/<split>.csv; writes metrics/<split>.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readCsv } from './csv.mjs';
import { predictProbability, splitFeatures } from './model.mjs';

const split = process.argv[2];
const model = JSON.parse(readFileSync('model/model.json', 'utf8'));
const { columns, rows } = readCsv(`data/prepared/${split}.csv`);
const { x, y } = splitFeatures(columns, rows);
const scores = x.map((row) => predictProbability(model, row));

let tp = 0, fp = 0, tn = 0, fn = 0;
scores.forEach((score, i) => {
  const predicted = score >= 0.5 ? 1 : 0;
  if (predicted === 1 && y[i] === 1) tp++;
  else if (predicted === 1) fp++;
  else if (y[i] === 0) tn++;
  else fn++;
});
const precision = tp / (tp + fp || 1);
const recall = tp / (tp + fn || 1);

// ROC AUC as the probability that a positive outranks a negative (ties count half).
let wins = 0;
const positives = scores.filter((_, i) => y[i] === 1);
const negatives = scores.filter((_, i) => y[i] === 0);
for (const p of positives) for (const q of negatives) wins += p > q ? 1 : p === q ? 0.5 : 0;

const round = (value) => Number(value.toFixed(6));
const metrics = {
  rows: y.length,
  accuracy: round((tp + tn) / y.length),
  precision: round(precision),
  recall: round(recall),
  f1: round((2 * precision * recall) / (precision + recall || 1)),
  roc_auc: round(wins / (positives.length * negatives.length)),
};
mkdirSync('metrics', { recursive: true });
writeFileSync(`metrics/${split}.json`, JSON.stringify(metrics, null, 2) + '\n');
console.log(`${split}: accuracy ${metrics.accuracy}, ROC AUC ${metrics.roc_auc}`);
