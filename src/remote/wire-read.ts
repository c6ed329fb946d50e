/**
 * The server's answers read back into tracking's and the registry's entities, checked with zod
 * at this boundary: MLflow's wire shapes (snake_case, NaN as text, empty lists left out) for
 * experiments, runs, metrics, registered models and file listings; Sluice's JSON for versions
 * (registry's `modelVersionFromJson`, the inverse of what the server writes).
 */
import { z } from 'zod';
import { modelVersionFromJson, type AuditEntry, type ModelVersion, type RegisteredModel } from '../registry/index.js';
import { RUN_STATUSES, type ArtifactEntry, type Experiment, type Metric, type Page, type Run, type RunInfo, type RunOutput } from '../tracking/index.js';
import { unexpectedServerAnswer } from './errors.js';
import type { Json } from './server-client.js';

const tag = z.object({ key: z.string(), value: z.string().default('') });
const tags = z.array(tag).default([]);
const double = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform((text) => (text === 'NaN' ? Number.NaN : text === 'Infinity' ? Infinity : -Infinity))]);
const lifecycle = z.enum(['active', 'deleted']);

const experimentWire = z
  .object({
    experiment_id: z.string(),
    name: z.string(),
    artifact_location: z.string().default(''),
    lifecycle_stage: lifecycle,
    creation_time: z.number().default(0),
    last_update_time: z.number().default(0),
    tags,
  })
  .transform((wire): Experiment => ({
    experimentId: wire.experiment_id,
    name: wire.name,
    artifactLocation: wire.artifact_location,
    lifecycleStage: wire.lifecycle_stage,
    creationTime: wire.creation_time,
    lastUpdateTime: wire.last_update_time,
    tags: wire.tags,
  }));

const metricWire = z.object({ key: z.string(), value: double, timestamp: z.number(), step: z.number().default(0) }).transform((wire): Metric => wire);

const runInfoWire = z
  .object({
    run_id: z.string(),
    experiment_id: z.string(),
    run_name: z.string().default(''),
    user_id: z.string().default(''),
    status: z.enum(RUN_STATUSES),
    start_time: z.number(),
    end_time: z.number().optional(),
    artifact_uri: z.string().default(''),
    lifecycle_stage: lifecycle,
  })
  .transform((wire): RunInfo => ({
    runId: wire.run_id,
    runName: wire.run_name,
    experimentId: wire.experiment_id,
    userId: wire.user_id,
    status: wire.status,
    startTime: wire.start_time,
    endTime: wire.end_time,
    artifactUri: wire.artifact_uri,
    lifecycleStage: wire.lifecycle_stage,
  }));

const datasetInputWire = z.object({
  tags,
  dataset: z.object({ name: z.string(), digest: z.string(), source_type: z.string(), source: z.string(), schema: z.string().optional(), profile: z.string().optional() }),
});

const runWire = z
  .object({
    info: runInfoWire,
    data: z.object({ metrics: z.array(metricWire).default([]), params: tags, tags }).default({ metrics: [], params: [], tags: [] }),
    inputs: z.object({ dataset_inputs: z.array(datasetInputWire).default([]) }).default({ dataset_inputs: [] }),
  })
  .transform((wire) => ({
    info: wire.info,
    data: wire.data,
    inputs: wire.inputs.dataset_inputs.map(({ dataset, tags: datasetTags }) => ({
      tags: datasetTags,
      dataset: { name: dataset.name, digest: dataset.digest, sourceType: dataset.source_type, source: dataset.source, schema: dataset.schema, profile: dataset.profile },
    })),
  }));

const outputWire = z.object({ path: z.string(), object_id: z.string(), size: z.number() }).transform((wire): RunOutput => ({ path: wire.path, objectId: wire.object_id, size: wire.size }));

const mlflowVersionWire = z
  .object({
    name: z.string(),
    version: z.coerce.number(),
    creation_timestamp: z.number(),
    last_updated_timestamp: z.number(),
    user_id: z.string().default(''),
    current_stage: z.enum(['None', 'Staging', 'Production', 'Archived']).default('None'),
    description: z.string().default(''),
    source: z.string().default(''),
    run_id: z.string().default(''),
    status_message: z.string().optional(),
    tags,
    aliases: z.array(z.string()).default([]),
  })
  .transform((wire): ModelVersion => ({
    name: wire.name,
    version: wire.version,
    creationTimestamp: wire.creation_timestamp,
    lastUpdatedTimestamp: wire.last_updated_timestamp,
    description: wire.description,
    userId: wire.user_id,
    currentStage: wire.current_stage,
    source: wire.source,
    runId: wire.run_id || undefined,
    status: 'READY',
    statusMessage: wire.status_message,
    tags: wire.tags,
    aliases: wire.aliases,
    objectId: undefined,
    sizeBytes: undefined,
    signature: undefined,
    lineage: undefined,
  }));

