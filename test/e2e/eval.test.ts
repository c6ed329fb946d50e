/** `sluice eval` as users run it: the table, the JSON report, and exit codes. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedFixture } from '../support/fixtures.js';
import { sluice } from '../support/cli.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('sluice eval', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => (temp = makeTempDir()));
  after(() => temp.remove());
  const model = () => sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');
  const data = () => sharedFixture('breast_cancer', 'test.csv');

  test('prints the metrics and the confusion matrix, and writes the JSON report', () => {
    const report = join(temp.path, 'eval.json');
    const result = sluice(temp.path, ['eval', '--model', model(), '--data', data(), '--target', 'target', '--json', report]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\(171 rows, binary, positive class 1=benign, threshold 0\.5\)/);
    assert.match(result.stdout, /roc_auc\s+0\.998102/);
    assert.match(result.stdout, /1=benign\s+1\s+106/);
    const json = JSON.parse(readFileSync(report, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json).slice(0, 3), ['task', 'n', 'metrics']);
    assert.deepEqual(json.confusion_matrix, [[63, 1], [1, 106]]);
  });

  test('a missing model exits 2 with a one-paragraph message', () => {
    const result = sluice(temp.path, ['eval', '--model', 'missing.onnx', '--data', data(), '--target', 'target']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^sluice: The model file .*missing\.onnx does not exist\..*\[SLUICE_INFERENCE_MODEL_NOT_FOUND\]\n$/);
  });

  test('a threshold outside (0, 1) is refused', () => {
    const result = sluice(temp.path, ['eval', '--model', model(), '--data', data(), '--target', 'target', '--threshold', '2']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--threshold must be between 0 and 1/);
  });

  test('--target is required', () => {
    const result = sluice(temp.path, ['eval', '--model', model(), '--data', data()]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--target is required/);
  });
});
