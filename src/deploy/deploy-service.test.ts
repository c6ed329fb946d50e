/**
 * The deploy service on real stores (SQLite and PostgreSQL) with a real registry: rollouts are
 * persisted and resumed, alias moves and transitions land in the audit log, a second deploy is
 * refused while one is in progress, and analysis verdicts (from a scripted runner defined here:
 * this tests the control plane, not analysis) drive the rollout.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { scratchRepo } from '../../test/support/cli.js';
import { sharedFixture } from '../../test/support/fixtures.js';
import { STORE_BACKENDS } from '../../test/support/stores.js';
import { registerModelFile } from '../registry/index.js';
import { openWorkspace, openWorkspaceServices, type WorkspaceServices } from '../workspace/index.js';
import type { AnalysisPhase, AnalysisRunState } from './analysis/analysis-types.js';
import { parseEnvironments } from './config/load-environments.js';
import { createDeployService, type DeployService } from './deploy-service.js';
import type { AnalysisRunner } from './rollout/analysis-runner.js';
import { openRolloutStore } from './store/open.js';

const ACTOR = { name: 'tester', origin: 'test' };
const SLUICE_YAML = `stages: {}
deploy:
  production:
    model: bc
    port: 8080
    strategy:
      canary:
        steps:
          - setWeight: 20
          - pause: {duration: 30s}
          - setWeight: 50
          - pause: {}
        analysis:
          metrics:
            - name: live-accuracy
              interval: 10s
              successCondition: result >= 0.9
              provider: {feedback: {metric: accuracy}}
  staging:
    model: bc
    port: 8081
`;

interface Setup {
  readonly services: WorkspaceServices;
  readonly deploy: DeployService;
  readonly clock: { now: number };
  /** A second service on the same store, as another process would have. */
  other(): DeployService;
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A runner that gives each run the verdict scripted for its name (Running when none is). */
function scriptedRunner(verdicts: Record<string, AnalysisPhase>): AnalysisRunner {
  return {
    start: (name: string, _spec, now: number): AnalysisRunState => ({ name, phase: 'Running', startedAt: now, metrics: [] }),
    step: async (run: AnalysisRunState, _spec, _target, now: number): Promise<AnalysisRunState> => {
      const phase = verdicts[run.name] ?? 'Running';
      const final = phase !== 'Running' && phase !== 'Pending';
      return { ...run, phase, ...(final ? { finishedAt: now, message: `scripted ${phase}` } : {}) };
    },
  };
}

