/** Database rows to tracking entities, and the value encodings both directions share. */
import type { Selectable } from 'kysely';
import type { Database } from '../../store/index.js';
import type { Experiment, LifecycleStage, Metric, RunInfo, RunStatus, Tag } from '../entities.js';

type Row<T extends keyof Database> = Selectable<Database[T]>;

export function toExperiment(row: Row<'experiments'>, tags: readonly Tag[]): Experiment {
  return {
    experimentId: row.experiment_id,
    name: row.name,
    artifactLocation: row.artifact_location,
    lifecycleStage: row.lifecycle_stage as LifecycleStage,
    creationTime: Number(row.creation_time),
    lastUpdateTime: Number(row.last_update_time),
    tags,
  };
}

export function toRunInfo(row: Row<'runs'>): RunInfo {
  return {
    runId: row.run_id,
    runName: row.run_name,
    experimentId: row.experiment_id,
    userId: row.user_id,
    status: row.status as RunStatus,
    startTime: Number(row.start_time),
    endTime: row.end_time === null ? undefined : Number(row.end_time),
    artifactUri: row.artifact_uri,
    lifecycleStage: row.lifecycle_stage as LifecycleStage,
  };
}

/** NaN is stored as 0 with a flag: not every database keeps NaN, and comparisons on it differ. */
export function encodeMetricValue(value: number): { value: number; is_nan: number } {
  return Number.isNaN(value) ? { value: 0, is_nan: 1 } : { value, is_nan: 0 };
}

export function toMetric(row: { key: string; value: number | string; is_nan: number; timestamp: number | string; step: number | string }): Metric {
  return { key: row.key, value: row.is_nan ? Number.NaN : Number(row.value), timestamp: Number(row.timestamp), step: Number(row.step) };
}

/** Splits a list so no statement exceeds the bound-parameter limits. */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
