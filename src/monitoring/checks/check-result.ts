/** What a monitor check found in one window. */
import type { CHECK_NAMES } from '../config/load-monitors.js';

export type CheckName = (typeof CHECK_NAMES)[number];

export type CheckStatus = 'passed' | 'failed' | 'not_enough_data';

export interface CheckResult {
  readonly check: CheckName;
  readonly status: CheckStatus;
  /** One sentence for people: what was measured and the verdict. */
  readonly summary: string;
  /** What alert conditions see as `<check>.<name>` (e.g. `data_drift.dataset_drift`), and what is stored. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** A check that had too few rows (or labels) to judge: no verdict, and conditions see `judged: false`. */
export function notEnoughData(check: CheckName, summary: string): CheckResult {
  return { check, status: 'not_enough_data', summary, values: { judged: false } };
}
