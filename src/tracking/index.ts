/**
 * @module tracking
 * Experiments, runs, params, metrics, tags, data inputs and artifacts, with MLflow's semantics,
 * on the metadata store's database.
 */
export type {
  ArtifactEntry,
  Dataset,
  DatasetInput,
  Experiment,
  LifecycleStage,
  Metric,
  Page,
  Param,
  Run,
  RunData,
  RunInfo,
  RunOutput,
  RunStatus,
  Tag,
  ViewType,
} from './entities.js';
export { RUN_STATUSES, SYSTEM_TAGS, VIEW_TYPES } from './entities.js';
export { createTrackingService, DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME, defaultArtifactLocation, type TrackingServiceOptions } from './tracking-service.js';
export type { NewRun, SearchOptions, TrackingService } from './tracking-api.js';
export type { FileInput, RecordRun, RunRecord } from './run-record.js';
export type { ArtifactIndex, StoredArtifact, TrackingStore } from './store/tracking-store.js';
export { openTrackingStores } from './open.js';
export {
  decodePageToken,
  encodePageToken,
  MODEL_VERSION_SEARCH,
  pageRequest,
  toPage,
  parseFilter,
  parseOrderBy,
  REGISTERED_MODEL_SEARCH,
  type FilterClause,
  type OrderClause,
} from './search/index.js';
export { comparison, likeToGlob } from './store/sql-conditions.js';
export { artifactCorrupt, artifactNotFound, experimentNotFound, invalidSearch, runNotFound, unsafeArtifactPath } from './errors.js';
export { LIMITS, validateKey } from './validation.js';
export { ArtifactStore, DEFAULT_MAX_UPLOAD_BYTES, downloadTree, joinArtifactPath, normalizeArtifactPath, storeDirectory, verifyingStream, type Artifacts, type ArtifactStoreOptions, type TreeSource } from './artifacts/index.js';
