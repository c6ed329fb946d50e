/**
 * `sluice deploy --target k8s --out DIR`: an environment of sluice.yaml and the version to roll
 * out, written as an Argo Rollouts rollout (`rollout.yaml`), a KServe InferenceService
 * (`kserve.yaml`) and a README.md saying how to apply them and what did not translate. Each file
 * is written atomically; the warnings repeat what the README lists as not translated.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/index.js';
import type { EnvironmentSpec } from '../config/environment-schema.js';
import { renderYamlDocuments, standardLabels } from '../package/kubernetes.js';
import type { ServingSpec } from '../package/index.js';
import type { TemplateContext } from './analysis-template.js';
import { canaryInferenceService, firstCanaryWeight } from './kserve-canary.js';
import { renderReadme } from './readme.js';
import { rolloutObjects, type RolloutObjects } from './rollout.js';

/** Services, AnalysisTemplates and the Rollout. */
export const ROLLOUT_FILE = 'rollout.yaml';
/** The InferenceService. */
export const KSERVE_ROLLOUT_FILE = 'kserve.yaml';
/** How to apply the files, and what did not translate. */
export const ROLLOUT_README_FILE = 'README.md';

/** Where Prometheus usually answers in a cluster (kube-prometheus-stack's service in `monitoring`). */
export const DEFAULT_PROMETHEUS_ADDRESS = 'http://prometheus-operated.monitoring.svc:9090';

/** The version rolled out: the registered model and version, and how its image serves it (as `sluice package` resolved it). */
export interface KubernetesModelVersion {
  readonly model: string;
  readonly version: string;
  readonly serving: ServingSpec;
}

/** What to write, and where. */
export interface KubernetesRolloutOptions {
  readonly environment: EnvironmentSpec;
  readonly version: KubernetesModelVersion;
  readonly outDir: string;
  /** Prometheus' URL inside the cluster, for the analysis of Sluice's own metrics. */
  readonly prometheusAddress?: string | undefined;
}

/** What was written. */
export interface KubernetesRolloutResult {
  /** Files written, relative to outDir. */
  readonly files: readonly string[];
  /** One line per metric or step of sluice.yaml that the manifests leave out. */
  readonly warnings: readonly string[];
}

/**
 * The `version` label `sluice serve` gives a model it serves from a file, as the packaged image
 * does: the first 12 hex digits of the model's BLAKE3 hash (src/serving/served-model.ts).
 */
export function servedVersionLabel(serving: ServingSpec): string {
  return serving.modelBlake3.replace(/^blake3:/, '').slice(0, 12);
}

function warningsOf(objects: RolloutObjects): string[] {
  return [
    ...objects.untranslatable.map((metric) => `metric "${metric.metric}" (${metric.provider}, ${metric.analysis}) is not translated: ${metric.reason}`),
    ...objects.droppedSteps.map((step) => `canary step ${step} is left out: none of its metrics translate`),
  ];
}

/** Writes rollout.yaml, kserve.yaml and README.md into `outDir` (created if missing; files of the same names replaced); throws SLUICE_DEPLOY_K8S_STRATEGY_UNSUPPORTED for shadow and ab. */
export async function writeKubernetesRollout(options: KubernetesRolloutOptions): Promise<KubernetesRolloutResult> {
  const { environment, version, outDir } = options;
  const spec = version.serving;
  const prometheusAddress = options.prometheusAddress ?? DEFAULT_PROMETHEUS_ADDRESS;
  const context: TemplateContext = { model: spec.name, versionLabel: servedVersionLabel(spec), prometheusAddress, labels: standardLabels(spec) };
  const objects = rolloutObjects(environment, spec, context);
  const header = (what: string): string[] => [
    `${what} for environment "${environment.name}" rolling out models:/${version.model}/${version.version}, written by sluice deploy --target k8s (Sluice ${spec.sluiceVersion}).`,
    'See README.md.',
  ];
  const contents: Record<string, string> = {
    [ROLLOUT_FILE]: renderYamlDocuments(header('Argo Rollouts Services, AnalysisTemplates and Rollout'), [...objects.services, ...objects.templates, objects.rollout]),
    [KSERVE_ROLLOUT_FILE]: renderYamlDocuments(header('KServe InferenceService'), [canaryInferenceService(environment, spec)]),
    [ROLLOUT_README_FILE]: renderReadme({
      environment,
      model: version.model,
      version: version.version,
      name: spec.name,
      image: spec.image,
      versionLabel: context.versionLabel,
      prometheusAddress,
      objects,
      canaryTrafficPercent: firstCanaryWeight(environment),
      rolloutFile: ROLLOUT_FILE,
      kserveFile: KSERVE_ROLLOUT_FILE,
    }),
  };
  mkdirSync(outDir, { recursive: true });
  for (const [file, text] of Object.entries(contents)) writeFileAtomic(join(outDir, file), text);
  return { files: Object.keys(contents), warnings: warningsOf(objects) };
}
