/**
 * Writing the status snapshot (see snapshot-file.ts) while the full `sluice status` works (or a
 * `sluice run` of the whole pipeline, which checks each stage the same way before deciding to do
 * nothing): the recorder watches every path the hasher looks at, then adds the files the command
 * read on its own.
 *
 * Why the inputs recorded are all the inputs of the verdict "up to date" (completeness is what
 * makes the fast path correct):
 * - the command line: only `status` and `status --json` of the whole pipeline are answered, and
 *   Sluice's own code: the build id;
 * - the workspace root: found from the cwd by the same walk on both paths; the snapshot names it
 *   (and the host, as the stat cache's key does);
 * - `.sluice/config.yaml` (openWorkspace) and `SLUICE_DATABASE_URL` (STATUS_ENV): the only
 *   inputs of opening the workspace; the store it names is only opened for registry deps, and a
 *   pipeline with any (`models:/`, whose verdict lives in the database) is never recorded;
 * - `sluice.yaml` (loadPipeline; also the params file of `uses: gate` stages) and `sluice.lock`;
 * - the default params file, read by the loader for `${...}` even when no stage lists it (absent
 *   is recorded too: if it appears, the snapshot is void), and every params file a stage reads;
 * - every dep and out of every checked stage, as the hasher saw it: a file's stat (what the stat
 *   cache trusts its hash by), a directory's fingerprint (what the stat cache trusts its id by);
 * - the existence of frozen stages' deps (the graph requires a dep no stage makes to exist);
 * - nothing else: the object cache only decides between two stale states, the stat cache only
 *   saves hashing, and no file outside these is opened by loadPipeline, buildGraph or status.
 * Each is stat'ed after the check started; one modified within the racy margin of that moment
 * (or later) voids the snapshot, so a recorded stat always describes the content that was read.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { isRacy, type HashObserver, type ObservedPath } from '../../cache/index.js';
import { writeFileAtomic } from '../../core/index.js';
import { CONFIG_FILE, LOCK_FILE, PIPELINE_FILE, type Workspace } from '../../workspace/index.js';
import { isRegistryReference } from '../registry-deps.js';
import type { Pipeline, Stage } from '../stage.js';
import { isSettled, type StageStatusReport } from '../status-report.js';
import { serializeStatusSnapshot, sluiceBuildId, STATUS_SNAPSHOT_FORMAT, statusEnv, statusSnapshotFile, type PathSignature, type StatusSnapshot } from './snapshot-file.js';

/** Records what one status check reads; {@link finish} writes the snapshot when it may. */
export class StatusSnapshotRecorder implements HashObserver {
  /** Taken before anything is read: the racy rule's reference moment. */
  private readonly startedAt = Date.now();
  private readonly paths = new Map<string, PathSignature>();
  /** Why no snapshot may be written, once something said so. */
  private refused: string | undefined;

  constructor(
    private readonly workspace: Workspace,
    private readonly build: string | undefined = sluiceBuildId(),
  ) {}

  observed(path: string, seen: ObservedPath): void {
    if (seen.kind === 'absent') return this.record(path, { kind: 'absent' });
    if (seen.kind === 'file') return this.recordStats(path, seen.stats);
    if (isRacy({ mtimeMs: seen.walk.newestMtimeMs }, this.startedAt)) this.refuse(`${path} has a file modified just now`);
    this.record(path, { kind: 'directory', fingerprint: seen.walk.fingerprint });
  }

  /**
   * Writes the snapshot if the whole pipeline is up to date, or removes the last one otherwise
   * (so that a later status does not re-check a snapshot that cannot hold). A report left
   * undefined stands for a stage that is not (`sluice run` ran or restored it). Returns why it
   * wrote none, or undefined when it wrote one.
   */
  finish(pipeline: Pipeline, stages: readonly Stage[], reports: readonly (StageStatusReport | undefined)[]): string | undefined {
    const file = statusSnapshotFile(this.workspace.root);
    const reason = this.whyNot(pipeline, stages, reports);
    // The snapshot only saves time: failing to keep it (a read-only checkout) must not fail status.
    try {
      if (reason !== undefined) {
        rmSync(file, { force: true });
        return reason;
      }
      mkdirSync(dirname(file), { recursive: true });
      const settled = reports as readonly StageStatusReport[];
      const snapshot: StatusSnapshot = { format: STATUS_SNAPSHOT_FORMAT, build: this.build!, root: this.workspace.root, host: hostname(), env: statusEnv(process.env), paths: Object.fromEntries(this.paths), reports: settled };
      writeFileAtomic(file, serializeStatusSnapshot(snapshot));
      return undefined;
    } catch (error) {
      return `the snapshot could not be written (${(error as Error).message})`;
    }
  }

  private whyNot(pipeline: Pipeline, stages: readonly Stage[], reports: readonly (StageStatusReport | undefined)[]): string | undefined {
    if (this.build === undefined) return 'this Sluice has no build id';
    // Before `sluice init` status keeps nothing on disk (the stat cache lives in memory then).
    if (!existsSync(this.workspace.paths.sluiceDir)) return 'no .sluice directory';
    if (!reports.every((report) => report !== undefined && isSettled(report))) return 'the pipeline is not up to date';
    if (stages.length !== pipeline.stages.length) return 'only some stages were checked';
    if (pipeline.stages.some((stage) => stage.deps.some((dep) => isRegistryReference(dep.path)))) return 'a stage depends on the registry';
    const files = [PIPELINE_FILE, LOCK_FILE, CONFIG_FILE, pipeline.paramsFile, ...pipeline.stages.flatMap((stage) => stage.params.map((param) => param.file))];
    for (const path of files) this.recordFile(path);
    for (const stage of pipeline.stages) {
      if (!stage.frozen) continue;
      for (const dep of stage.deps) if (!this.paths.has(dep.path)) this.record(dep.path, existsSync(join(this.workspace.root, dep.path)) ? { kind: 'present' } : { kind: 'absent' });
    }
    return this.refused;
  }

  private recordFile(path: string): void {
    let stats;
    try {
      stats = statSync(join(this.workspace.root, path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return this.record(path, { kind: 'absent' });
      return this.refuse(`${path} cannot be read`);
    }
    this.recordStats(path, stats);
  }

  private recordStats(path: string, stats: { ino: number; size: number; mtimeMs: number; ctimeMs: number; isDirectory(): boolean }): void {
    if (stats.isDirectory()) return this.refuse(`${path} is a directory`);
    if (isRacy(stats, this.startedAt)) this.refuse(`${path} was modified just now`);
    this.record(path, { kind: 'file', ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs });
  }

  /** One signature per path: seen twice differently (it changed during the check), nothing is written. */
  private record(path: string, signature: PathSignature): void {
    const known = this.paths.get(path);
    if (known === undefined) this.paths.set(path, signature);
    else if (JSON.stringify(known) !== JSON.stringify(signature)) this.refuse(`${path} changed during the check`);
  }

  private refuse(reason: string): void {
    this.refused ??= reason;
  }
}
