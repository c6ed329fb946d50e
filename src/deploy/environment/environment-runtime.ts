/**
 * An environment being served (`sluice serve --env NAME`): the loaded versions, the traffic
 * router between them, and the control loop. Every `intervalMs` (and at once on start) it
 * reconciles the environment's rollout with analysis measured on this process's live window,
 * reads the state back (so a `sluice deploy`, `promote` or `abort` from another process lands
 * within a tick), loads the versions the state needs, switches routing in one assignment, and
 * releases versions no longer needed (each after its last in-flight request). A restart resumes:
 * the state is the rollout row, so the same versions serve at the same step.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parse as parseCookie } from 'cookie';
import type { LiveWindow, ModelRouter, RoutedModels, RowPredictions, ServedModel } from '../../serving/index.js';
import { createAnalysisRunner } from '../analysis/analysis-runner.js';
import { createMetricProviders } from '../analysis/providers/create-metric-providers.js';
import type { DeployService } from '../deploy-service.js';
import { environmentHasNoVersion } from '../errors.js';
import { TrafficRouter, type RequestKeys } from '../routing/traffic-router.js';
import { routingStateOf, samePolicy, type RoutingState } from './routing-state.js';
import type { EnvironmentSnapshot } from './environment-snapshot.js';
import { ShadowComparison } from './shadow-comparison.js';

export interface EnvironmentRuntimeOptions {
  readonly environment: string;
  /** The registered model the environment serves (the name requests use). */
  readonly model: string;
  /** The alias the environment serves. */
  readonly alias: string;
  readonly deploy: DeployService;
  /**
   * Loads `models:/MODEL/VERSION` for serving. Without it the runtime only controls: it reconciles
   * and reports the routing state (to workers that serve it, through onRouting) and loads nothing.
   */
  readonly loadVersion?: ((version: number) => Promise<ServedModel>) | undefined;
  /** Called after each tick with the routing state (a primary hands it to its workers). */
  readonly onRouting?: ((state: RoutingState, rolloutId: string | undefined) => void) | undefined;
  /** The version the environment's alias names, for an environment no rollout has touched yet. */
  readonly aliasVersion: () => Promise<number | undefined>;
  readonly live: LiveWindow;
  readonly log: { info(message: string): void; warn(message: string): void };
  readonly intervalMs?: number;
  readonly clock?: () => number;
  /** Called after each tick with what serves now (to keep a snapshot for `sluice rollout status`). */
  readonly onState?: ((snapshot: EnvironmentSnapshot) => void) | undefined;
}

/** What is serving now, swapped as one value. */
interface Serving {
  readonly state: RoutingState;
  readonly stable: ServedModel;
  readonly candidate: ServedModel | undefined;
  readonly router: TrafficRouter;
  readonly rolloutId: string | undefined;
}

/** A description of the environment, for `GET /environment` and the state file. */
export interface EnvironmentDescription {
  readonly environment: string;
  readonly model: string;
  readonly stableVersion: number | undefined;
  readonly candidateVersion: number | undefined;
  readonly policy: RoutingState['policy'] | undefined;
  readonly loadedVersions: readonly number[];
  readonly shadow: ReturnType<ShadowComparison['summary']> | undefined;
}

const NO_HEADERS: RequestKeys = { header: () => undefined, cookie: () => undefined };

function requestKeys(headers: IncomingHttpHeaders): RequestKeys {
  let cookies: Record<string, string | undefined> | undefined;
  return {
    header: (name) => {
      const value = headers[name];
      return Array.isArray(value) ? value[0] : value;
    },
    cookie: (name) => {
      cookies ??= headers.cookie ? parseCookie(headers.cookie) : {};
      return cookies[name];
    },
  };
}

export class EnvironmentRuntime implements ModelRouter {
  private serving: Serving | undefined;
  /** The routing state last computed or received, with the rollout it belongs to. */
  private routing: { state: RoutingState; rolloutId: string | undefined } | undefined;
  private readonly loaded = new Map<number, ServedModel>();
  private readonly loading = new Map<number, Promise<ServedModel>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private closed = false;
  private shadow = new ShadowComparison();
  private shadowRollout: string | undefined;
  private reported: string | undefined;
  private readonly clock: () => number;
  private readonly runner;

  constructor(private readonly options: EnvironmentRuntimeOptions) {
    this.clock = options.clock ?? Date.now;
    this.runner = createAnalysisRunner(createMetricProviders({ requests: options.live, feedback: options.live, predictions: options.live }));
  }

  /** Reconciles once, loads what the state needs and starts the loop; throws when nothing can serve. */
  async start(): Promise<void> {
    await this.tick(true);
    this.schedule();
  }

  route(name: string, version: string | undefined, headers: IncomingHttpHeaders): RoutedModels | undefined {
    const serving = this.serving;
    if (!serving || name !== this.options.model) return undefined;
    if (version !== undefined) {
      const named = [...this.loaded.values()].find((model) => model.version === version);
      return named ? { model: named } : undefined;
    }
    if (!serving.candidate) return { model: serving.stable };
    const decision = serving.router.route(serving.state.policy.kind === 'ab' || serving.state.policy.kind === 'bluegreen' ? requestKeys(headers) : NO_HEADERS);
    if (decision.arm === 'candidate') return { model: serving.candidate };
    return decision.shadow ? { model: serving.stable, shadow: serving.candidate } : { model: serving.stable };
  }

  compareShadow(stable: RowPredictions, shadow: RowPredictions): void {
    this.shadow.add(stable, shadow);
  }

