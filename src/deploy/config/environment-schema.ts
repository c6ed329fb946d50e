/**
 * The `deploy:` section of `sluice.yaml`: environments by name, each serving one registered
 * model's alias on a port with a rollout strategy.
 *
 *   deploy:
 *     production:
 *       model: breast-cancer      # serves models:/breast-cancer@production
 *       port: 8080
 *       strategy: {canary: {steps: [{setWeight: 20}, {pause: {duration: 30s}}]}}
 */
import { z } from 'zod';
import { strategySchema } from './strategy-schema.js';

export const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Serving options of an environment (the `sluice serve` flags of the same names). */
export const environmentServingSchema = z.strictObject({
  workers: z.int().positive().optional(),
  maxBatchSize: z.int().positive().optional(),
  maxBatchDelayMs: z.number().nonnegative().optional(),
  predictionLog: z.boolean().optional(),
});

export const environmentSchema = z.strictObject({
  /** The registered model the environment serves. */
  model: z.string().min(1),
  /** The alias the environment serves and promotion moves (default: the environment's name). */
  alias: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'an alias is a letter followed by letters, digits, _ or -').optional(),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.int().min(0).max(65_535),
  serving: environmentServingSchema.default({}),
  /** Default `direct`. */
  strategy: strategySchema.default({ kind: 'direct' }),
});

export const deploySectionSchema = z.record(z.string().regex(ENVIRONMENT_NAME, 'an environment name is letters, digits, _ and -'), environmentSchema, {
  error: 'deploy must be a mapping of environment names to environments, like production: {model: my-model, port: 8080}',
});

export type EnvironmentSpec = z.output<typeof environmentSchema> & { readonly name: string; readonly alias: string };
export type EnvironmentServing = z.output<typeof environmentServingSchema>;
