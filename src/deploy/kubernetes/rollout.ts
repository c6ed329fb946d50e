/**
 * An environment's strategy as an Argo Rollout, one to one: canary steps (`setWeight`, `pause`,
 * `analysis`) and background analysis from `startingStep`; blueGreen with its preview Service,
 * promotion settings and pre/post-promotion analysis; `direct` as a blueGreen that promotes as
 * soon as the new pods are ready (an atomic switch of the Service). The pod template is the one
 * `sluice package` writes for a Deployment, so the image, probes and security settings agree.
 *
 * Without `trafficRouting`, Argo approximates a canary's weight by the share of pods; the
 * README written beside the manifests says so.
 */
import { formatDuration } from '../config/duration.js';
import type { EnvironmentSpec } from '../config/environment-schema.js';
import type { AnalysisSpec } from '../config/analysis-schema.js';
import type { CanaryStrategy } from '../config/strategy-schema.js';
import { deployment, service, standardLabels } from '../package/kubernetes.js';
import type { Service, ServingSpec } from '../package/index.js';
import { analysisTemplate, rolloutAnalysis, type TemplateContext, type UntranslatableMetric } from './analysis-template.js';
import type { AnalysisTemplate, ArgoCanaryStep, Rollout, RolloutAnalysis } from './argo-types.js';
import { strategyNotTranslatable } from './errors.js';

/** The objects of `rollout.yaml`, in apply order. */
export interface RolloutObjects {
  readonly services: readonly Service[];
  readonly templates: readonly AnalysisTemplate[];
  readonly rollout: Rollout;
  readonly untranslatable: readonly UntranslatableMetric[];
  /** Canary steps left out (an analysis step none of whose metrics translate), by 0-based index in sluice.yaml. */
  readonly droppedSteps: readonly number[];
}

/** The preview Service of a blue/green rollout. */
export function previewServiceName(name: string): string {
  return `${name}-preview`;
}

function previewService(spec: ServingSpec): Service {
  const active = service(spec);
  return { ...active, metadata: { ...active.metadata, name: previewServiceName(spec.name) } };
}

interface Collected {
  readonly templates: AnalysisTemplate[];
  readonly untranslatable: UntranslatableMetric[];
}

/** Adds the template of `analysis` to `collected` and returns how the Rollout calls it, or undefined when nothing translates. */
function addAnalysis(collected: Collected, name: string, where: string, analysis: AnalysisSpec | undefined, context: TemplateContext): RolloutAnalysis | undefined {
  if (!analysis) return undefined;
  const { template, untranslatable } = analysisTemplate(name, where, analysis, context);
  collected.untranslatable.push(...untranslatable);
  if (!template) return undefined;
  collected.templates.push(template);
  return rolloutAnalysis(name, context);
}

function canaryStrategy(name: string, canary: CanaryStrategy, collected: Collected, context: TemplateContext): { strategy: Rollout['spec']['strategy']; droppedSteps: number[] } {
  const steps: ArgoCanaryStep[] = [];
  const droppedSteps: number[] = [];
  // Argo's index of each sluice.yaml step, for startingStep after dropped steps.
  const argoIndex: number[] = [];
  canary.steps.forEach((step, index) => {
    argoIndex.push(steps.length);
    if ('setWeight' in step) steps.push({ setWeight: step.setWeight });
    else if ('pause' in step) steps.push({ pause: step.pause.duration === undefined ? {} : { duration: formatDuration(step.pause.duration) } });
    else {
      const analysis = addAnalysis(collected, `${name}-step-${index}`, `canary step ${index}`, step.analysis, context);
      if (analysis) steps.push({ analysis });
      else droppedSteps.push(index);
    }
  });
  const background = canary.analysis ? addAnalysis(collected, `${name}-background`, 'canary background analysis', canary.analysis, context) : undefined;
  const startingStep = canary.analysis ? (argoIndex[canary.analysis.startingStep] ?? steps.length) : 0;
  return { strategy: { canary: { steps, ...(background ? { analysis: { ...background, startingStep } } : {}) } }, droppedSteps };
}

/** The Rollout, its Services and AnalysisTemplates for `environment` serving `spec`. */
export function rolloutObjects(environment: EnvironmentSpec, spec: ServingSpec, context: TemplateContext): RolloutObjects {
  const collected: Collected = { templates: [], untranslatable: [] };
  const strategy = environment.strategy;
  let rolloutStrategy: Rollout['spec']['strategy'];
  let droppedSteps: number[] = [];
  const services = [service(spec)];
  switch (strategy.kind) {
    case 'canary':
      ({ strategy: rolloutStrategy, droppedSteps } = canaryStrategy(spec.name, strategy, collected, context));
      break;
    case 'bluegreen': {
      const pre = addAnalysis(collected, `${spec.name}-pre-promotion`, 'prePromotionAnalysis', strategy.prePromotionAnalysis, context);
      const post = addAnalysis(collected, `${spec.name}-post-promotion`, 'postPromotionAnalysis', strategy.postPromotionAnalysis, context);
      services.push(previewService(spec));
      rolloutStrategy = {
        blueGreen: {
          activeService: spec.name,
          previewService: previewServiceName(spec.name),
          autoPromotionEnabled: strategy.autoPromotionEnabled,
          ...(strategy.autoPromotionSeconds === undefined ? {} : { autoPromotionSeconds: strategy.autoPromotionSeconds }),
          scaleDownDelaySeconds: strategy.scaleDownDelaySeconds,
          ...(pre ? { prePromotionAnalysis: pre } : {}),
          ...(post ? { postPromotionAnalysis: post } : {}),
        },
      };
      break;
    }
    case 'direct':
      rolloutStrategy = { blueGreen: { activeService: spec.name, autoPromotionEnabled: true } };
      break;
    default:
      throw strategyNotTranslatable({ environment: environment.name, strategy: strategy.kind });
  }
  const pods = deployment(spec);
  const rollout: Rollout = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: spec.name, labels: standardLabels(spec) },
    spec: { replicas: spec.replicas, revisionHistoryLimit: pods.spec.revisionHistoryLimit ?? 5, selector: pods.spec.selector, template: pods.spec.template, strategy: rolloutStrategy },
  };
  return { services, templates: collected.templates, rollout, untranslatable: collected.untranslatable, droppedSteps };
}
