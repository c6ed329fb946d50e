/**
 * `sluice explain` (issue 19): TreeSHAP equals XGBoost's own exact TreeSHAP (`pred_contribs`) to
 * 1e-5 with the bias term, for binary, multiclass and regression models; every fixture model's
 * explanation is additive (expected value + Σ SHAP = the model's output, 1e-6); linear SHAP of
 * Sluice's logistic regression equals coef·(x' − mean) to 1e-9 per original column; KernelSHAP is
 * reproducible and gives the three columns a model uses the top three places and 97 % of the credit; bad input exits 2.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';
import { sharedFixture } from '../support/fixtures.js';
import { onnxConstants, writeForestOnnx } from '../support/forest.js';
import { scoreCsv } from '../support/onnx-score.js';
import { readMatrix, trainXgboostModels, xgboostMissing } from '../support/xgboost.js';

const TEST_CSV = sharedFixture('breast_cancer', 'test.csv');
const TRAIN_CSV = sharedFixture('breast_cancer', 'train.csv');
const model = (name: string) => sharedFixture('breast_cancer', 'models', name);

interface ExplanationJson {
  method: string;
  space: string;
  outputs: string[];
  features: string[];
  expected_value: number[];
  ranking: { feature: string; overall: number }[];
  rows: { row: number; score: number[]; values: number[][] }[];
}

function explain(root: string, args: readonly string[]): ExplanationJson {
  const result = sluice(root, ['explain', ...args, '--json', '-']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as ExplanationJson;
}

/** Each row's expected value + Σ SHAP, per output. */
function additive(explanation: ExplanationJson): number[][] {
  return explanation.rows.map((row) => explanation.outputs.map((_, k) => explanation.expected_value[k]! + row.values.reduce((sum, values) => sum + values[k]!, 0)));
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('sluice explain', () => {
  let repo: ScratchRepo;
  let xgb: string;
  before(() => {
    repo = scratchRepo({ 'README.md': 'explain\n' });
    assert.equal(sluice(repo.root, ['init']).code, 0);
    xgb = join(repo.outside, 'xgb');
    mkdirSync(xgb);
    if (!xgboostMissing()) {
      trainXgboostModels(xgb);
      for (const name of ['binary', 'multi', 'reg']) assert.equal(sluice(repo.root, ['models', 'import', 'xgboost', join(xgb, `${name}.json`), '--out', `${name}.onnx`]).code, 0);
    }
  });
  after(() => repo.remove());

  describe('against XGBoost\'s exact TreeSHAP', { skip: xgboostMissing() }, () => {
    test('binary:logistic: every row and feature, and the bias term, to 1e-5', () => {
      const explanation = explain(repo.root, ['--model', 'binary.onnx', '--data', TEST_CSV, '--target', 'target']);
      assert.deepEqual([explanation.method, explanation.space, explanation.outputs], ['tree', 'margin', ['1']]);
      const contribs = readMatrix(join(xgb, 'binary_contribs.txt'));
      assert.equal(explanation.rows.length, 171);
      explanation.rows.forEach((row, i) => {
        row.values.forEach((values, j) => assert.ok(Math.abs(values[0]! - contribs[i]![j]!) <= 1e-5, `row ${i} ${explanation.features[j]}: ${values[0]} vs ${contribs[i]![j]}`));
        assert.ok(Math.abs(explanation.expected_value[0]! - contribs[i]![30]!) <= 1e-5, 'bias');
      });
    });

    test('multi:softprob: every class\'s values on iris to 1e-5', () => {
      const explanation = explain(repo.root, ['--model', 'multi.onnx', '--data', join(xgb, 'iris.csv'), '--target', 'target']);
      assert.deepEqual(explanation.outputs, ['0', '1', '2']);
      const contribs = readMatrix(join(xgb, 'multi_contribs.txt'));
      explanation.rows.forEach((row, i) => {
        for (let k = 0; k < 3; k++) {
          row.values.forEach((values, j) => assert.ok(Math.abs(values[k]! - contribs[i]![k * 5 + j]!) <= 1e-5, `row ${i} class ${k} feature ${j}`));
          assert.ok(Math.abs(explanation.expected_value[k]! - contribs[i]![k * 5 + 4]!) <= 1e-5, `bias of class ${k}`);
        }
      });
    });

    test('reg:squarederror: every row and feature to 1e-5 of the value\'s scale', () => {
      const explanation = explain(repo.root, ['--model', 'reg.onnx', '--data', join(xgb, 'reg_test.csv'), '--exclude', 'mean_area']);
      const contribs = readMatrix(join(xgb, 'reg_contribs.txt'));
      explanation.rows.forEach((row, i) => {
        const scale = Math.max(1, Math.abs(contribs[i]!.reduce((a, b) => a + b, 0)));
        row.values.forEach((values, j) => assert.ok(Math.abs(values[0]! - contribs[i]![j]!) <= 1e-5 * scale, `row ${i} feature ${j}: ${values[0]} vs ${contribs[i]![j]}`));
        assert.ok(Math.abs(explanation.expected_value[0]! - contribs[i]![29]!) <= 1e-5 * scale, 'bias');
      });
    });
  });

  describe('additivity: expected value + Σ SHAP = the model\'s output', () => {
    test('Sluice\'s GBDT (margin; sigmoid of it equals onnxruntime\'s probability to 1e-6)', async () => {
      assert.equal(sluice(repo.root, ['train', '--data', TRAIN_CSV, '--target', 'target', '--algorithm', 'gbdt', '--params', 'n_estimators=20', 'max_depth=3', '--out', 'gbdt.onnx']).code, 0);
      const explanation = explain(repo.root, ['--model', 'gbdt.onnx', '--data', TEST_CSV, '--target', 'target']);
      assert.equal(explanation.method, 'tree');
      const probabilities = (await scoreCsv(join(repo.root, 'gbdt.onnx'), TEST_CSV)).rows;
      additive(explanation).forEach((sum, i) => assert.ok(Math.abs(sigmoid(sum[0]!) - probabilities[i]![1]!) <= 1e-6, `row ${i}`));
    });

    test('a scikit-learn random forest without covers (probabilities, to 1e-6)', async () => {
      writeForestOnnx(join(repo.root, 'forest.onnx'));
      const explanation = explain(repo.root, ['--model', 'forest.onnx', '--data', TEST_CSV, '--target', 'target']);
      assert.deepEqual([explanation.method, explanation.outputs], ['tree', ['0', '1']]);
      const scored = await scoreCsvMatrix(join(repo.root, 'forest.onnx'));
      additive(explanation).forEach((sum, i) => sum.forEach((value, k) => assert.ok(Math.abs(value - scored[i]![k]!) <= 1e-6, `row ${i} class ${k}`)));
    });

    test('the fixture logistic regression (linear, log-odds)', async () => {
      const explanation = explain(repo.root, ['--model', model('bc_logreg.onnx'), '--data', TEST_CSV, '--target', 'target']);
      assert.equal(explanation.method, 'linear');
      const scored = await scoreCsvMatrix(model('bc_logreg.onnx'));
      additive(explanation).forEach((sum, i) => assert.ok(Math.abs(sigmoid(sum[0]!) - scored[i]![1]!) <= 1e-6, `row ${i}`));
    });

    test('the fixture MLP (KernelSHAP, exact by construction in probability space)', async () => {
      const explanation = explain(repo.root, ['--model', model('bc_mlp.onnx'), '--data', TEST_CSV, '--target', 'target', '--rows', '5', '--background', '20', '--samples', '512']);
      assert.deepEqual([explanation.method, explanation.space], ['kernel', 'output']);
      const scored = await scoreCsvMatrix(model('bc_mlp.onnx'));
      additive(explanation).forEach((sum, i) => sum.forEach((value, k) => assert.ok(Math.abs(value - scored[i]![k]!) <= 1e-6, `row ${i} class ${k}`)));
    });
  });

  test('linear SHAP of Sluice\'s logistic regression equals coef·(x\' − mean x\') per original column to 1e-9', () => {
    assert.equal(sluice(repo.root, ['train', '--data', TRAIN_CSV, '--target', 'target', '--algorithm', 'logistic_regression', '--out', 'logreg.onnx']).code, 0);
    const explanation = explain(repo.root, ['--model', 'logreg.onnx', '--data', TEST_CSV, '--target', 'target', '--background', '171']);
    assert.equal(explanation.method, 'linear');
    const constants = onnxConstants(join(repo.root, 'logreg.onnx'));
    const weights = Object.entries(constants).find(([name]) => name.startsWith('weights'))![1];
    const offset = constants['Scaler.offset']!;
    const scale = constants['Scaler.scale']!;
    const [header, ...lines] = readFileSync(TEST_CSV, 'utf8').trim().split('\n');
    const columns = header!.split(',');
    const transformed = lines.map((line) => explanation.features.map((feature, j) => (Number(line.split(',')[columns.indexOf(feature)]) - offset[j]!) * scale[j]!));
    const means = explanation.features.map((_, j) => transformed.reduce((sum, row) => sum + row[j]!, 0) / transformed.length);
    explanation.rows.forEach((row, i) => row.values.forEach((values, j) => assert.ok(Math.abs(values[0]! - weights[j]! * (transformed[i]![j]! - means[j]!)) <= 1e-9, `row ${i} ${explanation.features[j]}`)));
  });

  test('KernelSHAP is reproducible with a seed, and gives the weak model\'s three columns the top three places and 97 % of the credit', () => {
    const args = ['--model', model('bc_weak_logreg3.onnx'), '--data', TEST_CSV, '--target', 'target', '--method', 'kernel', '--rows', '2', '--background', '30'];
    const first = explain(repo.root, args);
    assert.deepEqual(explain(repo.root, args), first);
    const used = explain(repo.root, ['--model', model('bc_weak_logreg3.onnx'), '--data', TEST_CSV, '--target', 'target', '--rows', '1']).features;
    assert.equal(used.length, 3, 'the linear explainer reads the three gathered columns');
    // KernelSHAP estimates: the 27 unused columns get only the regression's residue.
    first.rows.forEach((row, i) => {
      const total = row.values.reduce((sum, values) => sum + Math.abs(values[1]!), 0);
      const credited = row.values.reduce((sum, values, j) => sum + (used.includes(first.features[j]!) ? Math.abs(values[1]!) : 0), 0);
      assert.ok(credited >= 0.97 * total, `row ${i}: ${credited} of ${total}`);
      const top = row.values.map((values, j) => ({ feature: first.features[j]!, size: Math.abs(values[1]!) })).sort((a, b) => b.size - a.size).slice(0, 3);
      assert.deepEqual(top.map((item) => item.feature).sort(), [...used].sort());
    });
  });

  test('sluice eval --explain adds the same global ranking to the evaluation', () => {
    const evaluated = sluice(repo.root, ['eval', '--model', model('bc_logreg.onnx'), '--data', TEST_CSV, '--target', 'target', '--explain', '--importance-repeats', '0', '--json', '-']);
    assert.equal(evaluated.code, 0, evaluated.stderr);
    const ranking = (JSON.parse(evaluated.stdout) as { explanation: { method: string; ranking: { feature: string; mean_abs_shap: number }[] } }).explanation;
    const explained = explain(repo.root, ['--model', model('bc_logreg.onnx'), '--data', TEST_CSV, '--target', 'target']);
    assert.equal(ranking.method, 'linear');
    assert.deepEqual(ranking.ranking.map((item) => item.feature), explained.ranking.map((item) => item.feature));
    ranking.ranking.forEach((item, k) => assert.ok(Math.abs(item.mean_abs_shap - explained.ranking[k]!.overall) <= 1e-12));
  });

  test('--report writes an HTML page with the ranking, a summary plot and waterfalls', () => {
    const result = sluice(repo.root, ['explain', '--model', model('bc_logreg.onnx'), '--data', TEST_CSV, '--target', 'target', '--report', 'explain.html']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Explained 171 rows .*linear SHAP/);
    const html = readFileSync(join(repo.root, 'explain.html'), 'utf8');
    assert.match(html, /<h2>Global importance<\/h2>/);
    assert.match(html, /aria-label="SHAP summary"/);
    assert.equal(html.match(/aria-label="SHAP waterfall"/g)?.length, 3);
  });

  test('--json - with --report prints the JSON and still writes the report', () => {
    const result = sluice(repo.root, ['explain', '--model', model('bc_logreg.onnx'), '--data', TEST_CSV, '--target', 'target', '--rows', '5', '--json', '-', '--report', 'both/explain.html']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as ExplanationJson).rows.length, 5);
    assert.match(readFileSync(join(repo.root, 'both', 'explain.html'), 'utf8'), /<h2>Global importance<\/h2>/);
  });

  test('a --target or --exclude column the data lacks is refused (exit 2) with the closest name', () => {
    for (const [flag, role] of [['--target', 'target'], ['--exclude', 'excluded']] as const) {
      const result = sluice(repo.root, ['explain', '--model', model('bc_logreg.onnx'), '--data', TEST_CSV, flag, 'targte', '--rows', '5']);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`The ${role} column "targte" is not in .*test\\.csv.*target.*SLUICE_DATA_COLUMN_NOT_FOUND`, 's'));
    }
  });

  test('bad input: --method tree on a model without trees, a background larger than the data: exit 2', () => {
    const tree = sluice(repo.root, ['explain', '--model', model('bc_mlp.onnx'), '--data', TEST_CSV, '--target', 'target', '--method', 'tree']);
    assert.equal(tree.code, 2);
    assert.match(tree.stderr, /--method tree does not fit .*bc_mlp\.onnx: its graph has no single tree ensemble.*--method kernel.*\[SLUICE_EXPLAIN_METHOD\]/s);
    const background = sluice(repo.root, ['explain', '--model', model('bc_logreg.onnx'), '--data', TEST_CSV, '--target', 'target', '--background', '500']);
    assert.equal(background.code, 2);
    assert.match(background.stderr, /--background 500 asks for more rows than .*test\.csv has \(171\)/);
  });

  test('data with missing feature values is refused (exit 2) naming the rows and columns, not explained as NaN', () => {
    const result = sluice(repo.root, ['explain', '--model', model('bc_logreg.onnx'), '--data', sharedFixture('breast_cancer', 'current_drifted.csv'), '--target', 'target']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /5 rows of .*current_drifted\.csv have missing feature values \(first at row \d+; in worst_smoothness\).*SLUICE_EXPLAIN_MISSING_VALUES/s);
  });
});

/** The fixture-shaped models take one [N, 30] input: score test.csv's features in order. */
async function scoreCsvMatrix(path: string): Promise<number[][]> {
  const { default: ort } = await import('onnxruntime-node');
  const [header, ...lines] = readFileSync(TEST_CSV, 'utf8').trim().split('\n');
  const target = header!.split(',').indexOf('target');
  const rows = lines.map((line) => line.split(',').filter((_, k) => k !== target).map(Number));
  const session = await ort.InferenceSession.create(path);
  try {
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    if (session.inputNames.length === 1 && session.inputNames[0] === 'input') feeds.input = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 30]);
    else return (await scoreCsv(path, TEST_CSV)).rows;
    const output = (await session.run(feeds)).probabilities!;
    const data = output.data as Float32Array;
    return rows.map((_, i) => [data[i * 2]!, data[i * 2 + 1]!]);
  } finally {
    await session.release();
  }
}
