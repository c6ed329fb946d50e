/**
 * What travels through the queue: a stage job (what the submitter asks) and its result (what the
 * worker answers). Both cross a process and machine boundary, so both are checked with zod when
 * read; the types are derived from the schemas.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { lockedPathSchema } from '../pipeline/index.js';
import { invalidJob } from './errors.js';

/**
 * A params override of an experiment (`sluice exp run --queue`): the worker writes it into its
 * checkout before the stage runs. The file is a relative path inside the checkout.
 */
const overrideSchema = z.object({
  file: z
    .string()
    .min(1)
    .refine((file) => !isAbsolute(file) && !file.split(/[\\/]/).includes('..'), { error: 'a params file inside the checkout' }),
  key: z.string().min(1),
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
});

/** One stage of one pipeline run, to be run at `commit`. */
export const stageJobSchema = z.object({
  /** The Sluice version that planned the run; a worker of another version refuses the job. */
  version: z.string().min(1),
  runId: z.string().min(1),
  stage: z.string().min(1),
  /** The submitting checkout's HEAD; the worker checks it out. */
  commit: z.string().regex(/^[0-9a-f]{40,64}$/, 'a full git commit id'),
  /** Dep ids as the submitter hashed them (path → `blake3:…`). */
  deps: z.record(z.string(), z.string()),
  runCacheKey: z.string().optional(),
  /** An experiment's params overrides, applied to the checkout before the stage runs. */
  overrides: z.array(overrideSchema).optional(),
  labels: z.array(z.string()),
  /** `host:/path` of the submitting checkout, for `sluice queue status`. */
  submittedFrom: z.string(),
});

export type StageJob = z.infer<typeof stageJobSchema>;

/** A worker's answer. Failures of the stage's command are results, not job failures. */
export const stageJobResultSchema = z.object({
  status: z.enum(['ran', 'restored-run-cache', 'failed', 'interrupted']),
  outs: z.array(lockedPathSchema).optional(),
  exitCode: z.number().optional(),
  message: z.string().optional(),
  tail: z.array(z.string()).optional(),
  /** The worker's name. */
  worker: z.string(),
  durationMs: z.number(),
});

export type StageJobResult = z.infer<typeof stageJobResultSchema>;

/** What a worker reports as a job's progress: that it took the job (again, after a lost worker's stall). */
export const jobProgressSchema = z.object({ worker: z.string(), phase: z.literal('checkout') });

export type JobProgress = z.infer<typeof jobProgressSchema>;

/** Reads a value from the queue with `schema`, or throws SLUICE_QUEUE_BAD_JOB naming the job. */
export function readQueued<T>(schema: z.ZodType<T>, value: unknown, id: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw invalidJob({ id, reason: issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'unreadable' });
}

/**
 * The BullMQ job id of a stage in a run (stable, so a resubmission does not duplicate it). BullMQ
 * refuses ":" in an id (its key separator), which a foreach item may hold (`train@a:1`): the
 * stage's name is percent-encoded, one name to one id.
 */
export function jobIdFor(runId: string, stage: string): string {
  return `${runId}.${stage.replace(/[%:]/g, (char) => (char === '%' ? '%25' : '%3A'))}`;
}
