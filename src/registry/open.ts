/** Builds the registry store on an open metadata-store connection, with outages translated. */
import { guardStore, openMetadataStore, type StoreConnection, type StoreLocation } from '../store/index.js';
import { KyselyRegistryStore } from './store/kysely-registry-store.js';
import type { RegistryStore } from './store/registry-store.js';

export function openRegistryStore(connection: StoreConnection): RegistryStore {
  return guardStore(new KyselyRegistryStore(connection), connection.location);
}

/**
 * Opens the metadata store at `location` for the registry alone, with a `close` that releases it:
 * what resolving a `models:/` dep needs in a command that otherwise never opens the store.
 */
export async function openRegistryStoreAt(location: StoreLocation): Promise<{ store: RegistryStore; close(): Promise<void> }> {
  const metadata = await openMetadataStore(location);
  return { store: openRegistryStore(metadata.connection), close: () => metadata.close() };
}
