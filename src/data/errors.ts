/** Errors of tabular data: reading files and finding columns. */
import { defineError } from '../core/index.js';

export const dataFileNotFound = defineError<{ path: string }>('SLUICE_DATA_FILE_NOT_FOUND', {
  kind: 'not_found',
  description: 'A data file named on the command line or in sluice.yaml does not exist.',
  message: ({ path }) => `The data file ${path} does not exist.`,
  hint: () => 'Check the path; paths are relative to the current directory (or to the repository root in sluice.yaml).',
});

export const unsupportedDataFormat = defineError<{ path: string }>('SLUICE_DATA_UNSUPPORTED_FORMAT', {
  kind: 'invalid_input',
  description: 'A data file has an extension Sluice does not read.',
  message: ({ path }) => `Cannot tell the format of ${path} from its extension.`,
  hint: () => 'Use .csv, .tsv, .parquet, .json or .jsonl.',
});

export const unreadableData = defineError<{ path: string; reason: string }>('SLUICE_DATA_UNREADABLE', {
  kind: 'invalid_input',
  description: 'A data file exists but cannot be parsed as its format says.',
  message: ({ path, reason }) => `Cannot read ${path}: ${reason}.`,
  hint: () => 'Check that the file is complete and in the format its extension says (CSV with a header line, Parquet, JSON lines).',
});

export const columnNotFound = defineError<{ column: string; path: string; suggestion: string; role: string }>('SLUICE_DATA_COLUMN_NOT_FOUND', {
  kind: 'invalid_input',
  description: 'A column named as target, slice or feature is not in the data.',
  message: ({ column, path, suggestion, role }) => `The ${role} column "${column}" is not in ${path}.${suggestion}`,
  hint: () => 'Column names are case-sensitive; the file\'s header line lists them.',
});

export const nonNumericValue = defineError<{ column: string; row: number; value: string; path: string }>('SLUICE_DATA_NON_NUMERIC', {
  kind: 'invalid_input',
  description: 'A column the model reads as numbers holds a value that is not a number.',
  message: ({ column, row, value, path }) => `Column "${column}" of ${path} must be numeric, but row ${row} holds "${value}".`,
  hint: () => 'Fix or remove that value (an empty field is read as missing), or encode the column before evaluation.',
});
