/**
 * `sluice eval`: score a model (or predictions made elsewhere) on labelled data; print the
 * metrics, and write the JSON report with --json.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../core/index.js';
import { evaluate, type EvaluationResult } from '../../evaluation/index.js';
import { renderTable } from '../format/table.js';
import { invalidOption, parseOptions } from '../options.js';
import type { CliOutput } from '../output.js';

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
});

export type EvalCommandOptions = z.input<typeof evalOptionsSchema>;

export async function evalCommand(rawOptions: EvalCommandOptions, output: CliOutput): Promise<number> {
  const options = parseOptions(evalOptionsSchema, rawOptions, 'eval');
  if (!options.model && !options.predictions) throw invalidOption({ command: 'eval', problem: 'give --model PATH, or --predictions FILE with --prediction-columns' });
  if (options.model?.startsWith('models:/')) {
    throw invalidOption({ command: 'eval', problem: `${options.model} needs the model registry, which is not part of Sluice yet; pass the .onnx file's path` });
  }
  if (!options.data && !options.predictions) throw invalidOption({ command: 'eval', problem: '--data is required' });
  const result = await evaluate({
    modelPath: options.model && resolve(options.model),
    predictionsPath: options.predictions,
    predictionColumns: options.predictionColumns?.split(',').map((name) => name.trim()),
    dataPath: options.data,
    target: options.target,
    task: options.task,
    positiveLabel: options.positiveLabel,
    threshold: options.threshold,
    exclude: options.exclude,
  });
  if (options.json === '-') {
    output.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  }
  if (options.json) writeFileAtomic(options.json, `${JSON.stringify(result, null, 2)}\n`);
  output.stdout.write(renderEvaluation(result, options.model ?? options.predictions ?? '', options.data ?? options.predictions ?? ''));
  if (options.json) output.stdout.write(`\nReport written to ${options.json}\n`);
  return 0;
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
  lines.push(renderTable(['Metric', 'Value'], Object.entries(result.metrics).map(([name, value]) => [name, formatMetric(value)]), { alignRight: [1] }));
  if (result.confusion_matrix && result.classes) {
    lines.push('Confusion matrix (rows: true class, columns: predicted)');
    lines.push(renderTable(['', ...result.classes], result.confusion_matrix.map((row, c) => [result.classes![c]!, ...row.map(String)]), { alignRight: result.classes.map((_, c) => c + 1) }));
  }
  return `${lines.join('\n')}`;
}
