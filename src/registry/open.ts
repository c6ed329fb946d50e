/** Builds the registry store on an open metadata-store connection, with outages translated. */
import { guardStore, type StoreConnection } from '../store/index.js';
import { KyselyRegistryStore } from './store/kysely-registry-store.js';
import type { RegistryStore } from './store/registry-store.js';

export function openRegistryStore(connection: StoreConnection): RegistryStore {
  return guardStore(new KyselyRegistryStore(connection), connection.location);
}
