/**
 * Object storage: where content-addressed objects live beyond the local cache (artifact stores,
 * remotes). Objects are named by their id, so a write is idempotent and a read can be verified
 * against the name. Backends: a local directory and S3-compatible storage.
 */
import type { Readable } from 'node:stream';
import type { ObjectId } from '../object-id.js';

export interface ObjectStorage {
  /** Where the objects are (`/path/to/dir`, `s3://bucket/prefix`), for messages. */
  readonly url: string;
  /** Whether an object is stored. */
  has(id: ObjectId): Promise<boolean>;
  /**
   * Stores a file's bytes under `id`, which the caller computed from them. With `move`, the file
   * may be renamed into place instead of copied (it must then not be used afterwards).
   */
  putFile(id: ObjectId, path: string, options?: { readonly size?: number; readonly move?: boolean }): Promise<void>;
  /** The object's bytes; fails with `SLUICE_STORAGE_OBJECT_MISSING` if it is not stored. */
  read(id: ObjectId): Promise<Readable>;
  /** Removes an object; removing a missing object is not an error. */
  delete(id: ObjectId): Promise<void>;
  /** Every object stored (one listing instead of a request per object, for large transfers). */
  list(): AsyncIterable<ObjectId>;
  /**
   * Stores a small named document beside the objects (a run-cache entry: `runs/ab/<key>/<id>.json`),
   * put-if-absent: when the key exists, the first writer's bytes stay. Callers name documents by
   * their content, so the bytes are the same either way. Keys are checked by {@link entryKeyProblem}.
   */
  putEntry(key: string, bytes: Uint8Array): Promise<void>;
  /** A document's bytes, or undefined when no document has that key. */
  readEntry(key: string): Promise<Uint8Array | undefined>;
  /** The keys of the documents under `prefix` (a key prefix ending in `/`). */
  listEntries(prefix: string): AsyncIterable<string>;
}

/**
 * Why `key` cannot name a document, or undefined when it can: lowercase letters, digits, `.`, `_`
 * and `-` in `/`-separated parts, none of them `.` or `..`, and never under `blake3/` or `tmp/`
 * (the objects' and temp files' places).
 */
export function entryKeyProblem(key: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9._-]*(\/[a-z0-9._-]+)*\/?$/.test(key)) return 'a document key is lowercase letters, digits, ., _ and - in /-separated parts';
  if (key.split('/').some((part) => part === '.' || part === '..')) return 'a document key has no . or .. parts';
  if (/^(blake3|tmp)(\/|$)/.test(key)) return 'blake3/ and tmp/ hold objects and temp files, not documents';
  return undefined;
}

/** The object id a storage key names, or undefined for other files (`blake3/ab/cdef…` → `blake3:abcdef…`). */
export function objectIdOfKey(key: string): ObjectId | undefined {
  const match = /(?:^|\/)blake3\/([0-9a-f]{2})\/([0-9a-f]{62})(\.dir)?$/.exec(key);
  return match ? `blake3:${match[1]}${match[2]}${match[3] ?? ''}` : undefined;
}

/** The relative key of an object: `blake3/ab/cdef…` (the local cache's layout). */
export function objectKey(id: ObjectId): string {
  const match = /^blake3:([0-9a-f]{2})([0-9a-f]{62})(\.dir)?$/.exec(id);
  if (!match) throw new Error(`malformed object id ${id}`);
  return `blake3/${match[1]}/${match[2]}${match[3] ?? ''}`;
}
