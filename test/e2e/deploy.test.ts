/**
 * `sluice deploy` and `sluice rollout` as a user runs them (issue 14's control plane): real
 * processes in a scratch workspace, models registered from the shared fixtures. A rollout goes
 * from deploy to Healthy with the alias moved; a second deploy is refused unless --force; bad
 * input exits 2 naming the file and line.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { environmentRepo } from '../support/environment.js';
import { exited, scratchRepo, sluice, startSluice, stopProcess, type ScratchRepo } from '../support/cli.js';
import { pollUntil } from '../support/processes.js';

const SLUICE_YAML = `stages: {}
deploy:
  production:
    model: bc
    port: 8080
    strategy:
      canary:
        steps:
          - setWeight: 20
          - pause: {}
          - setWeight: 50
          - pause: {duration: 1s}
        analysis:
          metrics:
            - name: live-accuracy
              interval: 10s
              successCondition: result >= 0.9
              provider:
                feedback: {metric: accuracy, minSamples: 50}
`;

function statusJson(repo: ScratchRepo): { stableVersion: number | null; rollout: { id: string; phase: string; weight: number; stepIndex: number; candidateVersion: number } | null } {
  const result = sluice(repo.root, ['rollout', 'status', '--env', 'production', '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

function aliasVersion(repo: ScratchRepo): number {
  const result = sluice(repo.root, ['models', 'show', 'bc', '--json']);
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { aliases: Record<string, number> }).aliases.production!;
}

describe('sluice deploy and sluice rollout', () => {
  let repo: ScratchRepo;
  beforeEach(() => {
    repo = environmentRepo(SLUICE_YAML);
  });
  afterEach(() => repo.remove());

  test('deploy starts a canary and returns; status shows the phase, both versions with weights and the step', () => {
    const deployed = sluice(repo.root, ['deploy', 'models:/bc/2', '--env', 'production']);
    assert.equal(deployed.code, 0, deployed.stderr);
    const status = sluice(repo.root, ['rollout', 'status', '--env', 'production']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /Paused, step 2\/4/);
    assert.match(status.stdout, /stable\s+v1\s+80%/);
    assert.match(status.stdout, /candidate\s+v2\s+20%/);
    assert.match(status.stdout, /background\s+Pending/);
  });

  test('each promote takes the canary past one pause; past the last it is Healthy and the alias has moved', () => {
    assert.equal(sluice(repo.root, ['deploy', 'models:/bc/2', '--env', 'production']).code, 0);
    const promoted = sluice(repo.root, ['rollout', 'promote', '--env', 'production']);
    assert.equal(promoted.code, 0, promoted.stderr);
    assert.equal(statusJson(repo).rollout?.weight, 50);
    assert.equal(statusJson(repo).rollout?.phase, 'Paused');
    assert.equal(sluice(repo.root, ['rollout', 'promote', '--env', 'production']).code, 0);
    const status = statusJson(repo);
    assert.equal(status.rollout?.phase, 'Healthy');
    assert.equal(status.stableVersion, 2);
    assert.equal(aliasVersion(repo), 2);
    const audit = sluice(repo.root, ['audit', '--model', 'bc', '--json']);
    assert.match(audit.stdout, /deploy\.rollout_completed/);
  });

  test('deploy --wait follows the rollout, printing each change, and exits 0 once promoted', async (t) => {
    const child = startSluice(repo.root, ['deploy', 'models:/bc/2', '--env', 'production', '--wait']);
    t.after(() => stopProcess(child));
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    await pollUntil(() => (stdout.includes('Paused step 2/4') ? true : undefined), 'the first pause', 30_000);
    // Nothing serves the environment in this test: the user is told what the rollout waits for.
    assert.match(stderr, /no `sluice serve --env production` is running from this workspace: the rollout sends traffic and measures its analysis only while one serves the environment/);
    assert.equal(sluice(repo.root, ['rollout', 'promote', '--env', 'production']).code, 0);
    const { code } = await exited(child, 60_000);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /Healthy/);
    assert.match(stdout, /at 50%/);
  });

  test('deploy --wait exits 1 when the rollout is aborted', async (t) => {
    const child = startSluice(repo.root, ['deploy', 'models:/bc/2', '--env', 'production', '--wait']);
    t.after(() => stopProcess(child));
    await pollUntil(() => (statusJson(repo).rollout ? true : undefined), 'the rollout to start', 30_000);
    const aborted = sluice(repo.root, ['rollout', 'abort', '--env', 'production']);
    assert.equal(aborted.code, 0, aborted.stderr);
    assert.equal((await exited(child, 60_000)).code, 1);
    assert.equal(aliasVersion(repo), 1);
  });

  test('deploy --wait exits 1 when a forced deploy replaces its rollout', async (t) => {
    const child = startSluice(repo.root, ['deploy', 'models:/bc/2', '--env', 'production', '--wait']);
    t.after(() => stopProcess(child));
    await pollUntil(() => (statusJson(repo).rollout ? true : undefined), 'the rollout to start', 30_000);
    const forced = sluice(repo.root, ['deploy', 'models:/bc/3', '--env', 'production', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal((await exited(child, 60_000)).code, 1);
    assert.equal(statusJson(repo).rollout?.candidateVersion, 3);
  });

  test('a deploy while one is in progress is refused (exit 2) saying --force aborts the first', () => {
    assert.equal(sluice(repo.root, ['deploy', 'models:/bc/2', '--env', 'production']).code, 0);
    const second = sluice(repo.root, ['deploy', 'models:/bc/3', '--env', 'production']);
    assert.equal(second.code, 2);
    assert.match(second.stderr, /in progress/);
    assert.match(second.stderr, /--force/);
    assert.match(second.stderr, /SLUICE_DEPLOY_ROLLOUT_IN_PROGRESS/);
  });

  test('--force aborts the rollout in progress and starts the new one', () => {
    assert.equal(sluice(repo.root, ['deploy', 'models:/bc/2', '--env', 'production']).code, 0);
    const forced = sluice(repo.root, ['deploy', 'models:/bc/3', '--env', 'production', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    const history = JSON.parse(sluice(repo.root, ['rollout', 'history', '--env', 'production', '--json']).stdout) as { candidateVersion: number; phase: string }[];
    assert.deepEqual(history.map((rollout) => [rollout.candidateVersion, rollout.phase]), [[3, 'Paused'], [2, 'Aborted']]);
  });

  test('rollback after completion moves the alias back to the previous version', () => {
    assert.equal(sluice(repo.root, ['deploy', 'models:/bc/2', '--env', 'production', '--strategy', 'direct']).code, 0);
    assert.equal(aliasVersion(repo), 2);
    const back = sluice(repo.root, ['rollout', 'rollback', '--env', 'production']);
    assert.equal(back.code, 0, back.stderr);
    assert.equal(aliasVersion(repo), 1);
    assert.equal(statusJson(repo).rollout?.phase, 'RolledBack');
  });
});

describe('sluice deploy refuses bad input with exit 2', () => {
  let repo: ScratchRepo;
  beforeEach(() => {
    repo = scratchRepo({ 'sluice.yaml': SLUICE_YAML });
    assert.equal(sluice(repo.root, ['init']).code, 0);
  });
  afterEach(() => repo.remove());

  function refused(args: readonly string[]): string {
    const result = sluice(repo.root, args);
    assert.equal(result.code, 2, result.stderr);
    assert.doesNotMatch(result.stderr, /\bat \w+ \(/);
    return result.stderr;
  }

  test('an environment missing from sluice.yaml names the file, the declared environments and a did-you-mean', () => {
    const stderr = refused(['deploy', 'models:/bc/2', '--env', 'prodution']);
    assert.match(stderr, /sluice\.yaml:\d+:\d+/);
    assert.match(stderr, /Did you mean "production"\?/);
  });

  test('an unknown version says how to list the versions', () => {
    repo.remove();
    repo = environmentRepo(SLUICE_YAML);
    const stderr = refused(['deploy', 'models:/bc/9', '--env', 'production']);
    assert.match(stderr, /version=9\) not found/);
    assert.match(stderr, /sluice models show bc/);
  });

  test('a malformed step names sluice.yaml and its line', () => {
    repo.write('sluice.yaml', SLUICE_YAML.replace('- setWeight: 50', '- setweight: 50'));
    const stderr = refused(['deploy', 'models:/bc/2', '--env', 'production']);
    assert.match(stderr, /^sluice: sluice\.yaml:11:\d+: .*setweight/m);
  });

  test('a bad condition names sluice.yaml, its line and the parse problem', () => {
    repo.write('sluice.yaml', SLUICE_YAML.replace('result >= 0.9', 'result >= '));
    const stderr = refused(['deploy', 'models:/bc/2', '--env', 'production']);
    assert.match(stderr, /^sluice: sluice\.yaml:17:\d+: .*live-accuracy/m);
    assert.match(stderr, /SLUICE_DEPLOY_INVALID_CONDITION/);
  });

  test('a feedback metric that evaluation does not compute names its line and what to write', () => {
    repo.write('sluice.yaml', SLUICE_YAML.replace('metric: accuracy', 'metric: acurracy'));
    const stderr = refused(['deploy', 'models:/bc/2', '--env', 'production']);
    assert.match(stderr, /^sluice: sluice\.yaml:19:\d+: .*Did you mean "accuracy"\?/m);
  });
});
