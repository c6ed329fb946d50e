/**
 * Real `CiResult` values for report tests, computed on the shared breast-cancer fixtures: the gate
 * with bootstrap intervals, slices and fairness (the weak model against the strong one, and the
 * other way round), schema validation of the drifted data against a schema inferred from the
 * training data, and drift of the drifted data against the training data.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CiGate, CiMetricInterval, CiResult, CiStep, CiStepName } from '../../src/ci/index.js';
import { detectDrift, inferSchema, renderSchemaYaml, validateFile, type DriftResult, type ValidationResult } from '../../src/data/index.js';
import { bootstrapIntervals, evaluate, pairedBootstrap, prepareEvaluation, runGate, scoreTarget, type EvaluationTarget } from '../../src/evaluation/index.js';
import { diffMetrics, diffParamValues } from '../../src/pipeline/index.js';
import { sharedFixture } from './fixtures.js';

const STRONG = () => sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');
const WEAK = () => sharedFixture('breast_cancer', 'models', 'bc_weak_logreg3.onnx');
const RESAMPLING = { resamples: 200, seed: 7 };

/** test.csv with a `size` group column (large when mean_radius ≥ 15) for slices and fairness, written to `dir`. */
export function groupedTestData(dir: string): string {
  const [header, ...rows] = readFileSync(sharedFixture('breast_cancer', 'test.csv'), 'utf8').trimEnd().split('\n');
  const path = join(dir, 'test_grouped.csv');
  writeFileSync(path, `${header},size\n${rows.map((row) => `${row},${Number(row.split(',')[0]) >= 15 ? 'large' : 'small'}`).join('\n')}\n`);
  return path;
}

const RULES = [
  { metric: 'accuracy', min: 0.9 },
  { metric: 'roc_auc', max_regression: 0.01 },
  { metric: 'f1', threshold: 0.5 },
  { metric: 'log_loss', max: 1 },
  { metric: 'demographic_parity_difference', sensitive: 'size', max: 0.8 },
];

async function target(model: string, data: string): Promise<{ target: EvaluationTarget; release: () => Promise<void> }> {
  const inputs = await prepareEvaluation({ modelPath: model, dataPath: data, target: 'target', exclude: ['size'] });
  return { target: inputs.target, release: async () => inputs.model?.release() };
}

/** The gate of `candidate` against `baseline` on `data`, with paired intervals of every rule metric and slices by size. */
export async function realGate(candidate: string, baseline: string, data: string): Promise<CiGate> {
  const report = await runGate({ config: { model: candidate, baseline, data, target: 'target', rules: RULES }, baseDir: '/', candidate: { path: candidate, label: 'models:/bc/4' }, baseline: { path: baseline, label: 'models:/bc/3' } });
  const a = await target(candidate, data);
  const b = await target(baseline, data);
  try {
    const score = (t: EvaluationTarget) => scoreTarget(t, 0.5).metrics;
    const candidateIntervals = bootstrapIntervals(a.target, score, RESAMPLING);
    const intervals: Record<string, CiMetricInterval> = {};
    for (const rule of RULES.filter((r) => !r.sensitive)) {
      const paired = pairedBootstrap(a.target, b.target, (t) => score(t)[rule.metric] ?? Number.NaN, rule.metric !== 'log_loss', RESAMPLING);
      const own = candidateIntervals[rule.metric];
      intervals[rule.metric] = { candidate: own && { low: own[0], high: own[1] }, change: { low: paired.interval[0], high: paired.interval[1] } };
    }
    const evaluation = await evaluate({ modelPath: candidate, dataPath: data, target: 'target', exclude: ['size'], slices: ['size'], importanceRepeats: 0 });
    return { baselineReference: 'models:/bc@production', report, intervals, level: 0.95, slices: evaluation.slices };
  } finally {
    await a.release();
    await b.release();
  }
}

/** Validation of `current` against a schema inferred from train.csv (the schema file is written to `dir`). */
export async function realValidation(dir: string, current: string): Promise<ValidationResult & { stage: string }> {
  const schemaPath = join(dir, 'schema.yaml');
  writeFileSync(schemaPath, renderSchemaYaml(await inferSchema(sharedFixture('breast_cancer', 'train.csv')), 'train.csv'));
  return { ...(await validateFile(current, { schemaPath })), stage: 'validate_train' };
}

/** Drift of current_drifted.csv against train.csv. */
export function realDrift(): Promise<DriftResult> {
  return detectDrift(sharedFixture('breast_cancer', 'train.csv'), sharedFixture('breast_cancer', 'current_drifted.csv'));
}

function steps(statuses: Partial<Record<CiStepName, [CiStep['status'], string]>>): CiStep[] {
  return (['data', 'tests', 'pipeline', 'gate', 'register', 'deploy'] as const).map((name) => {
    const [status, summary] = statuses[name] ?? ['not-run', 'not run: an earlier step blocked'];
    return { name, status, summary, durationMs: status === 'not-run' ? 0 : 1234 };
  });
}

