/**
 * Reading the `deploy:` section of `sluice.yaml` into environments, with every mistake reported
 * at its line: the schema (field names, types, one strategy), and what a schema cannot say: each
 * condition parses, a feedback metric is one evaluation computes, a canary's background analysis
 * starts at a step it has, and metric names are unique within an analysis.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { didYouMean, parseLocatedYaml, validateWithSchema, type DocumentPath, type LocatedDocument } from '../../core/index.js';
import { TASK_METRICS } from '../../evaluation/index.js';
import { PIPELINE_FILE, pipelineFileMissing } from '../../workspace/index.js';
import { compileCondition, ConditionSyntaxError } from '../analysis/condition.js';
import { duplicateAnalysisMetric, environmentNotFound, invalidCondition, startingStepOutOfRange, unknownFeedbackMetric } from '../errors.js';
import type { AnalysisSpec } from './analysis-schema.js';
import { deploySectionSchema, type EnvironmentSpec } from './environment-schema.js';
import type { Strategy } from './strategy-schema.js';

/** The environments of a workspace, by name, in the order sluice.yaml declares them. */
export interface DeployConfig {
  readonly environments: ReadonlyMap<string, EnvironmentSpec>;
  readonly document: LocatedDocument;
}

/** Every metric name the evaluation module computes, across tasks: what a feedback provider may name. */
const FEEDBACK_METRICS: readonly string[] = [...new Set(Object.values(TASK_METRICS).flat())];

/** Loads the `deploy:` section of `<root>/sluice.yaml` (no section: no environments). */
export function loadEnvironments(root: string): DeployConfig {
  const file = join(root, PIPELINE_FILE);
  if (!existsSync(file)) throw pipelineFileMissing({ root });
  return parseEnvironments(readFileSync(file, 'utf8'));
}

/** Parses sluice.yaml text as `loadEnvironments` does (errors name `sluice.yaml`). */
export function parseEnvironments(text: string, file: string = PIPELINE_FILE): DeployConfig {
  const document = parseLocatedYaml(text, file);
  const top = (document.value ?? {}) as Record<string, unknown>;
  const raw = typeof top === 'object' && top !== null ? top.deploy : undefined;
  const parsed = raw === undefined || raw === null ? {} : validateWithSchema(deploySectionSchema, raw, document, { pathPrefix: ['deploy'] });
  const environments = new Map<string, EnvironmentSpec>();
  for (const [name, environment] of Object.entries(parsed)) {
    const at: DocumentPath = ['deploy', name];
    checkStrategy(environment.strategy, strategyPath(document, at), document);
    environments.set(name, { ...environment, name, alias: environment.alias ?? name });
  }
  return { environments, document };
}

/** The environment called `name`, or SLUICE_DEPLOY_ENVIRONMENT_NOT_FOUND listing the declared ones. */
export function findEnvironment(config: DeployConfig, name: string): EnvironmentSpec {
  const found = config.environments.get(name);
  if (found) return found;
  const declared = [...config.environments.keys()];
  throw environmentNotFound({ name, declared, suggestion: didYouMean(name, declared) }, { location: config.document.locate(['deploy'], { key: true }) });
}

/** Where the strategy's options sit in the file: `strategy.<kind as written>`. */
function strategyPath(document: LocatedDocument, environment: DocumentPath): DocumentPath {
  const strategy = valueAt(document.value, [...environment, 'strategy']);
  const key = strategy && typeof strategy === 'object' ? Object.keys(strategy)[0] : undefined;
  return key === undefined ? [...environment, 'strategy'] : [...environment, 'strategy', key];
}

function valueAt(value: unknown, path: DocumentPath): unknown {
  let node = value;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** Every analysis a strategy declares, with where it is written. */
function analysesOf(strategy: Strategy, at: DocumentPath): { spec: AnalysisSpec; at: DocumentPath }[] {
  switch (strategy.kind) {
    case 'canary': {
      const inline = strategy.steps.flatMap((step, index) => ('analysis' in step ? [{ spec: step.analysis, at: [...at, 'steps', index, 'analysis'] }] : []));
      return strategy.analysis ? [...inline, { spec: strategy.analysis, at: [...at, 'analysis'] }] : inline;
    }
    case 'bluegreen':
      return [
        ...(strategy.prePromotionAnalysis ? [{ spec: strategy.prePromotionAnalysis, at: [...at, 'prePromotionAnalysis'] }] : []),
        ...(strategy.postPromotionAnalysis ? [{ spec: strategy.postPromotionAnalysis, at: [...at, 'postPromotionAnalysis'] }] : []),
      ];
    case 'shadow':
    case 'ab':
      return strategy.analysis ? [{ spec: strategy.analysis, at: [...at, 'analysis'] }] : [];
    case 'direct':
      return [];
  }
}

function checkStrategy(strategy: Strategy, at: DocumentPath, document: LocatedDocument): void {
  if (strategy.kind === 'canary' && strategy.analysis && strategy.analysis.startingStep >= strategy.steps.length) {
    throw startingStepOutOfRange(
      { startingStep: strategy.analysis.startingStep, steps: strategy.steps.length },
      { location: document.locate([...at, 'analysis', 'startingStep']) },
    );
  }
  for (const analysis of analysesOf(strategy, at)) checkAnalysis(analysis.spec, analysis.at, document);
}

function checkAnalysis(spec: AnalysisSpec, at: DocumentPath, document: LocatedDocument): void {
  const seen = new Set<string>();
  spec.metrics.forEach((metric, index) => {
    const metricAt: DocumentPath = [...at, 'metrics', index];
    if (seen.has(metric.name)) throw duplicateAnalysisMetric({ name: metric.name }, { location: document.locate([...metricAt, 'name']) });
    seen.add(metric.name);
    for (const key of ['successCondition', 'failureCondition'] as const) {
      const text = metric[key];
      if (text === undefined) continue;
      try {
        compileCondition(text);
      } catch (error) {
        if (!(error instanceof ConditionSyntaxError)) throw error;
        throw invalidCondition({ metric: metric.name, problem: error.message }, { location: document.locate([...metricAt, key]) });
      }
    }
    const feedback = metric.provider.feedback;
    if (feedback && !FEEDBACK_METRICS.includes(feedback.metric)) {
      throw unknownFeedbackMetric(
        { metric: feedback.metric, suggestion: didYouMean(feedback.metric, FEEDBACK_METRICS) },
        { location: document.locate([...metricAt, 'provider', 'feedback', 'metric']) },
      );
    }
  });
}
