/**
 * `sluice train`: fit a built-in model on a table and write it as ONNX that takes the raw columns.
 * After writing, the file is run through onnxruntime on a sample of the training rows and must
 * reproduce the in-memory predictions (to 1e-4 of each value, or absolutely below 1) before it
 * replaces the output, so a broken export never leaves the trainer.
 */
import { columnNotFound, findColumn, mostlyNumeric, readTable, requireNumericColumn, selectRows, type Column, type Table } from '../data/index.js';
import { didYouMean } from '../core/index.js';
import { loadOnnxModel, predictTable, writeCheckedModel } from '../inference/index.js';
import { exportMismatch, noFeatures, unsuitableTarget } from './errors.js';
import { exportOnnx, type TrainedModel, type TrainingTask } from './export-onnx.js';
import { fitFeatureSpec, transformFeatures } from './features.js';
import { gbdtScores, trainGbdt } from './gbdt/gbdt.js';
import { linearScores, trainLogistic, trainRidge } from './linear.js';
import { parseAlgorithmParams, type Algorithm } from './params.js';

export interface TrainOptions {
  readonly dataPath: string;
  readonly target: string;
  readonly algorithm: Algorithm;
  /** Raw parameter values (strings from the command line, or YAML values). */
  readonly params?: Readonly<Record<string, unknown>>;
  readonly exclude?: readonly string[];
  /** Only these columns are features (default: every column but the target and the excluded). */
  readonly features?: readonly string[];
  /** Columns encoded as categories even when they hold numbers; text columns always are. */
  readonly categorical?: readonly string[];
  /** For gbdt: classification or regression; other algorithms know their task. */
  readonly task?: 'auto' | 'classification' | 'regression';
  readonly outPath: string;
  /** Recorded in the model's metadata. */
  readonly producerVersion?: string;
}

export interface TrainResult {
  readonly outPath: string;
  readonly algorithm: Algorithm;
  readonly params: Record<string, unknown>;
  readonly task: TrainingTask;
  readonly classes: readonly string[] | undefined;
  readonly rows: number;
  readonly featureColumns: readonly string[];
  readonly seconds: number;
  readonly sizeBytes: number;
  /** Largest |onnxruntime − in-memory| prediction difference on the checked rows. */
  readonly exportDifference: number;
  /** GBDT with early stopping: rounds kept (the best) of those trained. */
  readonly earlyStopping?: { readonly bestRounds: number; readonly roundsTrained: number } | undefined;
}

/** Labels sorted as numbers when they all are numbers, else as text. */
export function sortLabels(labels: Iterable<string>): string[] {
  const unique = [...new Set(labels)];
  const numeric = unique.every((label) => label.trim() !== '' && Number.isFinite(Number(label)));
  return unique.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
}

/** Regression when gbdt meets a numeric target with many values or fractions; classification otherwise. */
function decideTask(algorithm: Algorithm, requested: TrainOptions['task'], table: Table, target: string): 'classification' | 'regression' {
  if (algorithm === 'logistic_regression') return 'classification';
  if (algorithm !== 'gbdt') return 'regression';
  if (requested && requested !== 'auto') return requested;
  const column = findColumn(table, target)!;
  if (column.kind === 'string') return 'classification';
  const values = new Set<number>();
  for (const value of column.values) if (!Number.isNaN(value)) values.add(value);
  return values.size <= 20 && [...values].every(Number.isInteger) ? 'classification' : 'regression';
}

/**
 * The feature columns, and those encoded as categories: declared with `categorical`, or text by
 * nature. A column of numbers with a stray text cell is refused, naming the cell, rather than
 * silently one-hot encoded.
 */
function chooseFeatures(table: Table, options: TrainOptions): { featureColumns: string[]; categorical: Set<string> } {
  const names = table.columns.map((column) => column.name);
  for (const [role, list] of [['feature', options.features], ['categorical', options.categorical]] as const) {
    for (const name of list ?? []) {
      if (!findColumn(table, name)) throw columnNotFound({ column: name, path: options.dataPath, role, suggestion: didYouMean(name, names) });
    }
  }
  const excluded = new Set([options.target, ...(options.exclude ?? [])]);
  const chosen = options.features?.length ? new Set(options.features) : undefined;
  const featureColumns = names.filter((name) => !excluded.has(name) && (!chosen || chosen.has(name)));
  if (featureColumns.length === 0) throw noFeatures({ path: options.dataPath });
  const categorical = new Set(options.categorical ?? []);
  for (const name of featureColumns) {
    const column = findColumn(table, name)!;
    if (categorical.has(name)) continue;
    if (mostlyNumeric(column)) {
      requireNumericColumn(table, name, {
        hint: `Fix or remove that value (an empty field is read as missing), or, if the column holds categories, declare it: --categorical ${name} (categorical: [${name}] in a train stage).`,
      });
    } else categorical.add(name);
  }
  return { featureColumns, categorical };
}

