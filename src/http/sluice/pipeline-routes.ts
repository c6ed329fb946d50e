/**
 * The project's pipeline for the web UI: the DAG of sluice.yaml (each stage's command, deps and
 * outs, and the edges `sluice dag` draws) with each stage's latest outcome from the recorded
 * pipeline runs (status, time, cache hits). A standalone server has no sluice.yaml: no stages.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { buildGraph, loadPipeline } from '../../pipeline/index.js';
import { SYSTEM_TAGS } from '../../tracking/index.js';
import type { StageRun } from '../../store/index.js';
import { PIPELINE_FILE } from '../../workspace/index.js';
import { route, type JsonRoute } from '../route.js';

/** Recent pipeline runs read for the stages' latest outcomes (a stage not run in them shows none). */
const RUNS_READ = 50;
/** The end of a stage's log that is sent (a long training log's start is rarely what one looks for). */
const LOG_TAIL_BYTES = 256 * 1024;

/** The last `bytes` of the file at `path`, and whether anything before them was left out. */
function tailOf(path: string, bytes: number): { text: string; truncated: boolean } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return { text: buffer.toString('utf8'), truncated: size > length };
  } finally {
    closeSync(fd);
  }
}

export const pipelineRoutes: readonly JsonRoute[] = [
  route({
    api: 'sluice', method: 'GET', path: '/api/sluice/v1/pipeline', role: 'reader',
    summary: "The project's pipeline: stages with their deps and outs, the DAG's edges, and each stage's latest recorded outcome",
    request: z.object({}),
    handle: async (_input, { services }) => {
      const root = services.workspace.root;
      if (!existsSync(join(root, PIPELINE_FILE))) return { stages: [], edges: [] };
      const graph = buildGraph(loadPipeline(root), { checkDepsExist: false });
      const latest = new Map<string, StageRun>();
      for (const run of await services.store.listPipelineRuns({ limit: RUNS_READ })) {
        for (const stageRun of await services.store.listStageRuns(run.id)) {
          const seen = latest.get(stageRun.stage);
          if (!seen || stageRun.startedAt > seen.startedAt) latest.set(stageRun.stage, stageRun);
        }
        if (latest.size >= graph.order.length) break;
      }
      const stages = graph.order.map((stage) => {
        const last = latest.get(stage.name);
        return {
          name: stage.name,
          cmd: stage.cmd,
          deps: stage.deps.map((dep) => dep.path),
          outs: stage.outs.map((out) => out.path),
          last: last ? { status: last.status, run_id: last.runId, started_at: last.startedAt, duration_ms: last.durationMs, message: last.message ?? null } : null,
        };
      });
      const edges = graph.order.flatMap((stage) => [...(graph.upstream.get(stage.name) ?? [])].map((upstream) => [upstream, stage.name]));
      return { stages, edges };
    },
  }),
  route({
    api: 'sluice', method: 'GET', path: '/api/sluice/v1/pipeline/stage-log', role: 'reader',
    summary: "The log (its last 256 KB) of a pipeline stage's tracked run, as the stage wrote it on this server's workspace",
    request: z.object({ run_id: z.string().min(1) }),
    handle: async (input, { services }) => {
      const run = await services.tracking.getRun(input.run_id);
      const tags = new Map(run.data.tags.map((tag) => [tag.key, tag.value]));
      const stage = tags.get(SYSTEM_TAGS.stage);
      const pipelineRunId = tags.get(SYSTEM_TAGS.pipelineRunId);
      if (stage === undefined || pipelineRunId === undefined) return { stage: null, log: null };
      const recorded = (await services.store.listStageRuns(pipelineRunId)).find((stageRun) => stageRun.stage === stage);
      const root = services.workspace.root;
      const logs = resolve(services.workspace.paths.logsDir);
      const path = recorded?.logPath === undefined ? undefined : resolve(root, recorded.logPath);
      // Only a file under the workspace's logs directory is read, whatever the record says.
      if (path === undefined || relative(logs, path).startsWith('..') || !existsSync(path)) return { stage, log: null };
      const { text, truncated } = tailOf(path, LOG_TAIL_BYTES);
      return { stage, log: text, truncated };
    },
  }),
];
