// Trains a logistic regression by full-batch gradient descent; writes model/, metrics and a loss curve.
import { mkdirSync, writeFileSync } from 'node:fs';
import { readCsv, readParams, writeCsv } from './csv.mjs';
import { predictProbability, splitFeatures } from './model.mjs';

const { learning_rate: learningRate, epochs, l2 } = readParams().train;
const { columns, rows } = readCsv('data/prepared/train.csv');
const { names, x, y } = splitFeatures(columns, rows);
const n = x.length;
const d = names.length;

const means = names.map((_, j) => x.reduce((sum, row) => sum + row[j], 0) / n);
const scales = names.map((_, j) => Math.sqrt(x.reduce((sum, row) => sum + (row[j] - means[j]) ** 2, 0) / n) || 1);
const model = { kind: 'logistic-regression', features: names, means, scales, weights: new Array(d).fill(0), intercept: 0 };

const losses = [];
for (let epoch = 0; epoch < epochs; epoch++) {
  const gradient = new Array(d).fill(0);
  let gradientIntercept = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const p = predictProbability(model, x[i]);
    const error = p - y[i];
    for (let j = 0; j < d; j++) gradient[j] += (error * (x[i][j] - means[j])) / scales[j];
    gradientIntercept += error;
    loss -= y[i] * Math.log(Math.max(p, 1e-15)) + (1 - y[i]) * Math.log(Math.max(1 - p, 1e-15));
  }
  for (let j = 0; j < d; j++) model.weights[j] -= learningRate * (gradient[j] / n + l2 * model.weights[j]);
  model.intercept -= learningRate * (gradientIntercept / n);
  losses.push([epoch, loss / n]);
}

mkdirSync('model', { recursive: true });
writeFileSync('model/model.json', JSON.stringify(model, null, 2) + '\n');
writeCsv('plots/loss.csv', ['epoch', 'loss'], losses);
const accuracy = x.filter((row, i) => (predictProbability(model, row) >= 0.5 ? 1 : 0) === y[i]).length / n;
mkdirSync('metrics', { recursive: true });
writeFileSync('metrics/train.json', JSON.stringify({ loss: Number(losses.at(-1)[1].toFixed(6)), accuracy: Number(accuracy.toFixed(6)) }, null, 2) + '\n');
console.log(`trained on ${n} rows for ${epochs} epochs: loss ${losses.at(-1)[1].toFixed(4)}, accuracy ${accuracy.toFixed(4)}`);
