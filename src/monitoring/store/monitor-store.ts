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
  /** When labels that arrived after it closed last changed its results. */
  readonly rescoredAt?: number | undefined;
}

/** The part of the prediction log a window took: the positions before and after it. */
export interface LogSpan {
  readonly from: LogPosition;
  readonly to: LogPosition;
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

/** What late labels changed: windows with their new results, and the rules' states and alerts after them. */
export interface RescoreOutcome {
  readonly windows: readonly MonitorWindow[];
  readonly alertStates: Readonly<Record<string, AlertState>>;
  readonly alerts: readonly MonitorAlert[];
  /** The feedback the monitor has now scored with (see feedbackMark). */
  readonly feedbackMark: string;
}

/** What closing a window changes besides the window itself. */
export interface WindowOutcome {
  /** The log position after the window. */
  readonly position: LogPosition;
  /** The log position before it (with `position`, the window's span, to score late labels). */
  readonly from: LogPosition;
  /** Each rule's state after the window. */
  readonly alertStates: Readonly<Record<string, AlertState>>;
  readonly alerts: readonly MonitorAlert[];
}

export interface MonitorStore {
  /** Where the environment's monitor stopped reading (nothing read yet: empty). */
  position(environment: string): Promise<LogPosition>;
  /** Each alert rule's state (a rule never evaluated is absent). */
  alertStates(environment: string): Promise<Record<string, AlertState>>;
  /**
   * Stores a closed window with the position, rule states and alerts after it, in one
   * transaction; false (nothing stored) when the stored position is no longer `outcome.from`:
   * another process monitoring the same environment closed that window first.
   */
  closeWindow(window: MonitorWindow, outcome: WindowOutcome): Promise<boolean>;
  /** The mark of the feedback the monitor last scored with (undefined: none yet). */
  feedbackMark(environment: string): Promise<string | undefined>;
  /** Windows closed at or after `closedSince` whose span is known, newest first, at most `limit`. */
  windowsWithSpans(environment: string, options: { closedSince: number; limit: number }): Promise<{ window: MonitorWindow; span: LogSpan }[]>;
  /** Stores what late labels changed, with the feedback mark, in one transaction. */
  rescore(environment: string, outcome: RescoreOutcome): Promise<void>;
  /** The environment's alerts, newest first. */
  alerts(environment: string, options?: { limit?: number }): Promise<MonitorAlert[]>;
  /** The environment's windows, newest first. */
  windows(environment: string, options?: { limit?: number; since?: number }): Promise<MonitorWindow[]>;
}
