/**
 * The reproduce cycle on a scratch git repository with a three-stage pipeline, driven through
 * the real `sluice` binary. Every stage appends its name to a log outside the repository, so
 * the tests see exactly which commands executed.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

const PIPELINE = `
stages:
  prepare:
    cmd: sh steps/prepare.sh \${prepare.suffix}
    deps: [raw.txt, steps/prepare.sh]
    outs: [data/clean.txt]
  train:
    cmd: sh steps/train.sh \${train.lr}
    deps: [data/clean.txt, steps/train.sh]
    outs: [model/]
  evaluate:
    cmd: sh steps/evaluate.sh
    deps: [model/, steps/evaluate.sh]
    metrics: [metrics.json]
`;

const FILES = {
  'sluice.yaml': PIPELINE,
  'params.yaml': 'prepare:\n  suffix: a\ntrain:\n  lr: 0.1\n',
  'raw.txt': 'raw data\n',
  'steps/prepare.sh': 'echo prepare >> "$EXECUTIONS"\nmkdir -p data\n{ cat raw.txt; echo "suffix=$1"; } > data/clean.txt\n',
  'steps/train.sh': 'echo train >> "$EXECUTIONS"\nmkdir -p model/sub\ncat data/clean.txt > model/weights.txt\necho "lr=$1" > model/sub/config.txt\n',
  'steps/evaluate.sh': 'echo evaluate >> "$EXECUTIONS"\necho "{\\"size\\": $(cat model/weights.txt model/sub/config.txt | wc -c)}" > metrics.json\n',
};

describe('sluice run on a three-stage pipeline', () => {
  let repo: ScratchRepo;
  let executions: string;
  const run = (...args: string[]) => sluice(repo.root, ['run', ...args], { EXECUTIONS: executions });
  /** The stages that executed since the last call. */
  const executed = (): string[] => {
    if (!existsSync(executions)) return [];
    const names = readFileSync(executions, 'utf8').split('\n').filter(Boolean);
    rmSync(executions);
    return names;
  };
  const setParam = (from: string, to: string) =>
    writeFileSync(join(repo.root, 'params.yaml'), readFileSync(join(repo.root, 'params.yaml'), 'utf8').replace(from, to));

  before(() => {
    repo = scratchRepo(FILES);
    executions = join(repo.outside, 'executions.log');
  });
  after(() => repo.remove());

  test('the first run executes every stage in dependency order', () => {
    const result = run();
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(executed(), ['prepare', 'train', 'evaluate']);
    assert.equal(JSON.parse(readFileSync(join(repo.root, 'metrics.json'), 'utf8')).size, 'raw data\nsuffix=a\nlr=0.1\n'.length);
  });

  test('a second run executes no command and says every stage is unchanged', () => {
    const result = run();
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(executed(), []);
    assert.match(result.stdout, /prepare\s+unchanged/);
    assert.match(result.stdout, /evaluate\s+unchanged/);
    assert.match(result.stdout, /up to date/);
  });

  test('changing a param reruns exactly the stage that reads it and its dependents', () => {
    setParam('lr: 0.1', 'lr: 0.2');
    const status = sluice(repo.root, ['status']);
    assert.match(status.stdout, /train: changed\n\s+param changed: train\.lr 0\.1 → 0\.2/);
    const result = run();
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(executed(), ['train', 'evaluate']);
    assert.match(result.stdout, /prepare\s+unchanged/);
  });

  test('a deleted out is restored from the cache without executing anything', () => {
    rmSync(join(repo.root, 'model'), { recursive: true });
    const status = sluice(repo.root, ['status']).stdout;
    assert.match(status, /train: outs changed\n\s+out missing: model\n\s+restorable from the cache without running/);
    assert.doesNotMatch(status, /evaluate/, 'evaluate will find model restored as it was');
    const result = run();
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(executed(), []);
    assert.match(result.stdout, /train\s+restored from cache/);
    assert.equal(readFileSync(join(repo.root, 'model/sub/config.txt'), 'utf8'), 'lr=0.2\n');
  });

  test('restored outs are read-only hardlinks into the cache', () => {
    const weights = statSync(join(repo.root, 'model/weights.txt'));
    assert.equal(weights.mode & 0o222, 0);
    assert.ok(weights.nlink >= 2);
  });

  test('switching a param back to an earlier value restores from the run cache without executing', () => {
    setParam('lr: 0.2', 'lr: 0.1');
    const result = run();
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(executed(), []);
    assert.match(result.stdout, /train\s+restored from run cache/);
    assert.match(result.stdout, /evaluate\s+restored from run cache/);
    assert.equal(readFileSync(join(repo.root, 'model/sub/config.txt'), 'utf8'), 'lr=0.1\n');
    assert.equal(JSON.parse(readFileSync(join(repo.root, 'metrics.json'), 'utf8')).size, 'raw data\nsuffix=a\nlr=0.1\n'.length);
  });

  test('--force reruns every stage', () => {
    const result = run('--force');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(executed(), ['prepare', 'train', 'evaluate']);
  });

  test('naming a stage runs it with its upstream only', () => {
    const result = run('--force', 'train');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(executed(), ['prepare', 'train']);
  });

  test('changing a dep file reruns its stage and downstream', () => {
    writeFileSync(join(repo.root, 'raw.txt'), 'new raw data\n');
    const status = sluice(repo.root, ['status', '--json']);
    const report = JSON.parse(status.stdout) as { stages: { stage: string; state: string; reasons: string[] }[] };
    assert.deepEqual(report.stages.map((stage) => [stage.stage, stage.state]), [
      ['prepare', 'changed'],
      ['train', 'upstream-changed'],
      ['evaluate', 'upstream-changed'],
    ]);
    assert.deepEqual(report.stages[0]!.reasons, ['dep modified: raw.txt']);
    assert.equal(run().code, 0);
    assert.deepEqual(executed(), ['prepare', 'train', 'evaluate']);
  });

  test('sluice.lock records each stage with hashes and sizes, and cached outs are git-ignored', () => {
    const lock = readFileSync(join(repo.root, 'sluice.lock'), 'utf8');
    assert.match(lock, /^schema: "1"\nstages:\n  prepare:\n    cmd: sh steps\/prepare.sh a\n/);
    assert.match(lock, /path: model\n\s+hash: blake3:[0-9a-f]{64}\.dir\n\s+size: \d+\n\s+nfiles: 2/);
    const gitignore = readFileSync(join(repo.root, '.gitignore'), 'utf8');
    assert.match(gitignore, /^\/model$/m);
    assert.match(gitignore, /^\/data\/clean\.txt$/m);
    assert.doesNotMatch(gitignore, /metrics\.json/);
  });

  test('every run is recorded as a tracking run with its git commit and a nested run per stage', () => {
    const { runs } = JSON.parse(sluice(repo.root, ['runs', 'list', '--json', '--max-results', '1']).stdout) as { runs: { run_id: string; status: string; tags: Record<string, string> }[] };
    const [latest] = runs;
    assert.equal(latest!.status, 'FINISHED');
    assert.equal(latest!.tags['sluice.pipeline_status'], 'succeeded');
    assert.match(latest!.tags['mlflow.source.git.commit']!, /^[0-9a-f]{40}$/);
    const shown = JSON.parse(sluice(repo.root, ['runs', 'show', latest!.run_id.slice(0, 8), '--json']).stdout) as { children: { tags: Record<string, string> }[] };
    assert.deepEqual(shown.children.map((child) => [child.tags['sluice.stage'], child.tags['sluice.stage_status']]), [['prepare', 'ran'], ['train', 'ran'], ['evaluate', 'ran']]);
  });
});
