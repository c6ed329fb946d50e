/**
 * @module deploy/kubernetes
 * An environment of sluice.yaml as Argo Rollouts objects (Rollout, AnalysisTemplates on Sluice's
 * Prometheus metrics, Services) and a KServe InferenceService with canaryTrafficPercent.
 */
export {
  writeKubernetesRollout,
  servedVersionLabel,
  DEFAULT_PROMETHEUS_ADDRESS,
  KSERVE_ROLLOUT_FILE,
  ROLLOUT_FILE,
  ROLLOUT_README_FILE,
  type KubernetesModelVersion,
  type KubernetesRolloutOptions,
  type KubernetesRolloutResult,
} from './write-kubernetes-rollout.js';
export { rolloutObjects, previewServiceName, type RolloutObjects } from './rollout.js';
export { analysisTemplate, argoJsonPath, type TemplateContext, type UntranslatableMetric } from './analysis-template.js';
export { canaryInferenceService, firstCanaryWeight } from './kserve-canary.js';
export { requestsQuery, rateWindow } from './sluice-queries.js';
export type { AnalysisTemplate, ArgoCanaryStep, ArgoMetric, Rollout, RolloutAnalysis } from './argo-types.js';
export { strategyNotTranslatable } from './errors.js';
export { kubernetesModelVersion, type RegisteredModelFile } from './rollout-version.js';
