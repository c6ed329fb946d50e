/**
 * Where the metadata store is: parsing a store URL, without loading any database code (commands
 * that only need the location, such as `sluice status`, never load Kysely or a driver).
 */
import { isAbsolute, resolve } from 'node:path';
import { unsupportedDatabaseUrl } from './errors.js';

/** A parsed store location. */
export type StoreLocation =
  | { readonly dialect: 'sqlite'; readonly path: string }
  | { readonly dialect: 'postgres'; readonly connectionString: string; readonly schema: string | undefined };

/**
 * Reads a store URL. Relative SQLite paths resolve against `baseDir`.
 * A PostgreSQL URL may carry `?schema=NAME` to keep Sluice's tables in their own schema.
 */
export function parseStoreUrl(url: string, baseDir: string): StoreLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw unsupportedDatabaseUrl({ url });
    }
    const schema = parsed.searchParams.get('schema') ?? undefined;
    if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) throw unsupportedDatabaseUrl({ url });
    parsed.searchParams.delete('schema');
    return { dialect: 'postgres', connectionString: parsed.toString(), schema };
  }
  if (/^sqlite:/i.test(url)) {
    const path = url.replace(/^sqlite:(\/\/)?/i, '');
    if (!path) throw unsupportedDatabaseUrl({ url });
    return { dialect: 'sqlite', path: isAbsolute(path) ? path : resolve(baseDir, path) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw unsupportedDatabaseUrl({ url });
  return { dialect: 'sqlite', path: isAbsolute(url) ? url : resolve(baseDir, url) };
}
