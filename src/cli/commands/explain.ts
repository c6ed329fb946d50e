/**
 * `sluice explain`: SHAP values of a model on a table (exact TreeSHAP or linear SHAP where the
 * graph allows, KernelSHAP otherwise), the global ranking printed, JSON and a report on request.
 */
import { z } from 'zod';
import { assertWritableFilePath, writeFileAtomic } from '../../core/index.js';
import { EXPLAIN_METHODS, explainModel, explanationToJson } from '../../explain/index.js';
import { resolveModelPath } from '../../registry/index.js';
import { writeExplanationReport } from '../../reports/index.js';
import { renderTable } from '../format/table.js';
import { parseOptions } from '../options.js';
import { cliActor, withServicesIfAny, type CliContext } from '../services.js';

const positiveInteger = z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' });

const explainSchema = z.object({
  model: z.string({ error: 'is required: a model file or models:/NAME@ALIAS' }).min(1),
  data: z.string({ error: 'is required: the rows to explain (CSV, Parquet or JSON)' }).min(1),
  target: z.string().min(1).optional(),
  exclude: z.array(z.string().min(1)).default([]),
  rows: positiveInteger.optional(),
  background: positiveInteger.optional(),
  method: z.enum(EXPLAIN_METHODS, { error: `must be ${EXPLAIN_METHODS.join(', ')}` }).default('auto'),
  seed: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).default(42),
  samples: positiveInteger.optional(),
  top: positiveInteger.default(10),
  json: z.string().min(1).optional(),
  report: z.string().regex(/\.(html|md)$/i, { error: 'must end in .html or .md' }).optional(),
});

export async function explainCommand(rawOptions: unknown, cli: CliContext): Promise<number> {
  const options = parseOptions(explainSchema, rawOptions, 'explain');
  // Explaining takes a while: an output that cannot be written fails first.
  for (const path of [options.json === '-' ? undefined : options.json, options.report]) if (path !== undefined) assertWritableFilePath(path);
  const { explanation, label } = await withServicesIfAny(cli, async (services) => {
    const model = await (services?.models(cliActor()) ?? resolveModelPath)(options.model);
    const result = await explainModel({
      modelPath: model.path,
      modelLabel: model.label,
      dataPath: options.data,
      target: options.target,
      exclude: options.exclude,
      strictColumns: true,
      rows: options.rows,
      background: options.background,
      method: options.method,
      seed: options.seed,
      samples: options.samples,
    });
    return { explanation: result, label: model.label };
  });
  const json = explanationToJson(explanation, label);
  if (options.json === '-') {
    cli.stdout.write(`${JSON.stringify(json)}\n`);
    if (options.report) {
      writeExplanationReport(options.report, explanation, label);
      cli.stderr.write(`Report written to ${options.report}\n`);
    }
    return 0;
  }
  if (options.json) writeFileAtomic(options.json, `${JSON.stringify(json)}\n`);
  if (options.report) writeExplanationReport(options.report, explanation, label);
  const space = explanation.space === 'margin' ? 'margin (log-odds for classifiers)' : 'model output';
  cli.stdout.write(`Explained ${explanation.rows} rows of ${options.data} with ${label}: ${explanation.method} SHAP, in ${space}\n`);
  cli.stdout.write(`  expected value: ${explanation.outputs.map((output, k) => `${output} ${explanation.expected[k]!.toFixed(4)}`).join(', ')}; ${explanation.notes.join('; ')}\n\n`);
  const rows = explanation.ranking.slice(0, options.top).map((item, rank) => [String(rank + 1), item.feature, item.overall.toPrecision(4)]);
  cli.stdout.write(`${renderTable(['#', 'Feature', 'Mean |SHAP|'], rows)}\n`);
  const written = [...(options.json ? [`JSON written to ${options.json}`] : []), ...(options.report ? [`Report written to ${options.report}`] : [])];
  if (written.length > 0) cli.stdout.write(`\n${written.join('\n')}\n`);
  return 0;
}
