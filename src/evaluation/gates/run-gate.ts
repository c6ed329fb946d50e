/**
 * `sluice gate`: evaluate the candidate and the baseline on exactly the same rows, in one pass
 * over the data, and check every rule. The report says which rules failed and why.
 */
import { isAbsolute, resolve } from 'node:path';
import { columnNotFound, findColumn, readTable } from '../../data/index.js';
import { didYouMean, type SourceLocation } from '../../core/index.js';
import { binaryOutcomes, featureOptions, prepareEvaluation, scoreTarget, type EvaluateOptions, type EvaluationInputs } from '../evaluate.js';
import { fairnessReport, FAIRNESS_METRICS, type FairnessReport } from '../fairness.js';
import { measureLatency } from '../latency.js';
import { pairedBootstrap, pairedIntervals, type MetricIntervals } from '../bootstrap.js';
import type { EvaluationTarget, Task } from '../task.js';
import { fairnessNeedsBinary } from '../errors.js';
import { gateMetricNames } from '../metric-names.js';
import { unknownGateMetric } from './errors.js';
import { checkExplanationRule } from './explanation-rule.js';
import { checkRule, greaterIsBetterFor, type RuleVerdict } from './rules.js';
import type { GateConfig, GateRule } from './schema.js';

export interface GateSide {
  readonly model: string;
  readonly metrics: Record<string, number>;
  readonly fairness: Record<string, FairnessReport>;
}

export interface GateReport {
  readonly passed: boolean;
  readonly task: Task;
  readonly n: number;
  readonly data: string;
  readonly candidate: GateSide;
  readonly baseline: GateSide | undefined;
  readonly rules: readonly RuleVerdict[];
  /** Things the reader should know: no baseline, skipped checks. */
  readonly notes: readonly string[];
  /**
   * Seeded percentile-bootstrap intervals (95 %) of each rule's metric computed from predictions
   * (not latency, size or fairness): the candidate's value, and the change paired on the same rows.
   */
  readonly intervals?: GateIntervals | undefined;
}

/** The gate's bootstrap intervals, with how they were drawn. */
export interface GateIntervals {
  readonly level: number;
  readonly resamples: number;
  readonly seed: number;
  readonly metrics: Readonly<Record<string, MetricIntervals>>;
}

const DEFAULT_RESAMPLES = 1_000;
/** Metrics of the model rather than of its predictions: no interval. */
const UNRESAMPLABLE = new Set(['latency_p50_ms', 'latency_p99_ms', 'model_size_bytes']);
const DEFAULT_SEED = 20_240_101;

/** A model file to score, and how reports name it. */
export interface GateModel {
  readonly path: string;
  readonly label: string;
}

export interface RunGateInput {
  readonly config: GateConfig;
  /** Where the config's relative data path is read from. */
  readonly baseDir: string;
  readonly candidate: GateModel;
  readonly baseline?: GateModel | undefined;
  /** A baseline reference that names nothing yet (a first model): said in the notes. */
  readonly missingBaseline?: string | undefined;
  /** Where each rule's metric is written, for errors. */
  readonly ruleLocations?: readonly (SourceLocation | undefined)[] | undefined;
}

