/** Errors of the queue executor: the Redis URL, reaching Redis, workers, jobs and runs on the queue. */
import { defineError, shellWord } from '../core/index.js';

export const invalidQueueUrl = defineError<{ url: string; reason: string }>('SLUICE_QUEUE_BAD_URL', {
  kind: 'invalid_input',
  description: 'The --queue URL (or executor.queue in .sluice/config.yaml) is not a Redis URL Sluice can use.',
  message: ({ url, reason }) => `"${url}" is not a queue URL: ${reason}.`,
  hint: () => 'Write redis://HOST:PORT, optionally with /DB and ?prefix=NAME (the key prefix, default "sluice"), e.g. redis://127.0.0.1:6379.',
});

export const queueUrlMissing = defineError<{ command: string }>('SLUICE_QUEUE_URL_MISSING', {
  kind: 'invalid_input',
  description: 'A queue command was given no Redis URL, and .sluice/config.yaml names none.',
  message: ({ command }) => `sluice ${command} needs the queue's Redis URL.`,
  hint: () => 'Pass --queue redis://HOST:PORT, or set executor.queue in .sluice/config.yaml.',
});

export const queueUnreachable = defineError<{ url: string; reason: string }>('SLUICE_QUEUE_UNREACHABLE', {
  kind: 'unavailable',
  description: 'Redis, which holds the queue, refused the connection or did not answer within the connection timeout.',
  message: ({ url, reason }) => `Cannot reach Redis at ${url} (${reason}).`,
  hint: ({ url }) => `Check that Redis runs and listens there (\`redis-cli -u ${shellWord(String(url).replace(/\?.*$/, ''))} ping\`), or pass another --queue URL.`,
});

export const queueDatabaseMissing = defineError<{ url: string; db: number; reason: string }>('SLUICE_QUEUE_NO_DATABASE', {
  kind: 'invalid_input',
  description: 'The queue URL names a Redis database number that the server does not have.',
  message: ({ url, db, reason }) => `Redis at ${url} has no database ${db} (${reason}).`,
  hint: () => 'Name a database the server has in the URL\'s path (redis://HOST:PORT/0 is the first; `CONFIG GET databases` tells how many there are), or leave the path out for database 0.',
});

export const noCapableWorker = defineError<{ stage: string; labels: string; version: string; timeoutSeconds: number; url: string; connected: string }>('SLUICE_QUEUE_NO_WORKER', {
  kind: 'unavailable',
  description: 'A stage waited on the queue, and no worker that could take it (the same Sluice version, every label the stage asks for) was connected for the whole worker timeout.',
  message: ({ stage, labels, version, timeoutSeconds, url, connected }) =>
    `No worker could take stage "${stage}" for ${timeoutSeconds} s: it needs a worker on Sluice ${version}${labels ? ` with labels ${labels}` : ''}, and none is connected to ${url} (${connected}).`,
  hint: ({ labels, url }) => `Start one with \`sluice worker --queue ${shellWord(url)}${labels ? ` --labels ${shellWord(labels)}` : ''}\` (of this Sluice version), or wait longer with --worker-timeout SECONDS.`,
});

export const noCommit = defineError<{ root: string }>('SLUICE_QUEUE_NO_COMMIT', {
  kind: 'invalid_input',
  description: 'The queue executor names a git commit for workers to check out, and the submitting checkout has none.',
  message: ({ root }) => `${root} is not a git repository with a commit: queue workers check out the commit a run names.`,
  hint: () => 'Commit the project (and push it where the workers fetch from), then run again.',
});

export const commitUnavailable = defineError<{ commit: string; root: string; reason: string }>('SLUICE_QUEUE_COMMIT_UNAVAILABLE', {
  kind: 'not_found',
  description: 'A worker could not check out the commit a job names: it is neither in its clone nor on the remotes it fetches from.',
  message: ({ commit, root, reason }) => `Commit ${commit.slice(0, 12)} is not available in the worker's clone ${root} (${reason}).`,
  hint: () => 'Push the commit where the workers fetch from (their clone\'s remotes), then run again.',
});

export const invalidJob = defineError<{ id: string; reason: string }>('SLUICE_QUEUE_BAD_JOB', {
  kind: 'invalid_input',
  description: 'A job or a job result on the queue is not what this Sluice writes (another program, or a damaged entry).',
  message: ({ id, reason }) => `Job ${id} on the queue is not a Sluice stage job: ${reason}.`,
  hint: () => 'Remove it with `sluice queue cancel --all`, and keep other programs off this Redis key prefix (?prefix=NAME).',
});

export const versionMismatch = defineError<{ id: string; jobVersion: string; workerVersion: string }>('SLUICE_QUEUE_VERSION_MISMATCH', {
  kind: 'conflict',
  description: 'A worker refused a job submitted by another Sluice version: stages must run with the Sluice that planned them.',
  message: ({ id, jobVersion, workerVersion }) => `Job ${id} was submitted by Sluice ${jobVersion}; this worker runs Sluice ${workerVersion} and refuses it.`,
  hint: ({ jobVersion }) => `Start workers of Sluice ${jobVersion} for it (or upgrade the submitting side to the workers' version).`,
});

export const workerCloneChanged = defineError<{ root: string; paths: string }>('SLUICE_QUEUE_WORKER_CLONE_CHANGED', {
  kind: 'conflict',
  description: 'A worker was started in a clone with uncommitted changes to tracked files: it checks out each job\'s commit there by force and would discard them.',
  message: ({ root, paths }) => `${root} has uncommitted changes (${paths}): a worker checks out each job's commit in its clone by force, which would discard them.`,
  hint: ({ root }) => `Start the worker in a clone of its own (\`git clone ${String(root)} ../worker-1\`, then run \`sluice worker\` there), or commit or stash the changes first.`,
});

export const workerNameTaken = defineError<{ name: string; host: string; pid: number }>('SLUICE_QUEUE_WORKER_NAME_TAKEN', {
  kind: 'conflict',
  description: 'Another live worker already uses this name on the queue.',
  message: ({ name, host, pid }) => `A worker named "${name}" is already connected (pid ${pid} on ${host}).`,
  hint: () => 'Give this one another --name, or stop the other first.',
});

export const runNotOnQueue = defineError<{ runId: string; others: string }>('SLUICE_QUEUE_RUN_NOT_FOUND', {
  kind: 'not_found',
  description: '`sluice queue cancel` named a run that has no jobs on the queue and is not running there (or a start of several runs\' ids).',
  message: ({ runId, others }) => `No run ${runId} is on the queue${others}.`,
  hint: () => 'Run `sluice queue status` to list the runs on the queue.',
});

export const runRefused = defineError<{ runId: string; from: string; runVersion: string; workerVersion: string }>('SLUICE_QUEUE_RUN_REFUSED', {
  kind: 'conflict',
  description: 'A worker saw a run submitted by another Sluice version; it takes none of its stages (they wait for a worker of that version).',
  message: ({ runId, from, runVersion, workerVersion }) => `Not taking the stages of run ${runId} (${from}): it was planned by Sluice ${runVersion}, and this worker runs Sluice ${workerVersion}.`,
  hint: ({ runVersion }) => `Start a worker of Sluice ${runVersion} for it; the submitting command stops after its --worker-timeout if none comes.`,
});
