/** Errors of the content-addressed cache. */
import { defineError } from '../core/index.js';

export const objectMissing = defineError<{ id: string; path: string }>('SLUICE_CACHE_OBJECT_MISSING', {
  kind: 'not_found',
  description: 'An object needed to restore a path is not in the local cache.',
  message: ({ id, path }) => `Cannot restore ${path}: object ${id} is not in the cache.`,
  hint: () => 'Run the stage that produces it again: `sluice run --force STAGE`.',
});
