/**
 * @module remote
 * A client of a team's Sluice server (SLUICE_SERVER_URL and SLUICE_TOKEN, or `server:` in
 * `.sluice/config.yaml`): tracking, the registry, the audit log and artifacts over the server's
 * HTTP API (MLflow's REST API 2.0 and Sluice's /api/sluice/v1), behind the same interfaces as the
 * local services, with the server's errors mapped back to the same catalogued errors.
 */
export { connectToServer, type RemoteServices } from './connect.js';
export { parseServerUrl, ServerClient, type ServerClientOptions } from './server-client.js';
export { invalidServerUrl, notAvailableRemotely, serverUnreachable, unexpectedServerAnswer } from './errors.js';
