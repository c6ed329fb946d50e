/** Data schemas: inferred from a file, edited by people, checked by `sluice validate`. */
export { inferSchema, renderSchemaYaml } from './infer-schema.js';
export { loadSchema, COLUMN_TYPES, type ColumnRules, type DataSchema, type Expectation, type LoadedSchema } from './schema-file.js';
export { validateFile, type ExampleRow, type ValidateOptions, type ValidationResult, type Violation } from './validate-table.js';
