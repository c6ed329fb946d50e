/** Builds the monitor store on an open metadata-store connection, with outages translated. */
import { guardStore, type StoreConnection } from '../../store/index.js';
import { KyselyMonitorStore } from './kysely-monitor-store.js';
import type { MonitorStore } from './monitor-store.js';

export function openMonitorStore(connection: StoreConnection): MonitorStore {
  return guardStore(new KyselyMonitorStore(connection), connection.location);
}
