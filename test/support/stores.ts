/**
 * The metadata store on every backend, for contract suites: SQLite in a temp directory and
 * PostgreSQL in a private schema on the machine's server.
 */
import { createTestSchema } from './postgres.js';
import { makeTempDir } from './temp-dir.js';
import { openMetadataStore, parseStoreUrl, type MetadataStore } from '../../src/store/index.js';

export interface OpenedStore {
  readonly store: MetadataStore;
  /** The URL the store was opened with (for a second process or server). */
  readonly url: string;
  dispose(): Promise<void>;
}

export type StoreFactory = () => Promise<OpenedStore>;

export const STORE_BACKENDS: Readonly<Record<'sqlite' | 'postgres', StoreFactory>> = {
  sqlite: async () => {
    const dir = makeTempDir();
    const url = `${dir.path}/sluice.db`;
    const store = await openMetadataStore(parseStoreUrl(url, dir.path));
    return { store, url, dispose: async () => { await store.close(); dir.remove(); } };
  },
  postgres: async () => {
    const schema = await createTestSchema();
    const store = await openMetadataStore(parseStoreUrl(schema.url, '/'));
    return { store, url: schema.url, dispose: async () => { await store.close(); await schema.drop(); } };
  },
};
