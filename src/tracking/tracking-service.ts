/**
 * The tracking service: MLflow's rules over the tracking store. The CLI, the HTTP API and the
 * pipeline all record through it, so a run logged any way reads the same everywhere.
 */
import { randomUUID } from 'node:crypto';
import { ambiguousRunId, experimentNotFound, inactiveTarget, invalidSearch, invalidTrackingValue, paramChanged, runNotFound, tagNotFound } from './errors.js';
import { SYSTEM_TAGS, type RunOutput, type DatasetInput, type Experiment, type Metric, type Page, type Run, type RunInfo, type RunStatus, type Tag } from './entities.js';
import { generateRunName } from './run-names.js';
import { EXPERIMENT_SEARCH, pageRequest, parseFilter, parseOrderBy, RUN_SEARCH, toPage } from './search/index.js';
import type { Batch, TrackingStore } from './store/tracking-store.js';
import type { NewRun, SearchOptions, TrackingService } from './tracking-api.js';
import { checkLength, LIMITS, validateBatch, validateExperimentId, validateKey, validateRunId } from './validation.js';

/** The most experiments one run search covers. */
const MAX_SEARCHED_EXPERIMENTS = 1000;

export const DEFAULT_EXPERIMENT_ID = '0';
export const DEFAULT_EXPERIMENT_NAME = 'Default';

/** Experiments' artifacts live under this URI scheme, served by Sluice's artifact store (as MLflow's proxy does). */
export function defaultArtifactLocation(experimentId: string): string {
  return `mlflow-artifacts:/${experimentId}`;
}

export interface TrackingServiceOptions {
  readonly store: TrackingStore;
  /** Epoch milliseconds; injectable for tests. */
  readonly clock?: () => number;
}

