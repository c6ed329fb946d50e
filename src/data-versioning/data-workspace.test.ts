/**
 * Finding pointer files: through git in a repository (committed or not, never under .sluice/,
 * never deleted ones), by walking the tree elsewhere; and choosing pointers by target.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { scratchRepo, type ScratchRepo } from '../../test/support/cli.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { writePointer } from './pointer.js';
import { findPointerFiles, loadPointers } from './index.js';

const hash = (digit: string) => `blake3:${digit.repeat(64)}`;

function pointerAt(root: string, target: string, digit: string): void {
  mkdirSync(dirname(join(root, target)), { recursive: true });
  writePointer(root, target, { hash: hash(digit), size: 1 });
}

describe('pointer files in a git repository', { timeout: 60_000 }, () => {
  let repo: ScratchRepo;
  beforeEach(() => (repo = scratchRepo({ 'README.md': 'x\n' })));
  afterEach(() => repo.remove());

  test('committed and untracked pointers are found; ignored, deleted and .sluice/ ones are not', async () => {
    pointerAt(repo.root, 'data/committed.csv', '1');
    pointerAt(repo.root, 'gone.csv', '2');
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'pointers');
    pointerAt(repo.root, 'new/untracked.csv', '3');
    pointerAt(repo.root, '.sluice/internal', '4');
    pointerAt(repo.root, 'ignored/x', '5');
    writeFileSync(join(repo.root, '.gitignore'), '/ignored/\n');
    repo.git('rm', '-q', 'gone.csv.sluice');
    assert.deepEqual(await findPointerFiles(repo.root), ['data/committed.csv.sluice', 'new/untracked.csv.sluice']);
  });

  test('loadPointers picks by data path, pointer file, enclosing directory, ./ and trailing /; a path nothing tracks is an error', async () => {
    pointerAt(repo.root, 'data/a.csv', '1');
    pointerAt(repo.root, 'data/b.csv', '2');
    pointerAt(repo.root, 'other/c.csv', '3');
    const targets = async (...wanted: string[]) => (await loadPointers(repo.root, wanted)).map((located) => located.target);
    assert.deepEqual(await targets(), ['data/a.csv', 'data/b.csv', 'other/c.csv']);
    assert.deepEqual(await targets('data/a.csv'), ['data/a.csv']);
    assert.deepEqual(await targets('data/b.csv.sluice'), ['data/b.csv']);
    assert.deepEqual(await targets('data/'), ['data/a.csv', 'data/b.csv']);
    assert.deepEqual(await targets('./other/c.csv'), ['other/c.csv']);
    await assert.rejects(targets('dat'), /dat is not tracked/, 'a prefix that is not a directory is not tracked data');
    await assert.rejects(targets('data/a.csv/x'), /inside the tracked directory|not tracked/);
    const [located] = await loadPointers(repo.root, ['other/c.csv']);
    assert.equal(located?.pointer.hash, hash('3'));
  });
});

describe('pointer files outside git', { timeout: 60_000 }, () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (temp = makeTempDir('sluice-nogit-')));
  afterEach(() => temp.remove());

  test('the tree is walked, skipping .git, .sluice and node_modules, in sorted order', async () => {
    pointerAt(temp.path, 'z.csv', '1');
    pointerAt(temp.path, 'a/deep/b.csv', '2');
    pointerAt(temp.path, 'node_modules/pkg/x', '3');
    pointerAt(temp.path, '.sluice/y', '4');
    writeFileSync(join(temp.path, '.sluice', 'cache.sluice'), 'not a pointer');
    // A file named just ".sluice" is the workspace directory's name, not a pointer.
    mkdirSync(join(temp.path, 'sub'));
    writeFileSync(join(temp.path, 'sub', '.sluice'), 'x');
    assert.deepEqual(await findPointerFiles(temp.path), ['a/deep/b.csv.sluice', 'z.csv.sluice']);
    assert.deepEqual((await loadPointers(temp.path, ['a'])).map((located) => located.target), ['a/deep/b.csv']);
  });
});
