/**
 * `retrain: {then: deploy}`: a retrained model that passes its gate against production is
 * registered as `challenger` and then rolled out to the environment with the environment's own
 * strategy, as `sluice deploy` would: a canary paused at 25% that the running server splits
 * traffic by, whose feedback-accuracy analysis measures it, and that moves the production alias
 * only when promoted. (Without `then: deploy`, no rollout starts: monitor-retrain.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sluice, type ScratchRepo } from '../support/cli.js';
import { environmentState, load, rolloutStatus, watchRollout, type RolloutJson } from '../support/environment.js';
import { pollUntil } from '../support/processes.js';
import { driftedTrafficThenMonitor, driftMonitor, examplePipelineRepo, modelVersions, registerProduction, retrainOutcome } from '../support/retrain.js';
import { startServe, type ServedProcess } from '../support/serve.js';

const YAML = `
deploy:
  production:
    model: breast-cancer
    port: 0
    strategy:
      canary:
        steps:
          - setWeight: 25
          - pause: {}
        analysis:
          metrics:
            - name: live-accuracy
              interval: 1s
              successCondition: result >= 0.9
              provider:
                feedback: {metric: accuracy, minSamples: 30}
${driftMonitor('[{retrain: {then: deploy}}]')}`;

let repo: ScratchRepo;
let server: ServedProcess | undefined;

before(() => {
  repo = examplePipelineRepo(YAML);
  registerProduction(repo.root);
});
after(async () => {
  await server?.stop();
  repo?.remove();
});

function successfulMeasurements(status: RolloutJson): number {
  return (status.rollout?.analysisRuns ?? []).flatMap((run) => run.metrics.flatMap((metric) => metric.measurements)).filter((measurement) => measurement.phase === 'Successful').length;
}

test('a passing retrain with then: deploy goes through the environment\'s canary: split traffic, analysis, and the alias moves only when promoted', async () => {
  const action = retrainOutcome(await driftedTrafficThenMonitor(repo.root));
  assert.equal(action.ok, true, action.message);
  assert.match(action.message, /registered models:\/breast-cancer\/2 as challenger; rollout to production started: paused at step 2\/2 until `sluice rollout promote`$/);
  const started = rolloutStatus(repo);
  assert.deepEqual([started.stableVersion, started.rollout?.phase, started.rollout?.candidateVersion, started.rollout?.weight], [1, 'Paused', 2, 25]);
  // A rollout, not a promotion: production's alias has not moved.
  assert.deepEqual(modelVersions(repo.root), [
    [1, ['production']],
    [2, ['challenger']],
  ]);

  server = await startServe(repo.root, ['--env', 'production', '--no-monitor']);
  await pollUntil(async () => ((await environmentState(server!.url)).candidateVersion === 2 ? true : undefined), 'the canary to be loaded', 10_000);
  let measured = false;
  const watcher = watchRollout(repo, (status) => {
    measured ||= successfulMeasurements(status) > 0;
  });
  const answers = await load({ url: server.url, count: 5000, feedback: true, until: () => measured, timeoutMs: 60_000 }).finally(() => watcher.stop());
  assert.ok(measured, `no successful analysis measurement after ${answers.length} answers`);
  assert.deepEqual(answers.filter((answer) => answer.status !== 200), []);
  assert.deepEqual(new Set(answers.map((answer) => answer.version)), new Set(['1', '2']), 'both versions answered');

  const promoted = sluice(repo.root, ['rollout', 'promote', '--env', 'production']);
  assert.equal(promoted.code, 0, promoted.stderr);
  const done = rolloutStatus(repo);
  assert.deepEqual([done.stableVersion, done.rollout?.phase], [2, 'Healthy']);
  assert.deepEqual(modelVersions(repo.root), [
    [1, []],
    [2, ['challenger', 'production']],
  ]);
  const audit = sluice(repo.root, ['audit', '--json']).stdout;
  for (const action of ['monitor.action.retrain', 'deploy.rollout_started', 'deploy.rollout_completed']) assert.match(audit, new RegExp(action.replace(/\./g, '\\.')));
});
