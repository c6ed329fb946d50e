/** sluice.lock: deterministic text, and clear errors when it is damaged. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { stringify } from 'yaml';
import { LockfileWriter } from './lockfile.js';
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

  test('the text is the YAML document of the whole lock, multi-line commands and odd stage names included', () => {
    const odd: Lockfile = {
      schema: '1',
      stages: { ...lock.stages, 'we: ird': { cmd: 'echo a\n\necho b', env: { B: '2', A: '1' }, params: { 'p.yaml': { note: 'two\n\nlines' } } } },
    };
    const order = ['prepare', 'we: ird', 'train'];
    const whole = stringify(parseLockfile(serializeLockfile(odd, order)), { lineWidth: 0, indent: 2 });
    assert.equal(serializeLockfile(odd, order), whole);
    assert.equal(serializeLockfile({ schema: '1', stages: {} }, order), 'schema: "1"\nstages: {}\n');
  });

  test('a run writing the lock after every stage writes what serializeLockfile gives, replaced entries included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-lock-'));
    try {
      const path = join(dir, 'sluice.lock');
      const writer = new LockfileWriter(path, ['prepare', 'train'], 0);
      const running: Lockfile = { schema: '1', stages: { prepare: lock.stages.prepare! } };
      writer.write(running);
      running.stages.train = lock.stages.train!;
      writer.write(running);
      assert.equal(readFileSync(path, 'utf8'), serializeLockfile(running, ['prepare', 'train']));
      running.stages.prepare = { cmd: 'changed' };
      writer.write(running);
      assert.equal(readFileSync(path, 'utf8'), serializeLockfile(running, ['prepare', 'train']));
      assert.match(readFileSync(path, 'utf8'), /cmd: changed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('writes within the interval of the last are coalesced into one write of the latest lock, at flush or when the interval ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-lock-'));
    try {
      const path = join(dir, 'sluice.lock');
      const order = ['prepare', 'train'];
      const writer = new LockfileWriter(path, order, 200);
      const running: Lockfile = { schema: '1', stages: { prepare: lock.stages.prepare! } };
      writer.write(running);
      assert.equal(readFileSync(path, 'utf8'), serializeLockfile(running, order), 'the first write after a quiet spell is written at once');
      running.stages.train = lock.stages.train!;
      writer.write(running);
      assert.doesNotMatch(readFileSync(path, 'utf8'), /train/, 'a write right after it waits');
      writer.flush();
      assert.equal(readFileSync(path, 'utf8'), serializeLockfile(running, order), 'flush writes the lock as it stands');

      running.stages.prepare = { cmd: 'changed' };
      writer.write(running);
      assert.doesNotMatch(readFileSync(path, 'utf8'), /cmd: changed/);
      const deadline = Date.now() + 5_000;
      while (!readFileSync(path, 'utf8').includes('cmd: changed') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(readFileSync(path, 'utf8'), serializeLockfile(running, order), 'the waiting write lands by itself once the interval has passed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
