/**
 * `writeKubernetesRollout`: an environment of sluice.yaml as Argo Rollouts and KServe objects,
 * each validated against the published CRD schema (test/fixtures/crds/), Services against the
 * schema `sluice package` checks its own with.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { environmentSchema, type EnvironmentSpec } from '../config/environment-schema.js';
import { serviceSchema } from '../package/index.js';
import type { AnalysisTemplate, Rollout } from './argo-types.js';
import { crdErrors, SERVING } from './kubernetes-test-support.js';
import { writeKubernetesRollout, type KubernetesRolloutResult } from './write-kubernetes-rollout.js';

const dir = makeTempDir('sluice-k8s-rollout-');
after(() => dir.remove());

function environment(strategy: unknown, name = 'production'): EnvironmentSpec {
  return { ...environmentSchema.parse({ model: 'breast-cancer', port: 8080, strategy }), name, alias: name };
}

/** The canary, with a prometheus, a web and a feedback-only step analysis added. */
const CANARY = {
  canary: {
    steps: [
      { setWeight: 20 },
      { pause: { duration: '30s' } },
      { analysis: { metrics: [{ name: 'labelled', count: 1, successCondition: 'result >= 0.9', provider: { feedback: { metric: 'accuracy' } } }] } },
      { setWeight: 50 },
      { analysis: { metrics: [{ name: 'slo', count: 3, interval: '1m', failureCondition: 'result[0] > 0.5', provider: { web: { url: 'https://slo.example.com/api', headers: { authorization: 'Bearer x' }, jsonPath: '$.data.burn' } } }] } },
      { pause: {} },
    ],
    analysis: {
      startingStep: 3,
      metrics: [
        { name: 'live-accuracy', interval: '10s', failureLimit: 0, successCondition: 'result >= 0.95', provider: { feedback: { metric: 'accuracy', minSamples: 50 } } },
        { name: 'errors', interval: '10s', successCondition: 'result < 0.01', provider: { requests: { metric: 'error_rate' } } },
        { name: 'p99', interval: '2m', successCondition: 'result < 50', provider: { requests: { metric: 'p99_latency' } } },
        { name: 'saturation', interval: '30s', initialDelay: '1m', failureCondition: 'result > 0.9', provider: { prometheus: { address: 'http://prometheus.example:9090', query: 'max(node_load1)', timeout: '5s' } } },
      ],
    },
  },
};

let counter = 0;
async function generate(strategy: unknown): Promise<{ result: KubernetesRolloutResult; out: string; objects: Array<Record<string, any>> }> {
  const out = join(dir.path, `out-${counter++}`);
  const result = await writeKubernetesRollout({ environment: environment(strategy), version: { model: 'breast-cancer', version: '3', serving: SERVING }, outDir: out });
  const objects = parseAllDocuments(readFileSync(join(out, 'rollout.yaml'), 'utf8')).map((document) => document.toJS() as Record<string, any>);
  objects.push(...parseAllDocuments(readFileSync(join(out, 'kserve.yaml'), 'utf8')).map((document) => document.toJS() as Record<string, any>));
  return { result, out, objects };
}

const ofKind = <T>(objects: Array<Record<string, any>>, kind: string): T[] => objects.filter((object) => object.kind === kind) as T[];

