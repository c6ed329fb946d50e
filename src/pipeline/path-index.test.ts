/** PathIndex: finds what pathsOverlap finds, in the order entries were added. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pathsOverlap } from './dag.js';
import { PathIndex } from './path-index.js';

const PATHS = ['data', 'data/raw', 'data/raw/a.csv', 'data/rawer', 'data.csv', 'model', 'models/x', 'model/weights/w.bin', 'a/b/c/d', 'a/b', 'models:/fraud@champion', 'data'];

describe('PathIndex', () => {
  test('overlapping gives, for every path, the entries pathsOverlap accepts, in insertion order', () => {
    const index = new PathIndex<number>();
    PATHS.forEach((path, order) => index.add(path, order));
    const probes = [...PATHS, 'data/raw/b.csv', 'a', 'a/b/c', 'mod', 'model/weights', 'zzz'];
    for (const probe of probes) {
      const expected = PATHS.flatMap((path, order) => (pathsOverlap(path, probe) ? [order] : []));
      assert.deepEqual(index.overlapping(probe), expected, probe);
    }
  });

  test('containing gives the first entry at the path or at a directory holding it, never one inside it', () => {
    const index = new PathIndex<string>();
    index.add('data/raw', 'raw');
    index.add('data', 'data');
    index.add('data/raw/a.csv', 'file');
    assert.equal(index.containing('data/raw/a.csv'), 'raw');
    assert.equal(index.containing('data/other.csv'), 'data');
    assert.equal(index.containing('models'), undefined);
  });
});
