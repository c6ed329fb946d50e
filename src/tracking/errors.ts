/**
 * Errors of experiment tracking. Messages follow MLflow's wording where MLflow clients may show
 * or match them (`Run with id=… not found`).
 */
import { defineError } from '../core/index.js';

export const invalidSearch = defineError<{ what: string; text: string; problem: string }>('SLUICE_TRACKING_INVALID_SEARCH', {
  kind: 'invalid_input',
  description: 'A search filter, order_by clause or page token cannot be read.',
  message: ({ what, text, problem }) => `Invalid ${what} ${JSON.stringify(text)}: ${problem}`,
  hint: ({ what }) =>
    what === 'page token'
      ? 'Pass the next_page_token of the previous page unchanged, or none for the first page.'
      : "Filters are clauses joined by AND, such as: metrics.roc_auc > 0.95 and params.algorithm = 'gbdt' and tags.team = 'risk'. Quote string values, and quote keys with spaces in backticks.",
});

export const experimentNotFound = defineError<{ id: string; byName?: boolean }>('SLUICE_TRACKING_EXPERIMENT_NOT_FOUND', {
  kind: 'not_found',
  description: 'No experiment has the given id or name.',
  message: ({ id, byName }) => (byName ? `Could not find experiment with name '${id}'` : `No Experiment with id=${id} exists`),
  hint: () => 'List the experiments with `sluice experiments list` (or MLflow\'s experiments/search); a workspace records into the one named by tracking.experiment in .sluice/config.yaml, the directory name by default.',
});

export const experimentAlreadyExists = defineError<{ name: string }>('SLUICE_TRACKING_EXPERIMENT_EXISTS', {
  kind: 'already_exists',
  description: 'An experiment with this name exists (possibly deleted: names are kept until purged).',
  message: ({ name }) => `Experiment(name=${name}) already exists.`,
  hint: () => 'Use the existing experiment, restore it if it was deleted, or choose another name.',
});

export const runAlreadyExists = defineError<{ id: string }>('SLUICE_TRACKING_RUN_EXISTS', {
  kind: 'already_exists',
  description: 'A run with this id exists: a client that chooses its own run ids sent one already taken.',
  message: ({ id }) => `Run with id=${id} already exists.`,
  hint: () => 'Leave run_id out to have the server choose one, or log to the existing run.',
});

export const runNotFound = defineError<{ id: string }>('SLUICE_TRACKING_RUN_NOT_FOUND', {
  kind: 'not_found',
  description: 'No run has the given id.',
  message: ({ id }) => `Run with id=${id} not found`,
  hint: () => 'List runs with `sluice runs list`.',
});

export const inactiveTarget = defineError<{ what: string; id: string; stage: string }>('SLUICE_TRACKING_INACTIVE', {
  kind: 'invalid_input',
  description: 'A deleted experiment or run was asked to change.',
  message: ({ what, id, stage }) => `The ${what} ${id} must be in the 'active' state. Current state is ${stage}.`,
  hint: ({ what }) => `Restore the ${what} first.`,
});

export const invalidTrackingValue = defineError<{ problem: string }>('SLUICE_TRACKING_INVALID_VALUE', {
  kind: 'invalid_input',
  description: 'A value logged to tracking breaks a rule (a changed param, a key too long, too many items).',
  message: ({ problem }) => problem,
  hint: () => 'Keys are at most 250 characters of letters, digits, _ - . / space and :, params are set once per run, and one batch holds at most 1000 metrics, 100 params and 100 tags.',
});

export const paramChanged = defineError<{ runId: string; key: string; oldValue: string; newValue: string }>('SLUICE_TRACKING_PARAM_CHANGED', {
  kind: 'invalid_input',
  description: 'A param was logged again with a different value; params are immutable within a run.',
  message: ({ runId, key, oldValue, newValue }) =>
    `Changing param values is not allowed. Param with key='${key}' was already logged with value='${oldValue}' for run ID='${runId}'. Attempted logging new value '${newValue}'.`,
  hint: () => 'Log the new value in a new run, or under another key.',
});

export const artifactNotFound = defineError<{ path: string }>('SLUICE_TRACKING_ARTIFACT_NOT_FOUND', {
  kind: 'not_found',
  description: 'No artifact is stored at the given path.',
  message: ({ path }) => `No artifact at '${path}'.`,
  hint: () => 'List the run\'s artifacts (`sluice runs show RUN_ID`) to see what was logged.',
});

export const unsafeArtifactPath = defineError<{ path: string; reason: string }>('SLUICE_TRACKING_UNSAFE_PATH', {
  kind: 'invalid_input',
  description: 'An artifact path tries to leave its root (.., an absolute path, an encoded traversal, a symlink).',
  message: ({ path, reason }) => `Invalid artifact path '${path}': ${reason}.`,
  hint: () => 'Use a relative path inside the run\'s artifact directory, with / as separator and no . or .. segments.',
});

export const artifactCorrupt = defineError<{ path: string; expected: string; actual: string }>('SLUICE_TRACKING_ARTIFACT_CORRUPT', {
  kind: 'internal',
  description: 'An artifact read back from storage does not match its content hash.',
  message: ({ path, expected, actual }) => `The artifact '${path}' is damaged in storage: expected ${expected}, read ${actual}.`,
  hint: () => 'Upload the artifact again; if it keeps happening, check the storage backend.',
});

export const tagNotFound = defineError<{ key: string; owner: string }>('SLUICE_TRACKING_TAG_NOT_FOUND', {
  kind: 'not_found',
  description: 'A tag asked to be deleted is not set.',
  message: ({ key, owner }) => `No tag with name: ${key} in ${owner}`,
  hint: () => 'Nothing to delete; check the tag key (keys are case-sensitive).',
});

export const ambiguousRunId = defineError<{ prefix: string; matches: readonly string[] }>('SLUICE_TRACKING_AMBIGUOUS_RUN_ID', {
  kind: 'invalid_input',
  description: 'A shortened run id matches more than one run.',
  message: ({ prefix, matches }) => `The run id ${prefix} is ambiguous: it starts ${matches.join(', ')}.`,
  hint: () => 'Give more characters of the id (`sluice runs list` shows them).',
});

export const artifactTooLarge = defineError<{ path: string; limit: number }>('SLUICE_TRACKING_ARTIFACT_TOO_LARGE', {
  kind: 'too_large',
  description: 'An uploaded artifact is larger than the server accepts (sluice server --max-upload-mb).',
  message: ({ path, limit }) => `The artifact '${path}' is larger than the limit of ${limit} bytes.`,
  hint: () => 'Start the server with a larger --max-upload-mb, or keep files this large in the data cache (sluice data add) and log their pointer.',
});
