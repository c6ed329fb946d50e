/** Errors of batch scoring (`sluice predict`). */
import { defineError } from '../core/index.js';

export const unknownKeepColumn = defineError<{ data: string; missing: readonly string[]; columns: readonly string[] }>('SLUICE_PREDICT_UNKNOWN_COLUMN', {
  kind: 'invalid_input',
  description: 'A column named by --keep or --exclude is not in the data.',
  message: ({ data, missing }) => `${data} has no column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`,
  hint: ({ columns }) => `Its columns are: ${columns.slice(0, 12).join(', ')}${columns.length > 12 ? ', …' : ''}.`,
});

export const unknownPredictionColumn = defineError<{ unknown: readonly string[]; available: readonly string[] }>('SLUICE_PREDICT_UNKNOWN_OUTPUT', {
  kind: 'invalid_input',
  description: '--columns names an output column the model does not produce.',
  message: ({ unknown }) => `The model produces no column ${unknown.join(', ')}.`,
  hint: ({ available }) => `It produces: ${available.join(', ')}. Name some of those with --columns, or leave the option out for all.`,
});

export const unsupportedOutputFormat = defineError<{ path: string }>('SLUICE_PREDICT_OUTPUT_FORMAT', {
  kind: 'invalid_input',
  description: 'The --out file has an extension `sluice predict` cannot write.',
  message: ({ path }) => `Cannot write predictions to ${path}: the extension is neither .csv nor .parquet.`,
  hint: () => 'Name the output file.csv or file.parquet.',
});

export const outputNotWritable = defineError<{ path: string; reason: string }>('SLUICE_PREDICT_OUTPUT_NOT_WRITABLE', {
  kind: 'invalid_input',
  description: 'The --out file cannot be written (its directory is missing or read-only, or it is a directory).',
  message: ({ path, reason }) => `Cannot write predictions to ${path}: ${reason}.`,
  hint: () => 'Choose a path in a directory that exists and that you can write to.',
});
