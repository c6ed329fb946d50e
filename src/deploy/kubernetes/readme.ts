/** README.md beside the generated manifests: what to apply, what Prometheus must see, and what did not translate. */
import type { EnvironmentSpec } from '../config/environment-schema.js';
import type { UntranslatableMetric } from './analysis-template.js';
import type { RolloutObjects } from './rollout.js';

/** What the README reports. */
export interface ReadmeFacts {
  readonly environment: EnvironmentSpec;
  readonly model: string;
  readonly version: string;
  readonly name: string;
  readonly image: string;
  readonly versionLabel: string;
  readonly prometheusAddress: string;
  readonly objects: RolloutObjects;
  readonly canaryTrafficPercent: number | undefined;
  readonly rolloutFile: string;
  readonly kserveFile: string;
}

function untranslatedSection(metrics: readonly UntranslatableMetric[], droppedSteps: readonly number[]): string[] {
  if (metrics.length === 0) return [];
  return [
    '## Not translated',
    '',
    'These metrics of sluice.yaml have no equivalent here and are **not** checked by Argo Rollouts:',
    '',
    ...metrics.map((metric) => `- \`${metric.metric}\` (${metric.provider}, ${metric.analysis}): ${metric.reason}.`),
    ...(droppedSteps.length ? ['', `Canary steps left out because none of their metrics translate: ${droppedSteps.join(', ')} (0-based, as in sluice.yaml).`] : []),
    '',
  ];
}

/** README.md for the output directory. */
export function renderReadme(facts: ReadmeFacts): string {
  const { environment, name, objects } = facts;
  const strategy = environment.strategy.kind;
  return [
    `# ${name}: environment "${environment.name}" on Kubernetes`,
    '',
    `Written by \`sluice deploy models:/${facts.model}/${facts.version} --env ${environment.name} --target k8s\`: the ${strategy} rollout of sluice.yaml as`,
    'Argo Rollouts objects, and the same model as a KServe InferenceService. Use one or the other.',
    '',
    `Build and push the image \`${facts.image}\` first (\`sluice package\` writes its Docker context).`,
    '',
    '## Argo Rollouts',
    '',
    `\`${facts.rolloutFile}\` holds the Service${objects.services.length > 1 ? 's' : ''}, ${objects.templates.length} AnalysisTemplate${objects.templates.length === 1 ? '' : 's'} and the Rollout. With the Argo Rollouts controller installed:`,
    '',
    '```sh',
    `kubectl apply -f ${facts.rolloutFile}`,
    `kubectl argo rollouts get rollout ${name} --watch`,
    `kubectl argo rollouts promote ${name}     # past a pause without a duration`,
    `kubectl argo rollouts abort ${name}       # back to the stable version`,
    '```',
    '',
    ...(strategy === 'canary'
      ? ['Without a traffic router (`trafficRouting`), Argo sets a canary\'s weight by its share of pods: with', `${objects.rollout.spec.replicas} replica(s), weights are rounded to what the pod count allows. Add replicas, or a traffic router, for finer steps.`, '']
      : []),
    '### Analysis on Sluice\'s metrics',
    '',
    `The \`requests\` metrics query Prometheus at \`${facts.prometheusAddress}\` (the templates' \`prometheus-address\` argument; change it there).`,
    'Prometheus must scrape the pods (they carry the `prometheus.io/scrape` annotations) and copy their labels onto the series',
    '(the usual `kubernetes-pods` job with a `labelmap` of `__meta_kubernetes_pod_label_(.+)`):',
    '',
    `- rates and counts read \`sluice_inference_requests_total{model="${name}",version="${facts.versionLabel}"}\` (the version label is the start of the model's BLAKE3 hash);`,
    '- latencies read `sluice_inference_request_duration_seconds` of the canary\'s pods, told apart by `rollouts_pod_template_hash`.',
    '',
    'Conditions are copied from sluice.yaml: Argo evaluates them with expr, which reads comparisons, `&&`/`||`, `result[0]`, `len()`, `isNaN()` and `default()` as Sluice does.',
    '',
    ...untranslatedSection(objects.untranslatable, objects.droppedSteps),
    '## KServe',
    '',
    `\`${facts.kserveFile}\` holds the InferenceService (\`kubectl apply -f ${facts.kserveFile}\`).`,
    ...(facts.canaryTrafficPercent === undefined
      ? ['An update replaces the running revision at once (KServe\'s default).']
      : [
          `\`canaryTrafficPercent: ${facts.canaryTrafficPercent}\` (the first setWeight) sends that share of traffic to the new revision when you apply it over a running one.`,
          'KServe has no steps, pauses or analysis: raise the percentage by hand, and remove the field (or set 100) to promote.',
        ]),
    '',
  ].join('\n');
}
