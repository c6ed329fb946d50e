/**
 * What an alert rule does besides notifying: `rollback` moves the environment back to the
 * version before its last rollout (the deployment module's rollback, audited there), and
 * `incident` writes a Markdown note of what held, by how much, since when and a few rows of the
 * window (incident-note.ts) to a file or posts it to a webhook, and `retrain` runs the pipeline,
 * gates the result against the served version and registers it as `challenger` (retrain.ts). An
 * action that fails is reported with the alert; it never stops the monitor.
 */
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { writeFileAtomic } from '../../core/index.js';
import type { DeployService } from '../../deploy/index.js';
import type { AlertAction } from '../config/monitor-schema.js';
import type { MonitorAlert } from '../store/monitor-store.js';
import { incidentNote, type IncidentContext } from './incident-note.js';
import { retrain, type RetrainContext } from './retrain.js';
import type { ActionOutcome } from './action-outcome.js';

export type { ActionOutcome } from './action-outcome.js';

export interface ActionContext {
  readonly root: string;
  readonly deploy: DeployService;
  /** The registered model the environment serves and its version (for `retrain`). */
  readonly served?: { readonly model: string; readonly version: number } | undefined;
  /** What `retrain` runs with; absent where the workspace cannot retrain (no pipeline services). */
  readonly retrain?: RetrainContext | undefined;
  /** Since when the rule has held and the window's first rows, for an incident note (read only when a rule writes one). */
  readonly incident?: (() => Promise<IncidentContext>) | undefined;
}

async function runAction(action: AlertAction, alert: MonitorAlert, context: ActionContext): Promise<ActionOutcome> {
  if (action === 'rollback') {
    const result = await context.deploy.rollback(alert.environment);
    return { action: 'rollback', ok: true, message: `rolled ${alert.environment} back: ${result.rollout.message}` };
  }
  if (typeof action === 'object' && 'incident' in action) {
    const note = incidentNote(alert, await context.incident?.());
    if (action.incident.file) {
      const path = isAbsolute(action.incident.file) ? action.incident.file : join(context.root, action.incident.file);
      mkdirSync(dirname(path), { recursive: true });
      // Atomic: the monitor runs beside a server that may be killed mid-write.
      writeFileAtomic(path, note);
    }
    if (action.incident.webhook) {
      const response = await fetch(action.incident.webhook, { method: 'POST', headers: { 'content-type': 'text/markdown; charset=utf-8' }, body: note, signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`the incident webhook answered HTTP ${response.status}`);
    }
    return { action: 'incident', ok: true, message: `incident note ${[action.incident.file, action.incident.webhook].filter(Boolean).join(' and ')}` };
  }
  const spec = action === 'retrain' ? {} : action.retrain;
  if (!context.retrain || !context.served) return { action: 'retrain', ok: false, message: 'this process cannot retrain (no workspace services were given to the monitor)' };
  return retrain({ environment: alert.environment, model: context.served.model, servedVersion: context.served.version, data: spec.data, then: spec.then }, context.retrain);
}

/** Runs the rule's actions in order; each failure is reported and the next action still runs. */
export async function runActions(actions: readonly AlertAction[], alert: MonitorAlert, context: ActionContext): Promise<ActionOutcome[]> {
  const outcomes: ActionOutcome[] = [];
  for (const action of actions) {
    try {
      outcomes.push(await runAction(action, alert, context));
    } catch (error) {
      const name = typeof action === 'string' ? action : Object.keys(action)[0]!;
      outcomes.push({ action: name, ok: false, message: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
    }
  }
  return outcomes;
}
