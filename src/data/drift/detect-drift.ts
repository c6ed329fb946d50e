/**
 * Drift between a reference data set and a current one, column by column, and for the data set
 * as a whole (the share of drifted columns). The shape of the result is `sluice drift --json`.
 */
import { statSync } from 'node:fs';
import { didYouMean } from '../../core/index.js';
import { columnNotFound, columnTypeMismatch, driftMethodNeedsNumbers, noColumnsToCompare, noRowsToCompare } from '../errors.js';
import { readTable } from '../read-table.js';
import type { Column, NumericColumn, Table } from '../table.js';
import { chooseMethod, DEFAULT_THRESHOLDS, FEW_DISTINCT, isHypothesisTest, needsNumbers, type DriftMethod } from './choose-method.js';
import { categoricalSample, countDistinct, measureDrift, numericSample, rememberEcdfComparison, sortedSample, type Histogram, type Sample } from './column-drift.js';
import { compareAllEcdfs, prewarmSorter, startSortAll } from './sort-in-parallel.js';
import { correctedThresholds, type Correction } from './corrections.js';

export interface DriftOptions {
  /** Compare only these columns (default: every column both files have). */
  readonly columns?: readonly string[] | undefined;
  readonly exclude?: readonly string[] | undefined;
  /** `auto` (default) picks per column as Evidently does. */
  readonly method?: DriftMethod | 'auto' | undefined;
  /** Overrides the method's default threshold: α for tests, the distance for the others. */
  readonly threshold?: number | undefined;
  /** Adjusts the tests' α for the number of columns tested (default bonferroni). */
  readonly correction?: Correction | undefined;
  /** Dataset drift when at least this share of columns drifted (default 0.5). */
  readonly driftShare?: number | undefined;
  /**
   * `full` (default): each column's other distances, means and histogram too. `verdict`: numeric
   * columns get only their method's statistic and p-value (`statistics` {} and an empty
   * histogram), for callers that keep only the verdict, as monitoring does every window.
   */
  readonly detail?: 'full' | 'verdict' | undefined;
}

export interface ColumnDrift {
  readonly type: 'numeric' | 'categorical';
  readonly method: DriftMethod;
  /** Why this method (auto) or "chosen with --method". */
  readonly reason: string;
  /** The method's value: test statistic, or distance (normed for Wasserstein). Null when a side has no values. */
  readonly statistic: number | null;
  readonly p_value: number | null;
  /** What decided `drifted`: the p-value's bound after correction, or the distance's. */
  readonly threshold: number;
  readonly drifted: boolean;
  readonly n_reference: number;
  readonly n_current: number;
  readonly missing_reference: number;
  readonly missing_current: number;
  /** The other distances and the means, for context. */
  readonly statistics: Readonly<Record<string, number>>;
  readonly histogram: Histogram;
}

export interface DriftResult {
  readonly reference: string;
  readonly current: string;
  readonly dataset_drift: boolean;
  readonly drift_share: number;
  readonly drifted_columns: number;
  readonly number_of_columns: number;
  /** The share of drifted columns that makes dataset drift. */
  readonly drift_share_threshold: number;
  readonly correction: Correction;
  readonly columns: Readonly<Record<string, ColumnDrift>>;
  /** Columns only one file has: not compared, listed so a schema change is not missed. */
  readonly only_in_reference: readonly string[];
  readonly only_in_current: readonly string[];
}

/**
 * Reads two files (CSV, Parquet, JSON lines) and compares them. The reference is read first, and
 * the other thread sorts its number columns (in shared memory) while this one reads the current
 * file; both threads then sort the rest.
 */
export async function detectDrift(referencePath: string, currentPath: string, options: DriftOptions = {}): Promise<DriftResult> {
  prewarmSorter(estimatedValues(referencePath) + estimatedValues(currentPath));
  const reference = await readTable(referencePath, { sharedMemory: true });
  // A header and no rows would read as every column drifted.
  if (reference.rowCount === 0) throw noRowsToCompare({ path: referencePath, role: 'reference' });
  const early = startSorting(reference.columns.filter((column): column is NumericColumn => column.kind === 'number' && isWanted(column.name, options)));
  let current: Table;
  try {
    current = await readTable(currentPath, { sharedMemory: true });
  } catch (error) {
    // The sort works on the columns in place: it ends before they are let go, and a failure of
    // its own is not the one to report.
    await early.finish().catch(() => undefined);
    throw error;
  }
  // Nothing may read the reference's columns until the sort is done.
  await early.finish();
  if (current.rowCount === 0) throw noRowsToCompare({ path: currentPath, role: 'current' });
  await presortTables(reference, current, options);
  return detectDriftInTables(reference, current, options);
}

