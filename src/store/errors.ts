/** Errors of the metadata store. */
import { defineError } from '../core/index.js';

export const unsupportedDatabaseUrl = defineError<{ url: string }>('SLUICE_STORE_UNSUPPORTED_URL', {
  kind: 'invalid_input',
  description: 'SLUICE_DATABASE_URL (or store.url in .sluice/config.yaml) has a scheme Sluice cannot use.',
  message: ({ url }) => `Cannot use the metadata store URL "${url}".`,
  hint: () => 'Use postgres://user@host:port/database (optionally ?schema=name), sqlite:path/to/file.db, or leave it unset for .sluice/sluice.db.',
});

export const databaseUnavailable = defineError<{ url: string; reason: string }>('SLUICE_STORE_UNAVAILABLE', {
  kind: 'unavailable',
  description: 'The metadata store database cannot be opened or reached.',
  message: ({ url, reason }) => `Cannot open the metadata store at ${url}: ${reason}.`,
  hint: () => 'Check that the database server is running and the URL is right; for PostgreSQL, `pg_isready -h HOST -p PORT` tells.',
});

export const migrationFailed = defineError<{ migration: string; reason: string }>('SLUICE_STORE_MIGRATION_FAILED', {
  kind: 'internal',
  description: 'A schema migration of the metadata store failed; the transaction was rolled back.',
  message: ({ migration, reason }) => `Migration ${migration} of the metadata store failed: ${reason}.`,
  hint: () => 'The store is unchanged. If the database was written by a newer Sluice, upgrade Sluice; otherwise report this.',
});

export const pipelineRunNotFound = defineError<{ id: string }>('SLUICE_STORE_PIPELINE_RUN_NOT_FOUND', {
  kind: 'not_found',
  description: 'A pipeline run id does not exist in the metadata store.',
  message: ({ id }) => `There is no pipeline run with id ${id}.`,
  hint: () => 'List the recorded runs with `sluice runs`.',
});
