/** What `sluice status` says about one stage: the shape its text and JSON output are made from. */
import type { StageChange } from './stage-state.js';

export type StageState =
  /** Nothing changed. */
  | 'up-to-date'
  /** Deps, params, cmd or definition changed: the stage will run. */
  | 'changed'
  /** Only outs are missing or modified: they can be restored without running. */
  | 'outs-changed'
  /** Its own inputs match, but an upstream stage will run and may change them. */
  | 'upstream-changed'
  | 'frozen';

export interface StageStatusReport {
  readonly stage: string;
  readonly state: StageState;
  readonly changes: readonly StageChange[];
  /** `changes` as sentences. */
  readonly reasons: readonly string[];
  /** For `upstream-changed`: the upstream stages that will run. */
  readonly upstream: readonly string[];
}

/** The report of a stage whose deps, params, command and outs all match its lock entry, with nothing upstream to run. */
export function upToDateReport(stage: string): StageStatusReport {
  return { stage, state: 'up-to-date', changes: [], reasons: [], upstream: [] };
}

/** The report of a frozen stage, which status does not check. */
export function frozenReport(stage: string): StageStatusReport {
  return { stage, state: 'frozen', changes: [], reasons: ['frozen: not checked'], upstream: [] };
}

/** Whether a stage needs nothing: the pipeline is up to date when every stage is. */
export function isSettled(report: StageStatusReport): boolean {
  return report.state === 'up-to-date' || report.state === 'frozen';
}
