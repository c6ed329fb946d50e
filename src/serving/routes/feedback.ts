/**
 * `POST /feedback` on an environment (`sluice serve --env`): labels joined to the answers the
 * live window holds, for the rollout's `feedback` analysis, and appended to the feedback log
 * beside the prediction log for monitoring. Strict where plain serving is lenient (it accepts any
 * id and joins later, over the log files): a rollout is judged on these labels now, so an unknown
 * request id is a 404 and a label of the wrong kind a 400, and a body with any such entry joins
 * nothing.
 *
 * Body: `{"request_id": "…", "label": …}` (or `"labels": [...]`, one per row of the request), or
 * `{"feedback": [{request_id, label}, …]}`. Answer: 200 `{"joined": N}`.
 */
import { z } from 'zod';
import type { LiveWindow } from '../live-window.js';
import type { PredictionLog } from '../prediction-log.js';
import { badInferenceRequest, feedbackUnknownRequest, feedbackWrongLabel } from '../errors.js';
import { firstIssue } from '../v2-inference.js';

const entrySchema = z.union(
  [
    z.strictObject({ request_id: z.string().min(1), label: z.unknown().refine((value) => value !== undefined, 'needs "label"') }),
    z.strictObject({ request_id: z.string().min(1), labels: z.array(z.unknown()).min(1) }),
  ],
  { error: 'each feedback entry needs "request_id" and "label" (or "labels": one per row of that request)' },
);

const bodySchema = z.union([z.strictObject({ feedback: z.array(entrySchema).min(1, 'feedback must hold at least one entry').max(10_000, 'send at most 10,000 labels at once') }), entrySchema], {
  error: 'feedback is {"request_id": ID, "label": LABEL} or {"feedback": [{"request_id": ID, "label": LABEL}, …]}',
});

/** Joins the body's labels, or throws (404 unknown ids, 400 a bad body or label) joining none. */
export function joinEnvironmentFeedback(live: LiveWindow, predictionLog: PredictionLog | undefined, body: unknown): { joined: number } {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) throw badInferenceRequest({ problem: firstIssue(parsed.error) });
  const entries = ('feedback' in parsed.data ? parsed.data.feedback : [parsed.data]).map((entry) => ({ id: entry.request_id, label: 'labels' in entry ? entry.labels : entry.label }));
  const unknown: string[] = [];
  for (const entry of entries) {
    const problem = live.check(entry.id, entry.label);
    if (problem?.kind === 'wrong-label') throw feedbackWrongLabel({ problem: problem.problem });
    if (problem?.kind === 'unknown-request') unknown.push(entry.id);
  }
  if (unknown.length > 0) throw feedbackUnknownRequest({ ids: unknown });
  const timestamp = new Date().toISOString();
  for (const entry of entries) {
    live.join(entry.id, entry.label);
    predictionLog?.appendFeedback({ request_id: entry.id, timestamp, label: entry.label });
  }
  return { joined: entries.length };
}
