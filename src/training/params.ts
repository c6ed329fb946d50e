/** Each algorithm's parameters: names, defaults and ranges, validated from `k=v` strings or YAML. */
import { z } from 'zod';
import { closestMatch } from '../core/index.js';
import { invalidTrainingParam } from './errors.js';

const number = (schema: z.ZodNumber) => z.coerce.number({ error: 'must be a number' }).pipe(schema);

export const ALGORITHM_PARAMS = {
  logistic_regression: z.strictObject({
    C: number(z.number().positive({ error: 'must be positive' })).default(1),
    max_iter: number(z.number().int().min(1).max(100_000)).default(500),
  }),
  linear_regression: z.strictObject({}),
  ridge: z.strictObject({ alpha: number(z.number().nonnegative({ error: 'must be at least 0' })).default(1) }),
  gbdt: z.strictObject({
    n_estimators: number(z.number().int().min(1).max(10_000)).default(100),
    learning_rate: number(z.number().positive().max(1)).default(0.1),
    max_depth: number(z.number().int().min(1).max(16)).default(6),
    /** Grow each tree best split first up to this many leaves (scikit-learn's and LightGBM's max_leaf_nodes / num_leaves); unlimited by default. */
    max_leaf_nodes: number(z.number().int().min(2, { error: 'must be at least 2' })).optional(),
    min_samples_leaf: number(z.number().int().min(1)).default(20),
    l2_regularization: number(z.number().nonnegative()).default(0),
    max_bins: number(z.number().int().min(2).max(256)).default(255),
    seed: number(z.number().int()).default(0),
    /** Stop adding trees when the loss on a held-out validation fraction stops improving (scikit-learn's early_stopping; off by default). */
    early_stopping: z
      .union([z.boolean(), z.enum(['true', 'false'], { error: 'must be true or false' })])
      .transform((value) => value === true || value === 'true')
      .default(false),
    validation_fraction: number(z.number().gt(0, { error: 'must be between 0 and 1' }).lt(1, { error: 'must be between 0 and 1' })).default(0.1),
    n_iter_no_change: number(z.number().int().min(1)).default(10),
    tol: number(z.number().nonnegative()).default(1e-7),
  }),
} as const;

export type Algorithm = keyof typeof ALGORITHM_PARAMS;
export const ALGORITHMS = Object.keys(ALGORITHM_PARAMS) as Algorithm[];
export type AlgorithmParams<A extends Algorithm> = z.output<(typeof ALGORITHM_PARAMS)[A]>;

/** ` (did you mean "x"?)`, inside the sentence the error message ends. */
function suggestion(input: string, candidates: readonly string[]): string {
  const match = closestMatch(input, candidates);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}

/** Parses `--params` values for an algorithm, naming the parameter at fault. */
export function parseAlgorithmParams<A extends Algorithm>(algorithm: A, raw: Readonly<Record<string, unknown>>): AlgorithmParams<A> {
  const schema = ALGORITHM_PARAMS[algorithm];
  const result = schema.safeParse(raw);
  if (result.success) return result.data as AlgorithmParams<A>;
  const issue = result.error.issues[0]!;
  const allowed = Object.keys(schema.shape).join(', ') || '(none)';
  const problem =
    issue.code === 'unrecognized_keys'
      ? `unknown parameter ${issue.keys.join(', ')}${suggestion(issue.keys[0] ?? '', Object.keys(schema.shape))}`
      : `${String(issue.path[0])} ${issue.message.replace(/^Invalid input: /, '')}`;
  throw invalidTrainingParam({ algorithm, problem, allowed });
}

/** `k=v` pairs from the command line. */
export function parseKeyValues(pairs: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw invalidTrainingParam({ algorithm: 'the trainer', problem: `"${pair}" is not key=value`, allowed: 'key=value pairs' });
    values[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim();
  }
  return values;
}
