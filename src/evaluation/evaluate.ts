/**
 * `sluice eval`: a model (or predictions made elsewhere) scored on labelled data.
 * The result is plain data, written as the JSON report and rendered by the CLI and reports.
 */
import { findColumn, readTable, columnNotFound, type Table } from '../data/index.js';
import { loadOnnxModel, predictTable, type ModelPredictions, type OnnxModel } from '../inference/index.js';
import { didYouMean } from '../core/index.js';
import { bootstrapIntervals } from './bootstrap.js';
import { binaryCurves, type Curves } from './curves.js';
import { emptyData, fairnessNeedsBinary, invalidPredictions, predictionsMismatch } from './errors.js';
import { fairnessReport, type FairnessReport } from './fairness.js';
import { mainMetric } from './main-metric.js';
import { permutationImportance, robustness, type ImportanceResult, type RobustnessResult } from './perturbation.js';
import { sliceMetrics, type SliceResult } from './slices.js';
import { binaryMetrics, multiclassMetrics, type PerClassMetrics } from './metrics/classification.js';
import { regressionMetrics } from './metrics/regression.js';
import { measureLatency } from './latency.js';
import { invalidPredictionRows, resolveTarget, type ClassificationTarget, type EvaluationTarget, type Task } from './task.js';

export interface EvaluateOptions {
  /** An ONNX model to run; or give `predictionsPath`. */
  readonly modelPath?: string | undefined;
  /** A file of predictions made elsewhere, one row per data row. */
  readonly predictionsPath?: string | undefined;
  /** The probability columns (one per class, in class order) or the single value/positive-probability column. */
  readonly predictionColumns?: readonly string[] | undefined;
  /** The labelled data; optional with `predictionsPath` when that file holds the target. */
  readonly dataPath?: string | undefined;
  readonly target: string;
  readonly task?: Task | 'auto';
  readonly positiveLabel?: string | undefined;
  readonly threshold?: number;
  /** Columns that are not features (the target is always excluded). */
  readonly exclude?: readonly string[];
  /** Columns to report metrics per value (or quartile bin) of. */
  readonly slices?: readonly string[];
  /** Group columns for fairness metrics (binary models); never features. */
  readonly sensitive?: readonly string[];
  /** Bootstrap resamples for 95 % confidence intervals (0: none). */
  readonly bootstrap?: number;
  /** Shuffles per feature for permutation importance (0: none; default 5 when a model is given). */
  readonly importanceRepeats?: number;
  /** Seed of every random choice (bootstrap, noise, permutations). */
  readonly seed?: number;
  /** Compute ROC, precision–recall and calibration curves (for reports). */
  readonly curves?: boolean;
}

export interface EvaluationResult {
  readonly task: Task;
  readonly n: number;
  readonly metrics: Record<string, number>;
  readonly classes?: readonly string[];
  readonly positive_class?: string;
  readonly threshold?: number;
  readonly per_class?: Record<string, PerClassMetrics>;
  readonly confusion_matrix?: number[][];
  readonly model?: { readonly path: string; readonly size_bytes: number; readonly producer: string | undefined };
  readonly predictions_source?: string;
  readonly slices?: Record<string, Record<string, SliceResult>>;
  readonly fairness?: Record<string, FairnessReport>;
  readonly robustness?: RobustnessResult;
  readonly importance?: ImportanceResult;
  readonly ci?: Record<string, [number, number]>;
  /** The global explanation (`sluice eval --explain`): mean |SHAP| per feature, most important first. */
  readonly explanation?: { readonly method: string; readonly space: string; readonly rows: number; readonly ranking: readonly { readonly feature: string; readonly mean_abs_shap: number }[] };
  /** ROC, precision–recall and calibration curves (binary tasks), for reports. */
  readonly curves?: Curves;
}

/** What an evaluation computed on: shared with slices, fairness, robustness and the gate. */
export interface EvaluationInputs {
  readonly table: Table;
  readonly target: EvaluationTarget;
  readonly model: OnnxModel | undefined;
}

