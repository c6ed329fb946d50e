/**
 * `prediction-drift`: the candidate's outputs against the stable version's over the same window,
 * with the drift module's statistics (PSI over the stable version's deciles, Jensen–Shannon
 * distance over its range, the two-sample KS statistic, the Wasserstein distance).
 */
import { jensenShannonNumeric, ksTwoSample, psiNumeric, wassersteinDistance } from '../../../data/index.js';
import type { PREDICTION_DRIFT_METHODS } from '../../config/analysis-schema.js';
import { notEnoughData, valueOutcome, type MetricProvider, type ProviderOutcome } from './metric-provider.js';

/** Implemented by the server's record of answers: one output's values per answer of a version since a time. */
export interface PredictionSource {
  outputs(version: string, since: number, output?: string): Float64Array;
}

type DriftMethod = (typeof PREDICTION_DRIFT_METHODS)[number];

/** The `prediction-drift:` block of a metric in sluice.yaml. */
export interface PredictionDriftOptions {
  readonly method: DriftMethod;
  readonly output?: string | undefined;
  readonly minSamples: number;
}

/** Sorted ascending without NaN, as the drift statistics expect. */
function sortedFinite(values: Float64Array): Float64Array {
  return values.filter((value) => !Number.isNaN(value)).sort();
}

/** The distance `method` measures from `stable` (the reference) to `candidate`. */
export function predictionDrift(method: DriftMethod, stable: Float64Array, candidate: Float64Array, minSamples: number): ProviderOutcome {
  const reference = sortedFinite(stable);
  const current = sortedFinite(candidate);
  if (reference.length < minSamples || current.length < minSamples) {
    return notEnoughData(`${current.length} answers from the candidate and ${reference.length} from the stable version, of ${minSamples} each`);
  }
  const message = `${current.length} candidate answers against ${reference.length} stable ones`;
  switch (method) {
    case 'psi':
      return valueOutcome(psiNumeric(reference, current).psi, message);
    case 'jensenshannon':
      return valueOutcome(jensenShannonNumeric(reference, current).distance, message);
    case 'ks':
      return valueOutcome(ksTwoSample(reference, current).statistic, message);
    case 'wasserstein':
      return valueOutcome(wassersteinDistance(reference, current), message);
  }
}

/** The `prediction-drift` provider over the server's record of answers. */
export function predictionDriftProvider(source: PredictionSource): MetricProvider<PredictionDriftOptions> {
  return {
    async measure(options, { target }) {
      const stable = source.outputs(target.stableVersion, target.since, options.output);
      const candidate = source.outputs(target.candidateVersion, target.since, options.output);
      return predictionDrift(options.method, stable, candidate, options.minSamples);
    },
  };
}
