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

export const manifestInvalid = defineError<{ id: string; problem: string }>('SLUICE_CACHE_MANIFEST_INVALID', {
  kind: 'invalid_input',
  description: 'A directory object (the list of a tracked directory\'s files) is malformed, or names a file outside its directory: it was damaged or crafted, and nothing is written from it.',
  message: ({ id, problem }) => `The directory object ${id} cannot be used: ${problem}. Nothing was written from it.`,
  hint: () => 'Remove it from the cache (and the remote it came from) and add the directory again where it is intact; if nobody on the team wrote it, treat the pointer that named it as untrusted.',
});

export const untrackableFileName = defineError<{ path: string; problem: string }>('SLUICE_CACHE_UNTRACKABLE_NAME', {
  kind: 'invalid_input',
  description: 'A file inside a tracked directory has a name a directory object cannot hold portably (a backslash, which Windows reads as a separator).',
  message: ({ path, problem }) => `Cannot track ${path}: ${problem}.`,
  hint: () => 'Rename the file (a backslash in a name reads as a folder separator on Windows), or move it out of the tracked directory.',
});

export const cachedObjectCorrupt = defineError<{ id: string; path: string; actual: string }>('SLUICE_CACHE_LOCAL_OBJECT_CORRUPT', {
  kind: 'check_failed',
  description: 'An object of the local cache no longer matches its content hash (edited in place through a hard link, or damaged on disk), so it is not pushed.',
  message: ({ id, path, actual }) => `The cached object ${id} (${path}) is corrupt: its bytes hash to ${actual}. It was not pushed, and was removed from the cache.`,
  hint: () => 'Pull a good copy from a remote that has one (`sluice data pull`), or `sluice data add` the data again from a good copy; then push.',
});
