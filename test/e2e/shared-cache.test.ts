/**
 * The shared cache through the real CLI: `sluice run --push` in one clone publishes outputs and
 * run-cache entries to a remote (a directory, or S3 through s3rver); `sluice run --pull` in a
 * fresh clone restores every output from it and runs nothing; two clones pushing the same
 * results at once both succeed and leave one copy; `sluice stage run` runs exactly one stage,
 * restoring (never computing) the upstream outputs it needs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchRepo, sluice, sluiceAsync, type ScratchRepo } from '../support/cli.js';
import { startTestS3, type TestS3 } from '../support/s3.js';

/** Three stages, each noting in $RUNS_LOG that it ran; a directory out, a file out, a metrics file. */
const PIPELINE = `stages:
  prepare:
    cmd: echo prepare >> "$RUNS_LOG" && mkdir -p prepared && sort data.txt > prepared/sorted.txt && wc -l < data.txt > prepared/count.txt
    deps: [data.txt]
    params: [prepare.factor]
    outs: [prepared]
  train:
    cmd: >-
      echo train >> "$RUNS_LOG" && cat prepared/sorted.txt prepared/count.txt > model.bin
      && echo '{"score": 0.75}' > metrics.json
    deps: [prepared]
    params: [train.C]
    outs: [model.bin]
    metrics: [metrics.json]
  report:
    cmd: echo report >> "$RUNS_LOG" && wc -c < model.bin > report.txt
    deps: [model.bin]
    outs: [report.txt]
`;

const OUTPUTS = ['prepared/sorted.txt', 'prepared/count.txt', 'model.bin', 'metrics.json', 'report.txt'];

/** A project committed with a remote named `shared` as its default remote (by default a directory beside the repository). */
function project(remoteArgs?: readonly string[], env: NodeJS.ProcessEnv = {}): ScratchRepo {
  const repo = scratchRepo({ 'sluice.yaml': PIPELINE, 'params.yaml': 'prepare:\n  factor: 2\ntrain:\n  C: 1.0\n', 'data.txt': 'c\na\nb\n' });
  assert.equal(sluice(repo.root, ['init']).code, 0);
  const added = sluice(repo.root, ['remote', 'add', 'shared', ...(remoteArgs ?? [join(repo.outside, 'shared-cache')]), '--default'], env);
  assert.equal(added.code, 0, added.stderr);
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'shared cache');
  return repo;
}

