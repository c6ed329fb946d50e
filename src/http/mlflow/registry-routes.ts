/**
 * MLflow REST API 2.0, model registry half: registered models, versions, tags, aliases and the
 * deprecated stages. Versions created here from an artifact Sluice holds get its hash, ONNX
 * signature and lineage, as `sluice models register` gives them.
 */
import { z } from 'zod';
import { describeArtifactSource } from '../../registry/index.js';
import { route, type JsonRoute } from '../route.js';
import { bool, int64, keyValues, required, stringList } from './fields.js';
import { modelVersionToWire, registeredModelToWire, withToken } from './wire.js';

const BASE = '/api/2.0/mlflow';
const searchFields = { filter: z.string().optional(), max_results: int64.optional(), order_by: stringList.optional(), page_token: z.string().optional() };
const version = z.union([required, z.number().int().transform(String)]);

export const registryRoutes: readonly JsonRoute[] = [
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/registered-models/create`, role: 'editor', summary: 'Create a registered model',
    request: z.object({ name: required, tags: keyValues, description: z.string().max(5000).optional() }),
    handle: async (input, { registry }) => ({ registered_model: registeredModelToWire(await registry.createRegisteredModel(input)) }),
  }),
  route({
    api: 'mlflow', method: 'GET', path: `${BASE}/registered-models/get`, role: 'reader', summary: 'Get a registered model',
    request: z.object({ name: required }),
    handle: async (input, { registry }) => ({ registered_model: registeredModelToWire(await registry.getRegisteredModel(input.name)) }),
  }),
  route({
    api: 'mlflow', method: 'PATCH', path: `${BASE}/registered-models/update`, role: 'editor', summary: "Update a registered model's description",
    request: z.object({ name: required, description: z.string().max(5000).default('') }),
    handle: async (input, { registry }) => ({ registered_model: registeredModelToWire(await registry.updateRegisteredModel(input.name, input.description)) }),
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/registered-models/rename`, role: 'editor', summary: 'Rename a registered model and its versions',
    request: z.object({ name: required, new_name: required }),
    handle: async (input, { registry }) => ({ registered_model: registeredModelToWire(await registry.renameRegisteredModel(input.name, input.new_name)) }),
  }),
  route({
    api: 'mlflow', method: 'DELETE', path: `${BASE}/registered-models/delete`, role: 'editor', summary: 'Delete a registered model with its versions',
    request: z.object({ name: required }),
    handle: async (input, { registry }) => {
      await registry.deleteRegisteredModel(input.name);
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'GET', path: `${BASE}/registered-models/search`, role: 'reader', summary: 'Search registered models',
    request: z.object(searchFields),
    handle: async (input, { registry }) => {
      const page = await registry.searchRegisteredModels({ filter: input.filter, maxResults: input.max_results, orderBy: input.order_by, pageToken: input.page_token });
      return withToken(page.items.length > 0 ? { registered_models: page.items.map(registeredModelToWire) } : {}, page.nextPageToken);
    },
  }),
  ...(['POST', 'GET'] as const).map((method) =>
    route({
      api: 'mlflow', method, path: `${BASE}/registered-models/get-latest-versions`, role: 'reader', summary: 'The newest version in each stage',
      request: z.object({ name: required, stages: stringList.default([]) }),
      handle: async (input, { registry }) => {
        const versions = await registry.getLatestVersions(input.name, input.stages);
        return versions.length > 0 ? { model_versions: versions.map((item) => modelVersionToWire(item)) } : {};
      },
    }),
  ),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/registered-models/set-tag`, role: 'editor', summary: 'Set a tag on a registered model',
    request: z.object({ name: required, key: required, value: z.string().default('') }),
    handle: async (input, { registry }) => {
      await registry.setRegisteredModelTag(input.name, { key: input.key, value: input.value });
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'DELETE', path: `${BASE}/registered-models/delete-tag`, role: 'editor', summary: 'Delete a tag of a registered model',
    request: z.object({ name: required, key: required }),
    handle: async (input, { registry }) => {
      await registry.deleteRegisteredModelTag(input.name, input.key);
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/registered-models/alias`, role: 'editor', summary: 'Point an alias at a version',
    request: z.object({ name: required, alias: required, version }),
    handle: async (input, { registry }) => {
      await registry.setAlias(input.name, input.alias, input.version);
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'DELETE', path: `${BASE}/registered-models/alias`, role: 'editor', summary: 'Remove an alias',
    request: z.object({ name: required, alias: required }),
    handle: async (input, { registry }) => {
      await registry.deleteAlias(input.name, input.alias);
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'GET', path: `${BASE}/registered-models/alias`, role: 'reader', summary: 'The version an alias points at',
    request: z.object({ name: required, alias: required }),
    handle: async (input, { registry }) => ({ model_version: modelVersionToWire(await registry.getVersionByAlias(input.name, input.alias)) }),
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/model-versions/create`, role: 'editor', summary: 'Create a model version from a source URI',
    request: z.object({ name: required, source: required, run_id: z.string().optional(), tags: keyValues, run_link: z.string().optional(), description: z.string().max(5000).optional() }),
    handle: async (input, { registry, services }) => {
      const extra = await describeArtifactSource(services.tracking, services.artifacts, input.source, input.run_id || undefined);
      const created = await registry.createModelVersion({ name: input.name, source: input.source, runId: input.run_id || undefined, description: input.description, tags: input.tags, ...extra });
      return { model_version: modelVersionToWire(created) };
    },
  }),
  route({
    api: 'mlflow', method: 'GET', path: `${BASE}/model-versions/get`, role: 'reader', summary: 'Get a model version',
    request: z.object({ name: required, version }),
    handle: async (input, { registry }) => ({ model_version: modelVersionToWire(await registry.getModelVersion(input.name, input.version)) }),
  }),
  route({
    api: 'mlflow', method: 'PATCH', path: `${BASE}/model-versions/update`, role: 'editor', summary: "Update a version's description",
    request: z.object({ name: required, version, description: z.string().max(5000).default('') }),
    handle: async (input, { registry }) => ({ model_version: modelVersionToWire(await registry.updateModelVersion(input.name, input.version, input.description)) }),
  }),
  route({
    api: 'mlflow', method: 'DELETE', path: `${BASE}/model-versions/delete`, role: 'editor', summary: 'Delete a version (its number is never reused)',
    request: z.object({ name: required, version }),
    handle: async (input, { registry }) => {
      await registry.deleteModelVersion(input.name, input.version);
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'GET', path: `${BASE}/model-versions/search`, role: 'reader', summary: 'Search model versions',
    request: z.object(searchFields),
    handle: async (input, { registry }) => {
      const page = await registry.searchModelVersions({ filter: input.filter, maxResults: input.max_results, orderBy: input.order_by, pageToken: input.page_token });
      return withToken(page.items.length > 0 ? { model_versions: page.items.map((item) => modelVersionToWire(item, { withAliases: false })) } : {}, page.nextPageToken);
    },
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/model-versions/set-tag`, role: 'editor', summary: 'Set a tag on a version',
    request: z.object({ name: required, version, key: required, value: z.string().default('') }),
    handle: async (input, { registry }) => {
      await registry.setModelVersionTag(input.name, input.version, { key: input.key, value: input.value });
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'DELETE', path: `${BASE}/model-versions/delete-tag`, role: 'editor', summary: 'Delete a tag of a version',
    request: z.object({ name: required, version, key: required }),
    handle: async (input, { registry }) => {
      await registry.deleteModelVersionTag(input.name, input.version, input.key);
      return {};
    },
  }),
  route({
    api: 'mlflow', method: 'POST', path: `${BASE}/model-versions/transition-stage`, role: 'editor', summary: 'Move a version to a stage (deprecated in MLflow; aliases replace it)',
    request: z.object({ name: required, version, stage: required, archive_existing_versions: bool.default(false) }),
    handle: async (input, { registry }) => ({ model_version: modelVersionToWire(await registry.transitionStage(input.name, input.version, input.stage, input.archive_existing_versions)) }),
  }),
  route({
    api: 'mlflow', method: 'GET', path: `${BASE}/model-versions/get-download-uri`, role: 'reader', summary: "Where a version's files are",
    request: z.object({ name: required, version }),
    handle: async (input, { registry }) => ({ artifact_uri: (await registry.getModelVersion(input.name, input.version)).source }),
  }),
];
