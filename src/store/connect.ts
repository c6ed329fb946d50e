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
import { migrateToLatest } from './migrate.js';
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
    database = new SqliteDatabase(path, { timeout: 10_000 });
    // WAL lets `sluice status` read while a run writes; NORMAL sync is crash-safe under WAL.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    // Search over 100,000 runs touches pages all over the tables: a 64 MiB page cache (allocated
    // as used) and memory-mapped reads halve its time against SQLite's 2 MiB default.
    database.pragma('cache_size = -65536');
    database.pragma('mmap_size = 268435456');
  } catch (error) {
    throw databaseUnavailable({ url: path, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new CachedStatements(database) }) });
  await migrateToLatest(db as Kysely<unknown>);
  return guardStore(new KyselyMetadataStore({ db, dialect: 'sqlite', location: path }), path);
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
