/**
 * Connecting to a team's Sluice server: the client, checked to answer before any work starts,
 * and the tracking, artifact and registry services over it, which a workspace uses in place of
 * its own database's when a server is configured.
 */
import type { Actor, RegistryService } from '../registry/index.js';
import type { Artifacts, TrackingService } from '../tracking/index.js';
import { RemoteArtifacts } from './remote-artifacts.js';
import { createRemoteRegistry } from './remote-registry.js';
import { createRemoteTracking } from './remote-tracking.js';
import { ServerClient, type ServerClientOptions } from './server-client.js';
import { wireReaders } from './wire-read.js';

/** The services of a team server, as a workspace's commands use them. */
export interface RemoteServices {
  readonly client: ServerClient;
  readonly tracking: TrackingService;
  readonly artifacts: Artifacts;
  /** The registry; the server records its token's principal, `actor` is what this client reports. */
  registry(actor: Actor): RegistryService;
}

/**
 * Checks that the server answers (SLUICE_REMOTE_UNREACHABLE, exit 3, otherwise: before anything
 * is run or recorded) and returns its services.
 */
export async function connectToServer(options: ServerClientOptions): Promise<RemoteServices> {
  const client = new ServerClient(options);
  await client.ping();
  const wire = wireReaders(client.url);
  const artifacts = new RemoteArtifacts(client, wire);
  return {
    client,
    tracking: createRemoteTracking(client, wire),
    artifacts,
    registry: (actor) => createRemoteRegistry({ client, wire, artifacts, actor }),
  };
}
