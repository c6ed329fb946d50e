/**
 * `sluice status`: which stages are stale and exactly why, without running or changing anything
 * (beyond remembering file hashes in the stat cache).
 */
import { existsSync } from 'node:fs';
import { WorkspaceHasher } from '../cache/index.js';
import { openWorkspaceCache, openWorkspaceStatCache, type Workspace } from '../workspace/index.js';
import { buildGraph, selectStages } from './dag.js';
import { loadPipeline } from './load-pipeline.js';
import { readLockfile } from './lockfile.js';
import { ParamsReader } from './params.js';
import type { LockedPath } from './lockfile.js';
import { registryDeps, registrySourceOf } from './registry-deps.js';
import { describeChange, diffStage, onlyOutputsChanged, snapshotStage, stagePaths, type StageSnapshot } from './stage-state.js';
import { StatusSnapshotRecorder } from './status-snapshot/record-snapshot.js';
import { frozenReport, type StageState, type StageStatusReport } from './status-report.js';

export type { StageState, StageStatusReport } from './status-report.js';

/** The snapshot with deps that are restorable upstream outs replaced by what the restore will put there. */
function withRestoredDeps(snapshot: StageSnapshot, restorable: ReadonlyMap<string, LockedPath>): StageSnapshot {
  if (restorable.size === 0) return snapshot;
  const deps = new Map(snapshot.deps);
  for (const path of deps.keys()) {
    const locked = restorable.get(path);
    if (!locked) continue;
    deps.set(
      path,
      locked.nfiles === undefined
        ? { kind: 'file', id: locked.hash, size: locked.size, mode: locked.isexec ? 0o755 : 0o644 }
        : { kind: 'directory', id: locked.hash, size: locked.size, fileCount: locked.nfiles, snapshot: () => Promise.reject(new Error('not stored by status')) },
    );
  }
  return { ...snapshot, deps };
}

/**
 * The state of each selected stage (all by default). A status of the whole pipeline also keeps
 * the status snapshot: written when everything is up to date, removed otherwise (see
 * status-snapshot/record-snapshot.ts).
 */
export async function pipelineStatus(workspace: Workspace, options: { targets?: readonly string[] } = {}): Promise<StageStatusReport[]> {
  const recorder = (options.targets ?? []).length === 0 ? new StatusSnapshotRecorder(workspace) : undefined;
  const pipeline = loadPipeline(workspace.root);
  const graph = buildGraph(pipeline, { checkDepsExist: true });
  const stages = selectStages(graph, options.targets ?? []);
  // The metadata store is opened only for a stage that depends on the registry (`models:/`):
  // loading and migrating it would otherwise be most of a no-op status. Before `sluice init`
  // there is none (nothing can be registered).
  const external = registryDeps(registrySourceOf(workspace, existsSync(workspace.paths.sluiceDir) ? workspace.storeLocation : undefined));
  try {
    const statCache = await openWorkspaceStatCache(workspace);
    await statCache.loadFiles(stagePaths(stages));
    const hasher = new WorkspaceHasher(workspace.root, statCache, recorder);
    const params = new ParamsReader(workspace.root);
    const lock = readLockfile(workspace.paths.lockFile);
    const cache = openWorkspaceCache(workspace);
    const states = new Map<string, StageState>();
    /** Outs `sluice run` would restore as locked: downstream stages are judged against those, not the workspace. */
    const restorableOuts = new Map<string, LockedPath>();
    const reports: StageStatusReport[] = [];
    for (const stage of stages) {
      if (stage.frozen) {
        states.set(stage.name, 'frozen');
        reports.push(frozenReport(stage.name));
        continue;
      }
      const snapshot = withRestoredDeps(await snapshotStage(stage, hasher, params, { external }), restorableOuts);
      const changes = diffStage(stage, snapshot, lock.stages[stage.name]);
      const staleUpstream = [...(graph.upstream.get(stage.name) ?? [])].filter((name) => {
        const state = states.get(name);
        return state === 'changed' || state === 'upstream-changed';
      });
      const locked = lock.stages[stage.name];
      const restorable = onlyOutputsChanged(changes) && (locked?.outs ?? []).every((out) => cache.has(out.hash));
      const state: StageState =
        changes.length > 0 ? (restorable ? 'outs-changed' : 'changed') : staleUpstream.length > 0 ? 'upstream-changed' : 'up-to-date';
      states.set(stage.name, state);
      if (state === 'outs-changed') for (const out of locked?.outs ?? []) restorableOuts.set(out.path, out);
      const reasons = changes.map(describeChange);
      if (state === 'outs-changed') reasons.push('restorable from the cache without running');
      if (state === 'upstream-changed') reasons.push(`upstream will run: ${staleUpstream.join(', ')}`);
      reports.push({ stage: stage.name, state, changes, reasons, upstream: staleUpstream });
    }
    await statCache.flush();
    recorder?.finish(pipeline, stages, reports);
    return reports;
  } finally {
    await external.close();
  }
}
