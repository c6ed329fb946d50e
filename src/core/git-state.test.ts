/** readGitState: the commit, branch and dirty flag a run records, read from one `git status`. */
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { git } from '../../test/support/queue.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { readGitState } from './index.js';

describe('readGitState', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let repo: string;

  beforeEach(() => {
    dir = makeTempDir('sluice-git-state-');
    repo = dir.path;
    git(repo, 'init', '-q', '-b', 'main');
    mkdirSync(join(repo, 'project', 'src dir'), { recursive: true });
    writeFileSync(join(repo, 'project', 'src dir', 'train file.py'), 'print(1)\n');
    writeFileSync(join(repo, 'project', '.gitignore'), 'data.csv\n');
  });
  afterEach(() => dir.remove());

  const commitAll = (): string => {
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'work');
    return git(repo, 'rev-parse', 'HEAD').trim();
  };

  test('before the first commit there is no commit, the branch is named, and new files are uncommitted', async () => {
    assert.deepEqual(await readGitState(join(repo, 'project')), { commit: undefined, branch: 'main', dirty: true });
  });

  test('a committed, untouched checkout is clean on its commit and branch', async () => {
    const commit = commitAll();
    assert.deepEqual(await readGitState(join(repo, 'project')), { commit, branch: 'main', dirty: false });
  });

  test('a detached checkout has no branch', async () => {
    const commit = commitAll();
    git(repo, 'checkout', '-q', '--detach', commit);
    assert.deepEqual(await readGitState(repo), { commit, branch: undefined, dirty: false });
  });

  test('a modified file, an untracked file and a renamed file with spaces each make it dirty', async () => {
    commitAll();
    const project = join(repo, 'project');
    writeFileSync(join(project, 'src dir', 'train file.py'), 'print(2)\n');
    assert.equal((await readGitState(project)).dirty, true);
    git(repo, 'checkout', '-q', '--', '.');
    writeFileSync(join(project, 'notes.txt'), 'new\n');
    assert.equal((await readGitState(project)).dirty, true);
    git(repo, 'clean', '-qfd');
    renameSync(join(project, 'src dir', 'train file.py'), join(project, 'src dir', 'fit model.py'));
    git(repo, 'add', '-A');
    assert.equal((await readGitState(project)).dirty, true);
  });

  test('what the caller writes itself (paths relative to a subdirectory, its .gitignore lines) is not uncommitted code', async () => {
    commitAll();
    const project = join(repo, 'project');
    mkdirSync(join(project, 'out'));
    writeFileSync(join(project, 'out', 'model.bin'), 'weights');
    writeFileSync(join(project, 'sluice.lock'), 'schema: "1"\n');
    writeFileSync(join(project, '.gitignore'), 'data.csv\n/out/model.bin\n');
    const options = { ownPaths: ['out', 'sluice.lock'], ownGitignoreLines: ['/out/model.bin'] };
    assert.equal((await readGitState(project, options)).dirty, false);
    writeFileSync(join(project, '.gitignore'), 'data.csv\n/out/model.bin\n*.tmp\n');
    assert.equal((await readGitState(project, options)).dirty, true);
  });

  test('a repository whose status cannot be read (a damaged index) still reports its commit and branch', async () => {
    const commit = commitAll();
    writeFileSync(join(repo, '.git', 'index'), 'not an index');
    assert.deepEqual(await readGitState(repo), { commit, branch: 'main', dirty: false });
  });

  test('outside a repository nothing is known and nothing is dirty', async () => {
    const outside = makeTempDir('sluice-no-git-');
    try {
      assert.deepEqual(await readGitState(outside.path), { commit: undefined, branch: undefined, dirty: false });
    } finally {
      outside.remove();
    }
  });
});
