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
    repo = scratchRepo({ 'README.md': 'watched\n', 'sluice.yaml': 'stages:\n  hello:\n    cmd: cat README.md > out.txt\n    deps: [README.md]\n    outs: [out.txt]\n' });
    assert.equal(sluice(repo.root, ['init']).code, 0);
    assert.equal(sluice(repo.root, ['run']).code, 0);
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

  test('runs sluice ci as a child once per new commit, recorded with its trigger, and stops on SIGTERM with exit 0', async (t) => {
    const child = startSluice(repo.root, ['watch', '--interval', '100ms']);
    t.after(() => stopProcess(child));
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const head = repo.git('rev-parse', 'HEAD').trim();
    await pollUntil(() => (new RegExp(`sluice ci on ${head.slice(0, 10)} \\(commit\\) `).test(stderr) ? true : undefined), 'the first run finishing', 60_000);
    assert.match(stderr, new RegExp(`first run on ${head.slice(0, 10)}: running sluice ci \\(trigger commit\\)`));
    // A new commit on the branch: one more run, on it.
    repo.write('README.md', 'watched, and changed\n');
    repo.git('commit', '-qam', 'a change');
    const second = repo.git('rev-parse', 'HEAD').trim();
    await pollUntil(() => (new RegExp(`sluice ci on ${second.slice(0, 10)} \\(commit\\) `).test(stderr) ? true : undefined), 'the second run finishing', 60_000);
    const exit = await stopProcess(child);
    assert.equal(exit.code, 0, stderr);
    assert.match(stderr, /stopped after \d+ polls and 2 runs/);
    // Each run is a tracked CI run that passed, tagged with its trigger.
    const runs = sluice(repo.root, ['runs', 'list', '--filter', "tags.sluice.ci.trigger = 'commit' and tags.sluice.ci.verdict = 'passed'", '--json']);
    assert.equal(runs.code, 0, runs.stderr);
    assert.equal((JSON.parse(runs.stdout) as { runs: unknown[] }).runs.length, 2);
    const state = JSON.parse(readFileSync(join(repo.root, '.sluice', 'watch-state.json'), 'utf8')) as { branches: { main: { lastRun: { commit: string; trigger: string } } } };
    assert.deepEqual([state.branches.main.lastRun.commit, state.branches.main.lastRun.trigger], [second, 'commit']);
    // The state file is this clone's: ignored locally, so it never makes a run's commit dirty.
    assert.doesNotMatch(repo.git('status', '--porcelain'), /watch-state/);
    assert.ok(existsSync(join(repo.root, '.git', 'info', 'exclude')));
  });
});