/** Bytes per stored number in the most compact of the formats read (Parquet of doubles). */
const BYTES_PER_VALUE = 8;

/** About how many values a file holds at most, by its size (0 when it cannot be read: reading it will say why). */
function estimatedValues(path: string): number {
  try {
    return statSync(path).size / BYTES_PER_VALUE;
  } catch {
    return 0;
  }
}

/** Whether the options leave the column `name` in the comparison. */
function isWanted(name: string, options: DriftOptions): boolean {
  if (options.exclude?.includes(name)) return false;
  return !options.columns || options.columns.length === 0 || options.columns.includes(name);
}

/**
 * Starts sorting number columns on two threads (see sort-in-parallel.ts); `finish` sorts the rest
 * here and records each as sampled, so later comparisons find them sorted.
 */
function startSorting(columns: readonly NumericColumn[], options: { transfer?: boolean } = {}): { finish(): Promise<void> } {
  const job = startSortAll(columns.map((column) => column.values), options);
  return {
    async finish() {
      const sorted = await job.finish();
      columns.forEach((column, k) => {
        // An array sorted on the other thread comes back as a new object: the column holds that one.
        (column as { values: Float64Array }).values = sorted[k]!;
        samples.set(column, sortedSample(sorted[k]!));
      });
    },
  };
}

/**
 * Sorts the numeric columns `detectDriftInTables` will compare, on two threads (the main cost at
 * millions of rows), so that it finds them sorted. The tables' number columns are sorted in place
 * (or replaced by sorted copies): call it only on tables read for the comparison, or with
 * `transfer: false` (a table kept between comparisons, like a monitor's reference), which sends
 * only columns over shared memory to the other thread and detaches nothing.
 */
async function presortTables(reference: Table, current: Table, options: DriftOptions, { transfer = true }: { transfer?: boolean } = {}): Promise<void> {
  await startPresort(reference, current, options, { transfer }).finish();
}

/**
 * `presortTables` started: the other thread sorts while this one does other work, and `finish`
 * sorts the rest here. Until it resolves, no number column of either table may be read.
 */
export function startPresort(reference: Table, current: Table, options: DriftOptions, { transfer = true }: { transfer?: boolean } = {}): { finish(): Promise<void> } {
  const columns: NumericColumn[] = [];
  const compared: (readonly [NumericColumn, NumericColumn])[] = [];
  for (const column of reference.columns) {
    const other = current.columns.find((candidate) => candidate.name === column.name);
    if (column.kind !== 'number' || other?.kind !== 'number' || !isWanted(column.name, options)) continue;
    compared.push([column, other]);
    // A table compared again (a monitor's reference, window after window) is sorted once.
    for (const side of [column, other]) if (!samples.has(side)) columns.push(side);
  }
  const job = startSorting(columns, { transfer });
  return {
    async finish() {
      await job.finish();
      await walkEcdfsAhead(compared, options.method ?? 'auto');
    },
  };
}

/**
 * The ECDF walks (KS and Wasserstein both read them) of the sorted pairs whose method will take
 * them, on two threads: after the sort, the walks are the rest of a large drift check's cost.
 * A pair auto compares as categories (few distinct values) is left alone.
 */
async function walkEcdfsAhead(compared: readonly (readonly [NumericColumn, NumericColumn])[], method: DriftMethod | 'auto'): Promise<void> {
  if (method !== 'auto' && method !== 'ks' && method !== 'wasserstein') return;
  const pairs: [Float64Array, Float64Array][] = [];
  for (const [referenceColumn, currentColumn] of compared) {
    const reference = samples.get(referenceColumn);
    const current = samples.get(currentColumn);
    if (reference?.kind !== 'numeric' || current?.kind !== 'numeric' || reference.sorted.length === 0 || current.sorted.length === 0) continue;
    if (method === 'auto' && countDistinct(reference, current, FEW_DISTINCT) <= FEW_DISTINCT) continue;
    pairs.push([reference.sorted, current.sorted]);
  }
  const comparisons = await compareAllEcdfs(pairs);
  pairs.forEach(([reference, current], k) => rememberEcdfComparison(reference, current, comparisons[k]!));
}