const PIPELINE: CiResult['pipeline'] = {
  runId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  status: 'succeeded',
  stages: [
    { stage: 'validate_train', status: 'unchanged', durationMs: 0 },
    { stage: 'featurize', status: 'restored-run-cache', durationMs: 0 },
    { stage: 'train', status: 'ran', durationMs: 8_400 },
    { stage: 'evaluate', status: 'ran', durationMs: 1_900 },
    { stage: 'report', status: 'restored', durationMs: 0 },
  ],
};

const DIFF: CiResult['diff'] = {
  base: 'origin/main',
  params: diffParamValues({ 'params.yaml': { 'train.C': 1, 'train.features': 30, 'train.solver': 'lbfgs' } }, { 'params.yaml': { 'train.C': 0.1, 'train.features': 3, 'train.solver': 'lbfgs' } }),
  metrics: diffMetrics([{ path: 'metrics.json', values: { accuracy: 0.9883, f1: 0.9907 }, error: undefined }], [{ path: 'metrics.json', values: { accuracy: 0.7661, f1: 0.8085 }, error: undefined }]),
};

/** The facts every result shares: the commit, times, and the tests step. */
function base(): Omit<CiResult, 'verdict' | 'headline' | 'steps'> {
  return {
    commit: { sha: '3f9c2a71d0b84e6a9c5d1e2f3a4b5c6d7e8f9a0b', branch: 'feature/weak-model', dirty: false },
    startedAt: '2026-12-01T10:00:00.000Z',
    durationMs: 63_500,
    tests: { stages: ['unit_tests'], exitCode: 0, counts: { tests: 12, failures: 0, errors: 0, skipped: 1 }, failed: [], tail: [] },
    plots: [],
    runId: 'f00dfeed0123456789abcdef01234567',
  };
}

/** The weak model against production: blocked at the gate, with data, drift, stages and the diff. */
export async function blockedAtGate(dir: string): Promise<CiResult> {
  const data = groupedTestData(dir);
  const gate = await realGate(WEAK(), STRONG(), data);
  const drift = await realDrift();
  return {
    ...base(),
    verdict: 'blocked',
    blockedAt: 'gate',
    headline: 'blocked at gate',
    steps: steps({ data: ['passed', '2 of 2 pointers present'], tests: ['passed', '12 tests, 0 failed'], pipeline: ['passed', '2 ran, 2 from the cache, 1 unchanged'], gate: ['failed', '2 rules failed'], register: ['skipped', 'the gate failed'], deploy: ['skipped', 'no --deploy'] }),
    data: {
      pointers: [{ path: 'data/train.csv.sluice', state: 'present' }, { path: 'data/test.csv.sluice', state: 'pulled' }],
      remote: 'storage',
      validations: [],
      drift: { current: 'data/train.csv', reference: 'models:/bc@production → version 3 → data/train.csv (blake3 9af3c0d1e2b4…)', result: drift },
    },
    pipeline: PIPELINE,
    gate,
    diff: DIFF,
  };
}

/** The strong model against the weak one in production: passed, registered as challenger, deployed to staging. */
export async function passedWithRegistration(dir: string): Promise<CiResult> {
  const gate = await realGate(STRONG(), WEAK(), groupedTestData(dir));
  return {
    ...base(),
    verdict: 'passed',
    headline: 'passed',
    steps: steps({ data: ['passed', '2 of 2 pointers present'], tests: ['passed', '12 tests, 0 failed'], pipeline: ['passed', '2 ran'], gate: ['passed', 'all rules passed'], register: ['passed', 'models:/bc/4 @challenger'], deploy: ['passed', 'staging: promoted'] }),
    pipeline: PIPELINE,
    gate,
    registration: { model: 'bc', version: 4, alias: 'challenger', uri: 'models:/bc/4', runId: PIPELINE!.runId },
    deployment: { environment: 'staging', strategy: 'canary', phase: 'promoted', message: 'Canary 10 % → 50 % → 100 %, analysis healthy at each step.' },
  };
}

/** The drifted data against the schema of the training data: blocked at the data step with violations. */
export async function blockedAtData(dir: string): Promise<CiResult> {
  const validation = await realValidation(dir, sharedFixture('breast_cancer', 'current_drifted.csv'));
  return {
    ...base(),
    tests: undefined,
    verdict: 'blocked',
    blockedAt: 'data',
    headline: 'blocked at data',
    steps: steps({ data: ['failed', `validate_train: ${validation.violations.length} violations`] }),
    data: { pointers: [{ path: 'data/train.csv.sluice', state: 'modified' }], validations: [validation], driftNote: 'No production model yet: nothing to compare the training data with.' },
  };
}
