/**
 * Sluice's API for what a Sluice client of a team server needs beyond MLflow's REST API: runs with
 * the files they produced, lookups by content hash (lineage), run id prefixes, a run deleted with
 * the runs nested under it, run counts, full version records in searches, versions created with
 * their lineage, and deletes that refuse what an alias names. Each route calls the same service
 * operation the CLI calls locally.
 */
import { z } from 'zod';
import { describeArtifactSource, lineageJsonSchema, modelVersionToJson, type Lineage } from '../../registry/index.js';
import { route, type JsonRoute } from '../route.js';
import { int64, keyValues, required, stringList } from '../mlflow/fields.js';
import { experimentToWire, registeredModelToWire, runInfoToWire, runToWire, withToken } from '../mlflow/wire.js';

const BASE = '/api/sluice/v1';
const limit = z.coerce.number().int().min(1).max(1000).optional();
const version = z.union([required, z.number().int().transform(String)]);

/** The routes above, registered by the app beside MLflow's and Sluice's own. */
export const clientRoutes: readonly JsonRoute[] = [
  route({
    api: 'sluice', method: 'GET', path: `${BASE}/runs/get`, role: 'reader',
    summary: 'A run in MLflow\'s shape, with the files it produced (pipeline outputs) by content hash',
    request: z.object({ run_id: required }),
    handle: async (input, { services }) => {
      const run = await services.tracking.getRun(input.run_id);
      return { run: runToWire(run), outputs: run.outputs.map((output) => ({ path: output.path, object_id: output.objectId, size: output.size })) };
    },
  }),
  route({
    api: 'sluice', method: 'GET', path: `${BASE}/runs/resolve-id`, role: 'reader',
    summary: 'The full id of a run from its id or a unique prefix (at least 4 characters)',
    request: z.object({ id: required }),
    handle: async (input, { services }) => ({ run_id: await services.tracking.resolveRunId(input.id) }),
  }),
  route({
    api: 'sluice', method: 'POST', path: `${BASE}/runs/log-outputs`, role: 'editor',
    summary: 'Record files a run produced, by content hash (what lineage finds a model\'s run by)',
    request: z.object({ run_id: required, outputs: z.array(z.object({ path: required, object_id: required, size: int64 })).max(1000) }),
    handle: async (input, { services }) => {
      await services.tracking.logOutputs(input.run_id, input.outputs.map((output) => ({ path: output.path, objectId: output.object_id, size: output.size })));
      return {};
    },
  }),
  route({
    api: 'sluice', method: 'GET', path: `${BASE}/runs/by-output`, role: 'reader',
    summary: 'Runs that produced a file with this content, newest first',
    request: z.object({ object_id: required, limit }),
    handle: async (input, { services }) => ({ runs: (await services.tracking.findRunsByOutput(input.object_id, input.limit)).map((item) => ({ run_id: item.runId, path: item.path })) }),
  }),
  route({
    api: 'sluice', method: 'GET', path: `${BASE}/runs/by-dataset`, role: 'reader',
    summary: 'Runs that read a data set with this content digest, newest first',
    request: z.object({ digest: required, limit }),
    handle: async (input, { services }) => ({ runs: (await services.tracking.findRunsByDatasetDigest(input.digest, input.limit)).map(runInfoToWire) }),
  }),
  route({
    api: 'sluice', method: 'POST', path: `${BASE}/runs/set-lifecycle`, role: 'editor',
    summary: 'Delete (soft) or restore a run with the runs nested under it; answers the ids changed, the run first',
    request: z.object({ run_id: required, lifecycle_stage: z.enum(['deleted', 'active']) }),
    handle: async (input, { services }) => ({ run_ids: await services.tracking.setRunTreeLifecycle(input.run_id, input.lifecycle_stage) }),
  }),
  route({
    api: 'sluice', method: 'GET', path: `${BASE}/experiments/ids`, role: 'reader',
    summary: 'Ids of experiments named by name or id; a missing name is left out (skip) or an error (fail)',
    request: z.object({ names: stringList.default([]), missing: z.enum(['skip', 'fail']).default('fail') }),
    handle: async (input, { services }) => ({ experiment_ids: await services.tracking.experimentIdsOf(input.names, { missing: input.missing }) }),
  }),
  route({
    api: 'sluice', method: 'POST', path: `${BASE}/experiments/get-or-create`, role: 'editor',
    summary: 'The experiment with this name, created if missing',
    request: z.object({ name: required }),
    handle: async (input, { services }) => ({ experiment: experimentToWire(await services.tracking.getOrCreateExperiment(input.name)) }),
  }),
  route({
    api: 'sluice', method: 'GET', path: `${BASE}/experiments/active-run-counts`, role: 'reader',
    summary: 'The number of active runs in each experiment',
    request: z.object({ experiment_ids: stringList.default([]) }),
    handle: async (input, { services }) => ({ counts: Object.fromEntries(await services.tracking.countActiveRuns(input.experiment_ids)) }),
  }),
  route({
    api: 'sluice', method: 'GET', path: `${BASE}/model-versions/search`, role: 'reader',
    summary: 'Search model versions (MLflow\'s filter and order_by), with hash, signature and lineage',
    request: z.object({ filter: z.string().optional(), max_results: int64.optional(), order_by: stringList.optional(), page_token: z.string().optional() }),
    handle: async (input, { registry }) => {
      const page = await registry.searchModelVersions({ filter: input.filter, maxResults: input.max_results, orderBy: input.order_by, pageToken: input.page_token });
      return withToken({ model_versions: page.items.map(modelVersionToJson) }, page.nextPageToken);
    },
  }),
  route({
    api: 'sluice', method: 'POST', path: `${BASE}/model-versions/create`, role: 'editor',
    summary: 'Create a version from an artifact the server holds (hash and signature read from it), with the lineage the client found',
    request: z.object({ name: required, source: required, run_id: z.string().optional(), description: z.string().max(5000).optional(), tags: keyValues, lineage: lineageJsonSchema.nullable().default(null) }),
    handle: async (input, { registry, services }) => {
      const facts = await describeArtifactSource(services.tracking, services.artifacts, input.source, input.run_id || undefined);
      const lineage = (input.lineage ?? facts.lineage) as Lineage | undefined;
      const created = await registry.createModelVersion({ name: input.name, source: input.source, runId: input.run_id || undefined, description: input.description, tags: input.tags, ...facts, lineage });
      return { model_version: modelVersionToJson(created) };
    },
  }),
  route({
    api: 'sluice', method: 'POST', path: `${BASE}/model-versions/delete`, role: 'editor',
    summary: 'Delete a version; with refuse_aliased, a version an alias points at is kept',
    request: z.object({ name: required, version, refuse_aliased: z.boolean().default(false) }),
    handle: async (input, { registry }) => ({ model_version: modelVersionToJson(await registry.deleteModelVersion(input.name, input.version, { refuseAliased: input.refuse_aliased })) }),
  }),
  route({
    api: 'sluice', method: 'POST', path: `${BASE}/registered-models/delete`, role: 'editor',
    summary: 'Delete a registered model with its versions; with refuse_aliased, a model any alias points into is kept',
    request: z.object({ name: required, refuse_aliased: z.boolean().default(false) }),
    handle: async (input, { registry }) => ({ registered_model: registeredModelToWire(await registry.deleteRegisteredModel(input.name, { refuseAliased: input.refuse_aliased })) }),
  }),
];