describe('a canary environment on Kubernetes', async () => {
  const { result, out, objects } = await generate(CANARY);
  const rollout = ofKind<Rollout>(objects, 'Rollout')[0]!;
  const templates = ofKind<AnalysisTemplate>(objects, 'AnalysisTemplate');
  const canary = (rollout.spec.strategy as Extract<Rollout['spec']['strategy'], { canary: unknown }>).canary;

  test('writes rollout.yaml, kserve.yaml and README.md, and nothing else', () => {
    assert.deepEqual([...result.files].sort(), ['README.md', 'kserve.yaml', 'rollout.yaml']);
    assert.deepEqual(readdirSync(out).sort(), ['README.md', 'kserve.yaml', 'rollout.yaml']);
  });

  test('the Rollout, every AnalysisTemplate and the InferenceService are valid against their CRDs', () => {
    for (const object of objects.filter((candidate) => candidate.kind !== 'Service')) assert.deepEqual(crdErrors(object as { kind: string; apiVersion: string }), [], `${object.kind} ${object.metadata.name}`);
  });

  test('the Service is valid', () => {
    for (const object of ofKind(objects, 'Service')) serviceSchema.parse(object);
  });

  test('steps map one to one, durations written back as sluice.yaml spells them', () => {
    assert.deepEqual(canary.steps, [
      { setWeight: 20 },
      { pause: { duration: '30s' } },
      { setWeight: 50 },
      { analysis: { templates: [{ templateName: 'bc-logreg-step-4' }], args: [{ name: 'version', value: '0123456789ab' }, { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }] } },
      { pause: {} },
    ]);
  });

  test('a step whose only metric cannot be translated is left out, and the background analysis still starts at the same step', () => {
    assert.equal(canary.analysis?.startingStep, 2);
    assert.deepEqual(canary.analysis?.templates, [{ templateName: 'bc-logreg-background' }]);
    assert.ok(result.warnings.includes('canary step 2 is left out: none of its metrics translate'));
  });

  test('requests metrics become Prometheus queries on Sluice\'s own series for the candidate\'s version', () => {
    const background = templates.find((template) => template.metadata.name === 'bc-logreg-background')!;
    const errors = background.spec.metrics.find((metric) => metric.name === 'errors')!;
    assert.deepEqual(errors.provider, {
      prometheus: {
        address: '{{args.prometheus-address}}',
        query:
          '(sum(rate(sluice_inference_requests_total{model="{{args.model}}",version="{{args.version}}",status=~"5.."}[1m])) or vector(0)) / (sum(rate(sluice_inference_requests_total{model="{{args.model}}",version="{{args.version}}"}[1m])) > 0)',
      },
    });
    assert.equal(errors.successCondition, 'result < 0.01');
    const p99 = background.spec.metrics.find((metric) => metric.name === 'p99')!;
    assert.match((p99.provider as { prometheus: { query: string } }).prometheus.query, /^1000 \* histogram_quantile\(0\.99, .*rollouts_pod_template_hash="\{\{args\.canary-hash\}\}".*\[2m\]/);
    assert.deepEqual(background.spec.args.map((arg) => [arg.name, arg.value]), [['model', 'bc-logreg'], ['version', '0123456789ab'], ['canary-hash', undefined], ['prometheus-address', 'http://prometheus-operated.monitoring.svc:9090']]);
  });

  test('prometheus and web metrics keep their settings in Argo\'s units and forms', () => {
    const background = templates.find((template) => template.metadata.name === 'bc-logreg-background')!;
    const saturation = background.spec.metrics.find((metric) => metric.name === 'saturation')!;
    assert.deepEqual(saturation, {
      name: 'saturation',
      interval: '30s',
      initialDelay: '1m',
      failureCondition: 'result > 0.9',
      failureLimit: 0,
      inconclusiveLimit: 0,
      consecutiveErrorLimit: 4,
      provider: { prometheus: { address: 'http://prometheus.example:9090', query: 'max(node_load1)', timeout: 5 } },
    });
    const slo = templates.find((template) => template.metadata.name === 'bc-logreg-step-4')!.spec.metrics[0]!;
    assert.deepEqual(slo.provider, { web: { url: 'https://slo.example.com/api', method: 'GET', headers: [{ key: 'authorization', value: 'Bearer x' }], jsonPath: '{$.data.burn}', timeoutSeconds: 10 } });
    assert.equal(slo.count, 3);
  });

  test('feedback metrics are left out with a warning and a note in the README', () => {
    const background = templates.find((template) => template.metadata.name === 'bc-logreg-background')!;
    assert.ok(!background.spec.metrics.some((metric) => metric.name === 'live-accuracy'));
    assert.ok(result.warnings.some((warning) => warning.startsWith('metric "live-accuracy" (feedback, canary background analysis) is not translated')));
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    assert.match(readme, /## Not translated/);
    assert.match(readme, /`live-accuracy` \(feedback, canary background analysis\)/);
  });

  test('the Rollout\'s pods are the ones sluice package writes for a Deployment', () => {
    const [container] = rollout.spec.template.spec.containers;
    assert.equal(container!.image, SERVING.image);
    assert.deepEqual(rollout.spec.selector, { matchLabels: { 'app.kubernetes.io/name': 'bc-logreg' } });
    assert.equal(rollout.spec.replicas, 5);
  });

  test('the InferenceService sends the first setWeight to the new revision', () => {
    const [isvc] = ofKind<{ spec: { predictor: { canaryTrafficPercent?: number } } }>(objects, 'InferenceService');
    assert.equal(isvc!.spec.predictor.canaryTrafficPercent, 20);
  });
});

describe('other strategies on Kubernetes', () => {
  test('blueGreen maps to a blueGreen Rollout with a preview Service and pre/post-promotion analysis, all valid', async () => {
    const metrics = [{ name: 'errors', count: 2, interval: '30s', successCondition: 'result < 0.01', provider: { requests: { metric: 'error_rate' } } }];
    const { objects } = await generate({ blueGreen: { autoPromotionSeconds: 60, prePromotionAnalysis: { metrics }, postPromotionAnalysis: { metrics } } });
    for (const object of objects.filter((candidate) => candidate.kind !== 'Service')) assert.deepEqual(crdErrors(object as { kind: string; apiVersion: string }), [], `${object.kind} ${object.metadata.name}`);
    const rollout = ofKind<Rollout>(objects, 'Rollout')[0]!;
    const blueGreen = (rollout.spec.strategy as Extract<Rollout['spec']['strategy'], { blueGreen: unknown }>).blueGreen;
    assert.equal(blueGreen.activeService, 'bc-logreg');
    assert.equal(blueGreen.previewService, 'bc-logreg-preview');
    assert.equal(blueGreen.autoPromotionSeconds, 60);
    assert.equal(blueGreen.prePromotionAnalysis?.templates[0]!.templateName, 'bc-logreg-pre-promotion');
    assert.equal(blueGreen.postPromotionAnalysis?.templates[0]!.templateName, 'bc-logreg-post-promotion');
    assert.deepEqual(ofKind<{ metadata: { name: string } }>(objects, 'Service').map((service) => service.metadata.name), ['bc-logreg', 'bc-logreg-preview']);
  });

  test('blueGreen leaves the InferenceService without a canary percentage', async () => {
    const { objects } = await generate({ blueGreen: {} });
    const [isvc] = ofKind<{ spec: { predictor: Record<string, unknown> } }>(objects, 'InferenceService');
    assert.equal(isvc!.spec.predictor.canaryTrafficPercent, undefined);
  });

  test('direct becomes a blueGreen Rollout that promotes as soon as the new pods are ready', async () => {
    const { objects } = await generate({ direct: {} });
    const rollout = ofKind<Rollout>(objects, 'Rollout')[0]!;
    assert.deepEqual(rollout.spec.strategy, { blueGreen: { activeService: 'bc-logreg', autoPromotionEnabled: true } });
    assert.deepEqual(crdErrors(rollout), []);
  });

  test('shadow is refused with what to use instead', async () => {
    await assert.rejects(generate({ shadow: { percent: 50 } }), (error: Error & { code?: string; hint?: string }) => {
      assert.equal(error.code, 'SLUICE_DEPLOY_K8S_STRATEGY_UNSUPPORTED');
      assert.match(error.hint!, /use strategy canary or blueGreen/);
      return true;
    });
  });
});

describe('the CRD check', () => {
  test('catches a misspelt field, as strict validation in the API server would', async () => {
    const { objects } = await generate(CANARY);
    const rollout = ofKind<Rollout>(objects, 'Rollout')[0]!;
    const misspelt = { ...rollout, spec: { ...rollout.spec, strategy: { canary: { steps: [{ setWieght: 20 }] } } } };
    assert.deepEqual(crdErrors(misspelt), ['/spec/strategy/canary/steps/0: must NOT have additional properties (setWieght)']);
  });

  test('catches a value of the wrong type', async () => {
    const { objects } = await generate(CANARY);
    const [isvc] = ofKind<{ kind: string; apiVersion: string; spec: { predictor: Record<string, unknown> } }>(objects, 'InferenceService');
    const wrong = { ...isvc!, spec: { predictor: { ...isvc!.spec.predictor, canaryTrafficPercent: '20%' } } };
    assert.deepEqual(crdErrors(wrong), ['/spec/predictor/canaryTrafficPercent: must be integer']);
  });
});
