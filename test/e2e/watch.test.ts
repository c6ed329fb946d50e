/**
 * The real `sluice watch` binary: it runs the real `sluice ci` as a child on the branch head with
 * one log line per trigger, stops on SIGTERM with exit 0, and refuses bad input before starting.
 * (The loop's rules, with a scripted runner, are specified in src/ci/watch/watch-loop.test.ts.)
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchRepo, sluice, startSluice, stopProcess, type ScratchRepo } from '../support/cli.js';
import { pollUntil } from '../support/processes.js';

describe('sluice watch', () => {
  let repo: ScratchRepo;
  before(() => {
    repo = scratchRepo({ 'README.md': 'watched\n' });
    assert.equal(sluice(repo.root, ['init']).code, 0);
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'sluice init');
  });
  after(() => repo.remove());

  test('a schedule that is not a cron expression is a usage error', () => {
    const result = sluice(repo.root, ['watch', '--schedule', 'every night']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--schedule "every night" is not a cron expression/);
  });

  test('an interval that is not a duration is a usage error', () => {
    const result = sluice(repo.root, ['watch', '--interval', 'soon']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--interval "soon" is not a duration/);
  });

  test('uncommitted changes to tracked files are not replaced: the watch refuses to start', () => {
    repo.write('README.md', 'edited\n');
    try {
      const result = sluice(repo.root, ['watch', '--interval', '1s']);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /Uncommitted changes to tracked files would be replaced by the branch head: README\.md/);
    } finally {
      repo.git('checkout', '--', 'README.md');
    }
  });

  test('runs sluice ci as a child on the branch head, logs the trigger, and stops on SIGTERM with exit 0', async (t) => {
    const child = startSluice(repo.root, ['watch', '--interval', '100ms']);
    t.after(() => stopProcess(child));
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const head = repo.git('rev-parse', 'HEAD').trim();
    await pollUntil(() => (new RegExp(`sluice ci on ${head.slice(0, 10)} \\(commit\\) `).test(stderr) ? true : undefined), 'the first run finishing', 60_000);
    assert.match(stderr, new RegExp(`first run on ${head.slice(0, 10)}: running sluice ci \\(trigger commit\\)`));
    const exit = await stopProcess(child);
    assert.equal(exit.code, 0, stderr);
    assert.match(stderr, /stopped after \d+ polls and 1 runs/);
    const state = JSON.parse(readFileSync(join(repo.root, '.sluice', 'watch-state.json'), 'utf8')) as { branches: { main: { lastRun: { commit: string; trigger: string } } } };
    assert.deepEqual([state.branches.main.lastRun.commit, state.branches.main.lastRun.trigger], [head, 'commit']);
    // The state file is this clone's: ignored locally, so it never makes a run's commit dirty.
    assert.equal(repo.git('status', '--porcelain'), '');
    assert.ok(existsSync(join(repo.root, '.git', 'info', 'exclude')));
  });
});
