/**
 * @module distributed
 * The queue executor on BullMQ and Redis: `sluice worker` (StageWorker), `sluice run --executor
 * queue` (QueueExecutor, the pipeline's StageDelegate), `sluice workers` and `sluice queue`
 * (QueueAdmin), routing by Sluice version and stage labels, and the shared run cache.
 */
export { CONNECT_TIMEOUT_MS, connectQueue } from './connection.js';
export * as queueErrors from './errors.js';
export { HEARTBEAT_MS, PRESENCE_TTL_MS, type RunRecord, type WorkerRecord } from './presence.js';
export { QueueAdmin, withQueueAdmin, type QueueCounts, type QueuedStage, type QueueStatus } from './queue-admin.js';
export { DEFAULT_WORKER_TIMEOUT_MS, QueueExecutor, type QueueExecutorOptions } from './queue-executor.js';
export { DEFAULT_QUEUE_PREFIX, parseQueueUrl, type QueueLocation } from './queue-url.js';
export { canTake, MAX_WORKER_LABELS, parseQueueName, queueNameFor, queuesForWorker } from './routing.js';
export { SharedRunCache } from './shared-run-cache.js';
export { DEFAULT_STALL_TIMEOUT_MS, StageWorker, type StageWorkerOptions } from './stage-worker.js';
