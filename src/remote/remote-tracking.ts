/**
 * Tracking on a team server: the TrackingService interface over MLflow's REST API 2.0, and over
 * Sluice's API (/api/sluice/v1) for what MLflow's lacks (run outputs, lookups by content hash,
 * run id prefixes, a run with its nested runs deleted together, run counts, runs without their
 * nested ones). The server's tracking service applies MLflow's rules; this only carries calls.
 */
import type { DatasetInput, Experiment, Metric, NewRun, Page, Run, RunInfo, RunStatus, SearchOptions, Tag, TrackingService } from '../tracking/index.js';
import type { Json, ServerClient } from './server-client.js';
import type { WireReaders } from './wire-read.js';

const MLFLOW = '/api/2.0/mlflow';
const SLUICE = '/api/sluice/v1';

/** JSON has no NaN or infinities: MLflow sends them as text. */
function wireDouble(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

function searchQuery(options: SearchOptions): Json {
  return { filter: options.filter, order_by: options.orderBy, max_results: options.maxResults, page_token: options.pageToken };
}

function stringOf(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

/** The {@link TrackingService} of a team server, over `client`. */
// eslint-disable-next-line max-lines-per-function -- one closure over the client implementing one interface; each method is one request
export function createRemoteTracking(client: ServerClient, wire: WireReaders): TrackingService {
  const post = (path: string, body: Json) => client.send('post', path, body);
  const getRun = async (runId: string): Promise<Run> => {
    const answer = await client.get(`${SLUICE}/runs/get`, { run_id: runId });
    return wire.run(answer.run, answer.outputs);
  };
  const updateRun = async (runId: string, patch: { status?: RunStatus | undefined; endTime?: number | undefined; runName?: string | undefined }): Promise<RunInfo> => {
    const answer = await post(`${MLFLOW}/runs/update`, { run_id: runId, status: patch.status, end_time: patch.endTime, run_name: patch.runName });
    return wire.runInfo(answer.run_info);
  };

  const tracking: TrackingService = {
    async ensureDefaultExperiment() {
      return tracking.getExperiment('0');
    },
    async createExperiment(input) {
      const answer = await post(`${MLFLOW}/experiments/create`, { name: input.name, artifact_location: input.artifactLocation, tags: input.tags ?? [] });
      return tracking.getExperiment(stringOf(answer.experiment_id));
    },
    async getExperiment(experimentId) {
      return wire.experiment((await client.get(`${MLFLOW}/experiments/get`, { experiment_id: experimentId })).experiment);
    },
    async getExperimentByName(name) {
      return wire.experiment((await client.get(`${MLFLOW}/experiments/get-by-name`, { experiment_name: name })).experiment);
    },
    async getOrCreateExperiment(name) {
      return wire.experiment((await post(`${SLUICE}/experiments/get-or-create`, { name })).experiment);
    },
    async experimentIdsOf(namesOrIds, options) {
      const answer = await client.get(`${SLUICE}/experiments/ids`, { names: namesOrIds, missing: options.missing });
      return Array.isArray(answer.experiment_ids) ? answer.experiment_ids.map(String) : [];
    },
    async searchExperiments(options = {}): Promise<Page<Experiment>> {
      const answer = await post(`${MLFLOW}/experiments/search`, { ...searchQuery(options), view_type: options.viewType });
      return wire.page(wire.experiments(answer.experiments), answer);
    },
    async renameExperiment(experimentId, newName) {
      await post(`${MLFLOW}/experiments/update`, { experiment_id: experimentId, new_name: newName });
    },
    async deleteExperiment(experimentId) {
      await post(`${MLFLOW}/experiments/delete`, { experiment_id: experimentId });
    },
    async restoreExperiment(experimentId) {
      await post(`${MLFLOW}/experiments/restore`, { experiment_id: experimentId });
    },
    async setExperimentTag(experimentId, tag) {
      await post(`${MLFLOW}/experiments/set-experiment-tag`, { experiment_id: experimentId, key: tag.key, value: tag.value });
    },
    async deleteExperimentTag(experimentId, key) {
      await post(`${MLFLOW}/experiments/delete-experiment-tag`, { experiment_id: experimentId, key });
    },

    async createRun(input: NewRun = {}) {
      const answer = await post(`${MLFLOW}/runs/create`, {
        run_id: input.runId,
        experiment_id: input.experimentId,
        user_id: input.userId,
        run_name: input.runName,
        start_time: input.startTime,
        tags: input.tags ?? [],
      });
      return wire.run(answer.run);
    },
    async resolveRunId(idOrPrefix) {
      return stringOf((await client.get(`${SLUICE}/runs/resolve-id`, { id: idOrPrefix })).run_id);
    },
    getRun,
    updateRun,
    async endRun(runId, status = 'FINISHED') {
      return updateRun(runId, { status, endTime: Date.now() });
    },
    async deleteRun(runId) {
      await post(`${MLFLOW}/runs/delete`, { run_id: runId });
    },
    async restoreRun(runId) {
      await post(`${MLFLOW}/runs/restore`, { run_id: runId });
    },
    async countActiveRuns(experimentIds) {
      const answer = await client.get(`${SLUICE}/experiments/active-run-counts`, { experiment_ids: experimentIds });
      const counts = (answer.counts ?? {}) as Record<string, unknown>;
      return new Map(experimentIds.map((id) => [id, Number(counts[id] ?? 0)]));
    },
    async setRunTreeLifecycle(runId, stage) {
      const answer = await post(`${SLUICE}/runs/set-lifecycle`, { run_id: runId, lifecycle_stage: stage });
      return Array.isArray(answer.run_ids) ? answer.run_ids.map(String) : [];
    },

    async logBatch(runId, batch) {
      await post(`${MLFLOW}/runs/log-batch`, {
        run_id: runId,
        metrics: (batch.metrics ?? []).map((metric: Metric) => ({ ...metric, value: wireDouble(metric.value) })),
        params: batch.params ?? [],
        tags: batch.tags ?? [],
      });
    },
    async logMetric(runId, metric) {
      await post(`${MLFLOW}/runs/log-metric`, { run_id: runId, key: metric.key, value: wireDouble(metric.value), timestamp: metric.timestamp ?? Date.now(), step: metric.step ?? 0 });
    },
    async logParam(runId, key, value) {
      await post(`${MLFLOW}/runs/log-parameter`, { run_id: runId, key, value });
    },
    async setTag(runId, key, value) {
      await post(`${MLFLOW}/runs/set-tag`, { run_id: runId, key, value });
    },
    async deleteTag(runId, key) {
      await post(`${MLFLOW}/runs/delete-tag`, { run_id: runId, key });
    },
    async logInputs(runId, inputs: readonly DatasetInput[]) {
      const datasets = inputs.map(({ dataset, tags }) => ({
        tags: tags as readonly Tag[],
        dataset: { name: dataset.name, digest: dataset.digest, source_type: dataset.sourceType, source: dataset.source, schema: dataset.schema, profile: dataset.profile },
      }));
      await post(`${MLFLOW}/runs/log-inputs`, { run_id: runId, datasets });
    },
    async logOutputs(runId, outputs) {
      await post(`${SLUICE}/runs/log-outputs`, { run_id: runId, outputs: outputs.map((output) => ({ path: output.path, object_id: output.objectId, size: output.size })) });
    },

    async findRunsByOutput(objectId, limit) {
      const answer = await client.get(`${SLUICE}/runs/by-output`, { object_id: objectId, limit });
      return (Array.isArray(answer.runs) ? answer.runs : []).map((item: { run_id?: unknown; path?: unknown }) => ({ runId: stringOf(item.run_id), path: stringOf(item.path) }));
    },
    async findRunsByDatasetDigest(digest, limit) {
      return wire.runInfos((await client.get(`${SLUICE}/runs/by-dataset`, { digest, limit })).runs);
    },
    async getMetricHistory(runId, key, options = {}) {
      const answer = await client.get(`${MLFLOW}/metrics/get-history`, { run_id: runId, metric_key: key, max_results: options.maxResults, page_token: options.pageToken });
      return wire.page(wire.metrics(answer.metrics), answer);
    },
    async searchRuns(options) {
      const answer = await post(`${MLFLOW}/runs/search`, {
        ...searchQuery(options),
        experiment_ids: options.experimentIds,
        run_view_type: options.viewType,
        top_level_only: options.topLevelOnly,
      });
      return wire.page(wire.runs(answer.runs), answer);
    },
  };
  return tracking;
}
