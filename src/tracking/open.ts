/** Builds the tracking stores on an open metadata-store connection, with outages translated. */
import { guardStore, type StoreConnection } from '../store/index.js';
import { KyselyArtifactIndex } from './store/kysely-artifact-index.js';
import { KyselyTrackingStore } from './store/kysely-tracking-store.js';
import type { ArtifactIndex, TrackingStore } from './store/tracking-store.js';

export function openTrackingStores(connection: StoreConnection): { store: TrackingStore; artifactIndex: ArtifactIndex } {
  return {
    store: guardStore(new KyselyTrackingStore(connection), connection.location),
    artifactIndex: guardStore(new KyselyArtifactIndex(connection), connection.location),
  };
}
