/**
 * Sluice analyses as Argo Rollouts AnalysisTemplates. Metrics map field for field (durations
 * written back as `30s`, conditions copied verbatim: Sluice's jexl and Argo's expr agree on
 * comparisons, `&&`/`||`/`and`/`or`, indexing, `len`, `isNaN`, `isInf`, `default`, `abs`,
 * `min`, `max`). Providers:
 *  - `prometheus` and `web` are Argo's own providers (the web jsonPath written in kubectl's `{...}` form);
 *  - `requests` becomes a Prometheus query on Sluice's own metrics (sluice-queries.ts);
 *  - `feedback` and `prediction-drift` have no Prometheus metric to query (the server computes
 *    them itself), so they are left out, each reported as not translatable.
 */
import { providerNameOf, type AnalysisMetricSpec, type AnalysisSpec } from '../config/analysis-schema.js';
import { formatDuration } from '../config/duration.js';
import type { AnalysisArgument, AnalysisTemplate, ArgoMetric, RolloutAnalysis } from './argo-types.js';
import { ARGS, rateWindow, requestsQuery } from './sluice-queries.js';

/** What the generated templates are told about the model and the cluster. */
export interface TemplateContext {
  /** The Kubernetes name the model is served under (the `model` label of Sluice's metrics). */
  readonly model: string;
  /** The `version` label Sluice's metrics carry for the candidate. */
  readonly versionLabel: string;
  /** Where Prometheus answers in the cluster. */
  readonly prometheusAddress: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A metric of sluice.yaml left out of the generated analysis, and why. */
export interface UntranslatableMetric {
  readonly analysis: string;
  readonly metric: string;
  readonly provider: string;
  readonly reason: string;
}

const UNTRANSLATABLE: Readonly<Record<string, string>> = {
  feedback:
    'labelled-feedback metrics are computed by `sluice serve --env` from POST /feedback and are not exported to Prometheus; in Kubernetes, measure them with a `web` metric against the service that collects your labels',
  'prediction-drift':
    'prediction drift is computed by `sluice serve --env` from the answers of both versions and is not exported to Prometheus; in Kubernetes, measure it with a `web` or `prometheus` metric of your own',
};

/** Seconds, rounded up, as Argo's provider timeouts are written. */
const seconds = (milliseconds: number): number => Math.max(1, Math.ceil(milliseconds / 1000));

/** `$.data.ok` → `{$.data.ok}`, the form Argo's web provider evaluates. */
export function argoJsonPath(path: string): string {
  return path.startsWith('{') ? path : `{${path}}`;
}

function provider(metric: AnalysisMetricSpec): ArgoMetric['provider'] | undefined {
  const { requests, prometheus, web } = metric.provider;
  if (requests) return { prometheus: { address: ARGS.prometheus, query: requestsQuery(requests.metric, rateWindow(metric.interval)) } };
  if (prometheus) return { prometheus: { address: prometheus.address, query: prometheus.query, timeout: seconds(prometheus.timeout) } };
  if (web) {
    return {
      web: {
        url: web.url,
        method: web.method,
        ...(Object.keys(web.headers).length ? { headers: Object.entries(web.headers).map(([key, value]) => ({ key, value })) } : {}),
        ...(web.body === undefined ? {} : { body: web.body }),
        jsonPath: argoJsonPath(web.jsonPath),
        timeoutSeconds: seconds(web.timeout),
      },
    };
  }
  return undefined;
}

function argoMetric(metric: AnalysisMetricSpec, translated: ArgoMetric['provider']): ArgoMetric {
  return {
    name: metric.name,
    ...(metric.interval === undefined ? {} : { interval: formatDuration(metric.interval) }),
    ...(metric.initialDelay > 0 ? { initialDelay: formatDuration(metric.initialDelay) } : {}),
    ...(metric.count === undefined ? {} : { count: metric.count }),
    ...(metric.successCondition === undefined ? {} : { successCondition: metric.successCondition }),
    ...(metric.failureCondition === undefined ? {} : { failureCondition: metric.failureCondition }),
    failureLimit: metric.failureLimit,
    inconclusiveLimit: metric.inconclusiveLimit,
    consecutiveErrorLimit: metric.consecutiveErrorLimit,
    provider: translated,
  };
}

/** The template's arguments, with defaults for all but the canary's pod-template hash (the Rollout passes it). */
function templateArguments(context: TemplateContext): AnalysisArgument[] {
  return [{ name: 'model', value: context.model }, { name: 'version', value: context.versionLabel }, { name: 'canary-hash' }, { name: 'prometheus-address', value: context.prometheusAddress }];
}

/** How a Rollout calls a template: its name, the candidate's version and its pods' template hash. */
export function rolloutAnalysis(templateName: string, context: TemplateContext): RolloutAnalysis {
  return {
    templates: [{ templateName }],
    args: [
      { name: 'version', value: context.versionLabel },
      { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
    ],
  };
}

/**
 * The AnalysisTemplate named `name` for `analysis` (`where` names it in messages, e.g.
 * `canary step 3`), or none when no metric translates; the metrics left out either way.
 */
export function analysisTemplate(name: string, where: string, analysis: AnalysisSpec, context: TemplateContext): { template?: AnalysisTemplate; untranslatable: UntranslatableMetric[] } {
  const metrics: ArgoMetric[] = [];
  const untranslatable: UntranslatableMetric[] = [];
  for (const metric of analysis.metrics) {
    const translated = provider(metric);
    const providerName = providerNameOf(metric.provider);
    if (translated) metrics.push(argoMetric(metric, translated));
    else untranslatable.push({ analysis: where, metric: metric.name, provider: providerName, reason: UNTRANSLATABLE[providerName] ?? 'Argo Rollouts has no equivalent' });
  }
  if (metrics.length === 0) return { untranslatable };
  return {
    template: { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name, labels: context.labels }, spec: { args: templateArguments(context), metrics } },
    untranslatable,
  };
}