function firstText(column: Column): string {
  if (column.kind !== 'string') return '';
  const row = column.values.findIndex((value) => value !== null && value !== '' && !Number.isFinite(Number(value)));
  return row < 0 ? '' : ` (row ${row + 1} holds "${column.values[row]}")`;
}

/** Samples already taken: a numeric column is sorted in place, so it is sampled once. */
const samples = new WeakMap<Column, Sample>();

function sampleOf(column: Column): Sample {
  let sample = samples.get(column);
  if (!sample) {
    // The table is read for this comparison only, so its numbers may be sorted in place.
    sample = column.kind === 'number' ? numericSample(column.values) : categoricalSample(column.values);
    samples.set(column, sample);
  }
  return sample;
}

interface Planned {
  readonly name: string;
  readonly reference: Sample;
  readonly current: Sample;
  readonly method: DriftMethod;
  readonly reason: string;
  readonly asCategories: boolean;
}

function selectColumns(reference: Table, current: Table, options: DriftOptions): { names: string[]; onlyInReference: string[]; onlyInCurrent: string[] } {
  const referenceNames = reference.columns.map((column) => column.name);
  const currentNames = new Set(current.columns.map((column) => column.name));
  const has = (table: Table, name: string) => table.columns.some((column) => column.name === name);
  const missingFrom = (name: string, table: Table) =>
    columnNotFound({ column: name, path: table.source, role: 'compared', suggestion: didYouMean(name, table.columns.map((column) => column.name)) });
  for (const name of options.columns ?? []) {
    for (const table of [reference, current]) if (!has(table, name)) throw missingFrom(name, table);
  }
  // Excluding a column only one file has is the usual case (the target, in training data only).
  for (const name of options.exclude ?? []) if (!has(reference, name) && !has(current, name)) throw missingFrom(name, reference);
  const excluded = new Set(options.exclude ?? []);
  const names = (options.columns && options.columns.length > 0 ? [...options.columns] : referenceNames.filter((name) => currentNames.has(name))).filter((name) => !excluded.has(name));
  if (names.length === 0) throw noColumnsToCompare({ reference: reference.source, current: current.source });
  return {
    names,
    onlyInReference: referenceNames.filter((name) => !currentNames.has(name) && !excluded.has(name)),
    onlyInCurrent: [...currentNames].filter((name) => !referenceNames.includes(name) && !excluded.has(name)),
  };
}

function planColumn(name: string, reference: Table, current: Table, method: DriftMethod | 'auto'): Planned {
  const referenceColumn = reference.columns.find((column) => column.name === name)!;
  const currentColumn = current.columns.find((column) => column.name === name)!;
  if (referenceColumn.kind !== currentColumn.kind && isEmptyText(referenceColumn) !== isEmptyText(currentColumn)) {
    // A column with no values at all reads as text: it is an empty sample of the other side's kind.
    const [emptied, kept] = isEmptyText(referenceColumn) ? ['reference', currentColumn] : ['current', referenceColumn];
    const sample = sampleOf(kept);
    const empty: Sample = sample.kind === 'numeric' ? { kind: 'numeric', sorted: new Float64Array(0), missing: (emptied === 'reference' ? referenceColumn : currentColumn).values.length } : { kind: 'categorical', values: [], missing: (emptied === 'reference' ? referenceColumn : currentColumn).values.length };
    const [referenceSample, currentSample] = emptied === 'reference' ? [empty, sample] : [sample, empty];
    const chosen = method === 'auto' ? (sample.kind === 'numeric' ? 'ks' : 'chi2') : method;
    return { name, reference: referenceSample, current: currentSample, method: chosen, reason: method === 'auto' ? `${sample.kind}` : `chosen with --method ${method}`, asCategories: sample.kind === 'categorical' };
  }
  if (referenceColumn.kind !== currentColumn.kind) {
    const [numeric, text] = referenceColumn.kind === 'number' ? [reference, current] : [current, reference];
    const textColumn = referenceColumn.kind === 'number' ? currentColumn : referenceColumn;
    throw columnTypeMismatch({ column: name, numericIn: numeric.source, textIn: text.source, example: firstText(textColumn) });
  }
  const referenceSample = sampleOf(referenceColumn);
  const currentSample = sampleOf(currentColumn);
  const numeric = referenceSample.kind === 'numeric';
  if (method !== 'auto') return { name, reference: referenceSample, current: currentSample, method, reason: `chosen with --method ${method}`, asCategories: false };
  const distinct = countDistinct(referenceSample, currentSample, FEW_DISTINCT);
  const referenceCount = referenceSample.kind === 'numeric' ? referenceSample.sorted.length : referenceSample.values.length;
  const choice = chooseMethod({ numeric, referenceCount, distinct });
  return { name, reference: referenceSample, current: currentSample, method: choice.method, reason: choice.reason, asCategories: !numeric || distinct <= FEW_DISTINCT };
}

