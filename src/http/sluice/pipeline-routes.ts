/**
 * The project's pipeline for the web UI: the DAG of sluice.yaml (each stage's command, deps and
 * outs, and the edges `sluice dag` draws) with each stage's latest outcome from the recorded
 * pipeline runs (status, time, cache hits). A standalone server has no sluice.yaml: no stages.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { buildGraph, loadPipeline } from '../../pipeline/index.js';
import type { StageRun } from '../../store/index.js';
import { PIPELINE_FILE } from '../../workspace/index.js';
import { route, type JsonRoute } from '../route.js';

/** Recent pipeline runs read for the stages' latest outcomes (a stage not run in them shows none). */
const RUNS_READ = 50;

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
];
