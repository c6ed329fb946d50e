import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { seededRandom } from '../core/index.js';
import { gridOf, parseOverrides, sampleGrid } from './overrides.js';

describe('sweep overrides', () => {
  const dir = makeTempDir();
  after(() => dir.remove());
  writeFileSync(join(dir.path, 'params.yaml'), 'train:\n  C: 1\n  max_iter: 100\n  solver: lbfgs\n');
  writeFileSync(join(dir.path, 'other.yaml'), 'model:\n  depth: 3\n');

  test('values are read as YAML scalars, duplicates dropped', () => {
    const [axis] = parseOverrides(['train.C=0.1,1,1,true,null,abc'], dir.path);
    assert.deepEqual(axis!.values, [0.1, 1, true, null, 'abc']);
  });

  test('FILE:KEY names a params file other than params.yaml', () => {
    assert.deepEqual(parseOverrides(['other.yaml:model.depth=2,4'], dir.path), [{ file: 'other.yaml', key: 'model.depth', values: [2, 4] }]);
  });

  test('the grid is every combination, the first axis varying slowest', () => {
    const grid = gridOf(parseOverrides(['train.C=1,2', 'train.solver=a,b,c'], dir.path));
    assert.deepEqual(grid.map((combo) => combo.map((override) => override.value).join('/')), ['1/a', '1/b', '1/c', '2/a', '2/b', '2/c']);
  });

  test('a random sample has distinct combinations in grid order, the same for the same seed', () => {
    const axes = parseOverrides(['train.C=1,2,3,4,5', 'train.max_iter=10,20,30'], dir.path);
    const grid = gridOf(axes).map((combo) => JSON.stringify(combo));
    const a = sampleGrid(axes, 5, 3).map((combo) => JSON.stringify(combo));
    assert.equal(new Set(a).size, 5);
    assert.ok(a.every((combo) => grid.includes(combo)));
    assert.deepEqual(a, [...a].sort((x, y) => grid.indexOf(x) - grid.indexOf(y)));
    assert.deepEqual(sampleGrid(axes, 5, 3).map((combo) => JSON.stringify(combo)), a);
    assert.notDeepEqual(sampleGrid(axes, 5, 4).map((combo) => JSON.stringify(combo)), a);
    assert.equal(sampleGrid(axes, 100, 1).length, grid.length);
  });

  test('a sample picks the combinations a shuffle of the whole grid picks, so a seed gives what it gave before', () => {
    const axes = parseOverrides(['train.C=1,2,3,4,5,6,7', 'train.max_iter=1,2,3,4,5,6,7,8,9,10,11'], dir.path);
    /** The whole grid's indexes, partly shuffled (Fisher–Yates) with the same seeded random numbers. */
    const shuffled = (count: number, seed: number) => {
      const random = seededRandom(seed);
      const indexes = Array.from({ length: 77 }, (_, index) => index);
      for (let index = 0; index < count; index++) {
        const pick = index + Math.floor(random() * (77 - index));
        [indexes[index], indexes[pick]] = [indexes[pick]!, indexes[index]!];
      }
      return indexes.slice(0, count).sort((a, b) => a - b);
    };
    for (let seed = 0; seed < 30; seed++) {
      for (const count of [1, 5, 20, 76]) {
        const sample = sampleGrid(axes, count, seed).map((combo) => (Number(combo[0]!.value) - 1) * 11 + Number(combo[1]!.value) - 1);
        assert.deepEqual(sample, shuffled(count, seed), `seed ${seed}, ${count} picks`);
      }
    }
  });

  test('a sample of a grid far larger than a sweep may run is drawn without building the grid', () => {
    const values = Array.from({ length: 60 }, (_, k) => k + 1).join(',');
    const axes = parseOverrides([`train.C=${values}`, `train.max_iter=${values}`, `train.solver=${values}`, `other.yaml:model.depth=${values}`], dir.path);
    assert.throws(() => gridOf(axes), { code: 'SLUICE_EXP_SWEEP_TOO_LARGE' });
    const sample = sampleGrid(axes, 3, 7);
    assert.equal(sample.length, 3);
    assert.equal(new Set(sample.map((combo) => JSON.stringify(combo))).size, 3);
    assert.ok(sample.every((combo) => combo.length === 4 && combo.every((override) => typeof override.value === 'number' && override.value >= 1 && override.value <= 60)));
  });

  test('a section set to a value, a params file outside the project, and one file named two ways are refused', () => {
    writeFileSync(join(dir.path, 'lists.yaml'), 'features: [a, b]\n');
    assert.throws(() => parseOverrides(['lists.yaml:features=c'], dir.path), /"features" in lists\.yaml is a list; set one of its items \(features\.0, …\)/);
    assert.throws(() => parseOverrides(['train=1'], dir.path), (error: Error) => /"train" in params\.yaml is a section, not a value; set one of its keys \(train\.C/.test(error.message));
    assert.throws(() => parseOverrides(['../outside.yaml:a=1'], dir.path), /\.\.\/outside\.yaml is outside the project/);
    assert.throws(() => parseOverrides(['./params.yaml:train.C=2', 'train.C=1'], dir.path), /train\.C is set by another -S already/);
  });

  test('a params file with a YAML mistake is reported at its line, as a pipeline reports it', () => {
    writeFileSync(join(dir.path, 'broken.yaml'), 'train:\n  lr: 1\n  lr: 2\n');
    assert.throws(
      () => parseOverrides(['broken.yaml:train.lr=1,2'], dir.path),
      (error: Error & { code?: string; location?: unknown }) => error.code === 'SLUICE_CORE_YAML_SYNTAX' && JSON.stringify(error.location) === JSON.stringify({ file: 'broken.yaml', line: 3, column: 3 }),
    );
  });

  test('a key the file does not have is refused with a suggestion', () => {
    assert.throws(() => parseOverrides(['train.max_itr=5'], dir.path), /params\.yaml has no param "train\.max_itr" \(did you mean "train\.max_iter"\?\)/);
  });

  test('a key set twice, an empty value and a missing file are refused', () => {
    assert.throws(() => parseOverrides(['train.C=1', 'train.C=2'], dir.path), /set by another -S/);
    assert.throws(() => parseOverrides(['train.C=1,'], dir.path), /a value is empty/);
    assert.throws(() => parseOverrides(['none.yaml:a=1'], dir.path), /none\.yaml does not exist/);
  });
});
