/** Brings a database to the latest schema, in order, under Kysely's migration lock. */
import { Migrator, type Kysely } from 'kysely';
import { migrationFailed } from './errors.js';
import { MIGRATIONS } from './migrations/index.js';

/** Applied migrations are listed in this table; the name is ours so it cannot clash with a user's. */
export const MIGRATION_TABLE = 'sluice_migrations';

/**
 * Applies every pending migration. Out-of-order migrations (an old name after newer ones ran) are
 * rejected by Kysely, and a failed migration rolls back with a clear error.
 * `schema` (PostgreSQL) is where the migration tables live. Returns the names applied by this call.
 */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
    // Without it, Kysely looks for its tables in every schema and trips over another team's.
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error');
    throw migrationFailed(
      { migration: failed?.migrationName ?? '(setup)', reason: error instanceof Error ? error.message : String(error) },
      { cause: error },
    );
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
