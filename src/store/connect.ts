/**
 * Opens the metadata store named by a URL. The backend is chosen by scheme, as MLflow does:
 * `postgres://` / `postgresql://` for PostgreSQL, `sqlite:` or a plain path for SQLite. Drivers
 * are imported lazily so that a SQLite user never loads `pg` and the reverse.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './database.js';
import { databaseUnavailable } from './errors.js';
import { guardStore } from './guard-store.js';
import { KyselyMetadataStore } from './kysely-metadata-store.js';
import type { MetadataStore } from './metadata-store.js';
import { MIGRATION_TABLE, migrateToLatest } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import { CachedStatements } from './statement-cache.js';
import type { StoreLocation } from './store-location.js';

/** Opens (creating if needed) and migrates the store. */
export async function openMetadataStore(location: StoreLocation): Promise<MetadataStore> {
  return location.dialect === 'sqlite' ? openSqlite(location.path) : openPostgres(location.connectionString, location.schema);
}

async function openSqlite(path: string): Promise<MetadataStore> {
  const { default: SqliteDatabase } = await import('better-sqlite3');
  let database: InstanceType<typeof SqliteDatabase>;
  try {
    mkdirSync(dirname(path), { recursive: true });
    database = new SqliteDatabase(path, { timeout: BUSY_TIMEOUT_MS });
    // WAL lets `sluice status` read while a run writes; NORMAL sync is crash-safe under WAL.
    // Switching a new file to WAL needs it alone: another command opening it at the same moment
    // makes SQLite answer "database is locked" at once, without its busy handler, so it is retried.
    whileBusy(() => database.pragma('journal_mode = WAL'));
    whileBusy(() => database.pragma('synchronous = NORMAL'));
    whileBusy(() => database.pragma('foreign_keys = ON'));
    // Search over 100,000 runs touches pages all over the tables: a 64 MiB page cache (allocated
    // as used) and memory-mapped reads halve its time against SQLite's 2 MiB default.
    whileBusy(() => database.pragma('cache_size = -65536'));
    whileBusy(() => database.pragma('mmap_size = 268435456'));
  } catch (error) {
    throw databaseUnavailable({ url: path, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new CachedStatements(database) }) });
  await migrateSqlite(database, db, path);
  return guardStore(new KyselyMetadataStore({ db, dialect: 'sqlite', location: path }), path);
}

/** How long a command waits for another holding the SQLite file (a write, a migration). */
const BUSY_TIMEOUT_MS = 10_000;

/** Runs `work`, again while SQLite says the file is busy, for up to the busy timeout. */
function whileBusy<T>(work: () => T): T {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      return work();
    } catch (error) {
      // SQLITE_BUSY and its extended codes (SQLITE_BUSY_RECOVERY while another opener rebuilds the WAL index).
      if (!/^SQLITE_(BUSY|LOCKED)/.test((error as { code?: string }).code ?? '') || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/**
 * Migrates under SQLite's own write lock. Kysely's migration lock is a no-op for SQLite (it counts
 * on one connection), so two commands opening a new workspace at once both created the tables,
 * and one failed ("table experiments already exists"). The lock is taken only when a migration is
 * pending: every later open just reads the list of applied ones.
 */
async function migrateSqlite(database: { prepare(sql: string): { all(): unknown[] }; exec(sql: string): unknown; inTransaction: boolean }, db: Kysely<Database>, path: string): Promise<void> {
  if (!migrationsPending(database)) return;
  // A future migration must not need PRAGMA foreign_keys or VACUUM: neither works inside this transaction.
  try {
    whileBusy(() => database.exec('BEGIN IMMEDIATE'));
  } catch (error) {
    throw databaseUnavailable({ url: path, reason: `another Sluice command kept it locked for ${BUSY_TIMEOUT_MS / 1000} s while it was being created (${error instanceof Error ? error.message : String(error)})` }, { cause: error });
  }
  try {
    await migrateToLatest(db as Kysely<unknown>);
    database.exec('COMMIT');
  } finally {
    if (database.inTransaction) database.exec('ROLLBACK');
  }
}

function migrationsPending(database: { prepare(sql: string): { all(): unknown[] } }): boolean {
  try {
    const applied = new Set((database.prepare(`SELECT name FROM ${MIGRATION_TABLE}`).all() as { name: string }[]).map((row) => row.name));
    const known = Object.keys(MIGRATIONS);
    // One this Sluice does not know is a newer Sluice's: the migrator says so (upgrade Sluice).
    return known.some((name) => !applied.has(name)) || [...applied].some((name) => !known.includes(name));
  } catch {
    return true; // no table yet: a new database
  }
}

async function openPostgres(connectionString: string, schema: string | undefined): Promise<MetadataStore> {
  const { default: pg } = await import('pg');
  const redacted = redactPassword(connectionString);
  const poolOptions = { connectionString, connectionTimeoutMillis: 5_000, max: 4 };
  if (schema !== undefined) {
    const setup = new pg.Client(poolOptions);
    try {
      await setup.connect();
      await setup.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } catch (error) {
      throw databaseUnavailable({ url: redacted, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
    } finally {
      await setup.end().catch(() => undefined);
    }
  }
  const pool = new pg.Pool({ ...poolOptions, ...(schema === undefined ? {} : { options: `-c search_path="${schema}"` }) });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw databaseUnavailable({ url: redacted, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrateToLatest(db as Kysely<unknown>, schema ?? 'public');
  return guardStore(new KyselyMetadataStore({ db, dialect: 'postgres', location: redacted }), redacted);
}

function redactPassword(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://…';
  }
}
