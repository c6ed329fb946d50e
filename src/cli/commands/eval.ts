/**
 * `sluice eval`: score a model (or predictions made elsewhere) on labelled data; print the
 * metrics; write the headline metrics with --metrics (for git-tracked pipeline metrics) and the
 * full evaluation with --json.
 */
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { assertWritableFilePath, formatSigned, writeFileAtomic } from '../../core/index.js';
import { evaluateModel, headlineMetrics, type EvaluationResult } from '../../evaluation/index.js';
import { resolveModelPath } from '../../registry/index.js';
import { evaluationCharts, renderEvaluationHtml, renderEvaluationMarkdown } from '../../reports/index.js';
import { renderTable } from '../format/table.js';
import { invalidOption, parseOptions } from '../options.js';
import { cliActor, withServicesIfAny, type CliContext } from '../services.js';
import { recordedNote } from './recorded-note.js';

const evalOptionsSchema = z.object({
  model: z.string().min(1).optional(),
  data: z.string().min(1).optional(),
  target: z.string({ error: 'is required' }).min(1),
  task: z.enum(['auto', 'binary', 'multiclass', 'regression'], { error: 'must be auto, binary, multiclass or regression' }).default('auto'),
  positiveLabel: z.string().min(1).optional(),
  threshold: z.coerce.number({ error: 'must be a number' }).gt(0, { error: 'must be between 0 and 1' }).lt(1, { error: 'must be between 0 and 1' }).default(0.5),
  exclude: z.array(z.string()).default([]),
  predictions: z.string().min(1).optional(),
  predictionColumns: z.string().min(1).optional(),
  json: z.string().min(1).optional(),
  metrics: z.string().min(1).optional(),
  report: z.string().regex(/\.(md|markdown|html?)$/i, { error: 'must end in .md or .html' }).optional(),
  slice: z.array(z.string().min(1)).default([]),
  sensitive: z.array(z.string().min(1)).default([]),
  bootstrap: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(0).max(100_000).default(0),
  importanceRepeats: z.coerce.number({ error: 'must be a number' }).int().min(0).max(100).default(5),
  seed: z.coerce.number({ error: 'must be a number' }).int().default(42),
  explain: z.boolean().default(false),
});

export async function evalCommand(rawOptions: unknown, cli: CliContext): Promise<number> {
  const options = parseOptions(evalOptionsSchema, rawOptions, 'eval');
  if (!options.model && !options.predictions) throw invalidOption({ command: 'eval', problem: 'give --model PATH, or --predictions FILE with --prediction-columns' });
  if (!options.data && !options.predictions) throw invalidOption({ command: 'eval', problem: '--data is required' });
  if (options.json === '-' && options.metrics === '-') throw invalidOption({ command: 'eval', problem: '--json and --metrics cannot both write to stdout (-): give one of them a file' });
  // An evaluation takes a while: an output that cannot be written fails first.
  for (const path of [options.json, options.metrics, options.report]) if (path !== undefined && path !== '-') assertWritableFilePath(path);
  const { result, model, recorded } = await withServicesIfAny(cli, (services) =>
    evaluateModel({
      options: {
        model: options.model,
        predictionsPath: options.predictions,
        predictionColumns: options.predictionColumns?.split(',').map((name) => name.trim()),
        dataPath: options.data,
        target: options.target,
        task: options.task,
        positiveLabel: options.positiveLabel,
        threshold: options.threshold,
        exclude: options.exclude,
        slices: options.slice,
        sensitive: options.sensitive,
        bootstrap: options.bootstrap,
        importanceRepeats: options.importanceRepeats,
        seed: options.seed,
        curves: options.report !== undefined,
        explain: options.explain,
      },
      resolveModel: services?.models(cliActor()) ?? resolveModelPath,
      recordRun: services?.runs.record,
    }),
  );
  const subject = model?.label ?? options.predictions ?? '';
  if (options.report) writeEvaluationReport(options.report, result, subject);
  // `-` is stdout, as everywhere: that document alone goes there, the rest of the output to stderr.
  if (options.metrics && options.metrics !== '-') writeFileAtomic(options.metrics, `${JSON.stringify(headlineMetrics(result), null, 2)}\n`);
  if (options.json && options.json !== '-') writeFileAtomic(options.json, `${JSON.stringify(result, null, 2)}\n`);
  const printed = options.json === '-' ? result : options.metrics === '-' ? headlineMetrics(result) : undefined;
  if (printed !== undefined) {
    cli.stdout.write(`${JSON.stringify(printed, null, 2)}\n`);
    if (options.report) cli.stderr.write(`Report written to ${options.report}\n`);
    recordedNote(recorded, 'evaluation', cli, 'stderr');
    return 0;
  }
  cli.stdout.write(renderEvaluation(result, subject, options.data ?? options.predictions ?? ''));
  const written = [
    ...(options.metrics ? [`Metrics written to ${options.metrics}`] : []),
    ...(options.json ? [`JSON written to ${options.json}`] : []),
    ...(options.report ? [`Report written to ${options.report}`] : []),
  ];
  if (written.length > 0) cli.stdout.write(`\n${written.join('\n')}\n`);
  recordedNote(recorded, 'evaluation', cli);
  return 0;
}

