/**
 * MLflow REST API 2.0, tracking half: experiments, runs, logging, metric history and search.
 * Shapes and error codes are MLflow's (docs/reference/mlflow-rest-api.md).
 */
import { z } from 'zod';
import { RUN_STATUSES, VIEW_TYPES } from '../../tracking/index.js';
import { invalidRequest } from '../errors.js';
import { route, type JsonRoute } from '../route.js';
import { bool, double, int64, keyValues, required, stringList } from './fields.js';
import { experimentToWire, fileInfoToWire, metricToWire, runInfoToWire, runToWire, withToken } from './wire.js';

const BASE = '/api/2.0/mlflow';
const runId = z.object({ run_id: z.string().optional(), run_uuid: z.string().optional() });
/** MLflow clients send both `run_id` and the older `run_uuid`; either will do. */
function theRunId(input: { run_id?: string | undefined; run_uuid?: string | undefined }): string {
  const id = input.run_id || input.run_uuid;
  if (!id) throw invalidRequest({ problem: "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters." });
  return id;
}

const searchFields = {
  filter: z.string().optional(),
  max_results: int64.optional(),
  order_by: stringList.optional(),
  page_token: z.string().optional(),
};

export const trackingRoutes: readonly JsonRoute[] = [
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/experiments/create`, role: 'editor', summary: 'Create an experiment',
    request: z.object({ name: required, artifact_location: z.string().optional(), tags: keyValues }),
    handle: async (input, { services }) => {
      const experiment = await services.tracking.createExperiment({ name: input.name, artifactLocation: input.artifact_location, tags: input.tags });
      return { experiment_id: experiment.experimentId };
    },
  }),
  route({
    api: 'mlflow', method: 'GET', path: `${BASE}/experiments/get`, role: 'reader', summary: 'Get an experiment by id',
    request: z.object({ experiment_id: required }),
    handle: async (input, { services }) => ({ experiment: experimentToWire(await services.tracking.getExperiment(input.experiment_id)) }),
  }),
  route({
    api: 'mlflow', method: 'GET', path: `${BASE}/experiments/get-by-name`, role: 'reader', summary: 'Get an experiment by name',
    request: z.object({ experiment_name: required }),
    handle: async (input, { services }) => ({ experiment: experimentToWire(await services.tracking.getExperimentByName(input.experiment_name)) }),
  }),
  ...(['POST', 'GET'] as const).map((method) =>
    route({
      api: 'mlflow', method, path: `${BASE}/experiments/search`, role: 'reader', summary: 'Search experiments',
      request: z.object({ ...searchFields, view_type: z.enum(VIEW_TYPES).optional() }),
      handle: async (input, { services }) => {
        const page = await services.tracking.searchExperiments({ filter: input.filter, maxResults: input.max_results, orderBy: input.order_by, pageToken: input.page_token, viewType: input.view_type });
        return withToken(page.items.length > 0 ? { experiments: page.items.map(experimentToWire) } : {}, page.nextPageToken);
      },
    }),
  ),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/experiments/update`, role: 'editor', summary: 'Rename an experiment',
    request: z.object({ experiment_id: required, new_name: required }),
    handle: async (input, { services }) => {
      await services.tracking.renameExperiment(input.experiment_id, input.new_name);
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/experiments/delete`, role: 'editor', summary: 'Delete an experiment and its runs (restorable)',
    request: z.object({ experiment_id: required }),
    handle: async (input, { services }) => {
      await services.tracking.deleteExperiment(input.experiment_id);
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/experiments/restore`, role: 'editor', summary: 'Restore a deleted experiment and its runs',
    request: z.object({ experiment_id: required }),
    handle: async (input, { services }) => {
      await services.tracking.restoreExperiment(input.experiment_id);
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/experiments/set-experiment-tag`, role: 'editor', summary: 'Set a tag on an experiment',
    request: z.object({ experiment_id: required, key: required, value: z.string().default('') }),
    handle: async (input, { services }) => {
      await services.tracking.setExperimentTag(input.experiment_id, { key: input.key, value: input.value });
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/experiments/delete-experiment-tag`, role: 'editor', summary: 'Delete a tag of an experiment',
    request: z.object({ experiment_id: required, key: required }),
    handle: async (input, { services }) => {
      await services.tracking.deleteExperimentTag(input.experiment_id, input.key);
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/runs/create`, role: 'editor', summary: 'Create a run',
    // run_id is Sluice's addition (MLflow clients never send it): a Sluice client names its pipeline run's id before the run starts.
    request: z.object({ run_id: z.string().optional(), experiment_id: z.string().optional(), user_id: z.string().optional(), run_name: z.string().optional(), start_time: int64.optional(), tags: keyValues }),
    handle: async (input, { services, principal }) => {
      const userId = input.user_id || input.tags.find((tag) => tag.key === 'mlflow.user')?.value || principal.name;
      const run = await services.tracking.createRun({ runId: input.run_id, experimentId: input.experiment_id, userId, runName: input.run_name, startTime: input.start_time, tags: input.tags });
      return { run: runToWire(run) };
    },
  }),
  route({
    api: 'mlflow', method: 'GET', path: `${BASE}/runs/get`, role: 'reader', summary: 'Get a run with its latest metrics, params, tags and inputs',
    request: runId,
    handle: async (input, { services }) => ({ run: runToWire(await services.tracking.getRun(theRunId(input))) }),
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/runs/update`, role: 'editor', summary: "Update a run's status, end time or name",
    request: runId.extend({ status: z.enum(RUN_STATUSES).optional(), end_time: int64.optional(), run_name: z.string().optional() }),
    handle: async (input, { services }) => {
      const info = await services.tracking.updateRun(theRunId(input), { status: input.status, endTime: input.end_time, runName: input.run_name });
      return { run_info: runInfoToWire(info) };
    },
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/runs/delete`, role: 'editor', summary: 'Delete a run (restorable)',
    request: z.object({ run_id: required }),
    handle: async (input, { services }) => {
      await services.tracking.deleteRun(input.run_id);
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/runs/restore`, role: 'editor', summary: 'Restore a deleted run',
    request: z.object({ run_id: required }),
    handle: async (input, { services }) => {
      await services.tracking.restoreRun(input.run_id);
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/runs/log-metric`, role: 'editor', summary: 'Log one metric point',
    request: runId.extend({ key: required, value: double, timestamp: int64, step: int64.default(0) }),
    handle: async (input, { services }) => {
      await services.tracking.logMetric(theRunId(input), { key: input.key, value: input.value, timestamp: input.timestamp, step: input.step });
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/runs/log-parameter`, role: 'editor', summary: 'Log a param (immutable once logged)',
    request: runId.extend({ key: required, value: z.string().default('') }),
    handle: async (input, { services }) => {
      await services.tracking.logParam(theRunId(input), input.key, input.value);
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/runs/log-batch`, role: 'editor', summary: 'Log metrics, params and tags in one request',
    request: z.object({
      run_id: required,
      metrics: z.array(z.object({ key: required, value: double, timestamp: int64, step: int64.default(0) })).default([]),
      params: keyValues,
      tags: keyValues,
    }),
    handle: async (input, { services }) => {
      await services.tracking.logBatch(input.run_id, { metrics: input.metrics, params: input.params, tags: input.tags });
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/runs/log-inputs`, role: 'editor', summary: 'Record data sets a run read',
    request: z.object({
      run_id: required,
      datasets: z
        .array(
          z.object({
            tags: keyValues,
            dataset: z.object({ name: required, digest: required, source_type: required, source: required, schema: z.string().optional(), profile: z.string().optional() }),
          }),
        )
        .default([]),
    }),
    handle: async (input, { services }) => {
      await services.tracking.logInputs(
        input.run_id,
        input.datasets.map(({ dataset, tags }) => ({
          tags,
          dataset: { name: dataset.name, digest: dataset.digest, sourceType: dataset.source_type, source: dataset.source, schema: dataset.schema, profile: dataset.profile },
        })),
      );
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/runs/set-tag`, role: 'editor', summary: 'Set a tag on a run',
    request: runId.extend({ key: required, value: z.string().default('') }),
    handle: async (input, { services }) => {
      await services.tracking.setTag(theRunId(input), input.key, input.value);
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/runs/delete-tag`, role: 'editor', summary: 'Delete a tag of a run',
    request: z.object({ run_id: required, key: required }),
    handle: async (input, { services }) => {
      await services.tracking.deleteTag(input.run_id, input.key);
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/runs/search`, role: 'reader', summary: 'Search runs with a filter, order and pages',
    // top_level_only is Sluice's addition: runs not nested under another (`sluice runs list` without --all).
    request: z.object({ experiment_ids: stringList.default([]), ...searchFields, run_view_type: z.enum(VIEW_TYPES).optional(), top_level_only: bool.default(false) }),
    handle: async (input, { services }) => {
      const page = await services.tracking.searchRuns({
        topLevelOnly: input.top_level_only,
        experimentIds: input.experiment_ids,
        filter: input.filter,
        maxResults: input.max_results,
        orderBy: input.order_by,
        pageToken: input.page_token,
        viewType: input.run_view_type,
      });
      return withToken(page.items.length > 0 ? { runs: page.items.map(runToWire) } : {}, page.nextPageToken);
    },
  }),
  route({
    api: 'mlflow', method: 'GET', path: `${BASE}/metrics/get-history`, role: 'reader', summary: 'Every point of a metric',
    request: runId.extend({ metric_key: required, max_results: int64.optional(), page_token: z.string().optional() }),
    handle: async (input, { services }) => {
      const page = await services.tracking.getMetricHistory(theRunId(input), input.metric_key, { maxResults: input.max_results, pageToken: input.page_token });
      return withToken(page.items.length > 0 ? { metrics: page.items.map(metricToWire) } : {}, page.nextPageToken);
    },
  }),
  route({
    api: 'mlflow', method: 'GET', path: `${BASE}/artifacts/list`, role: 'reader', summary: "List a run's artifacts",
    request: runId.extend({ path: z.string().optional() }),
    handle: async (input, { services }) => {
      const run = await services.tracking.getRun(theRunId(input));
      const root = run.info.artifactUri.replace(/^mlflow-artifacts:(\/\/[^/]*)?\/+/, '');
      const files = await services.artifacts.list([root, input.path ?? ''].filter(Boolean).join('/'));
      const prefix = input.path ? `${input.path.replace(/\/+$/, '')}/` : '';
      return { root_uri: run.info.artifactUri, ...(files.length > 0 ? { files: files.map((file) => fileInfoToWire({ ...file, path: `${prefix}${file.path}` })) } : {}) };
    },
  }),
];
