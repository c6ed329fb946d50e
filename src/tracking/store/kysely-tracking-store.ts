/**
 * {@link TrackingStore} over Kysely, for SQLite and PostgreSQL alike. Every multi-row change is
 * one transaction, and concurrent writers to one run are safe: metric points are inserted with
 * "ignore duplicates", the latest value per key is an upsert that only moves forward, and
 * params are inserted first and compared after, so two racing writers of a param cannot both win.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { isUniqueViolation, type Database, type StoreConnection } from '../../store/index.js';
import { experimentAlreadyExists, runAlreadyExists } from '../errors.js';
import { SYSTEM_TAGS, type DatasetInput, type Experiment, type LifecycleStage, type Metric, type Run, type RunInfo, type RunOutput, type RunStatus, type Tag } from '../entities.js';
import { chunks, toExperiment, toMetric, toRunInfo } from './rows.js';
import { searchExperimentIds } from './experiment-search.js';
import { loadRuns } from './load-runs.js';
import { countActiveRuns } from './run-counts.js';
import { searchRunIds } from './run-search.js';
import { insertMetrics, insertParams, runKey, upsertTags } from './run-data-writes.js';
import type { Batch, NewExperiment, ParamConflict, RunSearchQuery, SearchQuery, TrackingStore } from './tracking-store.js';

type Executor = Kysely<Database> | Transaction<Database>;

export class KyselyTrackingStore implements TrackingStore {
  private readonly db: Kysely<Database>;
  private readonly dialect: 'sqlite' | 'postgres';

  constructor(connection: StoreConnection) {
    this.db = connection.db;
    this.dialect = connection.dialect;
  }

  async createExperiment(experiment: NewExperiment): Promise<Experiment> {
    // Ids count up from 1 as in MLflow's SQL store; a racing creator may take ours, so retry.
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.db.transaction().execute(async (trx) => {
          const taken = await trx.selectFrom('experiments').select('experiment_id').where('name', '=', experiment.name).executeTakeFirst();
          if (taken) throw experimentAlreadyExists({ name: experiment.name });
          const id = experiment.experimentId ?? (await nextExperimentId(trx));
          const row = {
            experiment_id: id,
            name: experiment.name,
            artifact_location: experiment.artifactLocation(id),
            lifecycle_stage: 'active',
            creation_time: experiment.now,
            last_update_time: experiment.now,
          };
          await trx.insertInto('experiments').values(row).execute();
          for (const tag of experiment.tags) await trx.insertInto('experiment_tags').values({ experiment_id: id, key: tag.key, value: tag.value }).execute();
          return toExperiment(row, experiment.tags);
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        const byName = await this.getExperimentByName(experiment.name);
        if (byName || experiment.experimentId !== undefined || attempt >= 5) throw experimentAlreadyExists({ name: experiment.name }, { cause: error });
      }
    }
  }

  async getExperiment(experimentId: string): Promise<Experiment | undefined> {
    const [experiment] = await this.loadExperiments([experimentId]);
    return experiment;
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    const row = await this.db.selectFrom('experiments').select('experiment_id').where('name', '=', name).executeTakeFirst();
    return row ? this.getExperiment(row.experiment_id) : undefined;
  }

  async searchExperiments(query: SearchQuery): Promise<Experiment[]> {
    return this.loadExperiments(await searchExperimentIds(this.db, this.dialect, query));
  }

  countActiveRuns(experimentIds: readonly string[]): Promise<Map<string, number>> {
    return countActiveRuns(this.db, experimentIds);
  }

  async renameExperiment(experimentId: string, name: string, now: number): Promise<void> {
    try {
      await this.db.updateTable('experiments').set({ name, last_update_time: now }).where('experiment_id', '=', experimentId).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw experimentAlreadyExists({ name }, { cause: error });
      throw error;
    }
  }

  async setExperimentLifecycle(experimentId: string, stage: LifecycleStage, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('experiments').set({ lifecycle_stage: stage, last_update_time: now }).where('experiment_id', '=', experimentId).execute();
      await trx
        .updateTable('runs')
        .set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? now : null })
        .where('experiment_id', '=', experimentId)
        .execute();
    });
  }

  async setExperimentTag(experimentId: string, tag: Tag): Promise<void> {
    await this.db
      .insertInto('experiment_tags')
      .values({ experiment_id: experimentId, key: tag.key, value: tag.value })
      .onConflict((conflict) => conflict.columns(['experiment_id', 'key']).doUpdateSet({ value: tag.value }))
      .execute();
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<boolean> {
    const result = await this.db.deleteFrom('experiment_tags').where('experiment_id', '=', experimentId).where('key', '=', key).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async createRun(info: RunInfo, tags: readonly Tag[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('runs')
        .values({
          run_id: info.runId,
          experiment_id: info.experimentId,
          run_name: info.runName,
          user_id: info.userId,
          status: info.status,
          start_time: info.startTime,
          end_time: info.endTime ?? null,
          lifecycle_stage: info.lifecycleStage,
          artifact_uri: info.artifactUri,
          deleted_time: null,
        })
        .execute()
        .catch((error: unknown) => {
          // A client that chooses its run ids (MLflow's run_id) sent one already taken.
          throw isUniqueViolation(error) ? runAlreadyExists({ id: info.runId }, { cause: error }) : error;
        });
      if (tags.length > 0) await trx.insertInto('run_tags').values(tags.map((tag) => ({ run_id: info.runId, key: tag.key, value: tag.value, run_start_time: info.startTime }))).execute();
    });
  }

  async getRunInfo(runId: string): Promise<RunInfo | undefined> {
    const row = await this.db.selectFrom('runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
    return row ? toRunInfo(row) : undefined;
  }

  async findRunIdsByPrefix(prefix: string, limit: number): Promise<string[]> {
    // A byte-exact prefix test, independent of collations and LIKE's wildcards.
    const rows = await this.db
      .selectFrom('runs')
      .select('run_id')
      .where(sql<string>`substr(run_id, 1, ${prefix.length})`, '=', prefix)
      .limit(limit)
      .execute();
    return rows.map((row) => row.run_id);
  }

  async getRun(runId: string): Promise<Run | undefined> {
    const [run] = await loadRuns(this.db, this.dialect, [runId]);
    return run;
  }

  async updateRun(runId: string, patch: { readonly status?: RunStatus; readonly endTime?: number; readonly runName?: string }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const set = {
        ...(patch.status === undefined ? {} : { status: patch.status }),
        ...(patch.endTime === undefined ? {} : { end_time: patch.endTime }),
        ...(patch.runName === undefined ? {} : { run_name: patch.runName }),
      };
      if (Object.keys(set).length > 0) await trx.updateTable('runs').set(set).where('run_id', '=', runId).execute();
      if (patch.runName !== undefined) await upsertTags(trx, await runKey(trx, runId), [{ key: SYSTEM_TAGS.runName, value: patch.runName }]);
    });
  }

  async setRunLifecycle(runId: string, stage: LifecycleStage, now: number): Promise<void> {
    await this.db.updateTable('runs').set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? now : null }).where('run_id', '=', runId).execute();
  }

  async logBatch(runId: string, batch: Batch): Promise<ParamConflict[]> {
    return this.db.transaction().execute(async (trx) => {
      const run = await runKey(trx, runId);
      const conflicts = await insertParams(trx, run, batch.params);
      if (conflicts.length > 0) {
        // Undo this batch's params by failing the transaction, then report.
        throw new ParamConflictSignal(conflicts);
      }
      await insertMetrics(trx, run, batch.metrics);
      await upsertTags(trx, run, batch.tags);
      const runName = batch.tags.findLast((tag) => tag.key === SYSTEM_TAGS.runName);
      if (runName) await trx.updateTable('runs').set({ run_name: runName.value }).where('run_id', '=', runId).execute();
      return [];
    }).catch((error: unknown) => {
      if (error instanceof ParamConflictSignal) return error.conflicts;
      throw error;
    });
  }

  async deleteRunTag(runId: string, key: string): Promise<boolean> {
    const result = await this.db.deleteFrom('run_tags').where('run_id', '=', runId).where('key', '=', key).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async logInputs(runId: string, experimentId: string, inputs: readonly DatasetInput[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const input of inputs) {
        const { dataset } = input;
        await trx
          .insertInto('datasets')
          .values({
            dataset_id: randomUUID().replaceAll('-', ''),
            experiment_id: experimentId,
            name: dataset.name,
            digest: dataset.digest,
            source_type: dataset.sourceType,
            source: dataset.source,
            schema: dataset.schema ?? null,
            profile: dataset.profile ?? null,
          })
          .onConflict((conflict) => conflict.columns(['experiment_id', 'name', 'digest']).doNothing())
          .execute();
        const { dataset_id: datasetId } = await trx
          .selectFrom('datasets')
          .select('dataset_id')
          .where('experiment_id', '=', experimentId)
          .where('name', '=', dataset.name)
          .where('digest', '=', dataset.digest)
          .executeTakeFirstOrThrow();
        const tags = Object.fromEntries(input.tags.map((tag) => [tag.key, tag.value]));
        const values = { tags: JSON.stringify(tags), context: tags['mlflow.data.context'] ?? null };
        await trx
          .insertInto('run_inputs')
          .values({ run_id: runId, dataset_id: datasetId, ...values })
          .onConflict((conflict) => conflict.columns(['run_id', 'dataset_id']).doUpdateSet(values))
          .execute();
      }
    });
  }

  async logOutputs(runId: string, outputs: readonly RunOutput[]): Promise<void> {
    if (outputs.length === 0) return;
    const unique = [...new Map(outputs.map((output) => [output.path, output])).values()];
    await this.db.transaction().execute(async (trx) => {
      for (const batch of chunks(unique)) {
        await trx
          .insertInto('run_outputs')
          .values(batch.map((output) => ({ run_id: runId, path: output.path, object_id: output.objectId, size: output.size })))
          .onConflict((conflict) => conflict.columns(['run_id', 'path']).doUpdateSet((update) => ({ object_id: update.ref('excluded.object_id'), size: update.ref('excluded.size') })))
          .execute();
      }
    });
  }

  async findRunsByOutput(objectId: string, limit: number): Promise<{ readonly runId: string; readonly path: string }[]> {
    const rows = await this.db
      .selectFrom('run_outputs')
      .innerJoin('runs', 'runs.run_id', 'run_outputs.run_id')
      .select(['run_outputs.run_id', 'run_outputs.path'])
      .where('run_outputs.object_id', '=', objectId)
      .where('runs.lifecycle_stage', '=', 'active')
      .orderBy('runs.start_time', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ runId: row.run_id, path: row.path }));
  }

  async getMetricHistory(runId: string, key: string, page: { readonly limit: number; readonly offset: number }): Promise<Metric[]> {
    const rows = await this.db
      .selectFrom('metrics')
      .select(['key', 'value', 'is_nan', 'timestamp', 'step'])
      .where('run_id', '=', runId)
      .where('key', '=', key)
      .orderBy('timestamp')
      .orderBy('step')
      .orderBy('value')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return rows.map(toMetric);
  }

  async searchRuns(query: RunSearchQuery): Promise<Run[]> {
    return loadRuns(this.db, this.dialect, await searchRunIds(this.db, this.dialect, query));
  }

  async findRunsByDatasetDigest(digest: string, limit: number): Promise<RunInfo[]> {
    const rows = await this.db
      .selectFrom('runs')
      .selectAll('runs')
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('run_inputs')
            .innerJoin('datasets', 'datasets.dataset_id', 'run_inputs.dataset_id')
            .select(sql`1`.as('one'))
            .whereRef('run_inputs.run_id', '=', 'runs.run_id')
            .where('datasets.digest', '=', digest),
        ),
      )
      .orderBy('start_time', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRunInfo);
  }

  /** Experiments by id, with tags, in the order of `ids`. */
  private async loadExperiments(ids: readonly string[]): Promise<Experiment[]> {
    if (ids.length === 0) return [];
    const rows = [];
    const tags = new Map<string, Tag[]>();
    for (const batch of chunks(ids)) {
      rows.push(...(await this.db.selectFrom('experiments').selectAll().where('experiment_id', 'in', batch).execute()));
      for (const tag of await this.db.selectFrom('experiment_tags').selectAll().where('experiment_id', 'in', batch).orderBy('key').execute()) {
        pushTo(tags, tag.experiment_id, { key: tag.key, value: tag.value });
      }
    }
    const byId = new Map(rows.map((row) => [row.experiment_id, toExperiment(row, tags.get(row.experiment_id) ?? [])]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

}

class ParamConflictSignal extends Error {
  constructor(readonly conflicts: ParamConflict[]) {
    super('param conflict');
  }
}

async function nextExperimentId(trx: Executor): Promise<string> {
  const { max } = await trx
    .selectFrom('experiments')
    .select(sql<number | string | null>`MAX(CAST(experiment_id AS BIGINT))`.as('max'))
    .executeTakeFirstOrThrow();
  return String(max === null ? 1 : Math.max(Number(max), 0) + 1);
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
