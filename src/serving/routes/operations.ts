/**
 * Operating the server: Prometheus metrics, delayed ground truth (`POST /feedback`, joined to
 * predictions by request id), and `POST /admin/reload` (load new versions now, swap without
 * dropping requests).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServingContext } from '../context.js';
import { timingSafeEqual } from 'node:crypto';
import { adminUnauthorized, badInferenceRequest } from '../errors.js';
import { firstIssue } from '../v2-inference.js';

const feedbackSchema = z.union(
  [
    z.object({ request_id: z.string().min(1), label: z.unknown().refine((value) => value !== undefined, 'needs "label"') }),
    z.object({ request_id: z.string().min(1), labels: z.array(z.unknown()).min(1) }),
  ],
  { error: 'feedback needs "request_id" and "label" (or "labels": one per row of that request)' },
);

const reloadSchema = z.object({ model: z.string().min(1).optional(), force: z.boolean().default(true) }).default({ force: true });

/** Compares secrets in constant time (a timing difference would reveal the token byte by byte). */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Metrics text for this process, or (set by the cluster) for every worker together. */
export type MetricsSource = () => Promise<{ contentType: string; body: string }>;

export function operationRoutes(app: FastifyInstance, context: ServingContext, metricsSource: MetricsSource): void {
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await metricsSource();
    return reply.type(contentType).send(body);
  });

  app.post('/feedback', async (request, reply) => {
    // An environment joins labels now, for its rollout's analysis (routes/feedback.ts).
    if (context.feedback) return reply.code(200).send(await context.feedback(request.body, context.predictionLog));
    const parsed = feedbackSchema.safeParse(request.body);
    if (!parsed.success) throw badInferenceRequest({ problem: firstIssue(parsed.error) });
    if (!context.predictionLog) throw badInferenceRequest({ problem: 'This server keeps no prediction log (started with --no-prediction-log), so feedback cannot be joined to predictions.' });
    const label = 'labels' in parsed.data ? parsed.data.labels : parsed.data.label;
    context.predictionLog.appendFeedback({ request_id: parsed.data.request_id, timestamp: new Date().toISOString(), label });
    const id = parsed.data.request_id;
    // Accepted either way: the prediction may be older than this process's memory or answered by
    // another worker or replica, and the join happens later, over the log files.
    if (context.predictionLog.hasPrediction(id)) return reply.code(202).send({ accepted: true, matched: true, request_id: id });
    return reply.code(202).send({
      accepted: true,
      matched: false,
      request_id: id,
      note: `No prediction with request id "${id}" is known to this server process. The label is logged all the same and joins a prediction with that id if one is in the log (an older one, or one answered by another worker or replica); check the id the prediction was answered with (its request_id, or the X-Request-Id header).`,
    });
  });

  app.post('/admin/reload', async (request) => {
    if (context.adminToken && !sameSecret(request.headers.authorization ?? '', `Bearer ${context.adminToken}`)) throw adminUnauthorized();
    const parsed = reloadSchema.safeParse(request.body ?? {});
    if (!parsed.success) throw badInferenceRequest({ problem: firstIssue(parsed.error) });
    // status() fails for an unknown name; a known model that is not ready may still be reloaded.
    const names = parsed.data.model ? [parsed.data.model] : undefined;
    if (parsed.data.model) context.models.status(parsed.data.model);
    await context.reloadAll({ names, force: parsed.data.force });
    return { models: context.models.names().map((name) => ({ name, ...context.models.status(name) })) };
  });
}