export async function trainModel(options: TrainOptions): Promise<TrainResult> {
  const started = performance.now();
  const table = await readTable(options.dataPath);
  const targetColumn = findColumn(table, options.target);
  if (!targetColumn) throw columnNotFound({ column: options.target, path: options.dataPath, role: 'target', suggestion: didYouMean(options.target, table.columns.map((column) => column.name)) });
  const { featureColumns, categorical } = chooseFeatures(table, options);
  const params = parseAlgorithmParams(options.algorithm, options.params ?? {}) as Record<string, number> & Record<string, number | boolean>;

  // Rows without a label teach nothing: they are left out.
  const labelled = labelledRows(targetColumn);
  const data = labelled ? selectRows(table, labelled) : table;
  const target = findColumn(data, options.target)!;
  const kind = decideTask(options.algorithm, options.task, data, options.target);

  const spec = fitFeatureSpec(data, featureColumns, categorical);
  const width = spec.names.length;
  const features = transformFeatures(spec, data);
  let task: TrainingTask;
  let classes: string[] | undefined;
  let trained: TrainedModel;
  if (kind === 'classification') {
    const encoded = encodeClasses(target);
    classes = encoded.classes;
    const labels = encoded.labels;
    if (classes.length < 2) throw unsuitableTarget({ target: options.target, algorithm: options.algorithm, reason: `it has a single class (${classes[0]})` });
    task = classes.length === 2 ? 'binary' : 'multiclass';
    trained =
      options.algorithm === 'gbdt'
        ? { kind: 'gbdt', model: trainGbdt(features, width, Float64Array.from(labels), task, classes.length, gbdtOptions(params)) }
        : { kind: 'linear', model: trainLogistic(features, width, labels, classes.length, { C: params.C!, maxIterations: params.max_iter! }) };
  } else {
    if (target.kind !== 'number') throw unsuitableTarget({ target: options.target, algorithm: options.algorithm, reason: 'a regressor needs a numeric target' });
    const values = Float64Array.from(target.values);
    task = 'regression';
    trained =
      options.algorithm === 'gbdt'
        ? { kind: 'gbdt', model: trainGbdt(features, width, values, 'regression', 1, gbdtOptions(params)) }
        : { kind: 'linear', model: trainRidge(features, width, values, options.algorithm === 'ridge' ? params.alpha! : 0) };
  }

  const metadata: Record<string, string> = {
    algorithm: options.algorithm,
    params: JSON.stringify(params),
    task,
    target: options.target,
    feature_columns: JSON.stringify(featureColumns),
    training_rows: String(data.rowCount),
    ...(trained.kind === 'gbdt' && trained.model.earlyStopping ? { early_stopping: JSON.stringify({ best_rounds: trained.model.earlyStopping.bestRounds, rounds_trained: trained.model.earlyStopping.roundsTrained }) } : {}),
    ...(classes ? { classes: JSON.stringify(classes), positive_class: classes[classes.length - 1]! } : {}),
  };
  const bytes = exportOnnx(spec, trained, { task, metadata, producerVersion: options.producerVersion ?? '0' });
  // An export that does not reproduce the model leaves --out as it was.
  const exportDifference = await writeCheckedModel(options.outPath, bytes, (path) => checkExport(path, data, trained, spec, task));
  return {
    outPath: options.outPath,
    algorithm: options.algorithm,
    params,
    task,
    classes,
    rows: data.rowCount,
    featureColumns,
    seconds: (performance.now() - started) / 1000,
    sizeBytes: bytes.byteLength,
    exportDifference,
    earlyStopping: trained.kind === 'gbdt' && trained.model.earlyStopping ? { bestRounds: trained.model.earlyStopping.bestRounds, roundsTrained: trained.model.earlyStopping.roundsTrained } : undefined,
  };
}

/** The rows whose target is set, or undefined when every row's is. */
function labelledRows(target: Column): number[] | undefined {
  const rows: number[] = [];
  if (target.kind === 'number') {
    for (let row = 0; row < target.values.length; row++) if (!Number.isNaN(target.values[row]!)) rows.push(row);
  } else {
    for (let row = 0; row < target.values.length; row++) if ((target.values[row] ?? '') !== '') rows.push(row);
  }
  return rows.length === target.values.length ? undefined : rows;
}

