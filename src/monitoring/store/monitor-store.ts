/** What monitoring keeps in the metadata store: positions in the prediction log, closed windows and their check results. */
import type { AlertState } from '../alerts/alert-decision.js';
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

/** An alert raised on a window (fired for a new incident, or repeated after the cool-down). */
export interface MonitorAlert {
  readonly id: string;
  readonly environment: string;
  readonly rule: string;
  readonly severity: string;
  readonly windowId: string;
  readonly firedAt: number;
  readonly message: string;
  /** The results of the checks the condition names, as it saw them. */
  readonly details: Readonly<Record<string, unknown>>;
}

/** What closing a window changes besides the window itself. */
export interface WindowOutcome {
  /** The log position after the window. */
  readonly position: LogPosition;
  /** Each rule's state after the window. */
  readonly alertStates: Readonly<Record<string, AlertState>>;
  readonly alerts: readonly MonitorAlert[];
}

export interface MonitorStore {
  /** Where the environment's monitor stopped reading (nothing read yet: empty). */
  position(environment: string): Promise<LogPosition>;
  /** Each alert rule's state (a rule never evaluated is absent). */
  alertStates(environment: string): Promise<Record<string, AlertState>>;
  /** Stores a closed window with the position, rule states and alerts after it, in one transaction. */
  closeWindow(window: MonitorWindow, outcome: WindowOutcome): Promise<void>;
  /** The environment's alerts, newest first. */
  alerts(environment: string, options?: { limit?: number }): Promise<MonitorAlert[]>;
  /** The environment's windows, newest first. */
  windows(environment: string, options?: { limit?: number; since?: number }): Promise<MonitorWindow[]>;
}
