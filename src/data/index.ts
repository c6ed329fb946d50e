/**
 * @module data
 * Tabular data: reading CSV/Parquet/JSON through DuckDB; profiles, schemas and validation, and
 * drift between two data sets.
 */
export { readTable, streamTable } from './read-table.js';
export { loadTable, quoteIdentifier, quoteLiteral, type ColumnType, type LoadedColumn, type LoadedTable } from './loaded-table.js';
export { duckdb, tableSource, type TypeInference } from './duckdb-source.js';
export { cellText, findColumn, selectRows, type Column, type NumericColumn, type StringColumn, type Table } from './table.js';
export { firstNonNumericCell, mostlyNumeric, requireNumericColumn, type NonNumericCell } from './numeric-cells.js';
export { columnNotFound, dataFileNotFound, emptyDataFile, malformedData, nonNumericValue, unreadableData, unsupportedDataFormat } from './errors.js';
export {
  detectDrift,
  detectDriftInTables,
  startPresort,
  ksTwoSample,
  jensenShannonNumeric,
  psiNumeric,
  wassersteinDistance,
  CORRECTIONS,
  DEFAULT_THRESHOLDS,
  DRIFT_METHODS,
  sortNumbers,
  type ColumnDrift,
  type Correction,
  type DriftMethod,
  type DriftOptions,
  type DriftResult,
  type Histogram,
} from './drift/index.js';
export {
  inferSchema,
  loadSchema,
  renderSchemaYaml,
  validateFile,
  COLUMN_TYPES,
  type ColumnRules,
  type DataSchema,
  type ExampleRow,
  type ValidateOptions,
  type ValidationResult,
  type Violation,
} from './schema/index.js';
export {
  profileFile,
  profileTable,
  histogramEdges,
  HISTOGRAM_BINS,
  MAX_DISTINCT_FOR_TOP_VALUES,
  TOP_VALUES,
  type BooleanColumnProfile,
  type ColumnProfile,
  type DataProfile,
  type ExactInteger,
  type NumericColumnProfile,
  type ProfileHistogram,
  type ProfileType,
  type Quantiles,
  type StringColumnProfile,
  type TemporalColumnProfile,
  type TopValue,
} from './profile/index.js';
