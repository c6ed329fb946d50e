/**
 * The queue executor's test bench: the machine's Redis (127.0.0.1:6379) under a key prefix of
 * the test's own (removed afterwards), a project in an "origin" repository whose committed config
 * points the cache at one shared directory, clones of it, and real `sluice worker` processes,
 * each in its own clone.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startSluice, stopProcess } from './cli.js';
import { pollUntil } from './processes.js';
import { makeTempDir } from './temp-dir.js';

const GIT_ENV = { GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 't@example.com' };

/** Runs git in `cwd`; throws with its stderr on failure. */
export function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

export interface QueueBench {
  /** The temp directory holding everything below. */
  readonly dir: string;
  /** The project everyone clones (committed). */
  readonly origin: string;
  /** The cache directory every clone's committed config names. */
  readonly cacheDir: string;
  /** `redis://127.0.0.1:6379?prefix=…`, a prefix of this bench's own. */
  readonly url: string;
  readonly prefix: string;
  /** A fresh clone of the origin named `name`. */
  clone(name: string): string;
  /** Starts `sluice worker --name NAME` in a clone of its own (in `folder` of it); resolves once it is listed on the queue. */
  startWorker(name: string, args?: readonly string[], env?: NodeJS.ProcessEnv, bin?: string, folder?: string): Promise<ChildProcess>;
  /** Stops the workers, removes the prefix's keys from Redis and the temp directory. */
  close(): Promise<void>;
}

/**
 * Creates the origin with `files` plus a committed `.sluice/config.yaml` naming the shared cache
 * (or `options.config` instead: clones then share only what that config names, e.g. a remote).
 */
export function queueBench(files: Readonly<Record<string, string>>, options: { readonly config?: string } = {}): QueueBench {
  const temp = makeTempDir('sluice-queue-');
  const origin = join(temp.path, 'origin');
  const cacheDir = join(temp.path, 'shared-cache');
  const prefix = `sluice-test-${randomUUID().slice(0, 8)}`;
  const url = `redis://127.0.0.1:6379?prefix=${prefix}`;
  const workers: ChildProcess[] = [];
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  const config = options.config ?? `cache:\n  dir: ${cacheDir}\n`;
  for (const [path, content] of Object.entries({ ...files, '.sluice/config.yaml': config, '.gitignore': '/.sluice/tmp/\n/.sluice/logs/\n/.sluice/sluice.db*\n/.sluice/cache/\n' })) {
    mkdirSync(join(origin, path, '..'), { recursive: true });
    writeFileSync(join(origin, path), content);
  }
  git(origin, 'init', '-q', '-b', 'main');
  git(origin, 'add', '-A');
  git(origin, 'commit', '-qm', 'project');
  const clone = (name: string): string => {
    const path = join(temp.path, name);
    git(temp.path, 'clone', '-q', origin, path);
    return path;
  };
  return {
    dir: temp.path,
    origin,
    cacheDir,
    url,
    prefix,
    clone,
    async startWorker(name, args = [], env = {}, bin, folder = '') {
      const root = join(clone(name), folder);
      const child = startSluice(root, ['worker', '--queue', url, '--name', name, ...args], env, bin);
      let log = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
      workers.push(child);
      await pollUntil(async () => ((await workerListed(redis, prefix, name)) ? true : child.exitCode !== null ? Promise.reject(new Error(`worker ${name} exited: ${log}`)) : undefined), `worker ${name} on the queue`, 20_000, 50);
      (child as ChildProcess & { log: () => string }).log = () => log;
      return child;
    },
    async close() {
      await Promise.all(workers.map((worker) => stopProcess(worker, 10_000)));
      await removePrefix(redis, prefix).catch(() => undefined);
      redis.disconnect();
      temp.remove();
    },
  };
}

/** What a started worker has logged so far. */
export function workerLog(worker: ChildProcess): string {
  return (worker as ChildProcess & { log?: () => string }).log?.() ?? '';
}

async function workerListed(redis: Redis, prefix: string, name: string): Promise<boolean> {
  if (redis.status === 'wait') await redis.connect();
  return (await redis.exists(`${prefix}:sluice:worker:${name}`)) === 1;
}

async function removePrefix(redis: Redis, prefix: string): Promise<void> {
  if (redis.status === 'wait') await redis.connect();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