const registeredModelWire = z
  .object({
    name: z.string(),
    creation_timestamp: z.number(),
    last_updated_timestamp: z.number(),
    user_id: z.string().default(''),
    description: z.string().default(''),
    latest_versions: z.array(mlflowVersionWire).default([]),
    tags,
    aliases: z.array(z.object({ alias: z.string(), version: z.coerce.number() })).default([]),
  })
  .transform((wire): RegisteredModel => ({
    name: wire.name,
    creationTimestamp: wire.creation_timestamp,
    lastUpdatedTimestamp: wire.last_updated_timestamp,
    description: wire.description,
    userId: wire.user_id,
    tags: wire.tags,
    aliases: wire.aliases,
    latestVersions: wire.latest_versions,
  }));

const fileInfoWire = z.object({ path: z.string(), is_dir: z.boolean().default(false), file_size: z.coerce.number().optional() }).transform((wire): ArtifactEntry => ({ path: wire.path, isDir: wire.is_dir, fileSize: wire.file_size }));

const auditWire = z
  .object({ id: z.string(), at: z.string(), actor: z.string(), action: z.string(), target: z.string(), details: z.record(z.string(), z.unknown()).default({}), origin: z.string().default('') })
  .transform((wire): AuditEntry => ({ ...wire, at: Date.parse(wire.at) }));

/** Reads `field` of an answer with `schema`; a shape the schema refuses is SLUICE_REMOTE_BAD_ANSWER. */
function read<S extends z.ZodType>(schema: S, value: unknown, what: string, url: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw unexpectedServerAnswer({ url, status: 200, reason: `${what} at ${issue.path.join('.') || 'its top level'}: ${issue.message}` });
}

/** Readers of each answer, bound to the server's URL for their error messages. */
export function wireReaders(url: string) {
  const list = <S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S>[] => read(z.array(schema).default([]), value, what, url);
  return {
    experiment: (value: unknown): Experiment => read(experimentWire, value, 'an experiment', url),
    experiments: (value: unknown): Experiment[] => list(experimentWire, value, 'experiments'),
    runInfo: (value: unknown): RunInfo => read(runInfoWire, value, 'a run', url),
    runInfos: (value: unknown): RunInfo[] => list(runInfoWire, value, 'runs'),
    run: (value: unknown, outputs: unknown = []): Run => ({ ...read(runWire, value, 'a run', url), outputs: list(outputWire, outputs, 'run outputs') }),
    runs: (value: unknown): Run[] => list(runWire, value, 'runs').map((run) => ({ ...run, outputs: [] })),
    metrics: (value: unknown): Metric[] => list(metricWire, value, 'metrics'),
    registeredModel: (value: unknown): RegisteredModel => read(registeredModelWire, value, 'a registered model', url),
    registeredModels: (value: unknown): RegisteredModel[] => list(registeredModelWire, value, 'registered models'),
    mlflowVersions: (value: unknown): ModelVersion[] => list(mlflowVersionWire, value, 'model versions'),
    version: (value: unknown): ModelVersion => {
      try {
        return modelVersionFromJson(value);
      } catch (error) {
        throw unexpectedServerAnswer({ url, status: 200, reason: `a model version: ${error instanceof Error ? error.message : String(error)}` });
      }
    },
    files: (value: unknown): ArtifactEntry[] => list(fileInfoWire, value, 'artifact files'),
    audit: (value: unknown): AuditEntry[] => list(auditWire, value, 'audit entries'),
    page: <T>(items: readonly T[], answer: Json): Page<T> => ({ items, nextPageToken: typeof answer.next_page_token === 'string' && answer.next_page_token ? answer.next_page_token : undefined }),
  };
}

/** What {@link wireReaders} returns. */
export type WireReaders = ReturnType<typeof wireReaders>;
