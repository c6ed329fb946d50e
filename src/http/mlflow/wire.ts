/**
 * Tracking and registry entities in MLflow's JSON, as MLflow's server writes them: snake_case
 * proto field names, int64 as JSON numbers, NaN and infinities as strings, empty lists left out,
 * versions as strings.
 */
import type { ModelVersion, RegisteredModel } from '../../registry/index.js';
import type { ArtifactEntry, Experiment, Metric, Run, RunInfo, Tag } from '../../tracking/index.js';

type Json = Record<string, unknown>;

/** Omits a list field when empty, as proto JSON does. */
function list<T>(key: string, items: readonly T[], map: (item: T) => unknown = (item) => item): Json {
  return items.length > 0 ? { [key]: items.map(map) } : {};
}

function tag(item: Tag): Json {
  return { key: item.key, value: item.value };
}

export function wireDouble(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

export function experimentToWire(experiment: Experiment): Json {
  return {
    experiment_id: experiment.experimentId,
    name: experiment.name,
    artifact_location: experiment.artifactLocation,
    lifecycle_stage: experiment.lifecycleStage,
    last_update_time: experiment.lastUpdateTime,
    creation_time: experiment.creationTime,
    ...list('tags', experiment.tags, tag),
  };
}

export function runInfoToWire(info: RunInfo): Json {
  return {
    run_uuid: info.runId,
    experiment_id: info.experimentId,
    run_name: info.runName,
    user_id: info.userId,
    status: info.status,
    start_time: info.startTime,
    ...(info.endTime === undefined ? {} : { end_time: info.endTime }),
    artifact_uri: info.artifactUri,
    lifecycle_stage: info.lifecycleStage,
    run_id: info.runId,
  };
}

export function metricToWire(metric: Metric): Json {
  return { key: metric.key, value: wireDouble(metric.value), timestamp: metric.timestamp, step: metric.step };
}

export function runToWire(run: Run): Json {
  return {
    info: runInfoToWire(run.info),
    data: { ...list('metrics', run.data.metrics, metricToWire), ...list('params', run.data.params, tag), ...list('tags', run.data.tags, tag) },
    inputs: list('dataset_inputs', run.inputs, (input) => ({
      ...list('tags', input.tags, tag),
      dataset: {
        name: input.dataset.name,
        digest: input.dataset.digest,
        source_type: input.dataset.sourceType,
        source: input.dataset.source,
        ...(input.dataset.schema === undefined ? {} : { schema: input.dataset.schema }),
        ...(input.dataset.profile === undefined ? {} : { profile: input.dataset.profile }),
      },
    })),
    outputs: {},
  };
}

export function modelVersionToWire(version: ModelVersion, options: { withAliases?: boolean } = {}): Json {
  return {
    name: version.name,
    version: String(version.version),
    creation_timestamp: version.creationTimestamp,
    last_updated_timestamp: version.lastUpdatedTimestamp,
    user_id: version.userId,
    current_stage: version.currentStage,
    description: version.description,
    source: version.source,
    run_id: version.runId ?? '',
    status: version.status,
    ...(version.statusMessage ? { status_message: version.statusMessage } : {}),
    ...list('tags', version.tags, tag),
    run_link: '',
    ...(options.withAliases === false ? {} : list('aliases', version.aliases)),
  };
}

export function registeredModelToWire(model: RegisteredModel): Json {
  return {
    name: model.name,
    creation_timestamp: model.creationTimestamp,
    last_updated_timestamp: model.lastUpdatedTimestamp,
    user_id: model.userId,
    ...(model.description ? { description: model.description } : {}),
    ...list('latest_versions', model.latestVersions, (version) => modelVersionToWire(version, { withAliases: false })),
    ...list('tags', model.tags, tag),
    ...list('aliases', model.aliases, (alias) => ({ alias: alias.alias, version: String(alias.version) })),
  };
}

export function fileInfoToWire(entry: ArtifactEntry): Json {
  return { path: entry.path, is_dir: entry.isDir, ...(entry.fileSize === undefined || entry.isDir ? {} : { file_size: entry.fileSize }) };
}

/** Adds `next_page_token` only when there is a next page. */
export function withToken(body: Json, token: string | undefined): Json {
  return token === undefined ? body : { ...body, next_page_token: token };
}
