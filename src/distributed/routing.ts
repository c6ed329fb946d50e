/**
 * Which BullMQ queue a stage goes to, and which queues a worker takes jobs from. BullMQ has no
 * routing by worker attributes, so the attributes are in the queue's name: one queue per Sluice
 * version and label set (`stages@0.1.0@gpu+bigmem`, `stages@0.1.0@any`). A worker listens to the
 * queues of its version for every subset of its labels, so a `gpu` stage reaches only workers
 * started with `gpu`, and a worker of another version never sees a job at all.
 */

/** The queue name for stages needing `labels` (sorted) under Sluice `version`. */
export function queueNameFor(version: string, labels: readonly string[]): string {
  // A set: `[gpu, gpu]` is the queue of gpu workers, not one no worker listens to.
  const unique = [...new Set(labels)].sort();
  return `stages@${version}@${unique.length === 0 ? 'any' : unique.join('+')}`;
}

/** The version and labels a queue name stands for, or undefined for another queue. */
export function parseQueueName(name: string): { version: string; labels: string[] } | undefined {
  const match = /^stages@(.+)@([^@]+)$/.exec(name);
  if (!match) return undefined;
  return { version: match[1]!, labels: match[2] === 'any' ? [] : match[2]!.split('+') };
}

/** Every queue a worker of `version` with `labels` takes jobs from (one per subset of its labels). */
export function queuesForWorker(version: string, labels: readonly string[]): string[] {
  const unique = [...new Set(labels)].sort();
  const names: string[] = [];
  for (let mask = 0; mask < 1 << unique.length; mask++) names.push(queueNameFor(version, unique.filter((_, bit) => (mask & (1 << bit)) !== 0)));
  return names;
}

/** The most labels a worker may have: it listens to 2^n queues. */
export const MAX_WORKER_LABELS = 6;

/** Whether a worker could take a stage: the same version, and every label the stage needs. */
export function canTake(worker: { readonly version: string; readonly labels: readonly string[] }, version: string, labels: readonly string[]): boolean {
  return worker.version === version && labels.every((label) => worker.labels.includes(label));
}
