/** Cases found in review: damaged hardlinks, executable outs, env changes, symlinks, dry runs, a second Ctrl-C. */
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, existsSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ObjectCache } from '../../src/cache/index.js';
import { exited, killProcess, scratchRepo, sluice, startSluice, waitForLine, type ScratchRepo } from '../support/cli.js';
import { isRunning } from '../support/process-tree.js';

function withRepo(files: Record<string, string>, body: (repo: ScratchRepo) => void | Promise<void>): Promise<void> {
  const repo = scratchRepo(files);
  return Promise.resolve(body(repo)).finally(() => repo.remove());
}

describe('edge cases', () => {
  test('editing a hardlinked out does not let the damaged cache object be restored', () =>
    withRepo({ 'sluice.yaml': 'stages:\n  s:\n    cmd: cp in.txt out.txt\n    deps: [in.txt]\n    outs: [out.txt]\n', 'in.txt': 'original\n' }, (repo) => {
      assert.equal(sluice(repo.root, ['run']).code, 0);
      const out = join(repo.root, 'out.txt');
      chmodSync(out, 0o644); // what an editor (or root, who ignores the mode) can do
      appendFileSync(out, 'edited\n');
      const result = sluice(repo.root, ['run']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /s\s+ran/);
      assert.equal(readFileSync(out, 'utf8'), 'original\n');
      assert.deepEqual(new ObjectCache({ dir: join(repo.root, '.sluice', 'cache'), link: ['hardlink'] }).verify().corrupt, []);
      assert.match(sluice(repo.root, ['status']).stdout, /up to date/);
    }));

  test('an executable out stays executable, also when restored from the cache', () =>
    withRepo(
      {
        'sluice.yaml':
          'stages:\n  tool:\n    cmd: sh make-tool.sh\n    deps: [make-tool.sh]\n    outs: [tool.sh]\n  use:\n    cmd: ./tool.sh > used.txt\n    deps: [tool.sh]\n    outs: [used.txt]\n',
        'make-tool.sh': 'printf "#!/bin/sh\\necho hi\\n" > tool.sh\nchmod +x tool.sh\n',
      },
      (repo) => {
        assert.equal(sluice(repo.root, ['run']).code, 0);
        assert.equal(readFileSync(join(repo.root, 'used.txt'), 'utf8'), 'hi\n');
        assert.match(readFileSync(join(repo.root, 'sluice.lock'), 'utf8'), /path: tool\.sh\n\s+hash: \S+\n\s+size: \d+\n\s+isexec: true/);
        rmSync(join(repo.root, 'tool.sh'));
        assert.equal(sluice(repo.root, ['run']).code, 0);
        assert.notEqual(statSync(join(repo.root, 'tool.sh')).mode & 0o111, 0);
      },
    ));

  test('changing a stage env variable reruns the stage', () =>
    withRepo({ 'sluice.yaml': 'stages:\n  s:\n    cmd: echo "$GREETING" > out.txt\n    env: {GREETING: hello}\n    outs: [out.txt]\n' }, (repo) => {
      sluice(repo.root, ['run']);
      repo.write('sluice.yaml', 'stages:\n  s:\n    cmd: echo "$GREETING" > out.txt\n    env: {GREETING: bye}\n    outs: [out.txt]\n');
      assert.match(sluice(repo.root, ['status']).stdout, /env changed: GREETING hello → bye/);
      sluice(repo.root, ['run']);
      assert.equal(readFileSync(join(repo.root, 'out.txt'), 'utf8'), 'bye\n');
    }));

  test('a dangling symlink inside a dep directory is ignored, not a crash', () =>
    withRepo({ 'sluice.yaml': 'stages:\n  s:\n    cmd: ls data > list.txt\n    deps: [data]\n    outs: [list.txt]\n', 'data/a.txt': '1\n' }, (repo) => {
      symlinkSync('missing-target', join(repo.root, 'data', 'link'));
      assert.equal(sluice(repo.root, ['status']).code, 0);
      assert.equal(sluice(repo.root, ['run']).code, 0);
    }));

  test('a dry run before the first run creates nothing', () =>
    withRepo({ 'sluice.yaml': 'stages:\n  s:\n    cmd: echo x > x.txt\n    outs: [x.txt]\n' }, (repo) => {
      const result = sluice(repo.root, ['run', '--dry-run']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /s\s+would run/);
      assert.equal(existsSync(join(repo.root, '.sluice')), false);
      assert.equal(repo.git('status', '--porcelain'), '');
    }));

  test('a second Ctrl-C kills the running commands at once', () =>
    withRepo(
      // The command's own shell ignores SIGTERM, so the polite stop cannot end it.
      { 'sluice.yaml': 'stages:\n  stubborn:\n    cmd: trap \'\' TERM INT; echo $$ > "$MARKS/shell.pid"; sleep 30; echo done > out.txt\n    outs: [out.txt]\n' },
      async (repo) => {
        const child = startSluice(repo.root, ['run'], { MARKS: repo.outside });
        try {
          const shell = Number(await waitForLine(join(repo.outside, 'shell.pid')));
          child.kill('SIGINT');
          await sleep(200);
          assert.ok(isRunning(shell), 'the first Ctrl-C asks politely; the command ignores it');
          child.kill('SIGINT');
          assert.equal((await exited(child)).code, 130);
          for (let i = 0; i < 40 && isRunning(shell); i++) await sleep(25);
          assert.equal(isRunning(shell), false);
        } finally {
          await killProcess(child);
        }
      },
    ));
});
