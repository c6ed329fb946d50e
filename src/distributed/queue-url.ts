/**
 * The queue's address: `redis://HOST:PORT[/DB][?prefix=NAME]`. The prefix keeps several Sluice
 * installations (or test runs) on one Redis apart; every key Sluice and BullMQ write starts with it.
 */
import { z } from 'zod';
import { invalidQueueUrl } from './errors.js';

/** A parsed queue URL. */
export interface QueueLocation {
  /** The URL as given, for messages (without a password). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** The key prefix (BullMQ's `prefix`); default `sluice`. */
  readonly prefix: string;
}

/** The default key prefix. */
export const DEFAULT_QUEUE_PREFIX = 'sluice';

const prefixSchema = z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'the prefix is letters, digits, ., _ and - (no ":")');

/** Parses and checks a queue URL; throws SLUICE_QUEUE_BAD_URL with the reason. */
export function parseQueueUrl(text: string): QueueLocation {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidQueueUrl({ url: text, reason: 'it is not a URL' });
  }
  if (url.protocol !== 'redis:') throw invalidQueueUrl({ url: text, reason: `the scheme is ${url.protocol.replace(/:$/, '')}, not redis` });
  if (!url.hostname) throw invalidQueueUrl({ url: text, reason: 'it names no host' });
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw invalidQueueUrl({ url: text, reason: `the database "${dbText}" is not a number` });
  const unknown = [...url.searchParams.keys()].find((name) => name !== 'prefix');
  if (unknown !== undefined) throw invalidQueueUrl({ url: text, reason: `it has an unknown parameter "${unknown}" (the only one is prefix)` });
  const prefix = prefixSchema.safeParse(url.searchParams.get('prefix') ?? DEFAULT_QUEUE_PREFIX);
  if (!prefix.success) throw invalidQueueUrl({ url: text, reason: prefix.error.issues[0]?.message ?? 'bad prefix' });
  const shown = new URL(url.href);
  if (shown.password) shown.password = '***';
  return {
    url: shown.href.replace(/\/$/, ''),
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 6379,
    db,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    prefix: prefix.data,
  };
}
