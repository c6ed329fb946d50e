/**
 * `sluice serve --env` under a canary (issue 14's acceptance): real processes, real HTTP, the
 * fixture models registered through the CLI. Under steady load with labels posted to /feedback
 * as answers arrive, a weak canary is rolled back by feedback accuracy within two analysis
 * intervals of its first measurement, with the stable version serving throughout; a canary at
 * least as good is promoted step by step and the alias moves; a step's weight holds over 5,000
 * requests; with two workers, analysis sees both workers' traffic; SIGKILL mid-canary and a
 * restart resume the same step with the same versions.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { sluice, type ScratchRepo } from '../support/cli.js';
import { deploy, environmentRepo, environmentState, load, rolloutStatus, shareOf, watchRollout } from '../support/environment.js';
import { descendantsOf, isRunning } from '../support/process-tree.js';
import { pollUntil } from '../support/processes.js';
import { startServe, type ServedProcess } from '../support/serve.js';

const INTERVAL_MS = 1000;

function canaryYaml(steps: string, analysis: string): string {
  return `stages: {}
deploy:
  production:
    model: bc
    port: 8080
    strategy:
      canary:
        steps:
${steps}
${analysis}`;
}

const ACCURACY_ANALYSIS = `        analysis:
          metrics:
            - name: live-accuracy
              interval: 1s
              successCondition: result >= 0.9
              provider:
                feedback: {metric: accuracy, minSamples: 30}`;

describe('sluice serve --env: canary', () => {
  let repo: ScratchRepo | undefined;
  let server: ServedProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    repo?.remove();
    repo = undefined;
  });

  test('a weak canary is rolled back by feedback accuracy within two intervals of its first measurement; the stable version serves throughout', async () => {
    repo = environmentRepo(canaryYaml('          - setWeight: 50\n          - pause: {}', ACCURACY_ANALYSIS));
    server = await startServe(repo.root, ['--env', 'production']);
    deploy(repo, 'models:/bc/2');
    await pollUntil(async () => ((await environmentState(server!.url)).candidateVersion === 2 ? true : undefined), 'the canary to be loaded', 10_000);
    let degraded = false;
    const watcher = watchRollout(repo, (status) => {
      degraded ||= status.rollout?.phase === 'Degraded';
    });
    const answers = await load({ url: server.url, count: 4000, feedback: true, until: () => degraded, timeoutMs: 60_000 }).finally(() => watcher.stop());
    const status = rolloutStatus(repo);
    assert.equal(status.rollout?.phase, 'Degraded', `still ${status.rollout?.phase} after ${answers.length} answers`);
    assert.equal(status.rollout?.weight, 0);
    const metric = status.rollout!.analysisRuns.find((run) => run.name === 'background')!.metrics[0]!;
    const first = metric.measurements[0]!;
    assert.equal(first.phase, 'Failed');
    assert.ok(first.value! < 0.9, `accuracy ${first.value}`);
    assert.ok(status.rollout!.updatedAt - first.startedAt <= 2 * INTERVAL_MS, `rolled back ${status.rollout!.updatedAt - first.startedAt} ms after the first measurement`);
    const failed = answers.filter((answer) => answer.status !== 200).length;
    assert.ok(failed / answers.length < 0.01, `${failed} of ${answers.length} requests failed`);
    assert.ok(shareOf(answers, '1') > 0.3, 'the stable version answered throughout');
    // Within a tick of the rollback, only the stable version answers.
    await pollUntil(async () => ((await environmentState(server!.url)).candidateVersion === undefined ? true : undefined), 'the canary to be released', 5_000);
    const after = await load({ url: server.url, count: 200 });
    assert.deepEqual(new Set(after.map((answer) => answer.version)), new Set(['1']));
    assert.match(server.stderr(), /"level":40.*analysis \\"background\\" failed/);
  });

  test('a canary at least as good is promoted step by step to 100% and the alias moves', async () => {
    repo = environmentRepo(canaryYaml('          - setWeight: 30\n          - pause: {duration: 1s}\n          - setWeight: 60\n          - pause: {duration: 1s}', ACCURACY_ANALYSIS));
    server = await startServe(repo.root, ['--env', 'production']);
    // The weights the server splits traffic by, read over HTTP every 50 ms from before the
    // deploy: a status command per read (hundreds of ms on a loaded machine) can miss a 1 s step.
    const weights = new Set<number>();
    let polling = true;
    const url = server.url;
    const poller = (async () => {
      while (polling) {
        const weight = (await environmentState(url).catch(() => undefined))?.policy.weight;
        if (weight !== undefined) weights.add(weight);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    deploy(repo, 'models:/bc/3');
    let phase = '';
    const watcher = watchRollout(repo, ({ rollout }) => {
      phase = rollout?.phase ?? '';
    });
    const answers = await load({ url: server.url, count: 20_000, feedback: true, until: () => phase === 'Healthy', timeoutMs: 60_000 }).finally(async () => {
      polling = false;
      await Promise.all([watcher.stop(), poller]);
    });
    const status = rolloutStatus(repo);
    assert.equal(status.rollout?.phase, 'Healthy', `ended ${status.rollout?.phase} after ${answers.length} answers`);
    assert.ok(weights.has(30) && weights.has(60), `weights served: ${[...weights].join(', ')}`);
    assert.equal(status.stableVersion, 3);
    const shown = sluice(repo.root, ['models', 'show', 'bc', '--json']);
    assert.equal((JSON.parse(shown.stdout) as { aliases: Record<string, number> }).aliases.production, 3);
    assert.equal(answers.filter((answer) => answer.status !== 200).length, 0);
    await pollUntil(async () => ((await environmentState(server!.url)).stableVersion === 3 ? true : undefined), 'the environment to serve v3', 5_000);
    const after = await load({ url: server.url, count: 100 });
    assert.deepEqual(new Set(after.map((answer) => answer.version)), new Set(['3']));
  });

  test('a canary step of 30% holds within ±3 percentage points over 5,000 requests', async () => {
    repo = environmentRepo(canaryYaml('          - setWeight: 30\n          - pause: {}', ''));
    server = await startServe(repo.root, ['--env', 'production']);
    deploy(repo, 'models:/bc/2');
    await pollUntil(async () => ((await environmentState(server!.url)).candidateVersion === 2 ? true : undefined), 'the canary to be loaded', 10_000);
    const answers = await load({ url: server.url, count: 5000, concurrency: 8, timeoutMs: 120_000 });
    assert.equal(answers.length, 5000);
    assert.equal(answers.filter((answer) => answer.status !== 200).length, 0);
    const share = shareOf(answers, '2');
    assert.ok(Math.abs(share - 0.3) <= 0.03, `candidate share ${(share * 100).toFixed(1)}%`);
    assert.ok(Math.abs(shareOf(answers, '1') - 0.7) <= 0.03);
  });

  test('during a canary, each loaded version answers at its own v2 version URL: metadata, readiness and infer', async () => {
    repo = environmentRepo(canaryYaml('          - setWeight: 50\n          - pause: {}', ''));
    server = await startServe(repo.root, ['--env', 'production']);
    deploy(repo, 'models:/bc/2');
    await pollUntil(async () => ((await environmentState(server!.url)).candidateVersion === 2 ? true : undefined), 'the canary to be loaded', 10_000);
    const body = JSON.stringify({ inputs: [{ name: 'input', shape: [1, 30], datatype: 'FP32', data: new Array(30).fill(1) }] });
    for (const version of ['1', '2']) {
      assert.equal((await fetch(`${server.url}/v2/models/bc/versions/${version}`)).status, 200, `metadata of version ${version}`);
      assert.equal((await fetch(`${server.url}/v2/models/bc/versions/${version}/ready`)).status, 200, `readiness of version ${version}`);
      for (let k = 0; k < 4; k++) {
        const answer = await fetch(`${server.url}/v2/models/bc/versions/${version}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        assert.equal(answer.status, 200);
        assert.equal(((await answer.json()) as { model_version: string }).model_version, version, 'the version the URL names answers, not the canary\'s split');
      }
    }
    assert.equal((await fetch(`${server.url}/v2/models/bc/versions/3/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status, 404);
  });

  test('with --workers 2, the primary sees both workers\' traffic: a weak canary is rolled back by feedback posted to either worker, and a step\'s weight holds', async () => {
    repo = environmentRepo(canaryYaml('          - setWeight: 50\n          - pause: {}', ACCURACY_ANALYSIS));
    server = await startServe(repo.root, ['--env', 'production', '--workers', '2']);
    assert.match(server.stderr(), /on 2 workers/);
    deploy(repo, 'models:/bc/2');
    await pollUntil(async () => ((await environmentState(server!.url)).candidateVersion === 2 ? true : undefined), 'the canary to be loaded', 10_000);
    const weighted = await load({ url: server.url, count: 1000, concurrency: 8 });
    assert.equal(weighted.filter((answer) => answer.status !== 200).length, 0);
    assert.ok(Math.abs(shareOf(weighted, '2') - 0.5) <= 0.03, `candidate share ${shareOf(weighted, '2')}`);
    let degraded = false;
    const watcher = watchRollout(repo, (status) => {
      degraded ||= status.rollout?.phase === 'Degraded';
    });
    const answers = await load({ url: server.url, count: 4000, feedback: true, until: () => degraded, timeoutMs: 60_000 }).finally(() => watcher.stop());
    const status = rolloutStatus(repo);
    assert.equal(status.rollout?.phase, 'Degraded', `still ${status.rollout?.phase} after ${answers.length} answers`);
    assert.equal(answers.filter((answer) => answer.status !== 200).length, 0);
    await pollUntil(async () => ((await environmentState(server!.url)).candidateVersion === undefined ? true : undefined), 'the canary to be released', 5_000);
    const after = await load({ url: server.url, count: 200 });
    assert.deepEqual(new Set(after.map((answer) => answer.version)), new Set(['1']));
  });

  test('with --workers 2, SIGKILL of the primary takes its workers with it, and a restart serves the same step', async () => {
    repo = environmentRepo(canaryYaml('          - setWeight: 40\n          - pause: {}', ''));
    server = await startServe(repo.root, ['--env', 'production', '--workers', '2']);
    deploy(repo, 'models:/bc/2');
    await pollUntil(async () => ((await environmentState(server!.url)).candidateVersion === 2 ? true : undefined), 'the canary to be loaded', 10_000);
    const workers = descendantsOf(server.child.pid!).map((child) => child.pid);
    assert.ok(workers.length >= 2, `workers: ${workers.join(', ')}`);
    server.child.kill('SIGKILL');
    await server.stop();
    await pollUntil(() => (workers.every((pid) => !isRunning(pid)) ? true : undefined), 'the workers to stop', 30_000);
    server = await startServe(repo.root, ['--env', 'production', '--workers', '2']);
    const state = await environmentState(server.url);
    assert.deepEqual([state.stableVersion, state.candidateVersion, state.policy], [1, 2, { kind: 'canary', weight: 40 }]);
  });

  test('SIGKILL mid-canary, then a restart: the same step with the same versions and weight', async () => {
    repo = environmentRepo(canaryYaml('          - setWeight: 40\n          - pause: {}\n          - setWeight: 80\n          - pause: {}', ''));
    server = await startServe(repo.root, ['--env', 'production']);
    deploy(repo, 'models:/bc/2');
    await pollUntil(async () => ((await environmentState(server!.url)).candidateVersion === 2 ? true : undefined), 'the canary to be loaded', 10_000);
    assert.equal(sluice(repo.root, ['rollout', 'promote', '--env', 'production']).code, 0);
    await pollUntil(async () => ((await environmentState(server!.url)).policy.weight === 80 ? true : undefined), 'the second step', 10_000);
    const before = rolloutStatus(repo).rollout!;
    server.child.kill('SIGKILL');
    await server.stop();
    server = await startServe(repo.root, ['--env', 'production']);
    const state = await environmentState(server.url);
    assert.equal(state.stableVersion, 1);
    assert.equal(state.candidateVersion, 2);
    assert.deepEqual(state.policy, { kind: 'canary', weight: 80 });
    const after = rolloutStatus(repo).rollout!;
    assert.equal(after.id, before.id);
    assert.equal(after.stepIndex, before.stepIndex);
    assert.equal(after.phase, 'Paused');
    const answers = await load({ url: server.url, count: 500 });
    assert.ok(Math.abs(shareOf(answers, '2') - 0.8) <= 0.03, `candidate share ${shareOf(answers, '2')}`);
  });
});
