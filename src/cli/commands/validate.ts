/**
 * `sluice schema infer FILE -o schema.yaml` and `sluice validate FILE --schema schema.yaml`:
 * write a schema from good data, then hold new data to it. Validation exits 1 listing every
 * violation, so a pipeline stops before training on bad data.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../../core/index.js';
import { inferSchema, renderSchemaYaml, validateFile, type ValidationResult } from '../../data/index.js';
import { renderValidationMarkdown, renderViolationsText } from '../../reports/index.js';
import { invalidOption, parseOptions } from '../options.js';
import type { CliOutput } from '../output.js';

const inferOptionsSchema = z.object({
  out: z.string().min(1).optional(),
  force: z.boolean().default(false),
  bounds: z.enum(['sign', 'exact', 'none'], { error: 'must be sign, exact or none' }).default('sign'),
});

export async function schemaInferCommand(file: string, rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(inferOptionsSchema, rawOptions, 'schema infer');
  if (options.out && existsSync(options.out) && !options.force) {
    throw invalidOption({ command: 'schema infer', problem: `${options.out} exists; it may hold your edits (add --force to replace it)` });
  }
  const yaml = renderSchemaYaml(await inferSchema(file, { bounds: options.bounds }), file);
  if (!options.out) {
    output.stdout.write(yaml);
    return 0;
  }
  writeFileAtomic(options.out, yaml);
  output.stdout.write(`Schema of ${file} written to ${options.out}: edit its bounds, then run \`sluice validate FILE --schema ${options.out}\`.\n`);
  return 0;
}

const validateOptionsSchema = z.object({
  schema: z.string({ error: 'is required (write one with `sluice schema infer FILE -o schema.yaml`)' }).min(1),
  reference: z.string().min(1).optional(),
  json: z.union([z.literal(true), z.string().min(1)]).optional(),
  report: z.string().regex(/\.(md|markdown)$/i, { error: 'must end in .md' }).optional(),
  summary: z.string().min(1).optional(),
  examples: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(0).max(100).default(5),
});

/** The verdict in a few numbers: a pipeline stage's metrics. */
function validationSummary(result: ValidationResult): Record<string, unknown> {
  return {
    passed: result.passed,
    rows: result.rows,
    checks: result.checks,
    violations: result.violations.length,
    ...(result.drift ? { drift_share: result.drift.drift_share, drifted_columns: result.drift.drifted_columns } : {}),
  };
}

export async function validateCommand(file: string, rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(validateOptionsSchema, rawOptions, 'validate');
  if ((options.json === true || options.json === '-') && options.summary === '-') throw invalidOption({ command: 'validate', problem: '--json and --summary cannot both write to stdout (-): give one of them a file' });
  const result = await validateFile(file, { schemaPath: options.schema, referencePath: options.reference, examples: options.examples });
  const exitCode = result.passed ? 0 : 1;
  if (options.report) writeFileAtomic(options.report, renderValidationMarkdown(result));
  // `-` is stdout, as everywhere (the summary alone goes there; the violations to stderr).
  const summary = `${JSON.stringify(validationSummary(result), null, 2)}\n`;
  if (options.summary && options.summary !== '-') writeFileAtomic(options.summary, summary);
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (options.json === true || options.json === '-') {
    output.stdout.write(json);
    return exitCode;
  }
  if (options.summary === '-') {
    output.stdout.write(summary);
    if (options.json) writeFileAtomic(options.json, json);
    output.stderr.write(renderViolationsText(result));
    return exitCode;
  }
  if (options.json) writeFileAtomic(options.json, json);
  output.stdout.write(renderViolationsText(result));
  if (options.json) output.stdout.write(`JSON written to ${options.json}\n`);
  if (options.report) output.stdout.write(`Report written to ${options.report}\n`);
  return exitCode;
}
