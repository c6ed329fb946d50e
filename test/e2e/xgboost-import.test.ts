/**
 * `sluice models import xgboost` and `models register` of an XGBoost JSON (issue 19): models
 * trained by Debian's python3-xgboost become ONNX models whose outputs equal XGBoost's own
 * predictions to 1e-5 (binary, multiclass, regression; missing values follow the trees' default
 * directions); an unsupported objective is a clear error; a registered JSON keeps the original.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';
import { sharedFixture } from '../support/fixtures.js';
import { scoreCsv } from '../support/onnx-score.js';
import { readMatrix, trainXgboostModels, xgboostMissing } from '../support/xgboost.js';

const TOLERANCE = 1e-5;

function maxDifference(actual: readonly number[][], expected: readonly number[][]): number {
  assert.equal(actual.length, expected.length, 'rows');
  let max = 0;
  actual.forEach((row, i) => row.forEach((value, j) => (max = Math.max(max, Math.abs(value - expected[i]![j]!)))));
  return max;
}

describe('sluice models import xgboost', { skip: xgboostMissing() }, () => {
  let repo: ScratchRepo;
  let models: string;
  before(() => {
    repo = scratchRepo({ 'README.md': 'xgboost\n' });
    models = join(repo.outside, 'xgb');
    mkdirSync(models);
    trainXgboostModels(models);
    assert.equal(sluice(repo.root, ['init']).code, 0);
  });
  after(() => repo.remove());

  test('a binary:logistic model\'s probabilities equal predict_proba on test.csv to 1e-5', async () => {
    const imported = sluice(repo.root, ['models', 'import', 'xgboost', join(models, 'binary.json'), '--out', 'binary.onnx']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /^Imported .*binary\.json \(XGBoost binary:logistic, 30 trees, 30 features\) as binary\.onnx\n/);
    const scored = await scoreCsv(join(repo.root, 'binary.onnx'), sharedFixture('breast_cancer', 'test.csv'));
    assert.equal(scored.output, 'probabilities');
    const positive = scored.rows.map((row) => [row[1]!]);
    assert.ok(maxDifference(positive, readMatrix(join(models, 'binary_proba.txt'))) <= TOLERANCE);
  });

  test('missing values take each split\'s default direction, as in XGBoost', async () => {
    const scored = await scoreCsv(join(repo.root, 'binary.onnx'), sharedFixture('breast_cancer', 'current_drifted.csv'));
    const positive = scored.rows.map((row) => [row[1]!]);
    assert.ok(maxDifference(positive, readMatrix(join(models, 'binary_drifted_proba.txt'))) <= TOLERANCE);
  });

  test('a multi:softprob model on iris gives the three class probabilities to 1e-5', async () => {
    const imported = sluice(repo.root, ['models', 'import', 'xgboost', join(models, 'multi.json'), '--out', 'multi.onnx', '--json']);
    assert.equal(imported.code, 0, imported.stderr);
    const summary = JSON.parse(imported.stdout) as { task: string; classes: string[]; trees: number };
    assert.deepEqual([summary.task, summary.classes, summary.trees], ['multiclass', ['0', '1', '2'], 30]);
    const scored = await scoreCsv(join(repo.root, 'multi.onnx'), join(models, 'iris.csv'));
    assert.equal(scored.width, 3);
    assert.ok(maxDifference(scored.rows, readMatrix(join(models, 'multi_proba.txt'))) <= TOLERANCE);
  });

  test('a reg:squarederror model\'s predictions equal predict to 1e-5 relative', async () => {
    assert.equal(sluice(repo.root, ['models', 'import', 'xgboost', join(models, 'reg.json'), '--out', 'reg.onnx']).code, 0);
    const scored = await scoreCsv(join(repo.root, 'reg.onnx'), join(models, 'reg_test.csv'));
    assert.equal(scored.output, 'predictions');
    const expected = readMatrix(join(models, 'reg_pred.txt'));
    // mean_area is in the hundreds: compare relative to the value (float32 carries ~7 digits).
    scored.rows.forEach((row, i) => assert.ok(Math.abs(row[0]! - expected[i]![0]!) <= TOLERANCE * Math.abs(expected[i]![0]!), `row ${i}: ${row[0]} vs ${expected[i]![0]}`));
  });

  test('an unsupported objective is refused with what is supported, exit 2, and no file', () => {
    const refused = sluice(repo.root, ['models', 'import', 'xgboost', join(models, 'hinge.json'), '--out', 'hinge.onnx']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Cannot import .*hinge\.json: its objective binary:hinge is not supported\..*Supported: .*binary:logistic, multi:softprob, multi:softmax or reg:squarederror.*\[SLUICE_IMPORT_UNSUPPORTED\]/s);
    assert.equal(existsSync(join(repo.root, 'hinge.onnx')), false);
  });

  test('a file that is not an XGBoost JSON, and a wrong number of --feature-names, are clear errors, exit 2', () => {
    const notJson = sluice(repo.root, ['models', 'import', 'xgboost', sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), '--out', 'x.onnx']);
    assert.equal(notJson.code, 2);
    assert.match(notJson.stderr, /it is not JSON.*save_model\("model\.json"\).*\[SLUICE_IMPORT_UNREADABLE\]/s);
    const names = sluice(repo.root, ['models', 'import', 'xgboost', join(models, 'multi.json'), '--out', 'x.onnx', '--feature-names', 'a,b']);
    assert.equal(names.code, 2);
    assert.match(names.stderr, /--feature-names lists 2 names, but .*multi\.json has 4 features\..*\[SLUICE_IMPORT_FEATURE_NAMES\]/s);
    const format = sluice(repo.root, ['models', 'import', 'lightgbm', join(models, 'multi.json'), '--out', 'x.onnx']);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /the format "lightgbm" is not one Sluice imports; use xgboost/);
  });

  test('models register of the JSON registers the converted ONNX and keeps the JSON as the original', () => {
    const registered = sluice(repo.root, ['models', 'register', join(models, 'binary.json'), '--name', 'xgb', '--json']);
    assert.equal(registered.code, 0, registered.stderr);
    const version = JSON.parse(registered.stdout) as { source: string; tags: Record<string, string> | { key: string; value: string }[]; signature?: unknown };
    assert.match(version.source, /\/binary\.onnx$/);
    const tags = Array.isArray(version.tags) ? Object.fromEntries(version.tags.map((tag) => [tag.key, tag.value])) : version.tags;
    assert.match(tags['sluice.original_model'] ?? '', /\/original\/binary\.json$/);
    const evaluated = sluice(repo.root, ['eval', '--model', 'models:/xgb/1', '--data', sharedFixture('breast_cancer', 'test.csv'), '--target', 'target', '--json', '-']);
    assert.equal(evaluated.code, 0, evaluated.stderr);
    assert.ok((JSON.parse(evaluated.stdout) as { metrics: { roc_auc: number } }).metrics.roc_auc > 0.95);
  });
});
