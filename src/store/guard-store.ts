/**
 * Turns database failures that are not Sluice's fault (server gone, disk full, database locked
 * or read-only) into `SLUICE_STORE_UNAVAILABLE` with the driver's reason, so that a store outage
 * mid-run reads as one clear message instead of an internal error. Anything else is a bug and
 * passes through unchanged.
 */
import { isAppError } from '../core/index.js';
import { databaseUnavailable } from './errors.js';

/** Node socket errors, PostgreSQL SQLSTATE classes 08 (connection) and 57 (operator intervention), SQLite environment codes. */
function isEnvironmentFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = 'code' in error ? String(error.code) : '';
  if (/^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|ENOSPC|EACCES|EROFS)$/.test(code)) return true;
  if (/^(08|57|53)[0-9A-Z]{3}$/.test(code)) return true;
  if (/^SQLITE_(BUSY|LOCKED|IOERR|FULL|READONLY|CANTOPEN|CORRUPT|NOTADB|PERM)/.test(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message);
}

/** Rethrows an environment failure of the database as `SLUICE_STORE_UNAVAILABLE`. */
export function translateStoreFailure(error: unknown, location: string): never {
  if (isAppError(error) || !isEnvironmentFailure(error)) throw error;
  throw databaseUnavailable({ url: location, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
}

/**
 * Wraps every async method of a store object (its prototype's methods) so that environment
 * failures become `SLUICE_STORE_UNAVAILABLE`; own properties (such as `dialect`) are kept.
 */
export function guardStore<T extends object>(store: T, location: string): T {
  const guarded = { ...store } as Record<string, unknown>;
  const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(store)).filter((name) => name !== 'constructor');
  for (const name of methods) {
    const method = (store as unknown as Record<string, (...args: unknown[]) => unknown>)[name];
    if (typeof method !== 'function') continue;
    guarded[name] = async (...args: unknown[]) => {
      try {
        return await method.apply(store, args);
      } catch (error) {
        translateStoreFailure(error, location);
      }
    };
  }
  return guarded as T;
}