/**
 * The classes of a (fully labelled) target, sorted as sortLabels sorts them, and each row's class
 * index. A numeric target is encoded through its distinct values, without a string per row.
 */
function encodeClasses(target: Column): { classes: string[]; labels: Int32Array } {
  const rows = target.values.length;
  const labels = new Int32Array(rows);
  if (target.kind === 'number') {
    const { values } = target;
    const distinct = new Set<number>();
    for (let row = 0; row < rows; row++) distinct.add(values[row]!);
    const classes = sortLabels([...distinct].map(String));
    const byText = new Map(classes.map((label, k) => [label, k]));
    const index = new Map([...distinct].map((value) => [value, byText.get(String(value))!]));
    for (let row = 0; row < rows; row++) labels[row] = index.get(values[row]!)!;
    return { classes, labels };
  }
  const texts = target.values.map((text) => text ?? '');
  const classes = sortLabels(texts);
  const index = new Map(classes.map((label, k) => [label, k]));
  for (let row = 0; row < rows; row++) labels[row] = index.get(texts[row]!)!;
  return { classes, labels };
}

function gbdtOptions(params: Record<string, number | boolean>) {
  return {
    earlyStopping: params.early_stopping === true,
    validationFraction: Number(params.validation_fraction),
    nIterNoChange: Number(params.n_iter_no_change),
    tol: Number(params.tol),
    nEstimators: Number(params.n_estimators),
    learningRate: Number(params.learning_rate),
    maxDepth: Number(params.max_depth),
    minSamplesLeaf: Number(params.min_samples_leaf),
    l2Regularization: Number(params.l2_regularization),
    maxBins: Number(params.max_bins),
    maxLeafNodes: params.max_leaf_nodes === undefined ? undefined : Number(params.max_leaf_nodes),
    seed: Number(params.seed),
  };
}

/** The model's own predictions in memory: probabilities (row-major) or values. */
export function inMemoryPredictions(trained: TrainedModel, features: Float64Array, width: number, task: TrainingTask): Float64Array {
  const raw = trained.kind === 'linear' ? linearScores(trained.model, features, width) : gbdtScores(trained.model, features, width);
  if (task === 'regression') return raw;
  if (task === 'binary') {
    const probabilities = new Float64Array(raw.length * 2);
    raw.forEach((score, row) => {
      const p = 1 / (1 + Math.exp(-score));
      probabilities[row * 2] = 1 - p;
      probabilities[row * 2 + 1] = p;
    });
    return probabilities;
  }
  const outputs = trained.model.outputs;
  const probabilities = new Float64Array(raw.length);
  for (let row = 0; row < raw.length / outputs; row++) {
    const scores = raw.subarray(row * outputs, row * outputs + outputs);
    const max = Math.max(...scores);
    const total = scores.reduce((sum, score) => sum + Math.exp(score - max), 0);
    for (let k = 0; k < outputs; k++) probabilities[row * outputs + k] = Math.exp(scores[k]! - max) / total;
  }
  return probabilities;
}

/** Largest difference between onnxruntime's and the in-memory predictions on up to 2,000 rows. */
async function checkExport(path: string, data: Table, trained: TrainedModel, spec: ReturnType<typeof fitFeatureSpec>, task: TrainingTask): Promise<number> {
  const sample = data.rowCount <= 2_000 ? data : selectRows(data, Array.from({ length: 2_000 }, (_, i) => Math.floor((i * data.rowCount) / 2_000)));
  const expected = inMemoryPredictions(trained, transformFeatures(spec, sample), spec.names.length, task);
  const model = await loadOnnxModel(path);
  try {
    const { predictions } = await predictTable(model, sample, { exclude: [], modelName: path });
    const actual = predictions.kind === 'values' ? predictions.values : predictions.probabilities;
    let difference = 0;
    // Relative to the value beyond 1: onnxruntime computes in float32, whose rounding grows with
    // the target (a regression on areas in the thousands differs by ~1e-4 in absolute terms).
    let scaled = 0;
    for (let i = 0; i < expected.length; i++) {
      const gap = Math.abs(actual[i]! - expected[i]!);
      difference = Math.max(difference, gap);
      scaled = Math.max(scaled, gap / Math.max(1, Math.abs(expected[i]!)));
    }
    if (!(scaled <= 1e-4)) throw exportMismatch({ difference });
    return difference;
  } finally {
    await model.release();
  }
}
