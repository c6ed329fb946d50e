/**
 * What `sluice ci` found, step by step: the one value the flow (ci-service.ts) produces and every
 * adapter reads: the Markdown report for the pull request, the `--json` file, the posting to
 * GitHub or GitLab, `sluice watch`'s record, and the exit code.
 *
 * The steps run in a fixed order and the flow stops at the first blocking failure; the steps after
 * it are `not-run`, and the report still says what was found up to there.
 */
import type { DriftResult, ValidationResult } from '../data/index.js';
import type { GateReport, SliceResult } from '../evaluation/index.js';
import type { MetricsDiffRow, ParamsDiffRow, StageStatus } from '../pipeline/index.js';

/** The steps of the flow, in the order they run. */
export const CI_STEPS = ['data', 'tests', 'pipeline', 'gate', 'register', 'deploy'] as const;
export type CiStepName = (typeof CI_STEPS)[number];

/**
 * - `passed`: done, nothing blocks;
 * - `failed`: this step blocks the change (the verdict is `blocked`, exit 1);
 * - `skipped`: nothing to do here (no tests stage, no `--deploy`, gate failed so no registration);
 * - `not-run`: an earlier step blocked.
 */
export type CiStepStatus = 'passed' | 'failed' | 'skipped' | 'not-run';

export interface CiStep {
  readonly name: CiStepName;
  readonly status: CiStepStatus;
  /** One sentence: what this step found (`3 of 3 pointers present, 1 pulled`, `12 tests, 2 failed`). */
  readonly summary: string;
  readonly durationMs: number;
}

/** A tracked data pointer (`*.sluice` file) and whether its data is in the workspace. */
export interface CiDataPointer {
  readonly path: string;
  /** present: in the workspace as recorded; pulled: fetched from the remote by this run; missing: neither. */
  readonly state: 'present' | 'pulled' | 'missing' | 'modified';
}

/** Drift of the new training data against the data the production model was trained on. */
export interface CiTrainingDrift {
  /** The file in this commit that was compared (the training data). */
  readonly current: string;
  /** How the reference was found: `models:/NAME@production → version 3 → data/train.csv (blake3 ab12…)`. */
  readonly reference: string;
  readonly result: DriftResult;
}

export interface CiData {
  readonly pointers: readonly CiDataPointer[];
  /** The remote pulled from, when anything was missing. */
  readonly remote?: string | undefined;
  /** One entry per `uses: validate` stage (and the schema it checks). */
  readonly validations: readonly (ValidationResult & { readonly stage: string })[];
  /** Absent when there is no production model, or its lineage names no training data. */
  readonly drift?: CiTrainingDrift | undefined;
  /** Why the drift summary is absent, in one sentence (shown in the report). */
  readonly driftNote?: string | undefined;
}

/** A failed test case from the JUnit XML. */
export interface CiFailedTest {
  readonly suite: string;
  readonly name: string;
  /** The failure's message, first line. */
  readonly message: string;
}

export interface CiTests {
  /** The stages that ran as tests (`uses: tests` or `tests: true`). */
  readonly stages: readonly string[];
  readonly exitCode: number;
  /** From the JUnit XML the stage wrote; absent when it wrote none. */
  readonly counts?: { readonly tests: number; readonly failures: number; readonly errors: number; readonly skipped: number } | undefined;
  readonly failed: readonly CiFailedTest[];
  /** The last lines of the command's output, when it failed. */
  readonly tail: readonly string[];
}

export interface CiStageRow {
  readonly stage: string;
  readonly status: StageStatus;
  readonly durationMs: number;
}

export interface CiPipeline {
  readonly runId: string | undefined;
  readonly status: 'succeeded' | 'failed' | 'interrupted';
  readonly stages: readonly CiStageRow[];
  /** For a failed stage: its message and the tail of its log. */
  readonly failure?: { readonly stage: string; readonly message: string; readonly tail: readonly string[] } | undefined;
}

/** A percentile-bootstrap interval at `level` (0.95), over the gate's rows. */
export interface CiInterval {
  readonly low: number;
  readonly high: number;
}

export interface CiMetricInterval {
  readonly candidate?: CiInterval | undefined;
  /** Of candidate − baseline, paired on the same rows. */
  readonly change?: CiInterval | undefined;
}

export interface CiGate {
  /** The baseline as the gates config names it: `models:/breast-cancer@champion`. */
  readonly baselineReference: string | undefined;
  readonly report: GateReport;
  /** Per rule metric; absent for metrics without a per-row bootstrap (latency, size). */
  readonly intervals: Readonly<Record<string, CiMetricInterval>>;
  readonly level: number;
  /** Metrics per slice of the evaluation data, when the gates config or an eval stage asks for slices. */
  readonly slices?: Readonly<Record<string, Readonly<Record<string, SliceResult>>>> | undefined;
}

export interface CiRegistration {
  readonly model: string;
  readonly version: number;
  readonly alias: string;
  /** `models:/NAME/VERSION`. */
  readonly uri: string;
  /** The run the version's lineage points to. */
  readonly runId: string | undefined;
}

export interface CiDeployment {
  readonly environment: string;
  readonly strategy: string;
  /** How the rollout ended: `promoted` (healthy), `aborted` (analysis failed, rolled back)… */
  readonly phase: string;
  readonly message: string;
}

export interface CiDiff {
  readonly base: string;
  readonly params: readonly ParamsDiffRow[];
  readonly metrics: readonly MetricsDiffRow[];
}

/** A plot for the report, already rendered: inline SVG, never uploaded anywhere. */
export interface CiPlot {
  readonly title: string;
  readonly svg: string;
}

export interface CiResult {
  /** passed: exit 0. blocked: exit 1; `blockedAt` and the step's summary say why. */
  readonly verdict: 'passed' | 'blocked';
  readonly blockedAt?: CiStepName | undefined;
  /** The verdict in one line, the first line of the report and the commit status' description. */
  readonly headline: string;
  readonly commit: { readonly sha: string | undefined; readonly branch: string | undefined; readonly dirty: boolean };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly steps: readonly CiStep[];
  readonly data?: CiData | undefined;
  readonly tests?: CiTests | undefined;
  readonly pipeline?: CiPipeline | undefined;
  readonly gate?: CiGate | undefined;
  readonly registration?: CiRegistration | undefined;
  readonly deployment?: CiDeployment | undefined;
  readonly diff?: CiDiff | undefined;
  readonly plots: readonly CiPlot[];
  /** The tracked run that records this CI run (kind `ci`). */
  readonly runId: string | undefined;
  /** The shared server's URL when one is configured, for links. */
  readonly serverUrl?: string | undefined;
}

/** The exit code of `sluice ci`: 0 passed, 1 blocked (configuration errors exit 2 as errors do). */
export function ciExitCode(result: CiResult): 0 | 1 {
  return result.verdict === 'passed' ? 0 : 1;
}
