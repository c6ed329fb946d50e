/** Errors of the model server; their kinds decide the HTTP status (400, 404, 503). */
import { defineError } from '../core/index.js';

export const badInferenceRequest = defineError<{ problem: string }>('SLUICE_SERVING_BAD_REQUEST', {
  kind: 'invalid_input',
  description: 'A prediction request does not match the model\'s signature or the protocol (a missing feature, a wrong type or shape, malformed JSON or CSV).',
  message: ({ problem }) => problem,
  hint: () => 'GET /v2/models/NAME describes the inputs the model takes.',
});

export const servedModelNotFound = defineError<{ name: string; known: readonly string[] }>('SLUICE_SERVING_MODEL_NOT_FOUND', {
  kind: 'not_found',
  description: 'A request named a model (or version) this server does not serve.',
  message: ({ name, known }) => `No model "${name}" is served here (serving: ${known.join(', ') || 'none'}).`,
  hint: () => 'GET /v2/models lists what is served.',
});

export const servedModelNotNamed = defineError<{ path: string; known: readonly string[] }>('SLUICE_SERVING_MODEL_NOT_NAMED', {
  kind: 'invalid_input',
  description: 'A request to /predict or /invocations named no model while the server serves several, so it cannot choose.',
  // The paths are in the message: MLflow's scoring and v2 error bodies carry no hint.
  message: ({ path, known }) =>
    `This server serves ${known.length} models and the request names none: send it to ${known.map((name) => `POST /models/${name}${path}`).join(' or ')}` +
    `${path === '/predict' ? ' (or put "model": NAME in the body)' : ''}.`,
  hint: () => 'GET /v2/models lists what is served; with one model served, the plain path answers for it.',
});

export const servedModelNotReady = defineError<{ name: string; reason: string }>('SLUICE_SERVING_MODEL_NOT_READY', {
  kind: 'unavailable',
  description: 'The model is not loaded (yet, or its load failed and no earlier version is serving).',
  message: ({ name, reason }) => `Model "${name}" is not ready: ${reason}.`,
  hint: () => 'GET /v2/models/NAME/ready says when it is; the server log says why a load failed.',
});

export const serverOverloaded = defineError<{ limit: number }>('SLUICE_SERVING_OVERLOADED', {
  kind: 'unavailable',
  description: 'The server has as many requests in flight as it accepts (--max-in-flight) and sheds the rest rather than queue them without bound.',
  message: ({ limit }) => `The server is at its limit of ${limit} requests in flight; retry shortly.`,
  hint: () => 'Retry after the Retry-After delay, add workers or replicas, or raise --max-in-flight.',
});

export const modelLoadFailed = defineError<{ source: string; reason: string }>('SLUICE_SERVING_LOAD_FAILED', {
  kind: 'invalid_input',
  description: 'A model given to `sluice serve` could not be loaded.',
  message: ({ source, reason }) => `Cannot serve ${source}: ${reason}.`,
  hint: () => 'Check the path or models:/ URI (`sluice models show NAME`), and that the file is an ONNX model.',
});

export const predictionLogUnwritable = defineError<{ dir: string; reason: string }>('SLUICE_SERVING_LOG_UNWRITABLE', {
  kind: 'invalid_input',
  description: 'The directory for the prediction log cannot be created or written.',
  message: ({ dir, reason }) => `Cannot keep the prediction log in ${dir}: ${reason}.`,
  hint: () => 'Point --prediction-log at a writable directory (in a container, a mounted volume), or serve with --no-prediction-log.',
});

export const adminUnauthorized = defineError('SLUICE_SERVING_ADMIN_UNAUTHORIZED', {
  kind: 'unauthenticated',
  description: 'An /admin request to a server started with SLUICE_ADMIN_TOKEN did not carry that token.',
  message: () => 'This server\'s admin endpoints need the admin token: send Authorization: Bearer <token>.',
  hint: () => 'Use the value of SLUICE_ADMIN_TOKEN the server was started with.',
});

export const routeNotFound = defineError<{ method: string; path: string }>('SLUICE_SERVING_NO_ROUTE', {
  kind: 'not_found',
  description: 'A request to the model server matched none of its endpoints.',
  message: ({ method, path }) => `No route ${method} ${path}.`,
  hint: () => 'The model server answers /v2/models/NAME/infer (Open Inference Protocol), /invocations (MLflow), /predict, /v2/health/*, /ping and /metrics; GET /v2/models lists what is served.',
});

export const duplicateServedName = defineError<{ name: string; first: string; second: string }>('SLUICE_SERVING_DUPLICATE_NAME', {
  kind: 'invalid_input',
  description: 'Two models given to `sluice serve` would be served under one name (the same file stem or registered name, or the same NAME=).',
  message: ({ name, first, second }) => `${first} and ${second} would both be served as "${name}".`,
  hint: ({ first, second }) => `Name them apart: \`sluice serve a=${first} b=${second}\`.`,
});

export const feedbackUnknownRequest = defineError<{ ids: readonly string[] }>('SLUICE_SERVING_FEEDBACK_UNKNOWN_REQUEST', {
  kind: 'not_found',
  description: 'Feedback to an environment (`sluice serve --env`) named a request id whose answer this server does not hold (never answered here, or forgotten after 100,000 newer answers), so its label cannot be joined for analysis.',
  message: ({ ids }) => `No answer is known for request id${ids.length === 1 ? '' : 's'} ${ids.slice(0, 5).map((id) => `"${id}"`).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}; nothing was joined.`,
  hint: () => 'Post the id the answer carried (its X-Request-Id header, /predict\'s request_id or the v2 "id"), soon after the answer.',
});

export const feedbackWrongLabel = defineError<{ problem: string }>('SLUICE_SERVING_FEEDBACK_WRONG_LABEL', {
  kind: 'invalid_input',
  description: 'A feedback label is not of the kind the answering model gives: not one of a classifier\'s classes, not a number for a regressor, or not one label per row of the request.',
  message: ({ problem }) => `${problem}; nothing was joined.`,
  hint: () => 'GET /v2/models/NAME lists a classifier\'s classes (parameters.classes); send one label per row of the request.',
});
