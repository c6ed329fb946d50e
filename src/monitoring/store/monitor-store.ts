/** What monitoring keeps in the metadata store: positions in the prediction log, closed windows and their check results. */
import type { CheckResult } from '../checks/check-result.js';
import type { LogPosition } from '../log/read-prediction-log.js';

/** A closed window, with its results. */
export interface MonitorWindow {
  readonly id: string;
  readonly environment: string;
  /** Times of its first and last prediction (ms since the epoch). */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly rows: number;
  readonly versions: readonly string[];
  readonly closedAt: number;
  readonly results: readonly CheckResult[];
}

export interface MonitorStore {
  /** Where the environment's monitor stopped reading (nothing read yet: empty). */
  position(environment: string): Promise<LogPosition>;
  /** Stores a closed window and the position after it, in one transaction. */
  closeWindow(window: MonitorWindow, position: LogPosition): Promise<void>;
  /** The environment's windows, newest first. */
  windows(environment: string, options?: { limit?: number; since?: number }): Promise<MonitorWindow[]>;
}
