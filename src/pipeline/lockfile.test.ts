/** sluice.lock: deterministic text, and clear errors when it is damaged. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseLockfile, serializeLockfile, type Lockfile } from './index.js';

const HASH = `blake3:${'a'.repeat(64)}`;

const lock: Lockfile = {
  schema: '1',
  stages: {
    train: {
      cmd: 'python train.py',
      deps: [{ path: 'data/train.csv', hash: HASH, size: 10 }],
      params: { 'params.yaml': { 'train.lr': 0.1, 'train.epochs': 5 } },
      outs: [{ path: 'model', hash: `${HASH}.dir`, size: 99, nfiles: 2 }],
    },
    prepare: { cmd: ['a', 'b'] },
  },
};

describe('sluice.lock', () => {
  test('stages follow pipeline order and params keys are sorted, whatever the insertion order', () => {
    const text = serializeLockfile(lock, ['prepare', 'train']);
    assert.ok(text.indexOf('prepare:') < text.indexOf('train:'));
    assert.ok(text.indexOf('train.epochs') < text.indexOf('train.lr'));
    const reordered: Lockfile = { schema: '1', stages: { prepare: lock.stages.prepare!, train: { ...lock.stages.train!, params: { 'params.yaml': { 'train.epochs': 5, 'train.lr': 0.1 } } } } };
    assert.equal(serializeLockfile(reordered, ['prepare', 'train']), text);
  });

  test('what is written reads back unchanged', () => {
    assert.deepEqual(parseLockfile(serializeLockfile(lock, ['train', 'prepare'])), lock);
  });

  test('stages no longer in the pipeline are dropped', () => {
    assert.doesNotMatch(serializeLockfile(lock, ['train']), /prepare/);
  });

  test('a merge conflict in the lock is reported with a way out', () => {
    const conflicted = `schema: "1"\nstages:\n<<<<<<< HEAD\n  a:\n    cmd: x\n=======\n  a:\n    cmd: y\n>>>>>>> branch\n`;
    assert.throws(() => parseLockfile(conflicted), (error: Error & { code?: string; hint?: string }) =>
      error.code === 'SLUICE_PIPELINE_BAD_LOCKFILE' && /git checkout sluice\.lock/.test(error.hint ?? ''));
  });

  test('a malformed hash is refused with its location', () => {
    const text = serializeLockfile(lock, ['train']).replace(HASH, 'md5:123');
    assert.throws(() => parseLockfile(text), (error: Error & { code?: string; location?: { line?: number } }) =>
      error.code === 'SLUICE_PIPELINE_BAD_LOCKFILE' && error.location?.line === 7);
  });
});
