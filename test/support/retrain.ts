/**
 * Helpers for the monitor's `retrain` action tests: the example pipeline in a scratch repository
 * with its training data under version control (`sluice data add`), a clone of it whose data is
 * behind, a monitor that raises a drift alert, drifted traffic served through `sluice serve --env`,
 * and what the registry then holds.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchRepo, sluice, sluiceAsync, type ScratchRepo } from './cli.js';
import { REPO_ROOT, sharedFixture } from './fixtures.js';
import { startServe } from './serve.js';

/** The tracked training data of the example pipeline. */
export const TRAIN = 'data/train.csv';

/** A monitor of `production` whose drift rule runs `actions` (YAML) on the drifted fixture rows. */
export function driftMonitor(actions: string): string {
  return `monitor:
  production:
    window: {every: 171 predictions, min_rows: 100}
    reference: data/train.csv
    checks:
      data_drift: {method: ks, drift_share: 0.1}
    alerts:
      - {name: drift, when: data_drift.dataset_drift, severity: warning, cooldown: 0s, actions: ${actions}}
`;
}

/**
 * The example pipeline with `extraYaml` appended to its sluice.yaml, `.sluice` initialised, and
 * data/train.csv tracked by `sluice data add` (out of git, its pointer in git), committed.
 */
export function examplePipelineRepo(extraYaml: string): ScratchRepo {
  const repo = scratchRepo({ 'README.md': 'A project watched by a monitor.\n' });
  try {
    cpSync(join(REPO_ROOT, 'examples', 'pipeline'), repo.root, { recursive: true });
    writeFileSync(join(repo.root, 'sluice.yaml'), readFileSync(join(repo.root, 'sluice.yaml'), 'utf8') + extraYaml);
    assert.equal(sluice(repo.root, ['init']).code, 0);
    const added = sluice(repo.root, ['data', 'add', TRAIN]);
    assert.equal(added.code, 0, added.stderr);
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'example pipeline with a monitor, training data tracked');
    return repo;
  } catch (error) {
    repo.remove();
    throw error;
  }
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

function ok(cwd: string, args: readonly string[]): void {
  const result = sluice(cwd, args);
  assert.equal(result.code, 0, `sluice ${args.join(' ')}: ${result.stderr}`);
}

/** An upstream repository and the monitored workspace, a clone of it (under `upstream.outside`). */
export interface BehindClone {
  readonly upstream: ScratchRepo;
  readonly clone: string;
}

/**
 * The example pipeline (with `extraYaml`) upstream, its data pushed to the directory remote
 * `store`; a clone with that data pulled and production registered. Then upstream adds a new
 * version of data/train.csv, pushes it and commits the pointer, and the clone pulls the commit
 * (`git pull`) but not the data: its pointer names the new version, its working copy and cache
 * hold the one before.
 */
export function cloneBehindUpstream(extraYaml: string): BehindClone {
  const upstream = examplePipelineRepo(extraYaml);
  try {
    ok(upstream.root, ['remote', 'add', 'store', join(upstream.outside, 'remote'), '--default']);
    ok(upstream.root, ['data', 'push']);
    upstream.git('add', '-A');
    upstream.git('commit', '-qm', 'a directory remote for the data');
    const clone = join(upstream.outside, 'clone');
    git(upstream.outside, 'clone', '-q', upstream.root, clone);
    ok(clone, ['data', 'pull']);
    registerProduction(clone);
    replaceFile(join(upstream.root, TRAIN), newTrainingData());
    ok(upstream.root, ['data', 'add', TRAIN]);
    ok(upstream.root, ['data', 'push']);
    upstream.git('commit', '-qam', 'training data: the rows labelled since');
    git(clone, 'pull', '-q', '--ff-only');
    return { upstream, clone };
  } catch (error) {
    upstream.remove();
    throw error;
  }
}

/** Registers the fixture logistic regression as version 1 of breast-cancer, alias production. */
export function registerProduction(root: string): void {
  const registered = sluice(root, ['models', 'register', sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), '--name', 'breast-cancer', '--alias', 'production']);
  assert.equal(registered.code, 0, registered.stderr);
}

