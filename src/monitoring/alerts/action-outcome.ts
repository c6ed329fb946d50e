/** What an alert's action did, reported with the alert and written to the audit log. */
export interface ActionOutcome {
  readonly action: string;
  readonly ok: boolean;
  readonly message: string;
}
