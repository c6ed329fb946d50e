/**
 * The rollout control plane: starting a rollout of a registered version into an environment,
 * reading and changing it (promote, abort, rollback), and reconciling it (analysis measurements,
 * the clock). Each operation loads the rollout, asks the pure controller what comes next,
 * persists the result at the revision it read (retrying from a fresh read when another process
 * wrote first), then carries out the effects: alias moves through the registry service (so they
 * land in the audit log under the actor), every transition and alert as an audit entry.
 *
 * Weights, versions to load and release, and analysis starts are state, not calls: the rollout
 * row is what the serving environment (`sluice serve --env`) routes by, and it applies them when
 * it next reads it. The effects are also returned for a caller that acts on them at once.
 */
import { randomBytes } from 'node:crypto';
import { formatModelUri, invalidModelUri, parseModelReference, referenceUri, type RegistryService } from '../registry/index.js';
import type { AnalysisRunState } from './analysis/analysis-types.js';
import { findEnvironment, type DeployConfig } from './config/load-environments.js';
import type { EnvironmentSpec } from './config/environment-schema.js';
import { strategySchema, type Strategy, type StrategyKind } from './config/strategy-schema.js';
import { alreadyServing, concurrentRolloutUpdate, noRollout, nothingToRollBack, rolloutInProgress, rolloutNotActive, rolloutVersionGone, strategyNotConfigured, versionDeployed, wrongModel } from './errors.js';
import type { AnalysisRunner } from './rollout/analysis-runner.js';
import { analysisSpecFor } from './rollout/analysis-specs.js';
import { beginRollout, reconcile as reconcileRollout } from './rollout/controller.js';
import { isInProgress, type ReconcileInputs, type ReconcileResult, type Rollout, type RolloutEffect } from './rollout/rollout.js';
import type { EnvironmentState, RolloutStore } from './store/rollout-store.js';

/** Attempts at a write before giving up on a rollout other processes keep changing. */
const MAX_ATTEMPTS = 8;

export interface DeployServiceOptions {
  readonly store: RolloutStore;
  /** Bound to the actor: alias moves and audit entries name them. */
  readonly registry: RegistryService;
  readonly config: DeployConfig;
  readonly clock?: (() => number) | undefined;
  /** Called with each alert (a failed analysis) as it is raised, e.g. to log it. */
  readonly onAlert?: ((message: string, rollout: Rollout) => void) | undefined;
}

export interface StartRolloutInput {
  /** `models:/NAME/3`, `models:/NAME@ALIAS`, `NAME/3` or `NAME@ALIAS`. */
  readonly reference: string;
  readonly environment: string;
  readonly strategyOverride?: StrategyKind | undefined;
  /** Abort a rollout in progress instead of refusing. */
  readonly force?: boolean | undefined;
}

/** An environment as declared and as observed. */
export interface EnvironmentStatus {
  readonly environment: EnvironmentSpec;
  readonly state: EnvironmentState | undefined;
  /** The environment's latest rollout (in progress or finished), if it has had one. */
  readonly rollout: Rollout | undefined;
}

export interface DeployService {
  startRollout(input: StartRolloutInput): Promise<ReconcileResult>;
  status(environment: string): Promise<EnvironmentStatus>;
  promote(environment: string, options?: { full?: boolean | undefined }): Promise<ReconcileResult>;
  abort(environment: string): Promise<ReconcileResult>;
  rollback(environment: string): Promise<ReconcileResult>;
  /** Rollouts of the environment, newest first. */
  history(environment: string, limit?: number): Promise<Rollout[]>;
  /**
   * Moves the environment's rollout on: steps its analysis runs with `runner` (without one they
   * stay as they are, for the process that can measure them), then applies the clock. Returns
   * undefined when the environment has no rollout.
   */
  reconcile(environment: string, now?: number, runner?: AnalysisRunner): Promise<ReconcileResult | undefined>;
  /**
   * Refuses (SLUICE_DEPLOY_VERSION_IN_USE) to let `version` of `model` (every version, when
   * undefined) be deleted while an environment serves it as its stable version or a rollout in
   * progress has it as its candidate.
   */
  assertNotDeployed(model: string, version?: number): Promise<void>;
}

/** Time-ordered rollout ids: 12 hex digits of milliseconds, then randomness. */
function rolloutId(now: number): string {
  return `${now.toString(16).padStart(12, '0')}${randomBytes(5).toString('hex')}`;
}

/** The version the environment serves as stable once the rollout is in this state. */
function stableOf(rollout: Rollout): number | undefined {
  return rollout.phase === 'Healthy' ? rollout.candidateVersion : rollout.stableVersion;
}

