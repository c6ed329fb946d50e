/**
 * Errors of analysis measurements. The runner records them as Error measurements (their message
 * and hint), so a rollout's status says what went wrong with a metric and how to fix it.
 */
import { defineError } from '../../core/index.js';

export const providerUnreachable = defineError<{ provider: string; url: string; reason: string }>('SLUICE_ANALYSIS_PROVIDER_UNREACHABLE', {
  kind: 'unavailable',
  description: 'A prometheus or web analysis metric could not reach its URL, or got no answer within its timeout.',
  message: ({ provider, url, reason }) => `The ${provider} metric could not get an answer from ${url}: ${reason}.`,
  hint: ({ provider }) =>
    `Check that the server is up and reachable from the host running \`sluice serve --env\`, and the metric's ${provider === 'prometheus' ? 'address' : 'url'} and timeout in sluice.yaml; ` +
    'the measurement is retried, and fails the analysis after consecutiveErrorLimit errors in a row.',
});

export const providerStatus = defineError<{ provider: string; url: string; status: number; detail: string }>('SLUICE_ANALYSIS_PROVIDER_STATUS', {
  kind: 'unavailable',
  description: 'A prometheus or web analysis metric\'s server answered with an HTTP error status.',
  message: ({ provider, url, status, detail }) => `The ${provider} metric's server ${url} answered HTTP ${status}${detail ? `: ${detail}` : ''}.`,
  hint: ({ provider }) =>
    provider === 'prometheus'
      ? 'A 400 means the PromQL query is malformed: try it in the Prometheus UI (Graph tab) and correct `query` in sluice.yaml.'
      : 'Check the URL, method, headers (e.g. an Authorization header) and body of the web metric in sluice.yaml.',
});

export const providerBadAnswer = defineError<{ provider: string; url: string; problem: string }>('SLUICE_ANALYSIS_PROVIDER_BAD_ANSWER', {
  kind: 'check_failed',
  description: 'A prometheus or web analysis metric\'s server answered, but not with a result the conditions can use.',
  message: ({ provider, url, problem }) => `The ${provider} metric's answer from ${url} cannot be used: ${problem}.`,
  hint: ({ provider }) =>
    provider === 'prometheus'
      ? 'Write an instant query that returns a scalar or a vector of numbers, e.g. sum(rate(sluice_inference_requests_total{status=~"5.."}[1m])) / sum(rate(sluice_inference_requests_total[1m])).'
      : 'Point jsonPath at the value the conditions test, e.g. $.data.accuracy; the endpoint must answer JSON.',
});

export const unknownFeedbackMetric = defineError<{ metric: string; task: string; known: readonly string[] }>('SLUICE_ANALYSIS_UNKNOWN_FEEDBACK_METRIC', {
  kind: 'invalid_input',
  description: 'A feedback analysis metric names a metric the evaluation module does not compute for the model\'s task.',
  message: ({ metric, task }) => `The feedback metric "${metric}" is not computed for a ${task} model.`,
  hint: ({ known }) => `Use one of ${known.join(', ')} as provider.feedback.metric in sluice.yaml (docs/metrics.md lists them by task).`,
});

export const unknownFeedbackLabel = defineError<{ label: string; classes: readonly string[] }>('SLUICE_ANALYSIS_UNKNOWN_LABEL', {
  kind: 'invalid_input',
  description: 'A label posted as feedback is not one of the classes the model predicts.',
  message: ({ label, classes }) => `The feedback label "${label}" is not one of the model's classes (${classes.join(', ')}).`,
  hint: () => 'Post labels spelled as the model\'s classes to POST /feedback (the classes are in GET /v2/models/NAME); the measurement is retried.',
});
