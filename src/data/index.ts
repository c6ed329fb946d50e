/**
 * @module data
 * Tabular data: reading CSV/Parquet/JSON through DuckDB into columns.
 */
export { readTable } from './read-table.js';
export { cellText, findColumn, selectRows, type Column, type NumericColumn, type StringColumn, type Table } from './table.js';
export { columnNotFound, dataFileNotFound, nonNumericValue, unreadableData, unsupportedDataFormat } from './errors.js';
