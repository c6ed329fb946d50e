/**
 * `diffData`: what changed inside tracked data between two git revisions, or between a revision
 * and the working copy; directories file by file when their manifests are at hand.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { openDataRepo, type DataRepo } from '../../test/support/data-repo.js';
import { addData, diffData, type DataChange } from './index.js';

const summary = (changes: readonly DataChange[]) => changes.map((change) => `${change.change} ${change.path} ${change.oldSize ?? '-'}→${change.newSize ?? '-'}`);

describe('data diff across revisions', { timeout: 60_000 }, () => {
  let repo: DataRepo;
  const commit = (message: string) => {
    repo.repo.git('add', '-A');
    repo.repo.git('commit', '-qm', message);
  };
  beforeEach(async () => (repo = await openDataRepo()));
  afterEach(async () => repo.dispose());

  test('a file changed between two commits is modified, with both sizes', async () => {
    repo.write('a.txt', 'one\n');
    await addData(repo.data, ['a.txt']);
    commit('a v1');
    repo.write('a.txt', 'one, two\n');
    await addData(repo.data, ['a.txt']);
    commit('a v2');
    const diff = await diffData(repo.data, 'HEAD~1', 'HEAD');
    assert.equal(diff.from, 'HEAD~1');
    assert.equal(diff.to, 'HEAD');
    assert.deepEqual(summary(diff.changes), ['modified a.txt 4→9']);
    assert.deepEqual(diff.unknown, []);
    assert.deepEqual((await diffData(repo.data, 'HEAD', 'HEAD')).changes, []);
  });

  test('a directory is compared file by file: added, deleted and modified files', async () => {
    repo.write('images/keep.png', 'same');
    repo.write('images/edit.png', 'before');
    repo.write('images/drop.png', 'dropped');
    await addData(repo.data, ['images']);
    commit('images v1');
    repo.write('images/edit.png', 'after, longer');
    repo.removePath('images/drop.png');
    repo.write('images/sub/new.png', 'new');
    await addData(repo.data, ['images']);
    commit('images v2');
    const diff = await diffData(repo.data, 'HEAD~1', 'HEAD');
    assert.deepEqual(summary(diff.changes), ['deleted images/drop.png 7→-', 'modified images/edit.png 6→13', 'added images/sub/new.png -→3']);
  });

  test('tracked paths that appear or disappear between commits are added or deleted', async () => {
    repo.write('old.csv', 'x\n');
    await addData(repo.data, ['old.csv']);
    commit('old');
    repo.removePath('old.csv.sluice');
    repo.write('new.csv', 'yy\n');
    await addData(repo.data, ['new.csv']);
    commit('new');
    assert.deepEqual(summary((await diffData(repo.data, 'HEAD~1', 'HEAD')).changes), ['added new.csv -→3', 'deleted old.csv 2→-']);
    assert.deepEqual(summary((await diffData(repo.data, 'HEAD', 'HEAD~1')).changes), ['deleted new.csv 3→-', 'added old.csv -→2']);
  });

  test('without a second revision the working copy is compared, including unsaved edits', async () => {
    repo.write('a.txt', 'committed\n');
    repo.write('dir/f.txt', 'f\n');
    await addData(repo.data, ['a.txt', 'dir']);
    commit('data');
    repo.write('a.txt', 'edited, not added\n');
    repo.write('dir/g.txt', 'g\n');
    const diff = await diffData(repo.data);
    assert.equal(diff.from, 'HEAD');
    assert.equal(diff.to, 'workspace');
    assert.deepEqual(summary(diff.changes), ['modified a.txt 10→18', 'added dir/g.txt -→2']);
  });

  test('pointers in subdirectories name their data relative to the repository root', async () => {
    repo.write('data/raw/x.csv', '1\n');
    await addData(repo.data, ['data/raw/x.csv']);
    commit('x');
    repo.write('data/raw/x.csv', '12\n');
    await addData(repo.data, ['data/raw/x.csv']);
    commit('x v2');
    assert.deepEqual(summary((await diffData(repo.data, 'HEAD~1', 'HEAD')).changes), ['modified data/raw/x.csv 2→3']);
  });

  test('a directory whose manifests are not in the cache is reported as a whole, and listed as unknown', async () => {
    repo.write('images/a.png', 'a');
    await addData(repo.data, ['images']);
    commit('v1');
    repo.write('images/b.png', 'bb');
    await addData(repo.data, ['images']);
    commit('v2');
    repo.emptyCache();
    const diff = await diffData(repo.data, 'HEAD~1', 'HEAD');
    assert.deepEqual(summary(diff.changes), ['modified images 1→3']);
    assert.deepEqual(diff.unknown, ['images']);
  });

  test('a revision that is not a commit is refused, naming it', async () => {
    await assert.rejects(diffData(repo.data, 'no-such-branch'), (error: Error & { code?: string }) => error.code === 'SLUICE_CORE_GIT_FAILED' && /"no-such-branch" is not a commit/.test(error.message));
    await assert.rejects(diffData(repo.data, 'HEAD', 'v9.9'), (error: Error & { code?: string }) => error.code === 'SLUICE_CORE_GIT_FAILED' && /"v9\.9"/.test(error.message));
  });
});
