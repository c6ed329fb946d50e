/**
 * The `with:` block of each `uses:` stage, as zod schemas: what sluice.yaml is validated against
 * (errors located in the file) and what docs/stages.md is generated from, so the two agree.
 */
import { z } from 'zod';

const path = z.string().min(1);
const list = z.array(z.string().min(1));
const scalar = z.union([z.string(), z.number(), z.boolean()]);

const train = z.strictObject({
  data: path.describe('the training table: CSV, Parquet or JSON (a dependency)'),
  target: z.string().min(1).describe('the column to predict'),
  algorithm: z.string().min(1).describe('logistic_regression, linear_regression, ridge or gbdt'),
  params: z
    .union([z.record(z.string(), scalar), z.string().min(1)])
    .optional()
    .describe('algorithm parameters: a mapping, or the name of a params.yaml section (each value then becomes a tracked param)'),
  exclude: list.optional().describe('columns that are not features (ids, sensitive attributes)'),
  features: z.union([list, z.string().min(1)]).optional().describe('the feature columns: a list, or the name of a params.yaml list (empty: all columns)'),
  task: z.enum(['auto', 'classification', 'regression']).optional().describe('for gbdt: what to fit (default auto, from the target)'),
  categorical: list.optional().describe('columns one-hot encoded even when they hold numbers'),
  out: path.describe('where the ONNX model is written (an output)'),
});

const evaluate = z.strictObject({
  model: path.describe('the ONNX model, or models:/NAME@ALIAS (a dependency)'),
  data: path.describe('the labelled table (a dependency)'),
  target: z.string().min(1).describe('the label column'),
  task: z.enum(['auto', 'binary', 'multiclass', 'regression']).optional().describe('the task (default auto, from the model and labels)'),
  positive_label: scalar.optional().describe('the positive class for binary metrics'),
  threshold: z.number().optional().describe('decision threshold on the positive-class probability (default 0.5)'),
  exclude: list.optional().describe('columns that are not features'),
  slice: list.optional().describe('metrics per value of these columns (per quartile for a numeric column with more than 10 values)'),
  sensitive: list.optional().describe('fairness across the groups of these columns (binary models)'),
  metrics: path.describe('where the headline metrics go, {name: value} (the stage\'s metrics, kept in git)'),
  details: path.optional().describe('where the full evaluation JSON goes: importance, robustness, latency (a cached output)'),
  bootstrap: z.number().int().min(0).max(100_000).optional().describe('bootstrap resamples for 95 % confidence intervals (0: none)'),
  importance_repeats: z.number().int().min(0).max(100).optional().describe('shuffles per feature for permutation importance (0: skip)'),
  seed: z.number().int().optional().describe('seed of the bootstrap, noise and permutations'),
  report: z.string().regex(/\.html?$/i, 'a report of a stage must be .html').optional().describe('a self-contained HTML report (a plot)'),
});

const gate = z.strictObject({
  gate: z.string().min(1).optional().describe('which named gate set of the gates section to check (needed when there are several)'),
  summary: path.optional().describe('where the verdict and both models\' metrics go (the stage\'s metrics; default metrics/gate.json, or metrics/gate-NAME.json)'),
  report: path.optional().describe('a Markdown report for the pull request (a plot kept in git)'),
  details: path.optional().describe('where the full gate report JSON goes: every rule, both models\' metrics, 95 % intervals (a cached output; `sluice ci` reads it instead of scoring again)'),
});

const validate = z.strictObject({
  data: path.describe('the table to check (a dependency; stages reading it wait for this stage and do not run when it fails)'),
  schema: path.describe('the schema file (see sluice schema infer; a dependency)'),
  reference: path.optional().describe('reference data to test for drift against, e.g. the training set (a dependency)'),
  summary: path.default('metrics/validation.json').describe('where the verdict goes (the stage\'s metrics)'),
  report: path.optional().describe('a Markdown report of the violations (a plot kept in git)'),
  details: path.optional().describe('where the full validation JSON goes: every violation with example rows (a cached output; `sluice ci` reads it)'),
});

const tests = z.strictObject({
  run: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe('the test command (or commands, run in order), e.g. `pytest -q --junitxml=reports/junit.xml` or `npm test`'),
  junit: path.optional().describe('the JUnit XML report the command writes (a cached output): `sluice ci` reads the counts and the failed cases from it'),
});

/** The `with:` schema of each `uses:` kind. */
export const USES_WITH = { train, eval: evaluate, gate, validate, tests } as const;

/** What each `uses:` kind runs, in a sentence, for the docs. */
export const USES_SUMMARIES: Readonly<Record<keyof typeof USES_WITH, string>> = {
  train: '`sluice train`: fits a built-in model on `data` and writes it as ONNX to `out`.',
  eval: '`sluice eval`: scores `model` on `data`; the headline metrics go to `metrics`, everything else to `details` and `report`.',
  gate: '`sluice gate`: checks the candidate of a gates set against its rules; its model, data and registry baseline are dependencies, and the rules are read like params.',
  validate: '`sluice validate`: holds `data` to `schema` (and tests drift against `reference`); a failure stops the stages that read `data`.',
  tests: 'the project\'s unit tests: runs `run`; `sluice ci` runs this stage before the pipeline and stops when it fails, with the counts from `junit`. Without `deps` it runs every time (its inputs are not declared); with `deps` (the source and test files) it reruns only when they change.',
};
