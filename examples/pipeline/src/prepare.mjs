// Stratified split of data/raw.csv into data/prepared/{train,test,holdout}.csv.
import { flag, readCsv, readParams, writeCsv } from './csv.mjs';

const seed = Number(flag('seed', 0));
const { test_fraction: testFraction, holdout_fraction: holdoutFraction } = readParams().prepare;

// mulberry32: a tiny seeded generator, so the split is the same on every machine.
let state = seed >>> 0;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const { columns, rows } = readCsv('data/raw.csv');
const target = columns.indexOf('target');
const splits = { train: [], test: [], holdout: [] };
for (const label of [0, 1]) {
  const group = rows.filter((row) => row[target] === label);
  for (let i = group.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [group[i], group[j]] = [group[j], group[i]];
  }
  const testCount = Math.round(group.length * testFraction);
  const holdoutCount = Math.round(group.length * holdoutFraction);
  splits.test.push(...group.slice(0, testCount));
  splits.holdout.push(...group.slice(testCount, testCount + holdoutCount));
  splits.train.push(...group.slice(testCount + holdoutCount));
}
for (const [name, split] of Object.entries(splits)) {
  writeCsv(`data/prepared/${name}.csv`, columns, split);
  console.log(`${name}: ${split.length} rows`);
}
