/**
 * `POST /feedback` on an environment (`sluice serve --env`): labels joined to the answers the
 * live window holds, for the rollout's `feedback` analysis, and appended to the feedback log
 * beside the prediction log for monitoring. Strict where plain serving is lenient (it accepts any
 * id and joins later, over the log files): a rollout is judged on these labels now, so an unknown
 * request id is a 404 and a label of the wrong kind a 400, and a body with any such entry joins
 * nothing. A label for a request whose label joined already (a client retrying after a timeout)
 * is not joined twice and not refused: it is counted in `already_joined`.
 *
 * Body: `{"request_id": "…", "label": …}` (or `"labels": [...]`, one per row of the request), or
 * `{"feedback": [{request_id, label}, …]}`. Answer: 200 `{"joined": N}` (and `"already_joined": M`).
 *
 * In three steps, so a worker of several can parse and log while the process holding the live
 * window joins: parse, join (all or nothing), and refuse with the outcome's error.
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

/** One label (or one per row) for one request id. */
export interface FeedbackEntry {
  readonly id: string;
  readonly label: unknown;
}

/** What a join did: joined them all, or none for unknown ids or a wrong label. */
export type FeedbackOutcome = { readonly joined: number; readonly already_joined?: number } | { readonly unknown: readonly string[] } | { readonly wrongLabel: string };

/** The body's entries, or a 400 naming what is wrong with its shape. */
export function parseFeedback(body: unknown): FeedbackEntry[] {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) throw badInferenceRequest({ problem: firstIssue(parsed.error) });
  return ('feedback' in parsed.data ? parsed.data.feedback : [parsed.data]).map((entry) => ({ id: entry.request_id, label: 'labels' in entry ? entry.labels : entry.label }));
}

/** Joins every entry, or none when one names an unknown id or has a wrong label. */
export function joinFeedback(live: LiveWindow, entries: readonly FeedbackEntry[]): FeedbackOutcome {
  const unknown: string[] = [];
  const fresh: FeedbackEntry[] = [];
  for (const entry of entries) {
    const problem = live.check(entry.id, entry.label);
    if (problem?.kind === 'wrong-label') return { wrongLabel: problem.problem };
    if (problem?.kind === 'unknown-request') unknown.push(entry.id);
    else if (problem?.kind !== 'already-joined') fresh.push(entry);
  }
  if (unknown.length > 0) return { unknown };
  for (const entry of fresh) live.join(entry.id, entry.label);
  const already = entries.length - fresh.length;
  return already > 0 ? { joined: fresh.length, already_joined: already } : { joined: fresh.length };
}

/** The answer for an outcome: `{joined}` (and `already_joined`), or the 404 or 400 it stands for. */
export function answerFeedback(outcome: FeedbackOutcome): { joined: number; already_joined?: number } {
  if ('wrongLabel' in outcome) throw feedbackWrongLabel({ problem: outcome.wrongLabel });
  if ('unknown' in outcome) throw feedbackUnknownRequest({ ids: outcome.unknown });
  return outcome;
}

/** Appends joined labels to the feedback log. */
export function logFeedback(predictionLog: PredictionLog | undefined, entries: readonly FeedbackEntry[]): void {
  const timestamp = new Date().toISOString();
  for (const entry of entries) predictionLog?.appendFeedback({ request_id: entry.id, timestamp, label: entry.label });
}

/** The whole of it in one process: parse, join, log, answer. */
export function joinEnvironmentFeedback(live: LiveWindow, predictionLog: PredictionLog | undefined, body: unknown): { joined: number; already_joined?: number } {
  const entries = parseFeedback(body);
  const answer = answerFeedback(joinFeedback(live, entries));
  logFeedback(predictionLog, entries);
  return answer;
}