/** HTML inlines its charts; Markdown gets SVG files beside it (pull-request comments strip inline SVG). */
function writeEvaluationReport(path: string, result: EvaluationResult, subject: string): void {
  if (/\.html?$/i.test(path)) {
    writeFileAtomic(path, renderEvaluationHtml(result, subject));
    return;
  }
  const stem = basename(path).replace(/\.(md|markdown)$/i, '');
  const files: Record<string, string> = {};
  for (const [name, svg] of Object.entries(evaluationCharts(result))) {
    files[name] = `${stem}-${name}.svg`;
    writeFileAtomic(join(dirname(path), files[name]), svg);
  }
  writeFileAtomic(path, renderEvaluationMarkdown(result, subject, files));
}

/** Metrics as people read them: six significant digits. */
function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

export function renderEvaluation(result: EvaluationResult, model: string, data: string): string {
  const details = [
    `${result.n} rows`,
    result.task,
    result.positive_class !== undefined ? `positive class ${result.positive_class}` : undefined,
    result.threshold !== undefined ? `threshold ${result.threshold}` : undefined,
  ].filter(Boolean);
  const lines = [`Evaluated ${model} on ${data} (${details.join(', ')})`, ''];
  const ci = result.ci;
  const metricRows = Object.entries(result.metrics).map(([name, value]) => {
    const interval = ci?.[name];
    return ci ? [name, formatMetric(value), interval ? `[${formatMetric(interval[0])}, ${formatMetric(interval[1])}]` : ''] : [name, formatMetric(value)];
  });
  lines.push(renderTable(ci ? ['Metric', 'Value', '95% CI'] : ['Metric', 'Value'], metricRows, { alignRight: [1] }));
  if (result.confusion_matrix && result.classes) {
    lines.push('Confusion matrix (rows: true class, columns: predicted)');
    lines.push(renderTable(['', ...result.classes], result.confusion_matrix.map((row, c) => [result.classes![c]!, ...row.map(String)]), { alignRight: result.classes.map((_, c) => c + 1) }));
  }
  for (const [column, groups] of Object.entries(result.slices ?? {})) {
    const names = Object.keys(Object.values(groups)[0]?.metrics ?? {}).filter((name) => SLICE_COLUMNS.has(name));
    lines.push(`Slices by ${column}`);
    lines.push(renderTable(['Slice', 'Rows', ...names], Object.entries(groups).map(([group, slice]) => [group, String(slice.n), ...names.map((name) => formatMetric(slice.metrics[name]!))]), { alignRight: names.map((_, i) => i + 1).concat([names.length + 1]) }));
  }
  for (const [column, fairness] of Object.entries(result.fairness ?? {})) {
    lines.push(`Fairness by ${column}${fairness.four_fifths_rule_violated ? ' — four-fifths rule violated' : ''}`);
    lines.push(renderTable(['Group', 'Rows', 'Selection rate', 'TPR', 'FPR'], Object.entries(fairness.groups).map(([group, rates]) => [group, String(rates.count), formatMetric(rates.selection_rate), formatMetric(rates.true_positive_rate), formatMetric(rates.false_positive_rate)]), { alignRight: [1, 2, 3, 4] }));
    lines.push(`demographic parity difference ${formatMetric(fairness.demographic_parity_difference)}, ratio ${formatMetric(fairness.demographic_parity_ratio)}; equalized odds difference ${formatMetric(fairness.equalized_odds_difference)}\n`);
  }
  if (result.robustness) {
    const { metric, clean, gaussian_noise: noise, missing_values: missing } = result.robustness;
    const missingText = missing.nan_rows > 0
      ? `the model returned NaN for ${missing.nan_rows} of ${result.robustness.rows} rows (it cannot handle missing values)`
      : `${formatMetric(missing.value)} (${formatSigned(missing.change)})`;
    lines.push(`Robustness (${metric}): clean ${formatMetric(clean)}; Gaussian noise (σ = 0.1·std) ${formatMetric(noise.value)} (${formatSigned(noise.change)}); 5% missing values: ${missingText}\n`);
  }
  if (result.importance) {
    const top = Object.entries(result.importance.features).slice(0, 10);
    lines.push(`Permutation importance (loss of ${result.importance.metric}, ${result.importance.repeats} shuffles), top ${top.length}`);
    lines.push(renderTable(['Feature', 'Mean', 'Std'], top.map(([name, value]) => [name, formatMetric(value.mean), formatMetric(value.std)]), { alignRight: [1, 2] }));
  }
  if (result.explanation) {
    const top = result.explanation.ranking.slice(0, 10);
    lines.push(`${result.explanation.method === 'kernel' ? 'KernelSHAP' : `Exact ${result.explanation.method} SHAP`} over ${result.explanation.rows} rows: mean |SHAP|, top ${top.length}`);
    lines.push(renderTable(['#', 'Feature', 'Mean |SHAP|'], top.map((item, rank) => [String(rank + 1), item.feature, formatMetric(item.mean_abs_shap)]), { alignRight: [2] }));
  }
  return `${lines.join('\n')}`;
}

/** The metrics shown per slice in the terminal (the JSON has all of them). */
const SLICE_COLUMNS = new Set(['accuracy', 'f1', 'roc_auc', 'f1_macro', 'rmse', 'mae', 'r2']);
