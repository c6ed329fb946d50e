/** A gate rule naming a metric the task does not have is a configuration error, not a failed model. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedFixture } from '../support/fixtures.js';
import { sluice } from '../support/cli.js';
import { makeTempDir } from '../support/temp-dir.js';

/** Three classes separated by x. */
function threeClasses(): string {
  const rows = ['x,y,label'];
  for (let i = 0; i < 90; i++) rows.push(`${(i % 3) * 2 + (i % 5) * 0.1},${(i * 7) % 11},${['a', 'b', 'c'][i % 3]}`);
  return `${rows.join('\n')}\n`;
}

describe('sluice gate metric names', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => {
    temp = makeTempDir();
    writeFileSync(join(temp.path, 'three.csv'), threeClasses());
    const trained = sluice(temp.path, ['train', '--data', 'three.csv', '--target', 'label', '--algorithm', 'logistic_regression', '--out', 'three.onnx']);
    assert.equal(trained.code, 0, trained.stderr);
  });
  after(() => temp.remove());
  const gate = (yaml: string) => {
    writeFileSync(join(temp.path, 'sluice.yaml'), yaml);
    return sluice(temp.path, ['gate']);
  };

  test('a misspelt metric exits 2 at its line in sluice.yaml with a did-you-mean and the valid names', () => {
    const result = gate(
      `gates:\n  model: ${sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx')}\n  data: ${sharedFixture('breast_cancer', 'test.csv')}\n  target: target\n  rules:\n    - metric: roc_auc\n      min: 0.9\n    - metric: acuracy\n      min: 0.9\n`,
    );
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /sluice\.yaml:8:\d+: /);
    assert.match(result.stderr, /"acuracy"/);
    assert.match(result.stderr, /Did you mean "accuracy"\?/);
    assert.match(result.stderr, /binary.*roc_auc, average_precision/s);
    assert.match(result.stderr, /SLUICE_GATE_UNKNOWN_METRIC/);
    assert.doesNotMatch(result.stderr, /Improve it/);
  });

  test('f1 on a multiclass model exits 2 and suggests the multiclass names', () => {
    const result = gate('gates:\n  model: three.onnx\n  data: three.csv\n  target: label\n  rules:\n    - metric: f1\n      min: 0.5\n');
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /sluice\.yaml:6:\d+: /);
    assert.match(result.stderr, /multiclass/);
    assert.match(result.stderr, /Did you mean "f1_macro" or "f1_micro" or "f1_weighted"\?/);
  });

  test('model metrics are valid names for every task', () => {
    const result = gate('gates:\n  model: three.onnx\n  data: three.csv\n  target: label\n  rules:\n    - metric: model_size_bytes\n      max: 100000000\n    - metric: f1_macro\n      min: 0\n');
    assert.equal(result.code, 0, result.stderr);
  });
});
