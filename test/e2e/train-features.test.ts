/** `sluice train` on columns that are numbers with a bad cell, and on columns declared categorical. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedFixture } from '../support/fixtures.js';
import { scratchRepo, sluice } from '../support/cli.js';
import { makeTempDir } from '../support/temp-dir.js';

/** The breast cancer training set with `abc` in mean_radius on data row 5. */
function withBadCell(): string {
  const lines = readFileSync(sharedFixture('breast_cancer', 'train.csv'), 'utf8').split('\n');
  const cells = lines[5]!.split(',');
  cells[0] = 'abc';
  lines[5] = cells.join(',');
  return lines.join('\n');
}

/** A table with a text column (colour) and a numeric one (size), target from both. */
function categoricalTable(): string {
  const rows = ['colour,size,grade,label'];
  const colours = ['red', 'green', 'blue'];
  for (let i = 0; i < 60; i++) rows.push(`${colours[i % 3]},${(i % 7) + 0.5},${(i % 4) + 1},${i % 3 === 0 || i % 4 === 0 ? 1 : 0}`);
  return `${rows.join('\n')}\n`;
}

describe('sluice train feature columns', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => {
    temp = makeTempDir();
    writeFileSync(join(temp.path, 'bad.csv'), withBadCell());
    writeFileSync(join(temp.path, 'cat.csv'), categoricalTable());
  });
  after(() => temp.remove());

  test('a numeric column with one text cell is refused with its row and column, exit 2', () => {
    const result = sluice(temp.path, ['train', '--data', 'bad.csv', '--target', 'target', '--algorithm', 'logistic_regression', '--out', 'm.onnx']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Column "mean_radius" of bad\.csv must be numeric, but row 5 holds "abc"/);
    assert.match(result.stderr, /--categorical mean_radius/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  test('the same column declared with --categorical trains', () => {
    const result = sluice(temp.path, ['train', '--data', 'bad.csv', '--target', 'target', '--algorithm', 'logistic_regression', '--categorical', 'mean_radius', '--out', 'm.onnx']);
    assert.equal(result.code, 0, result.stderr);
  });

  test('a text column trains as categorical without being declared', () => {
    const result = sluice(temp.path, ['train', '--data', 'cat.csv', '--target', 'label', '--algorithm', 'gbdt', '--out', 'cat.onnx']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /feature columns\s+3/);
  });

  test('a numeric column declared categorical is one-hot encoded and the model evaluates', () => {
    const trained = sluice(temp.path, ['train', '--data', 'cat.csv', '--target', 'label', '--algorithm', 'logistic_regression', '--categorical', 'grade', '--out', 'grade.onnx']);
    assert.equal(trained.code, 0, trained.stderr);
    const evaluated = sluice(temp.path, ['eval', '--model', 'grade.onnx', '--data', 'cat.csv', '--target', 'label']);
    assert.equal(evaluated.code, 0, evaluated.stderr);
  });

  test('--categorical naming a column the data lacks exits 2 with a suggestion', () => {
    const result = sluice(temp.path, ['train', '--data', 'cat.csv', '--target', 'label', '--algorithm', 'gbdt', '--categorical', 'colur', '--out', 'x.onnx']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /"colur".*Did you mean "colour"/s);
  });

  test('a train stage passes categorical: to the command', () => {
    const repo = scratchRepo({
      'train.csv': withBadCell(),
      'sluice.yaml': 'stages:\n  train:\n    uses: train\n    with:\n      data: train.csv\n      target: target\n      algorithm: logistic_regression\n      categorical: [mean_radius]\n      out: model.onnx\n',
    });
    try {
      const result = sluice(repo.root, ['run']);
      assert.equal(result.code, 0, result.stderr);
    } finally {
      repo.remove();
    }
  });
});
