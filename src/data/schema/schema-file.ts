/**
 * The data schema file (`schema.yaml`): what a table must look like. `sluice schema infer`
 * writes one from a file; people edit its bounds; `sluice validate` checks data against it.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { parseLocatedYaml, readTextFile, validateWithSchema, type LocatedDocument } from '../../core/index.js';
import { CORRECTIONS, DRIFT_METHODS } from '../drift/index.js';
import { schemaFileNotFound } from '../errors.js';

export const COLUMN_TYPES = ['integer', 'number', 'string', 'boolean', 'date', 'timestamp'] as const;

const bound = z.union([z.number(), z.string()], { error: 'must be a number (or an ISO date for date columns)' });
const share = z.number({ error: 'must be a number from 0 to 1' }).min(0, { error: 'must be from 0 to 1' }).max(1, { error: 'must be from 0 to 1' });

/** The rules of one column. Every rule is optional; `type` is checked when given. */
export const columnSchema = z.strictObject({
  type: z.enum(COLUMN_TYPES, { error: `type must be one of ${COLUMN_TYPES.join(', ')}` }).optional(),
  /** false: no value may be missing. */
  nullable: z.boolean().optional(),
  /** The largest share of missing values accepted. */
  max_missing_share: share.optional(),
  min: bound.optional(),
  max: bound.optional(),
  /** The only values accepted (categories). */
  allowed: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1, { error: 'allowed needs at least one value' }).optional(),
  /** Values must contain a match (anchor with ^ and $ to match whole values). */
  regex: z.string().min(1).optional(),
  unique: z.boolean().optional(),
  description: z.string().optional(),
}).superRefine((rules, context) => {
  // Bounds no value can meet are a mistake in the schema, not data to fail row by row.
  if (rules.min !== undefined && rules.max !== undefined && typeof rules.min === typeof rules.max && rules.min > rules.max) {
    context.addIssue({ code: 'custom', path: ['max'], message: `is ${JSON.stringify(rules.max)}, below min (${JSON.stringify(rules.min)}): no value could pass` });
  }
});

/** A row-level expectation in SQL, evaluated by DuckDB: rows where it is not true fail. */
export const expectationSchema = z.strictObject({
  expect: z.string({ error: 'expect must be a SQL condition, e.g. "age >= 18 OR age IS NULL"' }).min(1),
  name: z.string().min(1).optional(),
  /** The largest share of rows allowed to fail (default 0). */
  max_failing_share: share.optional(),
});

export const dataSchemaSchema = z.strictObject({
  version: z.literal(1, { error: 'version must be 1' }).default(1),
  description: z.string().optional(),
  rows: z
    .strictObject({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() })
    .refine((rows) => rows.min === undefined || rows.max === undefined || rows.min <= rows.max, { path: ['max'], message: 'is below min: no file could pass' })
    .optional(),
  /** Whether columns the schema does not list are accepted (default false). */
  allow_extra_columns: z.boolean().default(false),
  columns: z.record(z.string(), columnSchema.nullable().transform((value) => value ?? {})).default({}),
  expectations: z.array(expectationSchema).default([]),
  /** Drift against `--reference`: the same options as `sluice drift`. */
  drift: z
    .strictObject({
      method: z.enum(['auto', ...DRIFT_METHODS]).default('auto'),
      threshold: z.number().positive().optional(),
      correction: z.enum(CORRECTIONS).default('bonferroni'),
      drift_share: share.default(0.5),
      exclude: z.array(z.string()).default([]),
      /** `dataset` (default): fail on dataset drift; `column`: fail on any drifted column. */
      fail_on: z.enum(['dataset', 'column']).default('dataset'),
    })
    .default({ method: 'auto', correction: 'bonferroni', drift_share: 0.5, exclude: [], fail_on: 'dataset' }),
});

export type DataSchema = z.output<typeof dataSchemaSchema>;
export type ColumnRules = z.output<typeof columnSchema>;
export type Expectation = z.output<typeof expectationSchema>;

export interface LoadedSchema {
  readonly schema: DataSchema;
  /** The parsed file, to point errors at lines. */
  readonly document: LocatedDocument;
}

/** Reads and validates a schema file; mistakes are errors located at their line. */
export function loadSchema(path: string): LoadedSchema {
  if (!existsSync(path)) throw schemaFileNotFound({ path });
  // A directory or an unreadable file is said as such (SLUICE_CORE_FILE_NOT_READABLE).
  const text = readTextFile(path);
  const document = parseLocatedYaml(text, path);
  return { schema: validateWithSchema(dataSchemaSchema, document.value ?? {}, document, { extraHint: 'Fix it at the position shown, or write a fresh one with `sluice schema infer DATA -o FILE` (docs/data.md lists the fields).' }), document };
}