const DEFAULT_SEED = 42;
const DEFAULT_IMPORTANCE_REPEATS = 5;

export async function evaluate(options: EvaluateOptions): Promise<EvaluationResult> {
  const inputs = await prepareEvaluation(options);
  try {
    const threshold = options.threshold ?? 0.5;
    const seed = options.seed ?? DEFAULT_SEED;
    const score = (target: EvaluationTarget) => scoreTarget(target, threshold).metrics;
    let result: EvaluationResult = scoreTarget(inputs.target, threshold);
    if (options.curves && inputs.target.task === 'binary') result = { ...result, curves: binaryCurves(inputs.target) };
    const column = (name: string, role: string) => {
      const found = findColumn(inputs.table, name);
      if (!found) throw columnNotFound({ column: name, path: inputs.table.source, role, suggestion: didYouMean(name, inputs.table.columns.map((c) => c.name)) });
      return found;
    };
    if (options.slices?.length) {
      result = { ...result, slices: Object.fromEntries(options.slices.map((name) => [name, sliceMetrics(column(name, 'slice'), inputs.target, score)])) };
    }
    if (options.sensitive?.length) {
      const { target } = inputs;
      if (target.task !== 'binary') throw fairnessNeedsBinary({ column: options.sensitive[0]!, task: target.task });
      const { truth, decisions } = binaryOutcomes(target, threshold);
      result = { ...result, fairness: Object.fromEntries(options.sensitive.map((name) => [name, fairnessReport(column(name, 'sensitive'), truth, decisions)])) };
    }
    if (options.bootstrap) result = { ...result, ci: bootstrapIntervals(inputs.target, score, { resamples: options.bootstrap, seed }) };
    if (!inputs.model) return { ...result, predictions_source: options.predictionsPath };

    const model = inputs.model;
    const plan = featureOptions(options, model);
    const latency = await measureLatency(model, inputs.table, plan);
    const main = mainMetric(inputs.target.task);
    const context = {
      model,
      plan,
      table: inputs.table,
      target: options.target,
      targetOptions: { task: inputs.target.task, positiveLabel: options.positiveLabel, metadataPositive: model.metadata.positive_class },
      score: (target: EvaluationTarget) => score(target)[main.name] ?? Number.NaN,
      seed,
    };
    const repeats = options.importanceRepeats ?? DEFAULT_IMPORTANCE_REPEATS;
    return {
      ...result,
      metrics: { ...result.metrics, ...latency, model_size_bytes: model.sizeBytes },
      model: { path: model.path, size_bytes: model.sizeBytes, producer: model.producer },
      robustness: await robustness(context, main.name),
      ...(repeats > 0 ? { importance: await permutationImportance(context, main.name, main.greaterIsBetter, repeats) } : {}),
    };
  } finally {
    await inputs.model?.release();
  }
}

/** Binary truth and decisions as 0/1 (positive class = 1), for fairness and slices. */
export function binaryOutcomes(target: ClassificationTarget, threshold: number): { truth: Uint8Array; decisions: Uint8Array } {
  const width = target.classes.length;
  const truth = Uint8Array.from(target.truth, (label) => (label === target.positive ? 1 : 0));
  const decisions = new Uint8Array(target.truth.length);
  for (let row = 0; row < decisions.length; row++) decisions[row] = target.probabilities[row * width + target.positive]! >= threshold ? 1 : 0;
  return { truth, decisions };
}

export function featureOptions(options: EvaluateOptions, model: OnnxModel) {
  return { exclude: [options.target, ...(options.exclude ?? []), ...(options.sensitive ?? [])], modelName: model.path };
}

/**
 * Loads data and predictions and resolves labels; the caller releases the model. `table` reuses
 * data already read (a gate scores candidate and baseline on the same rows).
 */
