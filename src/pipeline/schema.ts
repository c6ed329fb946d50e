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

/**
 * What a stage needs of the machine it runs on: read by executors that place stages (the queue's
 * workers, Kubernetes requests and limits in `sluice export argo`), never by the local run, and not
 * part of the stage's identity (a change here reruns nothing).
 */
export const stageResourcesSchema = z.strictObject({
  /** Cores: a number (2, 0.5) or millicores (`500m`). */
  cpu: z.union([z.number().positive(), z.string().regex(/^[0-9]+(\.[0-9]+)?m?$/)], { error: 'cpu must be a number of cores (2, 0.5) or millicores such as 500m' }).optional(),
  /** Memory with a Kubernetes unit: `512Mi`, `4Gi`, `2G`. */
  memory: z.string().regex(/^[0-9]+(\.[0-9]+)?(k|M|G|T|Ki|Mi|Gi|Ti)?$/, { error: 'memory must be a size such as 512Mi, 4Gi or 2G' }).optional(),
  /** Whole GPUs. */
  gpu: z.number({ error: 'gpu must be a whole number of GPUs' }).int({ error: 'gpu must be a whole number of GPUs' }).min(0, { error: 'gpu must be 0 or more' }).optional(),
});

export type StageResources = z.infer<typeof stageResourcesSchema>;

// A Kubernetes label key (an optional DNS-subdomain prefix and a name of at most 63 characters),
// optionally `=VALUE` with a label value: one grammar for worker routing and node selectors.
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** Whether `label` is a stage or worker label: `NAME` (gpu, bigmem) or `KEY=VALUE` with a Kubernetes label key and value. */
export function isStageLabel(label: string): boolean {
  // `any` names the queue of stages without labels (see distributed/routing.ts).
  if (label === 'any') return false;
  const [key, ...value] = label.split('=');
  return LABEL_KEY.test(key!) && (value.length === 0 || (value.length === 1 && value[0] !== '' && LABEL_VALUE.test(value[0]!)));
}

/** The wording of a bad label, shared by sluice.yaml and command-line flags. */
export const STAGE_LABEL_FORMAT = 'a label is a name such as gpu or bigmem (letters, digits, -, _ and ., at most 63; not "any"), or KEY=VALUE with a Kubernetes label key and value such as cloud.google.com/gke-nodepool=highmem';

/** A stage's labels: workers (and Kubernetes nodes) it may run on must carry all of them. */
export const stageLabelsSchema = z.array(z.string().refine(isStageLabel, { error: STAGE_LABEL_FORMAT }), { error: 'labels must be a list such as [gpu, bigmem]' });

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
  /** Machine needs (cpu, memory, gpu), for executors that place stages. */
  resources: stageResourcesSchema.optional(),
  /** Labels a worker or Kubernetes node must carry to run this stage (`[gpu]`, `[pool=highmem]`). */
  labels: stageLabelsSchema.optional(),
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
