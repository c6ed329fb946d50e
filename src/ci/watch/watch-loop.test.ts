/**
 * The rules of `sluice watch`'s loop, on real git repositories and a real directory remote, with
 * a runner that is a real child process (a `node -e` script standing for `sluice ci`: it appends
 * its trigger and the checked-out commit to a file, then exits as told): once per new commit,
 * once per data change, never twice for the same state (restarts included), a failing or
 * crashing run is survived, the schedule adds runs, and aborting stops the running child.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { openDataRepo, type DataRepo } from '../../../test/support/data-repo.js';
import { within } from '../../../test/support/processes.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { LocalObjectStorage } from '../../cache/index.js';
import { addData, pushData } from '../../data-versioning/index.js';
import { childProcessRunner } from './ci-runner.js';
import { watchBranch, type PollReport, type WatchOptions, type WatchSummary } from './watch-loop.js';

/** Appends "TRIGGER COMMIT" to argv[1]; then exits with the code in argv[2]'s file (or crashes, or hangs). */
const FAKE_CI = `
const fs = require('fs');
const [, log, control] = process.argv;
const mode = fs.existsSync(control) ? fs.readFileSync(control, 'utf8').trim() : '0';
const head = require('child_process').execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
fs.appendFileSync(log, process.env.SLUICE_CI_TRIGGER + ' ' + head + '\\n');
if (mode === 'crash') process.kill(process.pid, 'SIGKILL');
else if (mode === 'hang') setInterval(() => undefined, 1000);
else process.exit(Number(mode));
`;

/** A running watch: its polls as they come, and a way to wait for more of them. */
class RunningWatch {
  readonly polls: PollReport[] = [];
  readonly lines: string[] = [];
  readonly done: Promise<WatchSummary>;
  private readonly controller = new AbortController();
  private waiters: (() => void)[] = [];

  constructor(options: Omit<WatchOptions, 'signal' | 'log' | 'onPoll' | 'intervalMs'> & { intervalMs?: number }) {
    this.done = watchBranch({
      intervalMs: 20,
      ...options,
      signal: this.controller.signal,
      log: (line) => this.lines.push(line),
      onPoll: (poll) => {
        this.polls.push(poll);
        for (const wake of this.waiters.splice(0)) wake();
      },
    });
    this.done.catch(() => undefined).finally(() => this.waiters.splice(0).forEach((wake) => wake()));
  }

  /** Waits until `count` more polls have finished (a state seen that many times after the last change). */
  async morePolls(count: number): Promise<void> {
    const target = this.polls.length + count;
    await within(
      (async () => {
        while (this.polls.length < target) await new Promise<void>((resolve) => this.waiters.push(resolve));
      })(),
      30_000,
      `${count} more polls`,
    );
  }

  /** Waits for a poll that ran CI. */
  async nextRun(): Promise<PollReport> {
    const from = this.polls.length;
    await within(
      (async () => {
        while (!this.polls.slice(from).some((poll) => poll.outcome !== undefined)) await new Promise<void>((resolve) => this.waiters.push(resolve));
      })(),
      30_000,
      'a run',
    );
    return this.polls.slice(from).find((poll) => poll.outcome !== undefined)!;
  }

  async stop(): Promise<WatchSummary> {
    this.controller.abort();
    return within(this.done, 30_000, 'the watch stopping');
  }
}

