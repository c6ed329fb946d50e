/**
 * The parts of Argo Rollouts' `argoproj.io/v1alpha1` Rollout and AnalysisTemplate that Sluice
 * writes, named as in Argo's Go types (argoproj/argo-rollouts: pkg/apis/rollouts/v1alpha1/types.go,
 * analysis_types.go). Tests validate the objects against the published CRD schemas
 * (test/fixtures/crds/), so these interfaces only need to say what the renderers produce.
 */
import type { Deployment } from '../package/index.js';

interface ObjectMeta {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** An argument of an AnalysisTemplate: a default value, or (in a Rollout) a value or the pod-template hash. */
export interface AnalysisArgument {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly podTemplateHashValue: 'Stable' | 'Latest' };
}

/** How a Rollout runs an analysis: the templates and the arguments it passes. */
export interface RolloutAnalysis {
  readonly templates: ReadonlyArray<{ readonly templateName: string }>;
  readonly args?: readonly AnalysisArgument[];
}

/** One step of a canary. */
export type ArgoCanaryStep =
  | { readonly setWeight: number }
  | { readonly pause: { readonly duration?: string } }
  | { readonly analysis: RolloutAnalysis };

/** `spec.strategy.canary` (no trafficRouting: weights by pod counts). */
export interface ArgoCanaryStrategy {
  readonly steps: readonly ArgoCanaryStep[];
  readonly analysis?: RolloutAnalysis & { readonly startingStep?: number };
}

/** `spec.strategy.blueGreen`. */
export interface ArgoBlueGreenStrategy {
  readonly activeService: string;
  readonly previewService?: string;
  readonly autoPromotionEnabled?: boolean;
  readonly autoPromotionSeconds?: number;
  readonly scaleDownDelaySeconds?: number;
  readonly prePromotionAnalysis?: RolloutAnalysis;
  readonly postPromotionAnalysis?: RolloutAnalysis;
}

/** An Argo Rollout: a Deployment-like pod template with a strategy. */
export interface Rollout {
  readonly apiVersion: 'argoproj.io/v1alpha1';
  readonly kind: 'Rollout';
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly replicas: number;
    readonly revisionHistoryLimit: number;
    readonly selector: Deployment['spec']['selector'];
    readonly template: Deployment['spec']['template'];
    readonly strategy: { readonly canary: ArgoCanaryStrategy } | { readonly blueGreen: ArgoBlueGreenStrategy };
  };
}

/** Argo's Prometheus provider (timeout in seconds). */
export interface ArgoPrometheusProvider {
  readonly prometheus: { readonly address: string; readonly query: string; readonly timeout?: number };
}

/** Argo's Web provider (jsonPath in kubectl's `{...}` form). */
export interface ArgoWebProvider {
  readonly web: {
    readonly url: string;
    readonly method?: string;
    readonly headers?: ReadonlyArray<{ readonly key: string; readonly value: string }>;
    readonly body?: string;
    readonly jsonPath?: string;
    readonly timeoutSeconds?: number;
  };
}

/** One metric of an AnalysisTemplate. */
export interface ArgoMetric {
  readonly name: string;
  readonly interval?: string;
  readonly initialDelay?: string;
  readonly count?: number;
  readonly successCondition?: string;
  readonly failureCondition?: string;
  readonly failureLimit: number;
  readonly inconclusiveLimit: number;
  readonly consecutiveErrorLimit: number;
  readonly provider: ArgoPrometheusProvider | ArgoWebProvider;
}

/** An AnalysisTemplate: arguments with defaults, and metrics. */
export interface AnalysisTemplate {
  readonly apiVersion: 'argoproj.io/v1alpha1';
  readonly kind: 'AnalysisTemplate';
  readonly metadata: ObjectMeta;
  readonly spec: { readonly args: readonly AnalysisArgument[]; readonly metrics: readonly ArgoMetric[] };
}