/**
 * A new version of the training data: the training rows, then the drifted rows with their labels
 * (those with every cell, as the schema requires), as a team would add what it labelled since.
 */
export function newTrainingData(): string {
  const train = readFileSync(sharedFixture('breast_cancer', 'train.csv'), 'utf8');
  const [, ...drifted] = readFileSync(sharedFixture('breast_cancer', 'current_drifted.csv'), 'utf8').trim().split('\n');
  return train + drifted.filter((line) => !line.split(',').includes('')).join('\n') + '\n';
}

/**
 * Writes a file as an editor saving by rename does: tracked data may be a hard link to its
 * cache object, which writing in place (as root can) would change too.
 */
export function replaceFile(path: string, content: string): void {
  rmSync(path, { force: true });
  writeFileSync(path, content);
}

/** The version a pointer file names (`hash:`). */
export function pointerHash(root: string, target = TRAIN): string {
  const hash = /^hash: "([^"]+)"$/m.exec(readFileSync(join(root, `${target}.sluice`), 'utf8'))?.[1];
  assert.ok(hash, `${target}.sluice names a version`);
  return hash;
}

interface LineageStage {
  readonly stage: string;
  readonly data: readonly { name: string; digest: string }[];
  readonly upstream: readonly LineageStage[];
}

/** The digests of `name` that any stage upstream of a registered model read. */
export function lineageDigests(root: string, reference: string, name = TRAIN): string[] {
  const shown = sluice(root, ['models', 'lineage', reference, '--json']);
  assert.equal(shown.code, 0, shown.stderr);
  const { lineage } = JSON.parse(shown.stdout) as { lineage: LineageStage & { data: LineageStage['data'] } };
  const digests: string[] = [];
  const walk = (stage: { data: LineageStage['data']; upstream: readonly LineageStage[] }) => {
    for (const data of stage.data) if (data.name === name) digests.push(data.digest);
    stage.upstream.forEach(walk);
  };
  walk(lineage);
  return digests;
}

/** breast-cancer's versions with their aliases, sorted. */
export function modelVersions(root: string): [number, string[]][] {
  const shown = sluice(root, ['models', 'show', 'breast-cancer', '--json']);
  assert.equal(shown.code, 0, shown.stderr);
  return (JSON.parse(shown.stdout) as { versions: { version: number; aliases: string[] }[] }).versions.map((version): [number, string[]] => [version.version, [...version.aliases].sort()]).sort((a, b) => a[0] - b[0]);
}

export interface RetrainPass {
  readonly alerts: readonly { rule: string }[];
  readonly deliveries: readonly { actions: readonly { action: string; ok: boolean; message: string }[] }[];
}

/** Serves the drifted rows through production (its own monitor off), then one `sluice monitor run`. */
export async function driftedTrafficThenMonitor(root: string): Promise<RetrainPass> {
  const server = await startServe(root, ['--env', 'production', '--no-monitor', '--quiet']);
  try {
    const replay = await sluiceAsync(root, ['monitor', 'replay', '--env', 'production', '--data', sharedFixture('breast_cancer', 'current_drifted.csv'), '--url', server.url]);
    assert.equal(replay.code, 0, replay.stderr);
  } finally {
    await server.stop();
  }
  const run = await sluiceAsync(root, ['monitor', 'run', '--env', 'production', '--json']);
  assert.equal(run.code, 0, run.stderr);
  return (JSON.parse(run.stdout) as RetrainPass[])[0]!;
}

/** The one retrain outcome of a pass that raised the drift alert. */
export function retrainOutcome(pass: RetrainPass): { action: string; ok: boolean; message: string } {
  assert.deepEqual(pass.alerts.map((alert) => alert.rule), ['drift']);
  const actions = pass.deliveries[0]!.actions;
  assert.deepEqual(actions.map((action) => action.action), ['retrain']);
  return actions[0]!;
}
