/**
 * The monitor service of the current workspace, built once per command from the workspace's
 * services: for `sluice monitor …` and for the monitor loop inside `sluice serve --env`.
 */
import { dirname } from 'node:path';
import { createDeployService, loadEnvironments, openRolloutStore, type DeployService } from '../../deploy/index.js';
import { createMonitorService, loadMonitors, openMonitorStore, type MonitorConfig, type MonitorService } from '../../monitoring/index.js';
import { openWorkspaceCache, workspacePredictionLogDir, type WorkspaceServices } from '../../workspace/index.js';
import { cliActor } from '../services.js';

export interface WorkspaceMonitors {
  readonly config: MonitorConfig;
  readonly service: MonitorService;
}

/**
 * The workspace's monitors; `deploy` is the caller's deploy service when it has one (the server's,
 * raising its alerts); `watch` when passes will follow one another (a loop, a schedule).
 */
export function workspaceMonitors(services: WorkspaceServices, options: { deploy?: DeployService; config?: MonitorConfig; watch?: boolean } = {}): WorkspaceMonitors {
  const root = services.workspace.root;
  const actor = cliActor();
  const cache = openWorkspaceCache(services.workspace);
  const config = options.config ?? loadMonitors(root);
  const registry = services.registry(actor);
  const deploy = options.deploy ?? createDeployService({ store: openRolloutStore(services.store.connection), registry, config: loadEnvironments(root) });
  const resolveModel = services.models(actor);
  const service = createMonitorService({
    root,
    config,
    store: openMonitorStore(services.store.connection),
    deploy,
    registry,
    resolveModel,
    retrain: { workspace: services.workspace, registry, tracking: services.tracking, resolveModel, recordRun: services.runs.record, deploy, toolDir: process.argv[1] ? dirname(process.argv[1]) : undefined },
    objects: { pathOf: (digest) => (cache.has(digest as Parameters<typeof cache.has>[0]) ? cache.objectPath(digest as Parameters<typeof cache.objectPath>[0]) : undefined) },
    logDirOf: (environment) => workspacePredictionLogDir(root, environment),
    watch: options.watch,
  });
  return { config, service };
}
