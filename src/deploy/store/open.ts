/** Builds the rollout store on an open metadata-store connection, with outages translated. */
import { guardStore, type StoreConnection } from '../../store/index.js';
import { KyselyRolloutStore } from './kysely-rollout-store.js';
import type { RolloutStore } from './rollout-store.js';

export function openRolloutStore(connection: StoreConnection): RolloutStore {
  return guardStore(new KyselyRolloutStore(connection), connection.location);
}