describe('sluice watch loop', { timeout: 120_000 }, () => {
  let repo: DataRepo;
  let dir: ReturnType<typeof makeTempDir>;
  let remote: LocalObjectStorage;
  let watch: RunningWatch | undefined;
  const runsFile = () => join(dir.path, 'runs.txt');
  const controlFile = () => join(dir.path, 'control');
  /** The runs so far, as "trigger commit" lines. */
  const runs = () => (existsSync(runsFile()) ? readFileSync(runsFile(), 'utf8').trim().split('\n').filter(Boolean) : []);
  const head = () => repo.repo.git('rev-parse', 'HEAD').trim();
  const start = (extra: Partial<WatchOptions> = {}) =>
    (watch = new RunningWatch({
      root: repo.root,
      branch: 'main',
      storage: remote,
      runCi: childProcessRunner([process.execPath, '-e', FAKE_CI, runsFile(), controlFile()], { cwd: extra.root ?? repo.root, graceMs: 5_000 }),
      ...extra,
    }));
  const commitAll = (message: string) => {
    repo.repo.git('add', '-A');
    repo.repo.git('commit', '-qm', message);
  };

  beforeEach(async () => {
    dir = makeTempDir('sluice-watch-');
    repo = await openDataRepo({ 'README.md': 'watched\n', 'train.py': 'print(1)\n' });
    remote = new LocalObjectStorage(join(dir.path, 'remote'));
    repo.write('data.csv', 'x,y\n1,2\n');
    await addData(repo.data, ['data.csv']);
    await pushData(repo.data, remote, []);
    commitAll('track data');
  });
  afterEach(async () => {
    await watch?.stop();
    watch = undefined;
    await repo.dispose();
    dir.remove();
  });

  test('a branch that does not exist ends the watch with SLUICE_WATCH_BRANCH_MISSING instead of polling for ever', async () => {
    const running = start({ branch: 'no-such-branch' });
    // Ended by itself: nothing for afterEach to stop.
    watch = undefined;
    await assert.rejects(within(running.done, 30_000, 'the watch ending'), (error: Error & { code?: string }) => error.code === 'SLUICE_WATCH_BRANCH_MISSING');
    assert.equal(runs().length, 0);
  });

  test('runs CI once on the branch head, and not again while nothing changes', async () => {
    const running = start();
    const first = await running.nextRun();
    assert.equal(first.trigger, 'commit');
    await running.morePolls(5);
    assert.deepEqual(runs(), [`commit ${head()}`]);
  });

  test('a restarted watch does not run the state it already ran', async () => {
    await start().nextRun();
    await watch!.stop();
    const again = start();
    await again.morePolls(5);
    assert.equal(runs().length, 1);
    assert.ok(existsSync(join(repo.root, '.sluice', 'watch-state.json')));
  });

  test('runs once per new commit, with the trigger commit, in the checked-out commit', async () => {
    const running = start();
    await running.nextRun();
    repo.write('train.py', 'print(2)\n');
    commitAll('change the code');
    const second = await running.nextRun();
    assert.equal(second.trigger, 'commit');
    await running.morePolls(5);
    assert.deepEqual(runs().slice(1), [`commit ${head()}`]);
  });

  test('a commit that only changes data pointers runs with the trigger data', async () => {
    const tracked = head();
    const running = start();
    await running.nextRun();
    repo.write('data.csv', 'x,y\n1,2\n3,4\n');
    await addData(repo.data, ['data.csv']);
    await pushData(repo.data, remote, []);
    commitAll('new data');
    assert.equal((await running.nextRun()).trigger, 'data');
    await running.morePolls(5);
    assert.deepEqual(runs(), [`commit ${tracked}`, `data ${head()}`]);
  });

  test('the version a pointer names arriving on the remote runs once with the trigger data', async () => {
    repo.write('data.csv', 'x,y\n5,6\n');
    await addData(repo.data, ['data.csv']);
    commitAll('pointer committed before its data was pushed');
    const running = start();
    const first = await running.nextRun();
    assert.equal(first.observation?.onRemote, 0);
    await pushData(repo.data, remote, []);
    const second = await running.nextRun();
    assert.equal(second.trigger, 'data');
    assert.equal(second.observation?.onRemote, 1);
    await running.morePolls(5);
    assert.deepEqual(runs(), [`commit ${head()}`, `data ${head()}`]);
  });

  test('a failing run and a crashed run are logged, recorded, and the loop goes on', async () => {
    writeFileSync(controlFile(), '1');
    const running = start();
    assert.equal((await running.nextRun()).outcome?.exitCode, 1);
    writeFileSync(controlFile(), 'crash');
    repo.write('train.py', 'print(3)\n');
    commitAll('crash it');
    assert.equal((await running.nextRun()).outcome?.signal, 'SIGKILL');
    writeFileSync(controlFile(), '0');
    repo.write('train.py', 'print(4)\n');
    commitAll('pass');
    assert.equal((await running.nextRun()).outcome?.exitCode, 0);
    await running.morePolls(3);
    assert.equal(runs().length, 3);
    assert.ok(running.lines.some((line) => /blocked \(exit 1\)/.test(line)));
    assert.ok(running.lines.some((line) => /ended by SIGKILL/.test(line)));
  });

  test('stopping during a run terminates the child, returns, and leaves the state to run again', async () => {
    writeFileSync(controlFile(), 'hang');
    const running = start();
    await within((async () => { while (runs().length === 0) await new Promise((resolve) => setTimeout(resolve, 20)); })(), 30_000, 'the run starting');
    const summary = await running.stop();
    watch = undefined;
    assert.equal(summary.runs, 0);
    assert.equal(running.polls.at(-1)?.outcome?.interrupted, true);
    writeFileSync(controlFile(), '0');
    await start().nextRun();
    assert.equal(runs().length, 2);
  });

  test('the schedule runs CI when its time comes, though nothing changed', async () => {
    const running = start({ schedule: '* * * * * *' });
    assert.equal((await running.nextRun()).trigger, 'commit');
    assert.equal((await running.nextRun()).trigger, 'schedule');
  });

  test('commits fetched from the upstream count, as do local ones', async () => {
    const clone = join(dir.path, 'clone');
    execFileSync('git', ['clone', '-q', repo.root, clone]);
    execFileSync('git', ['config', 'user.email', 't@example.com'], { cwd: clone });
    execFileSync('git', ['config', 'user.name', 'test'], { cwd: clone });
    const running = start({ root: clone, storage: undefined });
    await running.nextRun();
    repo.write('train.py', 'print(5)\n');
    commitAll('upstream commit');
    assert.equal((await running.nextRun()).observation?.commit, head());
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'local commit'], { cwd: clone });
    const local = await running.nextRun();
    assert.equal(local.observation?.commit, execFileSync('git', ['rev-parse', 'HEAD'], { cwd: clone, encoding: 'utf8' }).trim());
    assert.equal(runs().length, 3);
  });
});
