/**
 * What a metric provider is: given a metric's provider options and the analysis target, one
 * measurement's `result`, or "not enough data yet". A provider that cannot measure throws; the
 * analysis runner records the throw as an Error measurement with its message.
 */
import type { ProviderName, ProviderSpec } from '../../config/analysis-schema.js';
import type { AnalysisTarget } from '../analysis-types.js';

/** One measurement's outcome. */
export type ProviderOutcome =
  /** A result for the conditions: a number, a list, an object. */
  | { readonly kind: 'value'; readonly value: unknown; readonly message?: string }
  /**
   * Too little data to judge yet (fewer labels than minSamples, no requests in the window): the
   * runner retries at the next interval and counts nothing, so a canary with little traffic is
   * neither failed nor made inconclusive for it.
   */
  | { readonly kind: 'not-enough-data'; readonly message: string };

/** What a provider measures against. */
export interface MeasureContext {
  readonly target: AnalysisTarget;
  /** The measurement's time (epoch ms), as the runner was given it. */
  readonly now: number;
}

/** A provider of one kind: `options` is that provider's block from `sluice.yaml`. */
export interface MetricProvider<Options> {
  measure(options: Options, context: MeasureContext): Promise<ProviderOutcome>;
}

/** The providers an analysis runner can use, by the name `provider:` gives them. */
export type MetricProviders = { readonly [K in ProviderName]?: MetricProvider<NonNullable<ProviderSpec[K]>> };

/** A result for the conditions. */
export function valueOutcome(value: unknown, message?: string): ProviderOutcome {
  return message === undefined ? { kind: 'value', value } : { kind: 'value', value, message };
}

/** Not enough data yet, and why. */
export function notEnoughData(message: string): ProviderOutcome {
  return { kind: 'not-enough-data', message };
}
