/** Stage fields that change how a stage runs: persist, always_changed, frozen, env, wd, cache: false, link types. */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

function withRepo(files: Record<string, string>, body: (repo: ScratchRepo) => void): void {
  const repo = scratchRepo(files);
  try {
    body(repo);
  } finally {
    repo.remove();
  }
}

const read = (repo: ScratchRepo, path: string) => readFileSync(join(repo.root, path), 'utf8');

describe('stage options', () => {
  test('outs are deleted before the command runs, persist outs are kept and writable', () => {
    withRepo(
      {
        'sluice.yaml':
          'stages:\n  s:\n    cmd: sh step.sh\n    deps: [step.sh]\n    outs: [fresh.txt, {history.txt: {persist: true}}]\n',
        'step.sh': 'if [ -e fresh.txt ]; then echo stale; exit 1; fi\necho run >> history.txt\necho new > fresh.txt\n',
      },
      (repo) => {
        assert.equal(sluice(repo.root, ['run']).code, 0);
        assert.equal(sluice(repo.root, ['run', '--force']).code, 0, 'fresh.txt was removed before the second run');
        assert.equal(read(repo, 'history.txt'), 'run\nrun\n');
      },
    );
  });

  test('always_changed runs the stage every time', () => {
    withRepo({ 'sluice.yaml': 'stages:\n  clock:\n    cmd: date +%s%N > now.txt\n    outs: [now.txt]\n    always_changed: true\n' }, (repo) => {
      sluice(repo.root, ['run']);
      const result = sluice(repo.root, ['run']);
      assert.match(result.stdout, /clock\s+ran/);
    });
  });

  test('a frozen stage is not run even when its deps change', () => {
    withRepo(
      { 'sluice.yaml': 'stages:\n  f:\n    cmd: cp in.txt out.txt\n    deps: [in.txt]\n    outs: [out.txt]\n', 'in.txt': 'one\n' },
      (repo) => {
        sluice(repo.root, ['run']);
        repo.write('sluice.yaml', 'stages:\n  f:\n    cmd: cp in.txt out.txt\n    deps: [in.txt]\n    outs: [out.txt]\n    frozen: true\n');
        repo.write('in.txt', 'two\n');
        const result = sluice(repo.root, ['run']);
        assert.match(result.stdout, /f\s+frozen \(not checked\)/);
        assert.equal(read(repo, 'out.txt'), 'one\n');
      },
    );
  });

  test('env and wd reach the command, and paths are relative to wd', () => {
    withRepo(
      { 'sluice.yaml': 'stages:\n  s:\n    wd: sub\n    cmd: echo "$GREETING from $(basename $PWD)" > out.txt\n    env: {GREETING: hello}\n    outs: [out.txt]\n', 'sub/.keep': '' },
      (repo) => {
        assert.equal(sluice(repo.root, ['run']).code, 0);
        assert.equal(read(repo, 'sub/out.txt'), 'hello from sub\n');
      },
    );
  });

  test('metrics and cache: false outs stay private writable files, and still come back from the run cache', () => {
    withRepo(
      {
        'sluice.yaml': 'stages:\n  s:\n    cmd: sh step.sh ${n}\n    deps: [step.sh]\n    outs: [{notes.txt: {cache: false}}]\n    metrics: [m.json]\n',
        'step.sh': 'echo "{\\"n\\": $1}" > m.json\necho $1 > notes.txt\n',
        'params.yaml': 'n: 1\n',
      },
      (repo) => {
        sluice(repo.root, ['run']);
        for (const path of ['m.json', 'notes.txt']) {
          const stats = statSync(join(repo.root, path));
          assert.equal(stats.nlink, 1, path);
          assert.notEqual(stats.mode & 0o200, 0, path);
        }
        assert.doesNotMatch(read(repo, '.gitignore'), /m\.json|notes\.txt/);
        writeFileSync(join(repo.root, 'params.yaml'), 'n: 2\n');
        sluice(repo.root, ['run']);
        writeFileSync(join(repo.root, 'params.yaml'), 'n: 1\n');
        const result = sluice(repo.root, ['run']);
        assert.match(result.stdout, /s\s+restored from run cache/);
        assert.equal(read(repo, 'm.json'), '{"n": 1}\n');
      },
    );
  });

  test('with `link: [copy]` in .sluice/config.yaml, restored outs are private copies', () => {
    withRepo(
      {
        'sluice.yaml': 'stages:\n  s:\n    cmd: echo data > data.txt\n    outs: [data.txt]\n',
        '.sluice/config.yaml': 'cache:\n  link: [copy]\n',
      },
      (repo) => {
        sluice(repo.root, ['run']);
        rmSync(join(repo.root, 'data.txt'));
        assert.match(sluice(repo.root, ['run']).stdout, /restored from cache/);
        const stats = statSync(join(repo.root, 'data.txt'));
        assert.equal(stats.nlink, 1);
        assert.notEqual(stats.mode & 0o200, 0);
      },
    );
  });

  test('switching an out to cache: false makes it a private file that git tracks', () => {
    withRepo({ 'sluice.yaml': 'stages:\n  s:\n    cmd: echo data > data.txt\n    outs: [data.txt]\n' }, (repo) => {
      sluice(repo.root, ['run']);
      assert.match(read(repo, '.gitignore'), /^\/data\.txt$/m);
      repo.write('sluice.yaml', 'stages:\n  s:\n    cmd: echo data > data.txt\n    outs: [{data.txt: {cache: false}}]\n');
      assert.match(sluice(repo.root, ['run']).stdout, /s\s+unchanged/);
      const stats = statSync(join(repo.root, 'data.txt'));
      assert.equal(stats.nlink, 1);
      assert.notEqual(stats.mode & 0o200, 0);
      assert.doesNotMatch(read(repo, '.gitignore'), /data\.txt/);
    });
  });

  test('an unknown link type in the config is refused with its location', () => {
    withRepo({ 'sluice.yaml': 'stages:\n  s:\n    cmd: x\n', '.sluice/config.yaml': 'cache:\n  link: [symlink]\n' }, (repo) => {
      const result = sluice(repo.root, ['status']);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /\.sluice\/config\.yaml:2:10: .*"cache\.link\.0"/);
    });
  });
});
