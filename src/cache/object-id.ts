/**
 * Object ids: `blake3:<64 hex>` for a file's content, `blake3:<64 hex>.dir` for a directory,
 * whose content is its manifest. DVC users know the `.dir` suffix from `dvc.lock`.
 */
import { HASH_ALGORITHM } from '../core/index.js';

/** An object id as written in `sluice.lock`, manifests and the run cache. */
export type ObjectId = string;

const OBJECT_ID = /^blake3:([0-9a-f]{64})(\.dir)?$/;

export function fileObjectId(hex: string): ObjectId {
  return `${HASH_ALGORITHM}:${hex}`;
}

export function directoryObjectId(hex: string): ObjectId {
  return `${HASH_ALGORITHM}:${hex}.dir`;
}

/** Splits an id into its hex digest and whether it names a directory; undefined if malformed. */
export function parseObjectId(id: string): { hex: string; isDirectory: boolean } | undefined {
  const match = OBJECT_ID.exec(id);
  return match ? { hex: match[1]!, isDirectory: match[2] !== undefined } : undefined;
}

export function isDirectoryId(id: ObjectId): boolean {
  return id.endsWith('.dir');
}
