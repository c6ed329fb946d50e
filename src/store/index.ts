/**
 * @module store
 * The metadata store: one contract, one Kysely implementation, SQLite and PostgreSQL backends.
 */
export type { MetadataStore, StoreConnection } from './metadata-store.js';
export type { Database } from './database.js';
export { guardStore, translateStoreFailure } from './guard-store.js';
export type {
  JsonValue,
  NewPipelineRun,
  PipelineRun,
  PipelineRunStatus,
  RunCacheEntry,
  StageRun,
} from './entities.js';
export { openMetadataStore } from './connect.js';
export { parseStoreUrl, type StoreLocation } from './store-location.js';
export { databaseUnavailable, migrationFailed, pipelineRunNotFound, unsupportedDatabaseUrl } from './errors.js';
export { isUniqueViolation } from './unique-violation.js';
