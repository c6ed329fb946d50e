/** Errors of the content-addressed cache. */
import { defineError } from '../core/index.js';

export const objectMissing = defineError<{ id: string; path: string }>('SLUICE_CACHE_OBJECT_MISSING', {
  kind: 'not_found',
  description: 'An object needed to restore a path is not in the local cache.',
  message: ({ id, path }) => `Cannot restore ${path}: object ${id} is not in the cache.`,
  hint: () => 'Run the stage that produces it again (`sluice run --force STAGE`), or fetch the object from a remote.',
});

export const objectCorrupt = defineError<{ id: string; actual: string }>('SLUICE_CACHE_OBJECT_CORRUPT', {
  kind: 'internal',
  description: "A cache object's content no longer matches its hash (it was modified in place).",
  message: ({ id, actual }) => `Cache object ${id} is corrupt: its content hashes to ${actual}.`,
  hint: () => 'Delete the object file and rerun the stage that produced it; avoid editing files checked out by hardlink.',
});

export const invalidLinkType = defineError<{ value: string }>('SLUICE_CACHE_INVALID_LINK_TYPE', {
  kind: 'invalid_input',
  description: 'cache.link in .sluice/config.yaml names an unknown link type.',
  message: ({ value }) => `Unknown cache link type "${value}".`,
  hint: () => 'Use a list of reflink, hardlink and copy, in order of preference.',
});
