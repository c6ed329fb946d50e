/**
 * Robustness and permutation importance: the model is run again on perturbed copies of the data
 * and the main metric compared. Both work on a seeded sample of at most 10,000 rows, which keeps
 * them to seconds on large evaluation sets.
 */
import { findColumn, selectRows, type Column, type Table } from '../data/index.js';
import { predictTable, type OnnxModel, type PlanOptions } from '../inference/index.js';
import { seededRandom } from '../core/index.js';
import { invalidPredictionRows, resolveTarget, type EvaluationTarget, type TargetOptions } from './task.js';

export const PERTURBATION_SAMPLE = 10_000;

export interface PerturbationContext {
  readonly model: OnnxModel;
  readonly plan: PlanOptions;
  readonly table: Table;
  readonly target: string;
  readonly targetOptions: TargetOptions;
  /** Scores a target with the main metric. */
  readonly score: (target: EvaluationTarget) => number;
  readonly seed: number;
}

/** A seeded sample of the table's rows (all of them when there are few). */
export function sampleTable(table: Table, seed: number): Table {
  if (table.rowCount <= PERTURBATION_SAMPLE) return table;
  const random = seededRandom(seed);
  const indexes = Array.from({ length: table.rowCount }, (_, i) => i);
  for (let i = 0; i < PERTURBATION_SAMPLE; i++) {
    const j = i + Math.floor(random() * (indexes.length - i));
    [indexes[i], indexes[j]] = [indexes[j]!, indexes[i]!];
  }
  return selectRows(table, indexes.slice(0, PERTURBATION_SAMPLE).sort((a, b) => a - b));
}

/** The main metric on a table, or NaN with the count of rows the model could not predict. */
async function scoreTable(context: PerturbationContext, table: Table): Promise<{ value: number; nanRows: number }> {
  const { predictions } = await predictTable(context.model, table, context.plan);
  const target = resolveTarget(findColumn(table, context.target)!, table.rowCount, predictions, context.targetOptions);
  const nanRows = invalidPredictionRows(target).length;
  return { value: nanRows > 0 ? Number.NaN : context.score(target), nanRows };
}

/** Numeric feature columns (those the model reads that hold numbers). */
function numericFeatures(table: Table, excluded: ReadonlySet<string>): Column[] {
  return table.columns.filter((column) => column.kind === 'number' && !excluded.has(column.name));
}

function replaceColumn(table: Table, name: string, values: Float64Array): Table {
  return { ...table, columns: table.columns.map((column) => (column.name === name ? { name, kind: 'number', values } : column)) };
}

function standardDeviation(values: Float64Array): number {
  const present = [...values].filter((value) => !Number.isNaN(value));
  const mean = present.reduce((sum, value) => sum + value, 0) / present.length;
  return Math.sqrt(present.reduce((sum, value) => sum + (value - mean) ** 2, 0) / present.length);
}

/** Standard normal draws (Box–Muller) from a seeded uniform generator. */
function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export interface RobustnessResult {
  readonly metric: string;
  readonly clean: number;
  readonly gaussian_noise: { readonly value: number; readonly change: number; readonly sigma_fraction_of_std: number; readonly nan_rows: number };
  /** With `nan_rows` > 0 the model cannot handle missing values, and `value` is NaN. */
  readonly missing_values: { readonly value: number; readonly change: number; readonly fraction: number; readonly nan_rows: number };
  readonly rows: number;
}

export async function robustness(context: PerturbationContext, metric: string): Promise<RobustnessResult> {
  const table = sampleTable(context.table, context.seed);
  const excluded = new Set(context.plan.exclude);
  const clean = (await scoreTable(context, table)).value;

  const normal = gaussian(seededRandom(context.seed + 1));
  let noisy = table;
  for (const column of numericFeatures(table, excluded)) {
    const values = column.values as Float64Array;
    const sigma = 0.1 * standardDeviation(values);
    noisy = replaceColumn(noisy, column.name, Float64Array.from(values, (value) => value + sigma * normal()));
  }
  const random = seededRandom(context.seed + 2);
  let holes = table;
  for (const column of numericFeatures(table, excluded)) {
    holes = replaceColumn(holes, column.name, Float64Array.from(column.values as Float64Array, (value) => (random() < 0.05 ? Number.NaN : value)));
  }
  const noise = await scoreTable(context, noisy);
  const missing = await scoreTable(context, holes);
  return {
    metric,
    clean,
    gaussian_noise: { value: noise.value, change: noise.value - clean, sigma_fraction_of_std: 0.1, nan_rows: noise.nanRows },
    missing_values: { value: missing.value, change: missing.value - clean, fraction: 0.05, nan_rows: missing.nanRows },
    rows: table.rowCount,
  };
}

export interface ImportanceResult {
  readonly metric: string;
  readonly repeats: number;
  /** Mean and standard deviation of the metric's loss when the column is shuffled, largest first. */
  readonly features: Record<string, { readonly mean: number; readonly std: number }>;
}

/** Permutation importance: how much the main metric worsens when one column is shuffled. */
export async function permutationImportance(context: PerturbationContext, metric: string, greaterIsBetter: boolean, repeats: number): Promise<ImportanceResult> {
  const table = sampleTable(context.table, context.seed);
  const excluded = new Set(context.plan.exclude);
  const clean = (await scoreTable(context, table)).value;
  const random = seededRandom(context.seed + 3);
  const features: [string, { mean: number; std: number }][] = [];
  for (const column of table.columns.filter((candidate) => !excluded.has(candidate.name))) {
    const losses: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const order = Array.from({ length: table.rowCount }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const shuffled = selectRows({ ...table, columns: [column] }, order).columns[0]!;
      const permuted = { ...table, columns: table.columns.map((other) => (other.name === column.name ? shuffled : other)) };
      const { value } = await scoreTable(context, permuted);
      losses.push(greaterIsBetter ? clean - value : value - clean);
    }
    const mean = losses.reduce((sum, loss) => sum + loss, 0) / repeats;
    const std = Math.sqrt(losses.reduce((sum, loss) => sum + (loss - mean) ** 2, 0) / repeats);
    features.push([column.name, { mean, std }]);
  }
  features.sort(([, a], [, b]) => b.mean - a.mean);
  return { metric, repeats, features: Object.fromEntries(features) };
}
