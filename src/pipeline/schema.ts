/**
 * The schema of `sluice.yaml`, as written by users (before `${...}` interpolation and
 * `foreach`/`matrix` expansion). Types are derived from it; nothing restates them by hand.
 */
import { z } from 'zod';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** Options of one out, in the `- path: {cache: false}` form. */
export const outputOptionsSchema = z.strictObject({
  /** false: keep the file in git, not in the cache (the default for metrics and plots). */
  cache: z.boolean().optional(),
  /** true: do not delete the file before the command runs (for commands that update it). */
  persist: z.boolean().optional(),
  desc: z.string().optional(),
});

/** An out: a path, or a one-key mapping from the path to its options. */
export const outputEntrySchema = z.union(
  [
    z.string().min(1),
    z
      .record(z.string().min(1), outputOptionsSchema.nullable())
      .refine((entry) => Object.keys(entry).length === 1, { message: 'an out with options must map exactly one path to its options' }),
  ],
  { error: 'an out must be a path, or a mapping of one path to {cache, persist}' },
);

/**
 * Options of one plot: the out options plus how to draw it (`x`, `y`, `title`), written in the
 * declaration itself, so they apply whichever stage (a command or a `uses:` step) writes the file.
 */
export const plotOptionsSchema = outputOptionsSchema.extend({
  /** The x column (default `step` when present, else the first column). */
  x: z.string().min(1).optional(),
  /** The y column or columns (default every other numeric column). */
  y: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'y must be a column name or a list of column names' }).optional(),
  title: z.string().optional(),
});

export type PlotOptions = z.infer<typeof plotOptionsSchema>;

/** A plot: a path, or a one-key mapping from the path to its options. */
export const plotEntrySchema = z.union(
  [
    z.string().min(1),
    z
      .record(z.string().min(1), plotOptionsSchema.nullable())
      .refine((entry) => Object.keys(entry).length === 1, { message: 'a plot with options must map exactly one path to its options' }),
  ],
  { error: 'a plot must be a path, or a mapping of one path to {x, y, title, cache, persist}' },
);

/** A param: a dotted key into the default params file, or `{file: [keys]}` (an empty list or null means the whole file). */
export const paramEntrySchema = z.union(
  [z.string().min(1), z.record(z.string().min(1), z.array(z.string().min(1)).nullable())],
  { error: 'a params entry must be a dotted key, or a mapping of a params file to a list of keys' },
);

const commandSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
  error: 'cmd must be a command string or a list of commands',
});

/** The fields of one stage. */
export const stageBodySchema = z.strictObject({
  /** The command; or `uses` for a built-in step. */
  cmd: commandSchema.optional(),
  /** A built-in step (train, eval, gate, validate, tests), configured by `with`. */
  uses: z.enum(['train', 'eval', 'gate', 'validate', 'tests'], { error: 'uses must be train, eval, gate, validate or tests' }).optional(),
  with: z.record(z.string(), z.unknown()).optional(),
  /** Working directory of the command, relative to the repository root; paths are relative to it. */
  wd: z.string().min(1).optional(),
  deps: z.array(z.string().min(1)).optional(),
  /** Stages this one waits for (like `needs:` in CI): it is skipped when one of them fails. A foreach/matrix name means all its items. */
  after: z.array(z.string().min(1)).optional(),
  params: z.array(paramEntrySchema).optional(),
  outs: z.array(outputEntrySchema).optional(),
  metrics: z.array(outputEntrySchema).optional(),
  plots: z.array(plotEntrySchema).optional(),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not a valid environment variable name'), scalar).optional(),
  always_changed: z.boolean().optional(),
  /**
   * The stage runs the project's unit tests: `sluice ci` runs it before the pipeline and stops on
   * its failure. `{junit: PATH}` names the JUnit XML report it writes, read for the counts.
   */
  tests: z.union([z.boolean(), z.strictObject({ junit: z.string().min(1) })], { error: 'tests must be true, or {junit: PATH} naming the JUnit XML report the command writes' }).optional(),
  frozen: z.boolean().optional(),
  desc: z.string().optional(),
});

export type StageBody = z.infer<typeof stageBodySchema>;

/** `foreach` over a list, a mapping, or a `${...}` expression naming one in params. */
export const foreachStageSchema = z.strictObject({
  foreach: z.union([z.array(z.unknown()).min(1), z.record(z.string(), z.unknown()), z.string().regex(/^\$\{[^}]+\}$/)], {
    error: 'foreach must be a list, a mapping, or a ${...} expression naming one in params',
  }),
  do: stageBodySchema,
});

/** `matrix`: one stage per combination of the listed values, e.g. `{model: [a, b], lr: [0.1, 0.01]}`. */
export const matrixStageSchema = stageBodySchema.extend({
  matrix: z.record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'matrix keys must be identifiers'),
    z.union([z.array(z.unknown()).min(1), z.string().regex(/^\$\{[^}]+\}$/)], { error: 'a matrix entry must be a list of values' }),
  ),
});

/** The top level of `sluice.yaml`. Stages are checked one by one after this, to tell their forms apart. */
export const pipelineFileSchema = z.strictObject({
  /** The default params file, relative to the root (default `params.yaml`). */
  params: z.string().min(1).optional(),
  stages: z.record(z.string(), z.record(z.string(), z.unknown()), { error: 'stages must be a mapping of stage names to stage definitions' }),
  /** Quality gates; checked in full by `sluice gate` (evaluation/gates/schema.ts). */
  gates: z.record(z.string(), z.unknown()).optional(),
  /** Deployment environments; checked in full by the deploy domain (deploy/config/environment-schema.ts). */
  deploy: z.record(z.string(), z.unknown()).optional(),
  /** Monitors of those environments; checked in full by the monitoring domain (monitoring/config/monitor-schema.ts). */
  monitor: z.record(z.string(), z.unknown()).nullable().optional(),
});

export const STAGE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
