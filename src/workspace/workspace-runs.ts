/**
 * "A run of this workspace": the one way Sluice records what it did as a tracked run. Every
 * command that records (eval, gate, serve), the pipeline (its run and one nested run per stage)
 * and the SDK start runs here, so they all carry the same system tags (user, source, kind, git
 * state), land in the workspace's experiment, nest under the pipeline run that launched them
 * (SLUICE_PIPELINE_RUN_ID, SLUICE_STAGE), and record the data they read by content hash.
 */
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { hashFile, readGitState, type GitState } from '../core/index.js';
import { SYSTEM_TAGS, type DatasetInput, type FileInput, type Metric, type RecordRun, type Run, type RunStatus, type Tag, type TrackingService } from '../tracking/index.js';
import type { Workspace } from './workspace.js';

/** Environment variables a pipeline sets for its stages' commands. */
export const PIPELINE_RUN_ENV = 'SLUICE_PIPELINE_RUN_ID';
export const STAGE_ENV = 'SLUICE_STAGE';

export interface WorkspaceRunStart {
  /** What recorded it: `sluice.kind` (pipeline, stage, eval, gate, serve); none for SDK runs. */
  readonly kind?: string | undefined;
  readonly name?: string | undefined;
  /** `mlflow.source.name`; default `sluice <kind>`. */
  readonly source?: string | undefined;
  /** A caller-chosen id (a pipeline run's). */
  readonly runId?: string | undefined;
  /** An experiment by name; default the workspace's (or the parent's). */
  readonly experiment?: string | undefined;
  /** The parent run; default the pipeline run in the environment, unless `nested` is false. */
  readonly parentRunId?: string | undefined;
  /** The parent run as the caller already has it (a pipeline recording its stages), instead of reading it again. */
  readonly parent?: Run | undefined;
  /** False for runs that never nest (a serving session, a pipeline run). */
  readonly nested?: boolean | undefined;
  /** Adds the git commit, branch and dirty flag. */
  readonly git?: GitState | undefined;
  /**
   * Without `git`: adds the git state anyway, copied from the parent's tags when the run nests
   * under one (the commit the pipeline ran at, not re-read mid-run), else read from the workspace.
   */
  readonly readGit?: boolean | undefined;
  readonly tags?: Readonly<Record<string, string>> | readonly Tag[] | undefined;
  readonly startTime?: number | undefined;
}

export interface WorkspaceRuns {
  /** Creates a run with the workspace's system tags. */
  start(start: WorkspaceRunStart): Promise<Run>;
  /** Params in batches of MLflow's limit; undefined values are left out. */
  logParams(runId: string, params: Readonly<Record<string, string | number | boolean | undefined>> | readonly Tag[]): Promise<void>;
  /** Metrics in batches of MLflow's limit, at `timestamp` (default now), step 0 unless given. */
  logMetrics(runId: string, metrics: Readonly<Record<string, number>> | readonly Metric[], timestamp?: number): Promise<void>;
  /** Files read, hashed now (BLAKE3), named relative to the workspace root. */
  logFiles(runId: string, files: readonly FileInput[]): Promise<void>;
  /** Data sets already hashed (a stage's deps from sluice.lock). */
  logInputs(runId: string, inputs: readonly DatasetInput[]): Promise<void>;
  end(runId: string, status?: RunStatus, endTime?: number): Promise<void>;
  /** start + params + metrics + files + end, for a finished piece of work. */
  record: RecordRun;
}

