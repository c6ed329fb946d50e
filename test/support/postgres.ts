/**
 * A private PostgreSQL schema per test, on the machine's server (127.0.0.1:5432, trust auth).
 * Fails fast with a message saying how to start the server, rather than hanging.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Base URL of the test server; override with SLUICE_TEST_POSTGRES_URL. */
export const TEST_POSTGRES_URL = process.env.SLUICE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  /** A store URL whose tables live in a fresh schema. */
  readonly url: string;
  readonly schema: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

export async function createTestSchema(): Promise<TestSchema> {
  const schema = `sluice_test_${randomBytes(6).toString('hex')}`;
  await withClient(async (client) => client.query(`CREATE SCHEMA "${schema}"`));
  const separator = TEST_POSTGRES_URL.includes('?') ? '&' : '?';
  return {
    url: `${TEST_POSTGRES_URL}${separator}schema=${schema}`,
    schema,
    drop: () => withClient(async (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).then(() => undefined),
  };
}

async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${TEST_POSTGRES_URL} (${error instanceof Error ? error.message : String(error)}). ` +
        'Start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` (see ../shared/README.md).',
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
