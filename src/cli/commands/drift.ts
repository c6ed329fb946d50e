/**
 * `sluice drift REFERENCE CURRENT`: has the data moved? A table per column, the data set's
 * verdict, JSON for machines and a report for people. Exit 1 on dataset drift so a CI step or a
 * schedule can act on it.
 */
import { z } from 'zod';
import { writeFileAtomic } from '../../core/index.js';
import { CORRECTIONS, detectDrift, DRIFT_METHODS } from '../../data/index.js';
import { DRIFT_HEADERS, driftRows, driftSummary, renderDriftHtml, renderDriftMarkdown } from '../../reports/index.js';
import { renderTable } from '../format/table.js';
import { parseOptions } from '../options.js';
import type { CliOutput } from '../output.js';

/** `--columns a,b c` and repeated flags both work. */
const columnList = z
  .array(z.string())
  .default([])
  .transform((values) => values.flatMap((value) => value.split(',')).map((name) => name.trim()).filter(Boolean));

const driftOptionsSchema = z.object({
  columns: columnList,
  exclude: columnList,
  method: z.enum(['auto', ...DRIFT_METHODS], { error: `must be auto, ${DRIFT_METHODS.join(', ')}` }).default('auto'),
  threshold: z.coerce.number({ error: 'must be a number' }).positive({ error: 'must be above 0' }).optional(),
  correction: z.enum(CORRECTIONS, { error: `must be ${CORRECTIONS.join(', ')}` }).default('bonferroni'),
  driftShare: z.coerce.number({ error: 'must be a number' }).gt(0, { error: 'must be above 0' }).max(1, { error: 'must be at most 1' }).default(0.5),
  json: z.union([z.literal(true), z.string().min(1)]).optional(),
  report: z.string().regex(/\.(md|markdown|html?)$/i, { error: 'must end in .md or .html' }).optional(),
});

export async function driftCommand(referencePath: string, currentPath: string, rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(driftOptionsSchema, rawOptions, 'drift');
  const result = await detectDrift(referencePath, currentPath, {
    columns: options.columns,
    exclude: options.exclude,
    method: options.method,
    threshold: options.threshold,
    correction: options.correction,
    driftShare: options.driftShare,
  });
  const exitCode = result.dataset_drift ? 1 : 0;
  if (options.report) writeFileAtomic(options.report, /\.html?$/i.test(options.report) ? renderDriftHtml(result) : renderDriftMarkdown(result));
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (options.json === true || options.json === '-') {
    output.stdout.write(json);
    return exitCode;
  }
  if (options.json) writeFileAtomic(options.json, json);
  output.stdout.write(renderTable(DRIFT_HEADERS, driftRows(result), { alignRight: [3, 4, 5] }));
  output.stdout.write(`\n${driftSummary(result)}\n`);
  for (const name of result.only_in_reference) output.stdout.write(`Not compared: "${name}" is only in ${result.reference}.\n`);
  for (const name of result.only_in_current) output.stdout.write(`Not compared: "${name}" is only in ${result.current}.\n`);
  if (options.json) output.stdout.write(`JSON written to ${options.json}\n`);
  if (options.report) output.stdout.write(`Report written to ${options.report}\n`);
  return exitCode;
}