/** A text column without a single value: DuckDB's reading of an all-empty column. */
function isEmptyText(column: Column): boolean {
  return column.kind === 'string' && column.values.every((value) => value === null || value === '');
}

function sizeOf(sample: Sample): number {
  return sample.kind === 'numeric' ? sample.sorted.length : sample.values.length;
}

/** Compares two tables already in memory. Numeric columns of the tables are sorted in place. */
export function detectDriftInTables(reference: Table, current: Table, options: DriftOptions = {}): DriftResult {
  const method = options.method ?? 'auto';
  const correction = options.correction ?? 'bonferroni';
  const shareThreshold = options.driftShare ?? 0.5;
  const { names, onlyInReference, onlyInCurrent } = selectColumns(reference, current, options);
  if (method !== 'auto' && needsNumbers(method)) {
    const text = names.filter((name) => reference.columns.find((column) => column.name === name)!.kind === 'string');
    if (text.length > 0) throw driftMethodNeedsNumbers({ method, columns: text.map((name) => `"${name}"`).join(', ') });
  }
  const planned = names.map((name) => planColumn(name, reference, current, method));
  const measured = planned.map((plan) => {
    const comparable = sizeOf(plan.reference) > 0 && sizeOf(plan.current) > 0;
    return comparable ? measureDrift(plan.reference, plan.current, plan.method, plan.asCategories, options.detail !== 'verdict') : undefined;
  });

  // Tests share one family-wise α; distances keep their own threshold.
  const tested = planned.map((plan, k) => (isHypothesisTest(plan.method) && measured[k] ? k : -1)).filter((k) => k >= 0);
  const alpha = (plan: Planned) => options.threshold ?? DEFAULT_THRESHOLDS[plan.method];
  const bounds = new Map<number, number>();
  const byAlpha = new Map<number, number[]>();
  for (const k of tested) byAlpha.set(alpha(planned[k]!), [...(byAlpha.get(alpha(planned[k]!)) ?? []), k]);
  for (const [level, members] of byAlpha) {
    const thresholds = correctedThresholds(members.map((k) => measured[k]!.pValue!), level, correction);
    members.forEach((k, i) => bounds.set(k, thresholds[i]!));
  }

  const columns: Record<string, ColumnDrift> = {};
  planned.forEach((plan, k) => {
    const result = measured[k];
    const threshold = bounds.get(k) ?? alpha(plan);
    const referenceSize = sizeOf(plan.reference);
    const currentSize = sizeOf(plan.current);
    // A side without values cannot be compared; a column that empties out (or fills in) has changed.
    const drifted = result ? (result.pValue !== null ? result.pValue <= threshold : result.statistic >= threshold) : (referenceSize > 0) !== (currentSize > 0);
    columns[plan.name] = {
      type: plan.reference.kind,
      method: plan.method,
      reason: !result
        ? `${plan.reason}; not computed: ${referenceSize === 0 ? 'the reference' : 'the current data'} has no values`
        : Number.isFinite(result.statistic)
          ? plan.reason
          : `${plan.reason}; the statistic is infinite (null in JSON): the current data holds a category the reference never does`,
      statistic: result && Number.isFinite(result.statistic) ? result.statistic : null,
      p_value: result?.pValue ?? null,
      threshold,
      drifted,
      n_reference: referenceSize,
      n_current: currentSize,
      missing_reference: plan.reference.missing,
      missing_current: plan.current.missing,
      statistics: result?.statistics ?? {},
      histogram: result?.histogram ?? { bins: [], reference: [], current: [] },
    };
  });
  const driftedColumns = Object.values(columns).filter((column) => column.drifted).length;
  const share = driftedColumns / planned.length;
  return {
    reference: reference.source,
    current: current.source,
    dataset_drift: share >= shareThreshold,
    drift_share: share,
    drifted_columns: driftedColumns,
    number_of_columns: planned.length,
    drift_share_threshold: shareThreshold,
    correction,
    columns,
    only_in_reference: onlyInReference,
    only_in_current: onlyInCurrent,
  };
}