for (const [backend, openStore] of Object.entries(STORE_BACKENDS)) {
  describe(`deploy service on ${backend}`, () => {
    async function setup(): Promise<Setup> {
      const repo = scratchRepo({ 'sluice.yaml': SLUICE_YAML });
      const opened = await openStore();
      const services = await openWorkspaceServices(openWorkspace(repo.root, {}), { store: opened.store });
      cleanups.push(async () => {
        await services.close();
        await opened.dispose();
        repo.remove();
      });
      const registry = services.registry(ACTOR);
      const tempDir = join(repo.outside, 'tmp');
      await registerModelFile(registry, services.tracking, { source: sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), name: 'bc', alias: 'production', tempDir });
      await registerModelFile(registry, services.tracking, { source: sharedFixture('breast_cancer', 'models', 'bc_weak_logreg3.onnx'), name: 'bc', tempDir });
      await registerModelFile(registry, services.tracking, { source: sharedFixture('breast_cancer', 'models', 'bc_mlp.onnx'), name: 'bc', tempDir });
      const clock = { now: 1_000_000 };
      const make = () => createDeployService({ store: openRolloutStore(services.store.connection), registry, config: parseEnvironments(SLUICE_YAML), clock: () => clock.now });
      return { services, deploy: make(), clock, other: make };
    }

    test('a canary starts from the alias the environment serves and is persisted at its first pause', async () => {
      const { deploy } = await setup();
      const started = await deploy.startRollout({ reference: 'models:/bc/2', environment: 'production' });
      assert.equal(started.rollout.stableVersion, 1);
      const { rollout, state } = await deploy.status('production');
      assert.equal(rollout?.phase, 'Paused');
      assert.equal(rollout?.weight, 20);
      assert.equal(rollout?.stepIndex, 1);
      assert.equal(state?.stableVersion, 1);
      assert.deepEqual(rollout?.analysisRuns.map((run) => run.name), ['background']);
    });

    test('another process sees the same rollout and moves it on when the pause ends', async () => {
      const { deploy, clock, other } = await setup();
      await deploy.startRollout({ reference: 'models:/bc/2', environment: 'production' });
      clock.now += 30_000;
      const moved = await other().reconcile('production');
      assert.equal(moved?.rollout.weight, 50);
      assert.equal((await deploy.status('production')).rollout?.pausedIndefinitely, true);
    });

    test('promote completes the canary: the alias moves, the environment serves the candidate, transitions are audited', async () => {
      const { deploy, clock, services } = await setup();
      await deploy.startRollout({ reference: 'bc/2', environment: 'production' });
      clock.now += 30_000;
      await deploy.reconcile('production');
      const done = await deploy.promote('production');
      assert.equal(done.rollout.phase, 'Healthy');
      assert.equal((await services.registry(ACTOR).getVersionByAlias('bc', 'production')).version, 2);
      assert.equal((await deploy.status('production')).state?.stableVersion, 2);
      const actions = (await services.registry(ACTOR).listAudit({ model: 'bc', limit: 100 })).map((entry) => entry.action);
      assert.ok(actions.includes('deploy.rollout_started'), actions.join());
      assert.ok(actions.includes('deploy.rollout_completed'), actions.join());
      assert.ok(actions.includes('alias.set'), actions.join());
    });

    test('a promote to a candidate deleted from the registry since is refused, and changes nothing', async () => {
      const { deploy, clock, services } = await setup();
      await deploy.startRollout({ reference: 'bc/2', environment: 'production' });
      clock.now += 30_000;
      const before = (await deploy.reconcile('production'))?.rollout;
      await services.registry(ACTOR).deleteModelVersion('bc', 2);
      await assert.rejects(deploy.promote('production'), /SLUICE_DEPLOY_VERSION_GONE|deleted from the registry/);
      const after = (await deploy.status('production')).rollout;
      assert.equal(after?.phase, before?.phase);
      assert.equal(after?.revision, before?.revision);
      assert.equal((await deploy.abort('production')).rollout.phase, 'Aborted', 'the rollout can still be aborted');
      assert.equal((await services.registry(ACTOR).getVersionByAlias('bc', 'production')).version, 1);
    });

    test('the versions an environment serves or a rollout in progress rolls out are reported as deployed', async () => {
      const { deploy } = await setup();
      await deploy.startRollout({ reference: 'bc/2', environment: 'production' });
      await assert.rejects(deploy.assertNotDeployed('bc', 2), /candidate of the rollout in progress on "production"/);
      await assert.rejects(deploy.assertNotDeployed('bc', 1), /environment "production" serves version 1/);
      await assert.rejects(deploy.assertNotDeployed('bc'), /SLUICE_DEPLOY_VERSION_IN_USE|Not deleting models:\/bc/);
      await deploy.assertNotDeployed('bc', 3);
      await deploy.assertNotDeployed('other');
    });

    test('before its first rollout, the version an environment\'s alias names is reported as deployed', async () => {
      const { deploy } = await setup();
      await assert.rejects(deploy.assertNotDeployed('bc', 1), /environment "production" serves version 1/);
      await deploy.assertNotDeployed('bc', 2);
    });

    test('a reconciliation with nothing due writes nothing', async () => {
      const { deploy, clock } = await setup();
      const started = await deploy.startRollout({ reference: 'models:/bc/2', environment: 'production' });
      clock.now += 1_000;
      const idle = await deploy.reconcile('production');
      assert.equal(idle?.effects.length, 0);
      assert.equal((await deploy.status('production')).rollout?.revision, started.rollout.revision);
    });

    test('a failing analysis measured by the runner degrades the rollout and records an alert', async () => {
      const { deploy, clock, services } = await setup();
      await deploy.startRollout({ reference: 'models:/bc/2', environment: 'production' });
      clock.now += 10_000;
      await deploy.reconcile('production', undefined, scriptedRunner({}));
      const result = await deploy.reconcile('production', undefined, scriptedRunner({ background: 'Failed' }));
      assert.equal(result?.rollout.phase, 'Degraded');
      assert.equal(result?.rollout.weight, 0);
      assert.equal((await services.registry(ACTOR).getVersionByAlias('bc', 'production')).version, 1);
      const actions = (await services.registry(ACTOR).listAudit({ model: 'bc', limit: 100 })).map((entry) => entry.action);
      assert.ok(actions.includes('deploy.alert'), actions.join());
    });

    test('a second deploy while one is in progress is refused, saying --force aborts the first', async () => {
      const { deploy } = await setup();
      await deploy.startRollout({ reference: 'models:/bc/2', environment: 'production' });
      await assert.rejects(deploy.startRollout({ reference: 'models:/bc/3', environment: 'production' }), (error: { code?: string; hint?: string }) => {
        assert.equal(error.code, 'SLUICE_DEPLOY_ROLLOUT_IN_PROGRESS');
        assert.match(error.hint ?? '', /--force/);
        return true;
      });
    });

    test('--force aborts the rollout in progress and starts the new one', async () => {
      const { deploy, clock } = await setup();
      const first = await deploy.startRollout({ reference: 'models:/bc/2', environment: 'production' });
      clock.now += 1_000;
      const second = await deploy.startRollout({ reference: 'models:/bc/3', environment: 'production', force: true });
      const history = await deploy.history('production');
      assert.deepEqual(history.map((rollout) => [rollout.id, rollout.phase]), [[second.rollout.id, 'Paused'], [first.rollout.id, 'Aborted']]);
      assert.equal(second.rollout.stableVersion, 1);
    });

    test('of two concurrent deploys to one environment, exactly one starts', async () => {
      const { deploy, other } = await setup();
      const outcomes = await Promise.allSettled([deploy.startRollout({ reference: 'models:/bc/2', environment: 'production' }), other().startRollout({ reference: 'models:/bc/3', environment: 'production' })]);
      assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1);
      assert.equal((await deploy.history('production')).length, 1);
    });

    test('rollback after completion moves the alias back to the previous stable version', async () => {
      const { deploy, services } = await setup();
      await deploy.startRollout({ reference: 'models:/bc/2', environment: 'production', strategyOverride: 'direct' });
      const back = await deploy.rollback('production');
      assert.equal(back.rollout.phase, 'RolledBack');
      assert.equal((await services.registry(ACTOR).getVersionByAlias('bc', 'production')).version, 1);
      assert.equal((await deploy.status('production')).state?.stableVersion, 1);
    });

    test('an unknown version is refused as not found (exit 2)', async () => {
      const { deploy } = await setup();
      await assert.rejects(deploy.startRollout({ reference: 'models:/bc/9', environment: 'production' }), (error: { code?: string; exitCode?: number }) => {
        assert.equal(error.code, 'SLUICE_REGISTRY_VERSION_NOT_FOUND');
        assert.equal(error.exitCode, 2);
        return true;
      });
    });

    test('a first deploy to an environment whose alias is unset switches at once', async () => {
      const { deploy, services } = await setup();
      const result = await deploy.startRollout({ reference: 'models:/bc/3', environment: 'staging' });
      assert.equal(result.rollout.phase, 'Healthy');
      assert.equal((await services.registry(ACTOR).getVersionByAlias('bc', 'staging')).version, 3);
    });

    test('--strategy canary for an environment without canary steps is refused', async () => {
      const { deploy } = await setup();
      await assert.rejects(deploy.startRollout({ reference: 'models:/bc/2', environment: 'staging', strategyOverride: 'canary' }), /no canary configuration/);
    });
  });
}