/** Scores both models on the same rows and checks every rule. The data is named as the config writes it. */
export async function runGate({ config, baseDir, candidate: candidateModel, baseline: baselineModel, missingBaseline, ruleLocations }: RunGateInput): Promise<GateReport> {
  const dataPath = isAbsolute(config.data) ? config.data : resolve(baseDir, config.data);
  const table = await readTable(dataPath);
  const sensitiveColumns = [...new Set(config.rules.flatMap((rule) => (rule.sensitive ? [rule.sensitive] : [])))];
  for (const name of sensitiveColumns) {
    if (!findColumn(table, name)) throw columnNotFound({ column: name, path: dataPath, role: 'sensitive', suggestion: didYouMean(name, table.columns.map((column) => column.name)) });
  }
  const options = (modelPath: string): EvaluateOptions => ({
    modelPath,
    dataPath,
    target: config.target,
    task: config.task ?? 'auto',
    positiveLabel: config.positive_label === undefined ? undefined : String(config.positive_label),
    threshold: config.threshold ?? 0.5,
    exclude: [...(config.exclude ?? []), ...sensitiveColumns],
  });
  const threshold = config.threshold ?? 0.5;
  const candidateInputs = await prepareEvaluation(options(candidateModel.path), table);
  const baselineInputs = baselineModel ? await prepareEvaluation(options(baselineModel.path), table).catch(async (error: unknown) => {
    await candidateInputs.model?.release();
    throw error;
  }) : undefined;
  try {
    checkMetricNames(config.rules, candidateInputs.target.task, ruleLocations);
    const candidate = await scoreSide(candidateInputs, options(candidateModel.path), candidateModel.label, threshold, sensitiveColumns);
    const baseline = baselineInputs && baselineModel ? await scoreSide(baselineInputs, options(baselineModel.path), baselineModel.label, threshold, sensitiveColumns) : undefined;
    const notes = baseline
      ? []
      : missingBaseline
        ? [`The baseline ${missingBaseline} does not exist yet: this is treated as the first model, and rules comparing with a baseline are skipped.`]
        : ['No baseline: this is treated as the first model; rules comparing with a baseline are skipped.'];
    const resampling = { resamples: config.bootstrap ?? DEFAULT_RESAMPLES, seed: config.seed ?? DEFAULT_SEED };
    const metricRules = config.rules.map((rule) => {
      const significance =
        rule.significance !== undefined && baselineInputs
          ? pairedBootstrap(candidateInputs.target, baselineInputs.target, (target) => scoreTarget(target, threshold).metrics[rule.metric] ?? Number.NaN, greaterIsBetterFor(rule), resampling)
          : undefined;
      return checkRule(rule, valueOf(candidate, rule), baseline && valueOf(baseline, rule), { hasBaseline: baseline !== undefined, significance });
    });
    const rules = config.explain
      ? [...metricRules, await checkExplanationRule(config.explain, { modelPath: candidateModel.path, label: candidateModel.label, dataPath, exclude: [config.target, ...(config.exclude ?? []), ...sensitiveColumns] })]
      : metricRules;
    const resampled = [...new Set(config.rules.filter((rule) => !rule.sensitive && !UNRESAMPLABLE.has(rule.metric)).map((rule) => rule.metric))];
    const intervals: GateIntervals = {
      level: 0.95,
      ...resampling,
      metrics: pairedIntervals(candidateInputs.target, baselineInputs?.target, resampled, (target) => scoreTarget(target, threshold).metrics, resampling),
    };
    return {
      passed: rules.every((verdict) => verdict.passed),
      task: candidateInputs.target.task,
      n: candidateInputs.target.truth.length,
      data: config.data,
      candidate,
      baseline,
      rules,
      notes,
      intervals,
    };
  } finally {
    await candidateInputs.model?.release();
    await baselineInputs?.model?.release();
  }
}

/** Every rule must name a metric of the task: a typo is the configuration's fault, not the model's. */
function checkMetricNames(rules: readonly GateRule[], task: Task, locations: readonly (SourceLocation | undefined)[] = []): void {
  const valid = gateMetricNames(task);
  rules.forEach((rule, index) => {
    if (valid.includes(rule.metric)) return;
    // `f1` for a multiclass task is too far from `f1_macro` for a spelling match: offer the averages.
    const averaged = valid.filter((name) => name.startsWith(`${rule.metric}_`));
    const suggestion = didYouMean(rule.metric, valid) || (averaged.length > 0 ? ` Did you mean ${averaged.map((name) => `"${name}"`).join(' or ')}?` : '');
    throw unknownGateMetric({ metric: rule.metric, task, suggestion, valid }, { location: locations[index] });
  });
}

async function scoreSide(inputs: EvaluationInputs, options: EvaluateOptions, label: string, threshold: number, sensitive: readonly string[]): Promise<GateSide> {
  const { metrics } = scoreTarget(inputs.target, threshold);
  const model = inputs.model!;
  const latency = await measureLatency(model, inputs.table, featureOptions(options, model));
  const fairness: Record<string, FairnessReport> = {};
  for (const column of sensitive) fairness[column] = fairnessOf(inputs.target, inputs.table, column, threshold);
  return { model: label, metrics: { ...metrics, ...latency, model_size_bytes: model.sizeBytes }, fairness };
}

function fairnessOf(target: EvaluationTarget, table: EvaluationInputs['table'], column: string, threshold: number): FairnessReport {
  if (target.task !== 'binary') throw fairnessNeedsBinary({ column, task: target.task });
  const { truth, decisions } = binaryOutcomes(target, threshold);
  return fairnessReport(findColumn(table, column)!, truth, decisions);
}

function valueOf(side: GateSide, rule: GateRule): number | undefined {
  if (rule.sensitive && (FAIRNESS_METRICS as readonly string[]).includes(rule.metric)) {
    return side.fairness[rule.sensitive]?.[rule.metric as (typeof FAIRNESS_METRICS)[number]];
  }
  return side.metrics[rule.metric];
}
