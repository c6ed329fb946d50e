/**
 * Lineage by content hash: a model file's BLAKE3 id leads to the run that produced it (a
 * pipeline stage's recorded outs, or a run that logged it as an artifact); that run's inputs
 * lead, by their hashes, to the stages that produced them, and so on up. Lineage is a join on
 * hashes, not a guess from file names.
 */
import { SYSTEM_TAGS, type Run, type TrackingService } from '../tracking/index.js';
import type { Lineage, UpstreamStage } from './entities.js';

/** How far up the pipeline lineage follows inputs (deep enough for real pipelines, bounded for cycles of reuse). */
const MAX_DEPTH = 8;

function tagsOf(run: Run): Map<string, string> {
  return new Map(run.data.tags.map((tag) => [tag.key, tag.value]));
}

function dataOf(run: Run): { name: string; digest: string }[] {
  return run.inputs.map((input) => ({ name: input.dataset.name, digest: input.dataset.digest }));
}

async function upstreamOf(tracking: TrackingService, run: Run, depth: number, seen: Set<string>): Promise<UpstreamStage[]> {
  if (depth >= MAX_DEPTH) return [];
  const upstream: UpstreamStage[] = [];
  for (const input of run.inputs) {
    const [producer] = await tracking.findRunsByOutput(input.dataset.digest, 1);
    if (!producer || seen.has(producer.runId)) continue;
    seen.add(producer.runId);
    const producerRun = await tracking.getRun(producer.runId);
    upstream.push({
      stage: tagsOf(producerRun).get(SYSTEM_TAGS.stage) ?? producerRun.info.runName,
      runId: producerRun.info.runId,
      output: producer.path,
      params: Object.fromEntries(producerRun.data.params.map((param) => [param.key, param.value])),
      data: dataOf(producerRun),
      upstream: await upstreamOf(tracking, producerRun, depth + 1, seen),
    });
  }
  return upstream;
}

/** The lineage of a file with this object id, or undefined when no run is known to have made it. */
export async function findLineage(tracking: TrackingService, objectId: string, artifactRunId?: string): Promise<Lineage | undefined> {
  const [producer] = await tracking.findRunsByOutput(objectId, 1);
  const runId = producer?.runId ?? artifactRunId;
  if (!runId) return undefined;
  const run = await tracking.getRun(runId);
  const tags = tagsOf(run);
  const parentId = tags.get(SYSTEM_TAGS.parentRunId);
  const parentTags = parentId ? tagsOf(await tracking.getRun(parentId).catch(() => run)) : new Map<string, string>();
  const tag = (key: string) => tags.get(key) ?? parentTags.get(key);
  const dirty = tag(SYSTEM_TAGS.gitDirty);
  return {
    runId: run.info.runId,
    pipelineRunId: tag(SYSTEM_TAGS.pipelineRunId),
    stage: tags.get(SYSTEM_TAGS.stage),
    path: producer?.path,
    gitCommit: tag(SYSTEM_TAGS.gitCommit),
    gitDirty: dirty === undefined ? undefined : dirty === 'true',
    params: Object.fromEntries(run.data.params.map((param) => [param.key, param.value])),
    metrics: Object.fromEntries(run.data.metrics.filter((metric) => Number.isFinite(metric.value)).map((metric) => [metric.key, metric.value])),
    data: dataOf(run),
    upstream: await upstreamOf(tracking, run, 0, new Set([run.info.runId])),
  };
}
