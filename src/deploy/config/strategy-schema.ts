/**
 * Rollout strategies with Argo Rollouts' names and semantics, plus shadow and A/B:
 *  - `direct`: switch at once; the old version is released after its last in-flight request.
 *  - `blueGreen`: the preview (new) version is loaded beside the active one and reachable with
 *    `x-sluice-preview: 1`; optional pre-promotion analysis, automatic promotion after
 *    `autoPromotionSeconds` (or at once) unless `autoPromotionEnabled: false`; optional
 *    post-promotion analysis, whose failure switches straight back.
 *  - `canary`: `steps` of `setWeight`, `pause` and `analysis`; background `analysis` from a step.
 *  - `shadow`: the candidate gets a copy of live traffic; its answers are compared, never returned.
 *  - `ab`: requests matching a header or cookie go to the candidate, sticky per user key.
 * Each strategy may also be spelled in lower case (`bluegreen`), as the CLI's --strategy is.
 */
import { z } from 'zod';
import { analysisSchema, backgroundAnalysisSchema } from './analysis-schema.js';
import { durationSchema } from './duration.js';

const weightSchema = z.int({ error: 'a weight is a whole percentage from 0 to 100' }).min(0).max(100);

/** One canary step: exactly one of setWeight, pause, analysis. */
export const canaryStepSchema = z.union(
  [
    z.strictObject({ setWeight: weightSchema }),
    /** `pause: {}` (or null) waits for `sluice rollout promote`; `pause: {duration: 30s}` waits that long. */
    z.strictObject({ pause: z.strictObject({ duration: durationSchema.optional() }).nullable().transform((pause) => pause ?? {}) }),
    z.strictObject({ analysis: analysisSchema }),
  ],
  { error: 'a canary step is one of {setWeight: N}, {pause: {duration: 30s}}, {pause: {}} or {analysis: {metrics: [...]}}' },
);

export const canaryStrategySchema = z.strictObject({
  steps: z.array(canaryStepSchema).min(1, 'a canary needs at least one step, like - setWeight: 20'),
  analysis: backgroundAnalysisSchema.optional(),
});

export const blueGreenStrategySchema = z.strictObject({
  prePromotionAnalysis: analysisSchema.optional(),
  postPromotionAnalysis: analysisSchema.optional(),
  /** false: the preview waits for `sluice rollout promote` (Argo's default is true). */
  autoPromotionEnabled: z.boolean().default(true),
  /** Seconds the preview runs before promotion (after pre-promotion analysis succeeds). */
  autoPromotionSeconds: z.int().nonnegative().optional(),
  /** Seconds the old active version stays loaded after promotion, for an instant switch back. */
  scaleDownDelaySeconds: z.int().nonnegative().default(30),
});

export const shadowStrategySchema = z.strictObject({
  /** Share of live requests copied to the candidate. */
  percent: weightSchema.default(100),
  /** How long the shadow runs before promotion (no duration: until `sluice rollout promote`). */
  duration: durationSchema.optional(),
  analysis: analysisSchema.optional(),
});

/** Where a request's arm and its user key are read from. */
/** Whether `pattern` compiles as the router compiles it (a JavaScript regular expression). */
function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

const requestKeySchema = z
  .strictObject({ header: z.string().min(1).optional(), cookie: z.string().min(1).optional() })
  .refine((key) => (key.header === undefined) !== (key.cookie === undefined), { message: 'name exactly one of header or cookie' });

export const abStrategySchema = z.strictObject({
  /** Requests whose header or cookie equals `value` (or matches `regex`) go to the candidate. */
  match: requestKeySchema
    .and(z.object({ value: z.string().optional(), regex: z.string().refine(compiles, { message: 'is not a valid regular expression' }).optional() }))
    .optional(),
  /** The user key that keeps a user on one arm (hashed); default the `x-user-id` header. */
  userKey: requestKeySchema.default({ header: 'x-user-id' }),
  /** Share of user keys on the candidate when no `match` decides. */
  weight: weightSchema.default(50),
  /** How long the experiment runs (no duration: until `sluice rollout promote` or `abort`). */
  duration: durationSchema.optional(),
  analysis: analysisSchema.optional(),
});

const emptyOptions = z.strictObject({}).nullable().transform(() => ({}));

/** `strategy:` names exactly one strategy. */
export const strategySchema = z
  .strictObject({
    direct: emptyOptions.optional(),
    blueGreen: blueGreenStrategySchema.optional(),
    bluegreen: blueGreenStrategySchema.optional(),
    canary: canaryStrategySchema.optional(),
    shadow: shadowStrategySchema.optional(),
    ab: abStrategySchema.optional(),
  })
  .refine((strategy) => Object.values(strategy).filter((value) => value !== undefined).length === 1, {
    message: 'strategy names exactly one of direct, blueGreen, canary, shadow, ab',
  })
  .transform((strategy): Strategy => {
    if (strategy.canary) return { kind: 'canary', ...strategy.canary };
    const blueGreen = strategy.blueGreen ?? strategy.bluegreen;
    if (blueGreen) return { kind: 'bluegreen', ...blueGreen };
    if (strategy.shadow) return { kind: 'shadow', ...strategy.shadow };
    if (strategy.ab) return { kind: 'ab', ...strategy.ab };
    return { kind: 'direct' };
  });

export type CanaryStep = z.output<typeof canaryStepSchema>;
export type CanaryStrategy = { readonly kind: 'canary' } & z.output<typeof canaryStrategySchema>;
export type BlueGreenStrategy = { readonly kind: 'bluegreen' } & z.output<typeof blueGreenStrategySchema>;
export type ShadowStrategy = { readonly kind: 'shadow' } & z.output<typeof shadowStrategySchema>;
export type AbStrategy = { readonly kind: 'ab' } & z.output<typeof abStrategySchema>;
export type DirectStrategy = { readonly kind: 'direct' };
export type Strategy = DirectStrategy | BlueGreenStrategy | CanaryStrategy | ShadowStrategy | AbStrategy;
export type StrategyKind = Strategy['kind'];
export const STRATEGY_KINDS: readonly StrategyKind[] = ['direct', 'bluegreen', 'canary', 'shadow', 'ab'];
