/**
 * Connections to the queue's Redis. Every command first opens one with a bounded connect (no
 * retries, a named timeout), so an unreachable Redis is reported at once with its URL instead of
 * ioredis retrying forever; BullMQ's own connections (which do retry, for workers that outlive a
 * Redis restart) are opened only after that check.
 */
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { queueDatabaseMissing, queueUnreachable } from './errors.js';
import type { QueueLocation } from './queue-url.js';

/** How long a command waits for Redis to answer before giving up (SLUICE_QUEUE_UNREACHABLE). */
export const CONNECT_TIMEOUT_MS = 5_000;

/** ioredis options for a location. */
function redisOptions(location: QueueLocation, extra: RedisOptions = {}): RedisOptions {
  return {
    host: location.host,
    port: location.port,
    db: location.db,
    username: location.username,
    password: location.password,
    connectionName: 'sluice',
    ...extra,
  };
}

/** BullMQ's connection settings for a location (its clients retry; workers' blocking reads need `maxRetriesPerRequest: null`). */
export function bullmqConnection(location: QueueLocation): ConnectionOptions {
  return { host: location.host, port: location.port, db: location.db, username: location.username, password: location.password, maxRetriesPerRequest: null };
}

/**
 * Opens a client and waits for Redis to answer PING; throws SLUICE_QUEUE_UNREACHABLE (exit 3),
 * naming the URL and the timeout, when it does not within `timeoutMs`.
 */
export async function connectQueue(location: QueueLocation, timeoutMs = CONNECT_TIMEOUT_MS): Promise<Redis> {
  const client = new Redis(
    redisOptions(location, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => null }),
  );
  // connect() rejects with ioredis's own "Connection is closed."; the socket's error (ECONNREFUSED,
  // ENOTFOUND, a refused AUTH) is what tells the user what is wrong, so it is kept for the message.
  let socketError: Error | undefined;
  client.on('error', (error: Error) => (socketError ??= error));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    // A client whose socket failed has ended already; disconnecting it again starts ioredis's 2 s
    // timer for a socket that will never close, and the command would wait that long to exit.
    if (client.status !== 'end') client.disconnect();
    const reason = socketError?.message ?? (error instanceof Error ? error.message : String(error));
    throw queueUnreachable({ url: location.url, reason }, { cause: socketError ?? error });
  } finally {
    clearTimeout(timer);
  }
  // ioredis selects the database on connect and carries on with database 0 when that fails (a
  // number the server does not have): every command would then use another queue's keys.
  if (location.db !== 0) {
    try {
      await client.select(location.db);
    } catch (error) {
      client.disconnect();
      const reason = error instanceof Error ? error.message : String(error);
      if (/out of range/i.test(reason)) throw queueDatabaseMissing({ url: location.url, db: location.db, reason }, { cause: error });
      throw queueUnreachable({ url: location.url, reason: `selecting database ${location.db} failed: ${reason}` }, { cause: error });
    }
  }
  // From here on, brief outages are retried rather than failing the command.
  client.options.retryStrategy = (times: number) => Math.min(times * 200, 2_000);
  client.options.maxRetriesPerRequest = 20;
  return client;
}