// eslint-disable-next-line max-lines-per-function -- a service is one closure over its store; each method is a few lines, and splitting the object would scatter one interface
export function createTrackingService({ store, clock = Date.now }: TrackingServiceOptions): TrackingService {
  async function experimentOrFail(experimentId: string): Promise<Experiment> {
    validateExperimentId(experimentId);
    const experiment = await store.getExperiment(experimentId);
    if (!experiment) throw experimentNotFound({ id: experimentId });
    return experiment;
  }

  async function activeExperiment(experimentId: string): Promise<Experiment> {
    const experiment = await experimentOrFail(experimentId);
    if (experiment.lifecycleStage !== 'active') throw inactiveTarget({ what: 'experiment', id: experimentId, stage: experiment.lifecycleStage });
    return experiment;
  }

  async function runInfoOrFail(runId: string): Promise<RunInfo> {
    const info = await store.getRunInfo(runId);
    if (!info) throw runNotFound({ id: runId });
    return info;
  }

  async function activeRun(runId: string): Promise<RunInfo> {
    const info = await runInfoOrFail(runId);
    if (info.lifecycleStage !== 'active') throw inactiveTarget({ what: 'run', id: runId, stage: info.lifecycleStage });
    return info;
  }

  function validateTags(tags: readonly Tag[]): void {
    tags.forEach((tag, index) => {
      validateKey(tag.key, `tags[${index}].key`);
      checkLength(tag.value, LIMITS.tagValueLength, `tags[${index}].value`);
    });
  }

  const service: TrackingService = {
    /** Creates the Default experiment (id 0) if the store has none. */
    async ensureDefaultExperiment(): Promise<Experiment> {
      const existing = await store.getExperiment(DEFAULT_EXPERIMENT_ID);
      if (existing) return existing;
      try {
        return await store.createExperiment({ experimentId: DEFAULT_EXPERIMENT_ID, name: DEFAULT_EXPERIMENT_NAME, artifactLocation: defaultArtifactLocation, tags: [], now: clock() });
      } catch (error) {
        // Another process made it first.
        const raced = await store.getExperiment(DEFAULT_EXPERIMENT_ID);
        if (raced) return raced;
        throw error;
      }
    },

    async createExperiment(input: { name: string; artifactLocation?: string | undefined; tags?: readonly Tag[] | undefined }): Promise<Experiment> {
      const name = input.name.trim();
      if (name === '') throw invalidTrackingValue({ problem: "Invalid experiment name: ''. Give the experiment a name." });
      checkLength(name, LIMITS.experimentNameLength, 'name');
      const location = input.artifactLocation?.trim() || undefined;
      if (location?.startsWith('runs:')) throw invalidTrackingValue({ problem: `Invalid artifact location '${location}': it cannot be a runs:/ URI.` });
      // Every run would inherit a location that climbs out of its root, and no listing of it could succeed.
      if (location?.split(/[/\\]/).includes('..')) throw invalidTrackingValue({ problem: `Invalid artifact location '${location}': it cannot contain '..' segments.` });
      validateTags(input.tags ?? []);
      return store.createExperiment({ name, artifactLocation: (id) => location ?? defaultArtifactLocation(id), tags: input.tags ?? [], now: clock() });
    },

    getExperiment: experimentOrFail,

    async getExperimentByName(name: string): Promise<Experiment> {
      const experiment = await store.getExperimentByName(name);
      if (!experiment) throw experimentNotFound({ id: name, byName: true });
      return experiment;
    },

    /** The experiment of this name, created if missing (what `mlflow.set_experiment` does). */
    async experimentIdsOf(namesOrIds, { missing }) {
      const ids: string[] = [];
      for (const name of namesOrIds) {
        if (/^\d+$/.test(name)) ids.push((await experimentOrFail(name)).experimentId);
        else {
          const experiment = await store.getExperimentByName(name);
          if (experiment) ids.push(experiment.experimentId);
          else if (missing === 'fail') throw experimentNotFound({ id: name, byName: true });
        }
      }
      return ids;
    },

    async getOrCreateExperiment(name: string): Promise<Experiment> {
      const existing = await store.getExperimentByName(name);
      if (existing) {
        if (existing.lifecycleStage !== 'active') throw inactiveTarget({ what: 'experiment', id: `'${name}'`, stage: existing.lifecycleStage });
        return existing;
      }
      try {
        return await service.createExperiment({ name });
      } catch (error) {
        const raced = await store.getExperimentByName(name);
        if (raced) return raced;
        throw error;
      }
    },

    async searchExperiments(options: SearchOptions = {}): Promise<Page<Experiment>> {
      const request = pageRequest(options.maxResults, options.pageToken, { fallback: 1000, maximum: 50_000 });
      const rows = await store.searchExperiments({
        clauses: parseFilter(options.filter, EXPERIMENT_SEARCH),
        order: parseOrderBy(options.orderBy, EXPERIMENT_SEARCH),
        viewType: options.viewType ?? 'ACTIVE_ONLY',
        limit: request.limit + 1,
        offset: request.offset,
      });
      return toPage(rows, request);
    },

    async renameExperiment(experimentId: string, newName: string): Promise<void> {
      const experiment = await experimentOrFail(experimentId);
      if (experiment.lifecycleStage !== 'active') throw inactiveTarget({ what: 'experiment', id: experimentId, stage: experiment.lifecycleStage });
      const name = newName.trim();
      if (name === '') throw invalidTrackingValue({ problem: "Invalid experiment name: ''. Give the experiment a name." });
      checkLength(name, LIMITS.experimentNameLength, 'new_name');
      await store.renameExperiment(experimentId, name, clock());
    },

    async deleteExperiment(experimentId: string): Promise<void> {
      const experiment = await experimentOrFail(experimentId);
      if (experiment.lifecycleStage === 'deleted') throw experimentNotFound({ id: experimentId });
      await store.setExperimentLifecycle(experimentId, 'deleted', clock());
    },

    async restoreExperiment(experimentId: string): Promise<void> {
      const experiment = await experimentOrFail(experimentId);
      if (experiment.lifecycleStage !== 'deleted') throw experimentNotFound({ id: experimentId });
      await store.setExperimentLifecycle(experimentId, 'active', clock());
    },

    async setExperimentTag(experimentId: string, tag: Tag): Promise<void> {
      await activeExperiment(experimentId);
      validateTags([tag]);
      await store.setExperimentTag(experimentId, tag);
    },

    async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
      await activeExperiment(experimentId);
      if (!(await store.deleteExperimentTag(experimentId, key))) throw tagNotFound({ key, owner: `experiment with id ${experimentId}` });
    },

    async createRun(input: NewRun = {}): Promise<Run> {
      const experimentId = input.experimentId || DEFAULT_EXPERIMENT_ID;
      if (experimentId === DEFAULT_EXPERIMENT_ID) await service.ensureDefaultExperiment();
      const experiment = await activeExperiment(experimentId);
      const tags = input.tags ?? [];
      validateTags(tags);
      const nameTag = tags.find((tag) => tag.key === SYSTEM_TAGS.runName)?.value;
      if (input.runName && nameTag !== undefined && input.runName !== nameTag) {
        throw invalidTrackingValue({
          problem: `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${input.runName}', mlflow.runName='${nameTag}').`,
        });
      }
      const runName = input.runName || nameTag || generateRunName();
      // Stored as the mlflow.runName tag too: it keeps to a tag value's length.
      checkLength(runName, LIMITS.tagValueLength, 'run_name');
      if (input.runId !== undefined) validateRunId(input.runId);
      const runId = input.runId ?? randomUUID().replaceAll('-', '');
      const info: RunInfo = {
        runId,
        runName,
        experimentId,
        userId: input.userId ?? '',
        status: 'RUNNING',
        startTime: input.startTime ?? clock(),
        endTime: undefined,
        artifactUri: `${experiment.artifactLocation.replace(/\/+$/, '')}/${runId}/artifacts`,
        lifecycleStage: 'active',
      };
      const allTags = nameTag === undefined ? [...tags, { key: SYSTEM_TAGS.runName, value: runName }] : [...tags];
      await store.createRun(info, [...new Map(allTags.map((tag) => [tag.key, tag])).values()]);
      return { info, data: { metrics: [], params: [], tags: allTags }, inputs: [], outputs: [] };
    },

    /** A full run id from the id or a unique prefix of at least four characters (as `sluice runs list` shows them). */
    async resolveRunId(idOrPrefix: string): Promise<string> {
      if (await store.getRunInfo(idOrPrefix)) return idOrPrefix;
      if (idOrPrefix.length < 4) throw runNotFound({ id: idOrPrefix });
      const matches = await store.findRunIdsByPrefix(idOrPrefix, 5);
      if (matches.length === 0) throw runNotFound({ id: idOrPrefix });
      if (matches.length > 1) throw ambiguousRunId({ prefix: idOrPrefix, matches });
      return matches[0]!;
    },

    async getRun(runId: string): Promise<Run> {
      const run = await store.getRun(runId);
      if (!run) throw runNotFound({ id: runId });
      return run;
    },

    async updateRun(runId: string, patch: { status?: RunStatus | undefined; endTime?: number | undefined; runName?: string | undefined }): Promise<RunInfo> {
      if (patch.runName) checkLength(patch.runName, LIMITS.tagValueLength, 'run_name');
      await activeRun(runId);
      const clean = {
        ...(patch.status === undefined ? {} : { status: patch.status }),
        ...(patch.endTime === undefined ? {} : { endTime: patch.endTime }),
        ...(patch.runName ? { runName: patch.runName } : {}),
      };
      await store.updateRun(runId, clean);
      return runInfoOrFail(runId);
    },

    /** Ends a run: status (FINISHED by default) and end time now. */
    async endRun(runId: string, status: RunStatus = 'FINISHED'): Promise<RunInfo> {
      return service.updateRun(runId, { status, endTime: clock() });
    },

    async deleteRun(runId: string): Promise<void> {
      await runInfoOrFail(runId);
      await store.setRunLifecycle(runId, 'deleted', clock());
    },

    async restoreRun(runId: string): Promise<void> {
      await runInfoOrFail(runId);
      await store.setRunLifecycle(runId, 'active', clock());
    },

    countActiveRuns(experimentIds: readonly string[]): Promise<Map<string, number>> {
      return store.countActiveRuns(experimentIds);
    },

    async setRunTreeLifecycle(runId: string, stage: 'deleted' | 'active'): Promise<string[]> {
      const changed: string[] = [];
      const pending = [await runInfoOrFail(runId)];
      while (pending.length > 0) {
        const info = pending.shift()!;
        if (changed.includes(info.runId)) continue;
        await store.setRunLifecycle(info.runId, stage, clock());
        changed.push(info.runId);
        let pageToken: string | undefined;
        do {
          const page = await service.searchRuns({ experimentIds: [info.experimentId], filter: `tags.\`${SYSTEM_TAGS.parentRunId}\` = '${info.runId}'`, viewType: 'ALL', maxResults: 1000, pageToken });
          pending.push(...page.items.map((child) => child.info));
          pageToken = page.nextPageToken;
        } while (pageToken);
      }
      return changed;
    },

    async logBatch(runId: string, batch: Partial<Batch>): Promise<void> {
      validateRunId(runId);
      const complete: Batch = { metrics: batch.metrics ?? [], params: batch.params ?? [], tags: batch.tags ?? [] };
      validateBatch(complete);
      await activeRun(runId);
      const conflicts = await store.logBatch(runId, complete);
      const [first] = conflicts;
      if (first) throw paramChanged({ runId, key: first.key, oldValue: first.oldValue, newValue: first.newValue });
    },

    async logMetric(runId: string, metric: { key: string; value: number; timestamp?: number | undefined; step?: number | undefined }): Promise<void> {
      await service.logBatch(runId, { metrics: [{ key: metric.key, value: metric.value, timestamp: metric.timestamp ?? clock(), step: metric.step ?? 0 }] });
    },

    async logParam(runId: string, key: string, value: string): Promise<void> {
      await service.logBatch(runId, { params: [{ key, value }] });
    },

    async setTag(runId: string, key: string, value: string): Promise<void> {
      await service.logBatch(runId, { tags: [{ key, value }] });
    },

    async deleteTag(runId: string, key: string): Promise<void> {
      await activeRun(runId);
      if (!(await store.deleteRunTag(runId, key))) throw tagNotFound({ key, owner: `run with id ${runId}` });
    },

    async logInputs(runId: string, inputs: readonly DatasetInput[]): Promise<void> {
      const info = await activeRun(runId);
      inputs.forEach(({ dataset, tags }, index) => {
        for (const field of ['name', 'digest', 'sourceType', 'source'] as const) {
          if (!dataset[field]) throw invalidTrackingValue({ problem: `Missing value for required parameter 'datasets[${index}].dataset.${field === 'sourceType' ? 'source_type' : field}'.` });
        }
        checkLength(dataset.name, LIMITS.datasetNameLength, `datasets[${index}].dataset.name`);
        checkLength(dataset.digest, LIMITS.datasetDigestLength, `datasets[${index}].dataset.digest`);
        validateTags(tags);
      });
      await store.logInputs(runId, info.experimentId, inputs);
    },

    /** Records files a run produced (pipeline outs), so a registered model can find its run by hash. */
    async logOutputs(runId: string, outputs: readonly RunOutput[]): Promise<void> {
      await activeRun(runId);
      outputs.forEach((output, index) => {
        if (!/^blake3:[0-9a-f]{64}(\.dir)?$/.test(output.objectId)) throw invalidTrackingValue({ problem: `Invalid value for parameter 'outputs[${index}].object_id': expected blake3:<64 hex>.` });
        // A workspace path, as a pipeline's outs are: relative, inside the project, printable.
        const segments = output.path.split('/');
        if (output.path === '' || output.path.startsWith('/') || segments.includes('..') || /\p{Cc}/u.test(output.path)) throw invalidTrackingValue({ problem: `Invalid value ${JSON.stringify(output.path)} for parameter 'outputs[${index}].path': expected a relative path inside the project (no '..', no control characters).` });
        if (!Number.isSafeInteger(output.size) || output.size < 0) throw invalidTrackingValue({ problem: `Invalid value ${output.size} for parameter 'outputs[${index}].size': expected a whole number of bytes, 0 or more.` });
      });
      await store.logOutputs(runId, outputs);
    },

    /** Runs that produced a file with this content, newest first. */
    findRunsByOutput(objectId: string, limit = 10): Promise<{ readonly runId: string; readonly path: string }[]> {
      return store.findRunsByOutput(objectId, limit);
    },

    async getMetricHistory(runId: string, key: string, options: { maxResults?: number | undefined; pageToken?: string | undefined } = {}): Promise<Page<Metric>> {
      await runInfoOrFail(runId);
      const request = pageRequest(options.maxResults, options.pageToken, { fallback: 25_000, maximum: 1_000_000 });
      return toPage(await store.getMetricHistory(runId, key, { limit: request.limit + 1, offset: request.offset }), request);
    },

    /** `topLevelOnly` (a Sluice extension) leaves out nested runs, such as a pipeline's stage runs. */
    async searchRuns(options: SearchOptions & { experimentIds: readonly string[]; topLevelOnly?: boolean }): Promise<Page<Run>> {
      const request = pageRequest(options.maxResults, options.pageToken, { fallback: 1000, maximum: 50_000 });
      // Each id is a bound SQL variable: SQLite takes some thousands in one query.
      if (options.experimentIds.length > MAX_SEARCHED_EXPERIMENTS) throw invalidSearch({ what: 'experiment_ids', text: `${options.experimentIds.length} ids`, problem: `a search covers at most ${MAX_SEARCHED_EXPERIMENTS} experiments; search them in parts` });
      for (const id of options.experimentIds) validateExperimentId(id);
      const rows = await store.searchRuns({
        experimentIds: options.experimentIds,
        clauses: parseFilter(options.filter, RUN_SEARCH),
        order: parseOrderBy(options.orderBy, RUN_SEARCH),
        viewType: options.viewType ?? 'ACTIVE_ONLY',
        topLevelOnly: options.topLevelOnly ?? false,
        limit: request.limit + 1,
        offset: request.offset,
      });
      return toPage(rows, request);
    },

    /** Runs that read a data set with this content digest, newest first. */
    findRunsByDatasetDigest(digest: string, limit = 20): Promise<RunInfo[]> {
      return store.findRunsByDatasetDigest(digest, limit);
    },
  };
  return service;
}
