/**
 * MLflow's rules for what may be logged: key characters and lengths, batch sizes, run ids.
 * Values over a limit are refused, never truncated: a silently shortened param is lost data.
 */
import { invalidTrackingValue } from './errors.js';
import type { Batch } from './store/tracking-store.js';

export const LIMITS = {
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
  experimentNameLength: 500,
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchTotal: 1000,
  datasetNameLength: 500,
  /** `blake3:<64 hex>.dir` fits. */
  datasetDigestLength: 80,
} as const;

const KEY_PATTERN = /^[/\w.\- :]*$/;
const RUN_ID_PATTERN = /^[a-zA-Z0-9][\w-]{0,255}$/;

/** Checks a metric, param or tag key. `what` names it in the message (`metrics[3].key`). */
export function validateKey(key: string, what: string): void {
  if (key === '') throw invalidTrackingValue({ problem: `Missing value for required parameter '${what}'.` });
  if (!KEY_PATTERN.test(key)) {
    throw invalidTrackingValue({
      problem: `Invalid value ${JSON.stringify(key)} for parameter '${what}' supplied: Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`,
    });
  }
  // Keys become paths in some stores and UIs: no climbing out, no absolute paths.
  if (key.startsWith('/') || key.split('/').some((segment) => segment === '..' || segment === '.')) {
    throw invalidTrackingValue({ problem: `Invalid value ${JSON.stringify(key)} for parameter '${what}' supplied: Names cannot be absolute paths or contain '.' or '..' segments.` });
  }
  checkLength(key, LIMITS.keyLength, what);
}

export function checkLength(value: string, limit: number, what: string): void {
  if (value.length > limit) throw invalidTrackingValue({ problem: `'${what}' exceeds the maximum length of ${limit} characters (it has ${value.length}).` });
}

export function validateRunId(runId: string): void {
  if (!RUN_ID_PATTERN.test(runId)) throw invalidTrackingValue({ problem: `Invalid value ${JSON.stringify(runId)} for parameter 'run_id' supplied.` });
}

/** Checks an experiment id's form: decimal integers, as MLflow's SQL store issues them. */
export function validateExperimentId(experimentId: string): void {
  if (!/^\d{1,19}$/.test(experimentId)) {
    throw invalidTrackingValue({ problem: `Invalid experiment ID '${experimentId}'. Experiment ID must be a valid integer.` });
  }
}

/** Checks a whole batch the way MLflow's log-batch does, before anything is written. */
export function validateBatch(batch: Batch): void {
  const counts = { metrics: batch.metrics.length, params: batch.params.length, tags: batch.tags.length };
  for (const [name, limit] of [['metrics', LIMITS.batchMetrics], ['params', LIMITS.batchParams], ['tags', LIMITS.batchTags]] as const) {
    if (counts[name] > limit) {
      throw invalidTrackingValue({
        problem: `A batch logging request can contain at most ${limit} ${name}. Got ${counts[name]} ${name}. Please split up ${name} across multiple requests and try again.`,
      });
    }
  }
  const total = counts.metrics + counts.params + counts.tags;
  if (total > LIMITS.batchTotal) {
    throw invalidTrackingValue({
      problem: `A batch logging request can contain at most ${LIMITS.batchTotal} metrics, params, and tags. Got ${total} items. Please split up the items across multiple requests and try again.`,
    });
  }
  batch.metrics.forEach((metric, index) => {
    validateKey(metric.key, `metrics[${index}].key`);
    if (!Number.isSafeInteger(metric.timestamp) || metric.timestamp < 0) {
      throw invalidTrackingValue({ problem: `Invalid value ${metric.timestamp} for parameter 'metrics[${index}].timestamp' supplied: a timestamp is a non-negative integer of epoch milliseconds.` });
    }
    if (!Number.isSafeInteger(metric.step)) throw invalidTrackingValue({ problem: `Invalid value ${metric.step} for parameter 'metrics[${index}].step' supplied: a step is an integer.` });
    if (typeof metric.value !== 'number') throw invalidTrackingValue({ problem: `Invalid value for parameter 'metrics[${index}].value': a metric value is a number.` });
  });
  batch.params.forEach((param, index) => {
    validateKey(param.key, `params[${index}].key`);
    checkLength(param.value, LIMITS.paramValueLength, `params[${index}].value`);
  });
  batch.tags.forEach((tag, index) => {
    validateKey(tag.key, `tags[${index}].key`);
    checkLength(tag.value, LIMITS.tagValueLength, `tags[${index}].value`);
  });
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const param of batch.params) (seen.has(param.key) ? duplicates : seen).add(param.key);
  if (duplicates.size > 0) {
    throw invalidTrackingValue({
      problem: `Duplicate parameter keys have been submitted: [${[...duplicates].map((key) => `'${key}'`).join(', ')}]. Please ensure the request contains only one param value per param key.`,
    });
  }
}
