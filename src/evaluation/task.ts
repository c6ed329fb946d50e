/**
 * Deciding what is being evaluated: the task (from the model's outputs, or --task), and for
 * classification how the target's labels map to the model's probability columns and which class
 * is positive.
 *
 * Label matching, in order: a label equal to a class name; a class named `value=description`
 * (its value part); else the i-th sorted target label is class i (models without class names).
 */
import { cellText, type Column } from '../data/index.js';
import type { ModelPredictions } from '../inference/index.js';
import { missingTarget, taskMismatch, unknownLabel, unknownPositiveLabel } from './errors.js';

export type Task = 'binary' | 'multiclass' | 'regression';

export interface ClassificationTarget {
  readonly task: 'binary' | 'multiclass';
  /** Class names as the model calls them, in probability-column order. */
  readonly classes: readonly string[];
  readonly truth: Int32Array;
  readonly probabilities: Float64Array;
  readonly positive: number;
  readonly negative: number;
}

export interface RegressionTarget {
  readonly task: 'regression';
  readonly truth: Float64Array;
  readonly predicted: Float64Array;
}

export type EvaluationTarget = ClassificationTarget | RegressionTarget;

export interface TargetOptions {
  readonly task: Task | 'auto';
  readonly positiveLabel?: string | undefined;
  /** The model's `positive_class` metadata, used when --positive-label is not given. */
  readonly metadataPositive?: string | undefined;
}

/** The value a class name stands for: `1=benign` stands for `1`. */
function classValue(name: string): string {
  const equals = name.indexOf('=');
  return equals > 0 ? name.slice(0, equals) : name;
}

function targetTexts(column: Column, rowCount: number): string[] {
  const texts: string[] = [];
  let missing = 0;
  let first = -1;
  for (let row = 0; row < rowCount; row++) {
    const text = cellText(column, row);
    if (text === null || text === '') {
      missing++;
      if (first < 0) first = row;
      texts.push('');
    } else texts.push(text);
  }
  if (missing > 0) throw missingTarget({ column: column.name, count: missing, row: first + 1 });
  return texts;
}

/** Rows whose prediction is not a number (NaN features through a model that cannot impute them). */
export function invalidPredictionRows(target: EvaluationTarget): number[] {
  const rows: number[] = [];
  if (target.task === 'regression') {
    target.predicted.forEach((value, row) => Number.isNaN(value) && rows.push(row));
    return rows;
  }
  const width = target.classes.length;
  for (let row = 0; row < target.truth.length; row++) {
    for (let c = 0; c < width; c++) {
      if (Number.isNaN(target.probabilities[row * width + c]!)) {
        rows.push(row);
        break;
      }
    }
  }
  return rows;
}

export function resolveTarget(column: Column, rowCount: number, predictions: ModelPredictions, options: TargetOptions): EvaluationTarget {
  if (predictions.kind === 'values') {
    if (options.task === 'binary' || options.task === 'multiclass') {
      throw taskMismatch({ requested: options.task, actual: 'regression', reason: 'it outputs one value per row, not class probabilities' });
    }
    const texts = targetTexts(column, rowCount);
    const truth = Float64Array.from(texts, Number);
    return { task: 'regression', truth, predicted: predictions.values };
  }
  const classCount = predictions.classes.length;
  const actual: Task = classCount === 2 ? 'binary' : 'multiclass';
  if (options.task === 'regression') throw taskMismatch({ requested: 'regression', actual, reason: `it outputs probabilities for ${classCount} classes` });
  if (options.task === 'binary' && classCount !== 2) throw taskMismatch({ requested: 'binary', actual: 'multiclass', reason: `it has ${classCount} classes` });

  const truth = new Int32Array(rowCount);
  let index: Map<string, number>;
  if (column.kind === 'number') {
    // Numeric labels: only the distinct values become text (a million rows, a handful of labels).
    const seen = new Set<number>();
    for (let row = 0; row < rowCount; row++) {
      const value = column.values[row]!;
      if (Number.isNaN(value)) targetTexts(column, rowCount); // throws, naming the first missing row
      seen.add(value);
    }
    const distinct = [...seen];
    index = labelIndex(predictions.classes, distinct.map(String));
    const byValue = new Map(distinct.map((value) => [value, index.get(String(value))]));
    for (let row = 0; row < rowCount; row++) {
      const found = byValue.get(column.values[row]!);
      if (found === undefined) throw unknownLabel({ value: String(column.values[row]), classes: predictions.classes, row: row + 1 });
      truth[row] = found;
    }
  } else {
    const texts = targetTexts(column, rowCount);
    index = labelIndex(predictions.classes, texts);
    texts.forEach((text, row) => {
      const found = index.get(text);
      if (found === undefined) throw unknownLabel({ value: text, classes: predictions.classes, row: row + 1 });
      truth[row] = found;
    });
  }
  const task = options.task === 'auto' ? actual : options.task;
  const positive = positiveIndex(predictions.classes, index, options);
  return { task, classes: predictions.classes, truth, probabilities: predictions.probabilities, positive, negative: positive === 0 ? 1 : 0 };
}

function labelIndex(classes: readonly string[], texts: readonly string[]): Map<string, number> {
  const labels = [...new Set(texts)];
  const byName = new Map(classes.map((name, c) => [name, c]));
  if (labels.every((label) => byName.has(label))) return byName;
  const byValue = new Map(classes.map((name, c) => [classValue(name), c]));
  if (labels.every((label) => byValue.has(label))) return byValue;
  // `1=benign` is also named by its label: a target column of names (benign, malignant).
  const named = classes.every((name) => name.indexOf('=') > 0);
  const byLabel = new Map(classes.map((name, c) => [name.slice(name.indexOf('=') + 1), c]));
  if (named && labels.every((label) => byLabel.has(label))) return byLabel;
  // Classes that carry names the labels do not match: guessing by sorted position could reverse
  // them (benign < malignant, but 1=benign); unknownLabel names the classes instead.
  if (named) return byName;
  const numeric = labels.every((label) => label.trim() !== '' && Number.isFinite(Number(label)));
  const sorted = [...labels].sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  if (sorted.length <= classes.length) return new Map(sorted.map((label, c) => [label, c]));
  return byName;
}

function positiveIndex(classes: readonly string[], index: ReadonlyMap<string, number>, options: TargetOptions): number {
  const wanted = options.positiveLabel ?? options.metadataPositive;
  if (wanted === undefined) return classes.length - 1;
  const found = index.get(wanted) ?? classes.findIndex((name) => name === wanted || classValue(name) === wanted);
  if (found === undefined || found < 0) {
    if (options.positiveLabel === undefined) return classes.length - 1;
    throw unknownPositiveLabel({ label: wanted, classes });
  }
  return found;
}
