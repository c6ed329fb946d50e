import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { walkDirectory } from './directory-walk.js';

describe('a directory walk', () => {
  let temp: { path: string; remove(): void };
  let dir: string;
  const write = (path: string, content = path): void => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  beforeEach(() => {
    temp = makeTempDir('sluice-walk-');
    dir = join(temp.path, 'data');
    mkdirSync(dir);
  });
  afterEach(() => temp.remove());

  test('lists the files in the code-unit order of their relative paths, as manifests sort them', () => {
    // `a/` sorts between `a.txt` and `a0`, and `a-b/` before `a/`: a walk sorting names alone would get these wrong.
    const paths = ['a.txt', 'a/x', 'a/y/z', 'a-b/x', 'a0', 'B', 'é', 'a/Z'];
    for (const path of paths) write(path);
    const walked = walkDirectory(dir, { files: true }).files!.map((file) => file.relative);
    assert.deepEqual(walked, [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  test('counts a symlink to a file as that file, but enters no symlinked directory and skips dangling links', () => {
    write('real/file.txt');
    mkdirSync(join(temp.path, 'elsewhere'));
    writeFileSync(join(temp.path, 'elsewhere', 'hidden.txt'), 'x');
    symlinkSync(join(dir, 'real', 'file.txt'), join(dir, 'link.txt'));
    symlinkSync(join(temp.path, 'elsewhere'), join(dir, 'linked-dir'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    const walked = walkDirectory(dir, { files: true }).files!.map((file) => file.relative);
    assert.deepEqual(walked, ['link.txt', 'real/file.txt']);
  });

  describe('fingerprint', () => {
    beforeEach(() => {
      write('a.txt', 'a');
      write('sub/b.txt', 'b');
    });
    const fingerprint = (): string => walkDirectory(dir).fingerprint;

    test('is the same for an untouched directory, with or without the file list', () => {
      assert.equal(fingerprint(), walkDirectory(dir, { files: true }).fingerprint);
    });

    test('changes when a file is modified, even to the same size', () => {
      const before = fingerprint();
      writeFileSync(join(dir, 'a.txt'), 'z');
      utimesSync(join(dir, 'a.txt'), new Date(1), new Date(1));
      assert.notEqual(fingerprint(), before);
    });

    test('changes when a file is added, removed or renamed', () => {
      const before = fingerprint();
      write('sub/c.txt', 'c');
      const added = fingerprint();
      rmSync(join(dir, 'sub', 'c.txt'));
      assert.equal(fingerprint(), before);
      rmSync(join(dir, 'a.txt'));
      const removed = fingerprint();
      write('a2.txt', 'a');
      assert.equal(new Set([before, added, removed, fingerprint()]).size, 4);
    });

    test('changes when a file becomes executable', () => {
      const before = fingerprint();
      chmodSync(join(dir, 'a.txt'), 0o755);
      assert.notEqual(fingerprint(), before);
    });
  });

  test('reports its newest mtime, for the racy rule', () => {
    write('old.txt');
    write('new.txt');
    utimesSync(join(dir, 'old.txt'), new Date(1_000), new Date(1_000));
    utimesSync(join(dir, 'new.txt'), new Date(5_000), new Date(5_000));
    assert.equal(walkDirectory(dir).newestMtimeMs, 5_000);
  });
});