export interface WorkspaceRunsOptions {
  readonly workspace: Workspace;
  readonly tracking: TrackingService;
  /** Who runs it (`mlflow.user`). */
  readonly user: string;
  /** Where the pipeline context is read (SLUICE_PIPELINE_RUN_ID, SLUICE_STAGE); default process.env. */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

const PARAMS_PER_BATCH = 100;
const METRICS_PER_BATCH = 1000;

function tagList(tags: WorkspaceRunStart['tags']): Tag[] {
  if (!tags) return [];
  return Array.isArray(tags) ? [...(tags as readonly Tag[])] : Object.entries(tags as Record<string, string>).map(([key, value]) => ({ key, value }));
}

function gitTags(git: GitState | undefined): Tag[] {
  if (!git?.commit) return [];
  return [
    { key: SYSTEM_TAGS.gitCommit, value: git.commit },
    ...(git.branch ? [{ key: SYSTEM_TAGS.gitBranch, value: git.branch }] : []),
    { key: SYSTEM_TAGS.gitDirty, value: String(git.dirty) },
  ];
}

const GIT_TAG_KEYS: readonly string[] = [SYSTEM_TAGS.gitCommit, SYSTEM_TAGS.gitBranch, SYSTEM_TAGS.gitDirty];

/** The git tags a run gets: given, copied from its parent, read from the workspace, or none. */
async function gitTagsFor(start: WorkspaceRunStart, parent: Run | undefined, root: string): Promise<Tag[]> {
  if (start.git || !start.readGit) return gitTags(start.git);
  if (parent) return parent.data.tags.filter((tag) => GIT_TAG_KEYS.includes(tag.key));
  return gitTags(await readGitState(root));
}

async function digestOf(path: string): Promise<string> {
  return `blake3:${await hashFile(path, statSync(path).size)}`;
}

export function createWorkspaceRuns({ workspace, tracking, user, env = process.env }: WorkspaceRunsOptions): WorkspaceRuns {
  async function parentOf(start: WorkspaceRunStart): Promise<Run | undefined> {
    if (start.parent) return start.parent;
    const id = start.parentRunId ?? (start.nested === false ? undefined : env[PIPELINE_RUN_ENV]);
    // A parent named by the environment may belong to another store: then the run stands alone.
    return id ? tracking.getRun(id).catch(() => undefined) : undefined;
  }

  const runs: WorkspaceRuns = {
    async start(start) {
      const parent = await parentOf(start);
      const experimentId = start.experiment || !parent ? (await tracking.getOrCreateExperiment(start.experiment ?? workspace.experimentName)).experimentId : parent.info.experimentId;
      const stage = start.nested === false ? undefined : env[STAGE_ENV];
      const tags: Tag[] = [
        { key: SYSTEM_TAGS.user, value: user },
        { key: SYSTEM_TAGS.sourceName, value: start.source ?? `sluice ${start.kind ?? ''}`.trim() },
        { key: SYSTEM_TAGS.sourceType, value: 'LOCAL' },
        ...(start.kind ? [{ key: 'sluice.kind', value: start.kind }] : []),
        ...(await gitTagsFor(start, parent, workspace.root)),
        ...(parent ? [{ key: SYSTEM_TAGS.parentRunId, value: parent.info.runId }] : []),
        ...(parent && !start.parentRunId ? [{ key: SYSTEM_TAGS.pipelineRunId, value: parent.info.runId }] : []),
        ...(stage && !start.parentRunId ? [{ key: SYSTEM_TAGS.stage, value: stage }] : []),
        ...tagList(start.tags),
      ];
      return tracking.createRun({ runId: start.runId, experimentId, userId: user, runName: start.name, startTime: start.startTime, tags });
    },

    async logParams(runId, params) {
      const list = Array.isArray(params)
        ? (params as readonly Tag[])
        : Object.entries(params).flatMap(([key, value]) => (value === undefined ? [] : [{ key, value: String(value) }]));
      for (let at = 0; at < list.length; at += PARAMS_PER_BATCH) await tracking.logBatch(runId, { params: list.slice(at, at + PARAMS_PER_BATCH) });
    },

    async logMetrics(runId, metrics, timestamp = Date.now()) {
      const list: readonly Metric[] = Array.isArray(metrics)
        ? (metrics as readonly Metric[])
        : Object.entries(metrics as Record<string, number>).filter(([, value]) => typeof value === 'number').map(([key, value]) => ({ key, value, timestamp, step: 0 }));
      for (let at = 0; at < list.length; at += METRICS_PER_BATCH) await tracking.logBatch(runId, { metrics: list.slice(at, at + METRICS_PER_BATCH) });
    },

    async logFiles(runId, files) {
      const inputs: DatasetInput[] = [];
      for (const file of files) {
        const absolute = resolve(file.path);
        const inside = relative(workspace.root, absolute);
        inputs.push({
          dataset: { name: inside.startsWith('..') ? absolute : inside, digest: await digestOf(absolute), sourceType: 'workspace', source: JSON.stringify({ path: absolute }) },
          tags: [{ key: 'mlflow.data.context', value: file.context }],
        });
      }
      if (inputs.length > 0) await tracking.logInputs(runId, inputs);
    },

    async logInputs(runId, inputs) {
      if (inputs.length > 0) await tracking.logInputs(runId, inputs);
    },

    async end(runId, status = 'FINISHED', endTime) {
      if (endTime === undefined) await tracking.endRun(runId, status);
      else await tracking.updateRun(runId, { status, endTime });
    },

    async record(record) {
      const modelTags: Record<string, string> = {};
      for (const [role, path] of Object.entries(record.models ?? {})) if (path) modelTags[`sluice.model.${role}.digest`] = await digestOf(path);
      const run = await runs.start({ kind: record.kind, name: record.name, readGit: true, tags: { ...record.tags, ...modelTags } });
      const runId = run.info.runId;
      await runs.logParams(runId, record.params);
      await runs.logMetrics(runId, record.metrics);
      await runs.logFiles(runId, record.data);
      await runs.end(runId, record.failed ? 'FAILED' : 'FINISHED');
      return runId;
    },
  };
  return runs;
}
