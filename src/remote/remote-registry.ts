/**
 * The model registry on a team server: the RegistryService interface over MLflow's registry API,
 * and over Sluice's API for full version records (hash, size, signature, lineage), references
 * (`models:/NAME@champion`) and the audit log. The server's registry service checks names,
 * applies MLflow's rules and writes each change to the audit log as the token's principal.
 */
import type { Actor, AuditEntry, ModelVersion, RegisteredModel, RegistryService } from '../registry/index.js';
import { aliasNotFound, modelVersionNotFound, registeredModelNotFound } from '../registry/index.js';
import type { Artifacts, Page, SearchOptions } from '../tracking/index.js';
import { notAvailableRemotely } from './errors.js';
import type { Json, ServerClient } from './server-client.js';
import type { WireReaders } from './wire-read.js';

const MLFLOW = '/api/2.0/mlflow';
const SLUICE = '/api/sluice/v1';

function searchQuery(options: SearchOptions): Json {
  return { filter: options.filter, order_by: options.orderBy, max_results: options.maxResults, page_token: options.pageToken };
}

export interface RemoteRegistryOptions {
  readonly client: ServerClient;
  readonly wire: WireReaders;
  readonly artifacts: Artifacts;
  /** Who acts: the server records its token's principal; this is what the client reports. */
  readonly actor: Actor;
}

/** The {@link RegistryService} of a team server, over `client`; `audit` is refused (SLUICE_REMOTE_UNSUPPORTED). */
// eslint-disable-next-line max-lines-per-function -- one closure over the client implementing one interface; each method is one request
export function createRemoteRegistry({ client, wire, artifacts, actor }: RemoteRegistryOptions): RegistryService {
  const post = (path: string, body: Json) => client.send('post', path, body);
  const version = async (name: string, number: string | number): Promise<ModelVersion> =>
    wire.version((await client.get(`${SLUICE}/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(String(number))}`)).model_version);
  const model = async (name: string): Promise<RegisteredModel> => wire.registeredModel((await client.get(`${MLFLOW}/registered-models/get`, { name })).registered_model);
  const resolve = async (uri: string): Promise<ModelVersion> => wire.version((await client.get(`${SLUICE}/models/resolve`, { uri })).model_version);

  const registry: RegistryService = {
    actor,
    artifacts,
    async createRegisteredModel(input) {
      return wire.registeredModel((await post(`${MLFLOW}/registered-models/create`, { name: input.name, description: input.description, tags: input.tags ?? [] })).registered_model);
    },
    getRegisteredModel: model,
    async searchRegisteredModels(options = {}): Promise<Page<RegisteredModel>> {
      const answer = await client.get(`${MLFLOW}/registered-models/search`, searchQuery(options) as Record<string, string | undefined>);
      return wire.page(wire.registeredModels(answer.registered_models), answer);
    },
    async updateRegisteredModel(name, description) {
      return wire.registeredModel((await client.send('patch', `${MLFLOW}/registered-models/update`, { name, description })).registered_model);
    },
    async renameRegisteredModel(name, newName) {
      return wire.registeredModel((await post(`${MLFLOW}/registered-models/rename`, { name, new_name: newName })).registered_model);
    },
    async deleteRegisteredModel(name, options = {}) {
      const answer = await post(`${SLUICE}/registered-models/delete`, { name, refuse_aliased: options.refuseAliased ?? false });
      return wire.registeredModel(answer.registered_model);
    },
    async setRegisteredModelTag(name, tag) {
      await post(`${MLFLOW}/registered-models/set-tag`, { name, key: tag.key, value: tag.value });
    },
    async deleteRegisteredModelTag(name, key) {
      await client.send('delete', `${MLFLOW}/registered-models/delete-tag`, { name, key });
    },
    async createModelVersion(input) {
      const answer = await post(`${SLUICE}/model-versions/create`, {
        name: input.name,
        source: input.source,
        run_id: input.runId,
        description: input.description,
        tags: input.tags ?? [],
        lineage: input.lineage ?? null,
      });
      return wire.version(answer.model_version);
    },
    getModelVersion: version,
    async updateModelVersion(name, number, description) {
      await client.send('patch', `${MLFLOW}/model-versions/update`, { name, version: String(number), description });
      return version(name, number);
    },
    async deleteModelVersion(name, number, options = {}) {
      const answer = await post(`${SLUICE}/model-versions/delete`, { name, version: String(number), refuse_aliased: options.refuseAliased ?? false });
      return wire.version(answer.model_version);
    },
    async searchModelVersions(options = {}) {
      const answer = await client.get(`${SLUICE}/model-versions/search`, searchQuery(options) as Record<string, string | undefined>);
      return wire.page((Array.isArray(answer.model_versions) ? answer.model_versions : []).map(wire.version), answer);
    },
    async setModelVersionTag(name, number, tag) {
      await post(`${MLFLOW}/model-versions/set-tag`, { name, version: String(number), key: tag.key, value: tag.value });
    },
    async deleteModelVersionTag(name, number, key) {
      await client.send('delete', `${MLFLOW}/model-versions/delete-tag`, { name, version: String(number), key });
    },
    async transitionStage(name, number, stage, archiveExisting) {
      await post(`${MLFLOW}/model-versions/transition-stage`, { name, version: String(number), stage, archive_existing_versions: archiveExisting });
      return version(name, number);
    },
    async getLatestVersions(name, stages = []) {
      return wire.mlflowVersions((await post(`${MLFLOW}/registered-models/get-latest-versions`, { name, stages })).model_versions);
    },
    async setAlias(name, alias, number) {
      await post(`${MLFLOW}/registered-models/alias`, { name, alias, version: String(number) });
    },
    async deleteAlias(name, alias) {
      await client.send('delete', `${MLFLOW}/registered-models/alias`, { name, alias });
    },
    async getVersionByAlias(name, alias) {
      return resolve(`models:/${name}@${alias}`);
    },
    resolve,
    async findVersion(uri) {
      try {
        return await resolve(uri);
      } catch (error) {
        if (registeredModelNotFound.is(error) || aliasNotFound.is(error) || modelVersionNotFound.is(error)) return undefined;
        throw error;
      }
    },
    async listAudit(options = {}): Promise<AuditEntry[]> {
      return wire.audit((await client.get(`${SLUICE}/audit`, { model: options.model, limit: options.limit, before: options.before })).entries);
    },
    async audit() {
      throw notAvailableRemotely({ operation: 'Writing an audit entry in the registry\'s name' });
    },
  };
  return registry;
}