export async function prepareEvaluation(options: EvaluateOptions, preloaded?: Table): Promise<EvaluationInputs> {
  const predictionsTable = options.predictionsPath ? await readTable(options.predictionsPath) : undefined;
  const table = preloaded ?? (options.dataPath ? await readTable(options.dataPath) : predictionsTable);
  if (!table) throw predictionsMismatch({ reason: 'give --data, or --predictions with a file that holds the target column' });
  if (table.rowCount === 0) throw emptyData({ path: table.source });
  const targetColumn = findColumn(table, options.target) ?? (predictionsTable && findColumn(predictionsTable, options.target));
  if (!targetColumn) {
    const suggestion = didYouMean(options.target, table.columns.map((column) => column.name));
    throw columnNotFound({ column: options.target, path: table.source, suggestion, role: 'target' });
  }

  let model: OnnxModel | undefined;
  let predictions: ModelPredictions;
  if (predictionsTable) {
    predictions = predictionsFromTable(predictionsTable, table.rowCount, options);
  } else {
    if (!options.modelPath) throw predictionsMismatch({ reason: 'give --model, or --predictions with --prediction-columns' });
    model = await loadOnnxModel(options.modelPath);
    try {
      predictions = (await predictTable(model, table, featureOptions(options, model))).predictions;
    } catch (error) {
      await model.release();
      throw error;
    }
  }
  try {
    const target = resolveTarget(targetColumn, table.rowCount, predictions, {
      task: options.task ?? 'auto',
      positiveLabel: options.positiveLabel,
      metadataPositive: model?.metadata.positive_class,
    });
    const invalid = invalidPredictionRows(target);
    if (invalid.length > 0) throw invalidPredictions({ count: invalid.length, row: invalid[0]! + 1, total: table.rowCount });
    return { table, target, model };
  } catch (error) {
    await model?.release();
    throw error;
  }
}

/** Predictions made elsewhere: probability columns in class order, or one column of values (or P(positive)). */
function predictionsFromTable(table: Table, rowCount: number, options: EvaluateOptions): ModelPredictions {
  const names = options.predictionColumns ?? [];
  if (names.length === 0) throw predictionsMismatch({ reason: '--prediction-columns is required with --predictions' });
  if (table.rowCount !== rowCount) throw predictionsMismatch({ reason: `it has ${table.rowCount} rows and the data ${rowCount}` });
  const columns = names.map((name) => {
    const column = findColumn(table, name);
    if (!column || column.kind !== 'number') {
      throw predictionsMismatch({ reason: `${table.source} has no numeric column "${name}"${didYouMean(name, table.columns.map((c) => c.name))}` });
    }
    return column.values;
  });
  if (columns.length === 1 && options.task !== 'binary') return { kind: 'values', values: Float64Array.from(columns[0]!) };
  const [first] = columns;
  if (columns.length === 1 && first) {
    const probabilities = new Float64Array(rowCount * 2);
    for (let row = 0; row < rowCount; row++) {
      probabilities[row * 2] = 1 - first[row]!;
      probabilities[row * 2 + 1] = first[row]!;
    }
    return { kind: 'probabilities', classes: ['0', '1'], probabilities };
  }
  const width = columns.length;
  const probabilities = new Float64Array(rowCount * width);
  for (let row = 0; row < rowCount; row++) for (let c = 0; c < width; c++) probabilities[row * width + c] = columns[c]![row]!;
  return { kind: 'probabilities', classes: names.map((_, c) => String(c)), probabilities };
}

/** Metrics of a resolved target. */
export function scoreTarget(target: EvaluationTarget, threshold: number): EvaluationResult {
  if (target.task === 'regression') return { task: 'regression', n: target.truth.length, metrics: regressionMetrics(target.truth, target.predicted) };
  const input = { truth: target.truth, probabilities: target.probabilities, classCount: target.classes.length };
  const scored = target.task === 'binary' ? binaryMetrics(input, target.positive, target.negative, threshold) : multiclassMetrics(input);
  return {
    task: target.task,
    n: target.truth.length,
    metrics: scored.metrics,
    classes: target.classes,
    ...(target.task === 'binary' ? { positive_class: target.classes[target.positive]!, threshold } : {}),
    per_class: Object.fromEntries(target.classes.map((name, c) => [name, scored.perClass[c]!])),
    confusion_matrix: scored.confusionMatrix,
  };
}
