/**
 * The environment as a KServe InferenceService: the one `sluice package --format kserve` writes,
 * with `canaryTrafficPercent` set to a canary's first `setWeight`. KServe then sends that share
 * of traffic to the new revision when the InferenceService is updated; it has no steps, pauses
 * or analysis, so later weights are set by hand (or by removing the field to promote).
 */
import type { EnvironmentSpec } from '../config/environment-schema.js';
import { inferenceService } from '../package/kserve.js';
import type { InferenceService, ServingSpec } from '../package/index.js';

/** The first weight a canary sets, if any. */
export function firstCanaryWeight(environment: EnvironmentSpec): number | undefined {
  if (environment.strategy.kind !== 'canary') return undefined;
  for (const step of environment.strategy.steps) if ('setWeight' in step) return step.setWeight;
  return undefined;
}

/** The InferenceService of `sluice package --format kserve`, with a canary's first weight as canaryTrafficPercent. */
export function canaryInferenceService(environment: EnvironmentSpec, spec: ServingSpec): InferenceService {
  const isvc = inferenceService(spec);
  const weight = firstCanaryWeight(environment);
  if (weight === undefined) return isvc;
  return { ...isvc, spec: { ...isvc.spec, predictor: { ...isvc.spec.predictor, canaryTrafficPercent: weight } } };
}
