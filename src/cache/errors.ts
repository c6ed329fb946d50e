/** Errors of the content-addressed cache. */
import { defineError } from '../core/index.js';

export const objectMissing = defineError<{ id: string; path: string }>('SLUICE_CACHE_OBJECT_MISSING', {
  kind: 'not_found',
  description: 'An object needed to restore a path is not in the local cache.',
  message: ({ id, path }) => `Cannot restore ${path}: object ${id} is not in the cache.`,
  hint: () => 'Run the stage that produces it again: `sluice run --force STAGE`.',
});

export const objectCorrupt = defineError<{ id: string; where: string; actual: string }>('SLUICE_CACHE_OBJECT_CORRUPT', {
  kind: 'check_failed',
  description: 'An object fetched from a remote does not match its content hash (damaged or tampered with).',
  message: ({ id, where, actual }) => `The object ${id} in ${where} is corrupt: its bytes hash to ${actual}. It was not stored, and nothing in the workspace was changed.`,
  hint: () => 'Push it again from a machine that has a good copy (`sluice data push`), or restore the remote object from a backup.',
});
