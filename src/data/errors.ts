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

export const emptyDataFile = defineError<{ path: string }>('SLUICE_DATA_EMPTY_FILE', {
  kind: 'invalid_input',
  description: 'A CSV or TSV file is empty: not even a header line.',
  message: ({ path }) => `${path} is empty: a CSV file needs at least a header line naming its columns.`,
  hint: () => 'Check that the step writing the file finished; a file with a header and no rows is read as an empty table.',
});

export const malformedData = defineError<{ path: string; line: number; problem: string }>('SLUICE_DATA_MALFORMED', {
  kind: 'invalid_input',
  description: 'A CSV or TSV file is not well formed: a row with the wrong number of fields, an open quote, bytes that are not UTF-8.',
  message: ({ path, line, problem }) => `${path}, line ${line}: ${problem}.`,
  hint: () => 'Fix that line (every row needs as many fields as the header; quote fields that contain the delimiter), or regenerate the file.',
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

export const columnTypeMismatch = defineError<{ column: string; numericIn: string; textIn: string; example: string }>('SLUICE_DATA_COLUMN_TYPE_MISMATCH', {
  kind: 'invalid_input',
  description: 'A column compared across two files holds numbers in one and text in the other.',
  message: ({ column, numericIn, textIn, example }) => `Column "${column}" holds numbers in ${numericIn} but text in ${textIn}${example}.`,
  hint: () => 'Fix the offending values (an empty field is read as missing), or leave the column out with --exclude.',
});

export const driftMethodNeedsNumbers = defineError<{ method: string; columns: string }>('SLUICE_DRIFT_METHOD_NEEDS_NUMBERS', {
  kind: 'invalid_input',
  description: 'A drift method that compares numbers (ks, wasserstein) was asked of a text column.',
  message: ({ method, columns }) => `--method ${method} compares numbers, but ${columns} hold text.`,
  hint: () => 'Use --method auto (each column gets a test that suits it), chi2, psi or jensenshannon, or leave those columns out with --exclude.',
});

export const noColumnsToCompare = defineError<{ reference: string; current: string }>('SLUICE_DRIFT_NO_COLUMNS', {
  kind: 'invalid_input',
  description: 'Two files given to drift detection have no column in common (after --columns and --exclude).',
  message: ({ reference, current }) => `${reference} and ${current} have no column in common to compare.`,
  hint: () => 'Check that both files have the same header line, and what --columns and --exclude leave.',
});

export const schemaFileNotFound = defineError<{ path: string }>('SLUICE_SCHEMA_NOT_FOUND', {
  kind: 'not_found',
  description: 'The schema file given to `sluice validate --schema` does not exist.',
  message: ({ path }) => `The schema file ${path} does not exist.`,
  hint: () => 'Write one from a good data file with `sluice schema infer FILE -o schema.yaml`, then edit its bounds.',
});

export const invalidExpectation = defineError<{ rule: string; problem: string }>('SLUICE_SCHEMA_INVALID_RULE', {
  kind: 'invalid_input',
  description: 'A rule in a schema file cannot be evaluated: its SQL is not valid, it names a column the data lacks, or its regex does not compile.',
  message: ({ rule, problem }) => `The schema rule "${rule}" ${problem}.`,
  hint: () => 'Fix the rule at the position shown; expectations are DuckDB SQL conditions over the data\'s columns, e.g. "age >= 18 OR age IS NULL".',
});

export const noRowsToCompare = defineError<{ path: string; role: 'reference' | 'current' }>('SLUICE_DATA_NO_ROWS_TO_COMPARE', {
  kind: 'invalid_input',
  description: 'A drift comparison was given a file with a header and no rows: there is no distribution to compare.',
  message: ({ path, role }) => `The ${role} file ${path} has no rows: there is no distribution to compare.`,
  hint: () => 'Check that the step writing it finished and wrote rows, or compare another file.',
});

export const mixedColumn = defineError<{ path: string; line: number; column: string; value: string; type: string }>('SLUICE_DATA_MIXED_COLUMN', {
  kind: 'invalid_input',
  description: 'A CSV column reads as numbers (or dates) in its first rows and holds a value of another kind further down.',
  message: ({ path, line, column, value, type }) => `${path}, line ${line}: column "${column}" holds "${value}", which is not ${type} like the values before it.`,
  hint: ({ column }) => `Fix or remove that value (an empty field is a missing value), or \`sluice validate\` the file against a schema to list every such row of "${column}".`,
});
