/** What `sluice status` prints when all is well, shared by the command and its fast path (../status-fast-path.ts). */
import { isSettled, type StageStatusReport } from '../../pipeline/index.js';

export const UP_TO_DATE_LINE = 'Pipeline is up to date.\n';

/** The value `sluice status --json` prints. */
export function statusJson(reports: readonly StageStatusReport[]): { stages: readonly StageStatusReport[]; upToDate: boolean } {
  return { stages: reports, upToDate: reports.every(isSettled) };
}