/** The environment's strategy, or the one `--strategy` asks for (canary needs its steps configured; the others take their defaults). */
export function chooseStrategy(environment: EnvironmentSpec, override: StrategyKind | undefined): Strategy {
  if (override === undefined || override === environment.strategy.kind) return environment.strategy;
  if (override === 'canary') throw strategyNotConfigured({ environment: environment.name, kind: override });
  // The other strategies' defaults need no configuration.
  return strategySchema.parse({ [override]: {} });
}

// eslint-disable-next-line max-lines-per-function -- a service is one closure over its store, registry and clock; each method is short, and splitting the object would scatter one interface
export function createDeployService({ store, registry, config, clock = Date.now, onAlert }: DeployServiceOptions): DeployService {
  async function current(environment: string): Promise<{ state: EnvironmentState | undefined; rollout: Rollout | undefined }> {
    const state = await store.getEnvironment(environment);
    const rollout = state?.currentRolloutId === undefined ? undefined : await store.getRollout(state.currentRolloutId);
    return { state, rollout };
  }

  async function audit(rollout: Rollout, action: string, message: string): Promise<void> {
    await registry.audit(`deploy.${action.replace(/^rollout\./, 'rollout_')}`, formatModelUri(rollout.model, rollout.candidateVersion), {
      environment: rollout.environment,
      rollout: rollout.id,
      phase: rollout.phase,
      stable_version: rollout.stableVersion ?? null,
      candidate_version: rollout.candidateVersion,
      weight: rollout.weight,
      message,
    });
  }

  async function applyEffects(rollout: Rollout, effects: readonly RolloutEffect[]): Promise<void> {
    for (const effect of effects) {
      if (effect.kind === 'moveAlias') await registry.setAlias(rollout.model, rollout.alias, effect.version);
      else if (effect.kind === 'transition') await audit(rollout, effect.action, effect.message);
      else if (effect.kind === 'alert') {
        onAlert?.(effect.message, rollout);
        await audit(rollout, 'alert', effect.message);
      }
    }
  }

  /** Starts the runs the controller added as Pending, and takes the due measurements of the running ones. */
  async function measure(rollout: Rollout, runner: AnalysisRunner, now: number): Promise<Rollout> {
    const target = { environment: rollout.environment, model: rollout.model, stableVersion: String(rollout.stableVersion ?? ''), candidateVersion: String(rollout.candidateVersion) };
    const runs: AnalysisRunState[] = [];
    for (const run of rollout.analysisRuns) {
      const spec = analysisSpecFor(rollout.strategy, run.name);
      const active = (run.phase === 'Pending' || run.phase === 'Running') && run.finishedAt === undefined;
      if (!spec || !active) {
        runs.push(run);
        continue;
      }
      const started = run.phase === 'Pending' && run.metrics.length === 0 ? runner.start(run.name, spec, run.startedAt) : run;
      runs.push(await runner.step(started, spec, { ...target, since: started.startedAt }, now));
    }
    return { ...rollout, analysisRuns: runs };
  }

  /**
   * Loads the rollout, reconciles it with what `inputsFor` asks, saves at the revision read and
   * applies the effects; retries from a fresh read on a conflicting write.
   */
  async function update(environment: string, inputsFor: (rollout: Rollout, now: number) => ReconcileInputs, runner?: AnalysisRunner, at?: number): Promise<ReconcileResult> {
    findEnvironment(config, environment);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { rollout: loaded } = await current(environment);
      if (!loaded) throw noRollout({ environment });
      const now = at ?? clock();
      const measured = runner && isInProgress(loaded.phase) ? await measure(loaded, runner, now) : loaded;
      const result = reconcileRollout(measured, measured.strategy, inputsFor(measured, now));
      // Nothing measured and nothing decided: no write, so idle ticks do not churn revisions.
      const unmeasured = measured === loaded || JSON.stringify(measured.analysisRuns) === JSON.stringify(loaded.analysisRuns);
      if (result.effects.length === 0 && unmeasured) return { rollout: loaded, effects: [] };
      // The alias moves last: a version deleted since would leave the rollout saved and the alias where it was.
      for (const effect of result.effects) {
        if (effect.kind === 'moveAlias' && !(await registry.findVersion(formatModelUri(loaded.model, effect.version)))) throw rolloutVersionGone({ environment, model: loaded.model, version: effect.version });
      }
      const saved = await store.saveRollout(result.rollout, stableOf(result.rollout));
      if (!saved) continue;
      await applyEffects(saved, result.effects);
      return { rollout: saved, effects: result.effects };
    }
    throw concurrentRolloutUpdate({ environment });
  }

  async function resolveCandidate(environment: EnvironmentSpec, reference: string): Promise<number> {
    const parsed = parseModelReference(reference);
    if (parsed.kind === 'model') {
      throw invalidModelUri({ uri: reference }, { hint: `Name a version: models:/${parsed.name}/3 or models:/${parsed.name}@challenger.` });
    }
    if (parsed.name !== environment.model) throw wrongModel({ environment: environment.name, expected: environment.model, given: parsed.name });
    return (await registry.resolve(referenceUri(parsed))).version;
  }

  async function currentStable(environment: EnvironmentSpec, state: EnvironmentState | undefined): Promise<number | undefined> {
    // A stable version of another model (sluice.yaml now names a different one) is no baseline.
    if (state?.stableVersion !== undefined && state.model === environment.model) return state.stableVersion;
    // Before its first rollout, an environment serves whatever its alias names, if anything.
    return (await registry.findVersion(formatModelUri(environment.model, environment.alias)))?.version;
  }

  return {
    async assertNotDeployed(model: string, version?: number): Promise<void> {
      const uses: string[] = [];
      for (const environment of config.environments.values()) {
        if (environment.model !== model) continue;
        const { state, rollout } = await current(environment.name);
        // Before its first rollout, an environment serves what its alias names.
        const stable = await currentStable(environment, state);
        if (stable !== undefined && (version === undefined || stable === version)) uses.push(`environment "${environment.name}" serves version ${stable}`);
        if (rollout?.model === model && isInProgress(rollout.phase) && (version === undefined || rollout.candidateVersion === version)) {
          uses.push(`version ${rollout.candidateVersion} is the candidate of the rollout in progress on "${environment.name}"`);
        }
      }
      if (uses.length > 0) throw versionDeployed({ target: version === undefined ? `models:/${model}` : formatModelUri(model, version), uses });
    },

    async startRollout(input: StartRolloutInput): Promise<ReconcileResult> {
      const environment = findEnvironment(config, input.environment);
      const candidate = await resolveCandidate(environment, input.reference);
      const strategy = chooseStrategy(environment, input.strategyOverride);
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const { state, rollout: previous } = await current(environment.name);
        const now = clock();
        let replaced: ReconcileResult | undefined;
        if (previous && isInProgress(previous.phase)) {
          if (!input.force) throw rolloutInProgress({ environment: environment.name, version: previous.candidateVersion, phase: previous.phase });
          replaced = reconcileRollout(previous, previous.strategy, { now, abort: true, reason: `aborted by a forced deploy of version ${candidate}` });
        }
        const stable = await currentStable(environment, state);
        if (stable === candidate) throw alreadyServing({ environment: environment.name, version: candidate });
        const began = beginRollout({ id: rolloutId(now), environment: environment.name, model: environment.model, alias: environment.alias, stableVersion: stable, candidateVersion: candidate, strategy, now });
        const written = await store.startRollout({ rollout: began.rollout, expectedCurrentId: previous?.id, replaced: replaced?.rollout, stableVersion: stableOf(began.rollout) });
        if (!written) continue;
        if (replaced) await applyEffects(replaced.rollout, replaced.effects);
        await applyEffects(began.rollout, began.effects);
        return began;
      }
      throw concurrentRolloutUpdate({ environment: environment.name });
    },

    async status(name: string): Promise<EnvironmentStatus> {
      const environment = findEnvironment(config, name);
      const { state, rollout } = await current(name);
      return { environment, state, rollout };
    },

    promote(environment: string, options: { full?: boolean | undefined } = {}): Promise<ReconcileResult> {
      return update(environment, (rollout, now) => {
        if (!isInProgress(rollout.phase)) throw rolloutNotActive({ environment, action: 'promote', phase: rollout.phase });
        return options.full ? { now, fullPromote: true } : { now, promote: true };
      });
    },

    abort(environment: string): Promise<ReconcileResult> {
      return update(environment, (rollout, now) => {
        if (!isInProgress(rollout.phase)) throw rolloutNotActive({ environment, action: 'abort', phase: rollout.phase });
        return { now, abort: true };
      });
    },

    rollback(environment: string): Promise<ReconcileResult> {
      return update(environment, (rollout, now) => {
        if (rollout.stableVersion === undefined) throw nothingToRollBack({ environment, reason: `version ${rollout.candidateVersion} was its first deploy, so no earlier version exists` });
        if (!isInProgress(rollout.phase) && rollout.phase !== 'Healthy') {
          throw nothingToRollBack({ environment, reason: `its last rollout is already ${rollout.phase}, and version ${rollout.stableVersion} serves` });
        }
        return { now, rollback: true };
      });
    },

    async history(environment: string, limit = 20): Promise<Rollout[]> {
      findEnvironment(config, environment);
      return store.listRollouts(environment, limit);
    },

    async reconcile(environment: string, now?: number, runner?: AnalysisRunner): Promise<ReconcileResult | undefined> {
      findEnvironment(config, environment);
      const { rollout } = await current(environment);
      if (!rollout || !isInProgress(rollout.phase)) return rollout ? { rollout, effects: [] } : undefined;
      return update(environment, (_rollout, at) => ({ now: at }), runner, now);
    },
  };
}
