/**
 * `collectGarbage`: keeps every object a pointer names in the working copy or in any commit
 * reachable from a branch or tag (directories with all their files), and removes the rest, only
 * when not a dry run.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { openDataRepo, type DataRepo } from '../../test/support/data-repo.js';
import { addData, checkoutData, collectGarbage } from './index.js';

describe('data gc', { timeout: 60_000 }, () => {
  let repo: DataRepo;
  const commit = (message: string) => {
    repo.repo.git('add', '-A');
    repo.repo.git('commit', '-qm', message);
  };
  /** Tracks `path` with `content` and returns its object id. */
  const track = async (path: string, content: string) => {
    repo.write(path, content);
    const [added] = await addData(repo.data, [path]);
    return added!.hash;
  };
  beforeEach(async () => (repo = await openDataRepo()));
  afterEach(async () => repo.dispose());

  test('objects referenced by any reachable commit or the working copy stay; the rest go', async () => {
    const v1 = await track('a.txt', 'version 1\n');
    commit('a v1');
    const v2 = await track('a.txt', 'version 2, longer\n');
    commit('a v2');
    repo.repo.git('checkout', '-q', '-b', 'side');
    const side = await track('b.txt', 'only on a side branch\n');
    commit('b on side');
    repo.repo.git('checkout', '-q', 'main');
    repo.repo.git('tag', 'keep-me', 'HEAD');
    // Referenced by a commit no branch or tag reaches any more.
    repo.repo.git('checkout', '-q', '-b', 'doomed');
    const dropped = await track('c.txt', 'on a deleted branch\n');
    commit('c');
    repo.repo.git('checkout', '-q', 'main');
    repo.repo.git('branch', '-q', '-D', 'doomed');
    // Added, then its pointer thrown away before any commit.
    const orphan = await track('d.txt', 'never committed\n');
    repo.removePath('d.txt.sluice');
    // Added and not committed yet: the working copy still needs it.
    const pending = await track('e.txt', 'work in progress\n');

    const dry = await collectGarbage(repo.data, { dryRun: true });
    assert.equal(dry.removed, false);
    assert.equal(dry.removable, 2);
    assert.equal(dry.removableBytes, 'on a deleted branch\n'.length + 'never committed\n'.length);
    assert.equal(dry.kept, 4);
    assert.equal(dry.commits, 4, 'initial, a v1, a v2 and b on side');
    for (const id of [v1, v2, side, dropped, orphan, pending]) assert.ok(repo.data.cache.has(id), 'a dry run removes nothing');

    const real = await collectGarbage(repo.data, { dryRun: false });
    assert.deepEqual([real.removed, real.removable, real.kept], [true, 2, 4]);
    for (const id of [v1, v2, side, pending]) assert.ok(repo.data.cache.has(id), `kept ${id}`);
    for (const id of [dropped, orphan]) assert.equal(repo.data.cache.has(id), false, `removed ${id}`);

    const again = await collectGarbage(repo.data, { dryRun: false });
    assert.deepEqual([again.removable, again.kept], [0, 4]);
  });

  test('a directory keeps its manifest and every file of every reachable version', async () => {
    repo.write('images/a.png', 'a1');
    repo.write('images/b.png', 'b1');
    const [first] = await addData(repo.data, ['images']);
    commit('images v1');
    repo.write('images/a.png', 'a2, changed');
    const [second] = await addData(repo.data, ['images']);
    commit('images v2');
    const report = await collectGarbage(repo.data, { dryRun: false });
    // Two manifests, b.png (shared), a.png twice.
    assert.deepEqual([report.removable, report.kept], [0, 5]);
    for (const manifest of [first!.hash, second!.hash]) {
      for (const entry of repo.data.cache.readManifest(manifest)) assert.ok(repo.data.cache.has(entry.hash), entry.path);
    }
    // The old version is still restorable after gc.
    repo.repo.git('checkout', '-q', 'HEAD~1', '--', 'images.sluice');
    await checkoutData(repo.data, [], undefined, { force: true });
    assert.equal(repo.read('images/a.png').toString(), 'a1');
  });

  test('a pointer in history that no longer parses names nothing, and gc still runs', async () => {
    const kept = await track('a.txt', 'a\n');
    commit('a');
    repo.write('broken.txt.sluice', 'path: broken.txt\nhash: not-a-hash\nsize: 1\n');
    commit('a broken pointer');
    repo.removePath('broken.txt.sluice');
    commit('removed it');
    const orphan = await track('x.txt', 'x\n');
    repo.removePath('x.txt.sluice');
    const report = await collectGarbage(repo.data, { dryRun: false });
    assert.deepEqual([report.kept, report.removable], [1, 1]);
    assert.ok(repo.data.cache.has(kept));
    assert.equal(repo.data.cache.has(orphan), false);
  });

  test('an empty cache has nothing to collect', async () => {
    const report = await collectGarbage(repo.data, { dryRun: false });
    assert.deepEqual([report.kept, report.removable, report.removableBytes], [0, 0, 0]);
  });
});