/** A fresh clone of `repo` beside it (no cache, no database, no outputs). */
function cloneOf(repo: ScratchRepo, name: string): string {
  const target = join(repo.outside, name);
  const result = spawnSync('git', ['clone', '-q', repo.root, target], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return target;
}

function runsLog(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

function assertSameOutputs(a: string, b: string): void {
  for (const path of OUTPUTS) assert.deepEqual(readFileSync(join(b, path)), readFileSync(join(a, path)), `${path} differs`);
}

describe('shared cache on a directory remote', () => {
  let repo: ScratchRepo;
  let remote: string;
  before(() => {
    repo = project();
    remote = join(repo.outside, 'shared-cache');
  });
  after(() => repo.remove());

  test('run --push publishes every stage; run --pull in a fresh clone restores everything and runs nothing', () => {
    const log = join(repo.outside, 'runs-a.log');
    const pushed = sluice(repo.root, ['run', '--push'], { RUNS_LOG: log });
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.deepEqual(runsLog(log), ['prepare', 'train', 'report']);
    assert.equal(readdirSync(join(remote, 'runs')).length > 0, true);

    const clone = cloneOf(repo, 'fresh');
    const cloneLog = join(repo.outside, 'runs-fresh.log');
    const pulled = sluice(clone, ['run', '--pull'], { RUNS_LOG: cloneLog });
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.deepEqual(runsLog(cloneLog), []);
    assert.equal(pulled.stdout.match(/restored from run cache/g)?.length, 3, pulled.stdout);
    assertSameOutputs(repo.root, clone);
  });

  test('with sluice.lock committed, a fresh clone pulls the locked outputs and restores them from cache', () => {
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'lock');
    const clone = cloneOf(repo, 'locked');
    const log = join(repo.outside, 'runs-locked.log');
    const pulled = sluice(clone, ['run', '--pull'], { RUNS_LOG: log });
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.deepEqual(runsLog(log), []);
    assert.equal(pulled.stdout.match(/restored from cache/g)?.length, 3, pulled.stdout);
    assertSameOutputs(repo.root, clone);
  });

  test('without --pull a fresh clone runs the stages: nothing is fetched behind the user\'s back', () => {
    const clone = cloneOf(repo, 'no-pull');
    const log = join(repo.outside, 'runs-no-pull.log');
    const result = sluice(clone, ['run'], { RUNS_LOG: log });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(runsLog(log), ['prepare', 'train', 'report']);
  });
});

describe('shared cache on S3 (s3rver)', () => {
  let s3: TestS3;
  let repo: ScratchRepo;
  before(async () => {
    s3 = await startTestS3();
    repo = project([`s3://${s3.bucket}/team/cache`, '--endpoint', s3.env.AWS_ENDPOINT_URL!], s3.env);
  });
  after(async () => {
    repo.remove();
    await s3.close();
  });

  test('a fresh clone restores every output from S3 and runs nothing', async () => {
    const log = join(repo.outside, 'runs-a.log');
    const pushed = await sluiceAsync(repo.root, ['run', '--push'], { ...s3.env, RUNS_LOG: log });
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.deepEqual(runsLog(log), ['prepare', 'train', 'report']);
    const clone = cloneOf(repo, 'fresh');
    const cloneLog = join(repo.outside, 'runs-fresh.log');
    const pulled = await sluiceAsync(clone, ['run', '--pull'], { ...s3.env, RUNS_LOG: cloneLog });
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.deepEqual(runsLog(cloneLog), []);
    assertSameOutputs(repo.root, clone);
  });

  test('two clones pushing the same results at once both succeed; a third restores from what they left', async () => {
    writeFileSync(join(repo.root, 'data.txt'), 'z\ny\nx\nw\n');
    repo.git('commit', '-qam', 'new data');
    const first = cloneOf(repo, 'pusher-1');
    const second = cloneOf(repo, 'pusher-2');
    const results = await Promise.all([first, second].map((clone) => sluiceAsync(clone, ['run', '--push'], { ...s3.env, RUNS_LOG: join(repo.outside, 'pushers.log') })));
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    const third = cloneOf(repo, 'puller');
    const log = join(repo.outside, 'puller.log');
    const pulled = await sluiceAsync(third, ['run', '--pull'], { ...s3.env, RUNS_LOG: log });
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.deepEqual(runsLog(log), []);
    assertSameOutputs(first, third);
  });
});

describe('two pushers on one directory remote', () => {
  test('concurrent pushes of the same objects both succeed and leave one entry per stage and no temp files', async () => {
    const repo = project();
    const remote = join(repo.outside, 'shared-cache');
    try {
      const clones = [cloneOf(repo, 'one'), cloneOf(repo, 'two')];
      const log = join(repo.outside, 'runs.log');
      const results = await Promise.all(clones.map((clone) => sluiceAsync(clone, ['run', '--push'], { RUNS_LOG: log })));
      for (const result of results) assert.equal(result.code, 0, result.stderr);
      const entries = readdirSync(join(remote, 'runs'), { recursive: true }).filter((name) => String(name).endsWith('.json'));
      assert.equal(entries.length, 3, entries.join(', '));
      assert.deepEqual(existsSync(join(remote, 'tmp')) ? readdirSync(join(remote, 'tmp')) : [], []);
      const puller = cloneOf(repo, 'three');
      const pulled = sluice(puller, ['run', '--pull'], { RUNS_LOG: join(repo.outside, 'three.log') });
      assert.equal(pulled.code, 0, pulled.stderr);
      assert.deepEqual(runsLog(join(repo.outside, 'three.log')), []);
      assertSameOutputs(clones[0]!, puller);
    } finally {
      repo.remove();
    }
  });
});

describe('sluice stage run', () => {
  let repo: ScratchRepo;
  before(() => {
    repo = project();
    const log = join(repo.outside, 'upstream.log');
    const pushed = sluice(repo.root, ['run', 'train', '--push'], { RUNS_LOG: log });
    assert.equal(pushed.code, 0, pushed.stderr);
  });
  after(() => repo.remove());

  test('runs exactly the named stage, restoring the upstream outputs it needs from the shared cache', () => {
    const clone = cloneOf(repo, 'worker');
    const log = join(repo.outside, 'worker.log');
    const result = sluice(clone, ['stage', 'run', 'report', '--pull', '--push'], { RUNS_LOG: log });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(runsLog(log), ['report']);
    assert.equal(readFileSync(join(clone, 'report.txt'), 'utf8').trim(), String(readFileSync(join(repo.root, 'model.bin')).length));
  });

  test('a missing dep that no cache holds fails with exit 1, naming the stage to run first', () => {
    const clone = cloneOf(repo, 'no-pull-worker');
    const log = join(repo.outside, 'no-pull-worker.log');
    const result = sluice(clone, ['stage', 'run', 'report'], { RUNS_LOG: log });
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(runsLog(log), []);
    assert.match(result.stderr, /Stage "train" needs prepared, produced by stage "prepare", which is not in any cache for its current inputs/);
  });

  test('an unknown stage is a usage error with a suggestion', () => {
    const result = sluice(repo.root, ['stage', 'run', 'reprot']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /There is no stage "reprot"\. Did you mean "report"\?/);
  });
});