  describe(): EnvironmentDescription {
    const state = this.routing?.state;
    return {
      environment: this.options.environment,
      model: this.options.model,
      stableVersion: state?.stable,
      candidateVersion: state?.candidate,
      policy: state?.policy,
      loadedVersions: this.options.loadVersion ? [...this.loaded.keys()] : [...(state?.loaded ?? [])],
      shadow: state?.policy.kind === 'shadow' || this.shadow.count > 0 ? this.shadow.summary() : undefined,
    };
  }

  /** The routing state last computed (for a worker that starts after it was broadcast). */
  currentRouting(): { state: RoutingState; rolloutId: string | undefined } | undefined {
    return this.routing;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.ticking?.catch(() => undefined);
    for (const model of this.loaded.values()) model.retire();
    this.loaded.clear();
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick(false)
        .catch((error: unknown) => this.options.log.warn(`environment ${this.options.environment}: ${error instanceof Error ? error.message : String(error)}; retrying`))
        .finally(() => this.schedule());
    }, this.options.intervalMs ?? 500);
    this.timer.unref();
  }

  /** One pass of the control loop. */
  private async tick(first: boolean): Promise<void> {
    const { deploy, environment } = this.options;
    await deploy.reconcile(environment, this.clock(), this.runner);
    const status = await deploy.status(environment);
    const stableVersion = status.state?.stableVersion ?? (status.state === undefined ? await this.options.aliasVersion() : undefined);
    const state = routingStateOf(status.rollout, stableVersion, this.clock());
    if (!state) {
      if (first) throw environmentHasNoVersion({ environment, model: this.options.model, alias: this.options.alias });
      return;
    }
    const rolloutId = state.candidate === undefined ? undefined : status.rollout?.id;
    this.options.onRouting?.(state, rolloutId);
    await this.applyRouting(state, rolloutId);
    this.report();
  }

  /** Hands the snapshot to onState when it changed since the last one. */
  private report(): void {
    if (!this.options.onState || !this.routing) return;
    const described = this.describe();
    const snapshot: EnvironmentSnapshot = {
      environment: described.environment,
      ...(this.shadowRollout === undefined ? {} : { rolloutId: this.shadowRollout }),
      ...(described.stableVersion === undefined ? {} : { stableVersion: described.stableVersion }),
      ...(described.candidateVersion === undefined ? {} : { candidateVersion: described.candidateVersion }),
      loadedVersions: [...described.loadedVersions],
      ...(described.shadow ? { shadow: described.shadow } : {}),
      updatedAt: this.clock(),
      pid: process.pid,
    };
    const key = JSON.stringify({ ...snapshot, updatedAt: 0 });
    if (key === this.reported) return;
    this.reported = key;
    this.options.onState(snapshot);
  }

  /**
   * Loads what `state` needs, switches to it, releases the rest (a controlling runtime without
   * loadVersion only records it). Public for a worker of several, which is handed the state its
   * primary computed.
   */
  async applyRouting(state: RoutingState, rolloutId: string | undefined): Promise<void> {
    if (rolloutId !== this.shadowRollout) {
      this.shadow = new ShadowComparison();
      this.shadowRollout = rolloutId;
    }
    const loadVersion = this.options.loadVersion;
    if (!loadVersion) {
      this.routing = { state, rolloutId };
      return;
    }
    const models = await Promise.all(state.loaded.map((version) => this.load(version, loadVersion)));
    if (this.closed) return;
    this.routing = { state, rolloutId };
    const previous = this.serving;
    const unchanged = previous && previous.state.stable === state.stable && previous.state.candidate === state.candidate && samePolicy(previous.state.policy, state.policy);
    if (!unchanged) {
      // Keep the router (and its counter) while the policy holds: weights stay exact across ticks.
      const router = previous && samePolicy(previous.state.policy, state.policy) ? previous.router : new TrafficRouter(state.policy);
      this.serving = { state, stable: models[0]!, candidate: state.candidate === undefined ? undefined : models[1], router, rolloutId };
      this.options.log.info(`environment ${this.options.environment}: stable v${state.stable}${state.candidate === undefined ? '' : `, candidate v${state.candidate}`} (${describePolicy(state)})`);
    }
    for (const [version, model] of this.loaded) {
      if (!state.loaded.includes(version)) {
        this.loaded.delete(version);
        model.retire();
        this.options.log.info(`environment ${this.options.environment}: released v${version}`);
      }
    }
  }

  private async load(version: number, loadVersion: (version: number) => Promise<ServedModel>): Promise<ServedModel> {
    const ready = this.loaded.get(version);
    if (ready) return ready;
    let loading = this.loading.get(version);
    if (!loading) {
      loading = loadVersion(version).finally(() => this.loading.delete(version));
      this.loading.set(version, loading);
    }
    const model = await loading;
    this.loaded.set(version, model);
    return model;
  }
}

function describePolicy(state: RoutingState): string {
  const policy = state.policy;
  switch (policy.kind) {
    case 'single':
      return 'all traffic to stable';
    case 'canary':
      return `${policy.weight}% to the candidate`;
    case 'bluegreen':
      return 'candidate as preview (x-sluice-preview: 1)';
    case 'shadow':
      return `${policy.percent}% copied to the candidate as shadow`;
    case 'ab':
      return policy.match ? 'A/B by match' : `A/B, ${policy.weight}% of user keys (or of requests without one) to the candidate`;
  }
}
