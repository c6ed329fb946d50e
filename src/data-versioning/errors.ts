/** Errors of data versioning and remotes. */
import { defineError, shellWord } from '../core/index.js';

export const dataPathMissing = defineError<{ path: string }>('SLUICE_DATA_PATH_MISSING', {
  kind: 'not_found',
  description: '`sluice data add` was given a path that does not exist.',
  message: ({ path }) => `Cannot track ${path}: no such file or directory.`,
  hint: () => 'Check the path (relative to the current directory).',
});

export const dataPathNotAllowed = defineError<{ path: string; reason: string }>('SLUICE_DATA_PATH_NOT_ALLOWED', {
  kind: 'invalid_input',
  description: 'A path cannot be tracked as data (outside the repository, inside .sluice or .git, a pipeline output, inside tracked data).',
  message: ({ path, reason }) => `Cannot track ${path}: ${reason}.`,
  hint: () => 'Track data inside the repository that no stage writes: a pipeline output is already versioned through sluice.lock, and a directory inside tracked data is part of its pointer.',
});

export const dataNotTracked = defineError<{ path: string }>('SLUICE_DATA_NOT_TRACKED', {
  kind: 'not_found',
  description: 'A data command named a path that no pointer file tracks.',
  message: ({ path }) => `${path} is not tracked by Sluice (no ${path}.sluice).`,
  hint: () => 'Track it with `sluice data add PATH`, or list what is tracked with `sluice data status`.',
});

export const dataNotInCache = defineError<{ paths: readonly string[] }>('SLUICE_DATA_NOT_IN_CACHE', {
  kind: 'not_found',
  description: 'Data to restore is not in the local cache.',
  message: ({ paths }) => `Not in the local cache, so not restored: ${paths.join(', ')}.`,
  hint: () => 'Fetch it from a remote with `sluice data pull`.',
});

export const remoteNotConfigured = defineError<{ name?: string; known: readonly string[] }>('SLUICE_REMOTE_NOT_CONFIGURED', {
  kind: 'invalid_input',
  description: 'A push or pull named no remote (and there is no default), or a remote that is not configured.',
  message: ({ name, known }) =>
    name ? `There is no remote "${name}"${known.length ? ` (configured: ${known.join(', ')})` : ''}.` : 'No remote given and no default remote set.',
  hint: () => 'Add one with `sluice remote add NAME URL --default` (a directory, file:///path or s3://bucket/prefix).',
});

export const remoteExists = defineError<{ name: string }>('SLUICE_REMOTE_EXISTS', {
  kind: 'already_exists',
  description: '`sluice remote add` named a remote that exists.',
  message: ({ name }) => `A remote named "${name}" exists already.`,
  hint: () => 'Choose another name, or remove it first with `sluice remote remove NAME`.',
});

export const transferIncomplete = defineError<{ direction: string; failures: readonly string[]; total: number }>('SLUICE_DATA_TRANSFER_INCOMPLETE', {
  kind: 'check_failed',
  description: 'Some objects could not be pushed or pulled (missing or corrupt in the remote, unreadable locally).',
  message: ({ direction, failures, total }) => `${failures.length} of ${total} objects could not be ${direction}: ${failures.slice(0, 10).join('; ')}${failures.length > 10 ? '; …' : ''}.`,
  hint: ({ direction }) =>
    direction === 'pulled'
      ? 'The data that did arrive is in place; nothing was overwritten with bad data. Push a good copy from another machine, then pull again.'
      : 'An object missing from the local cache is stored again by `sluice data add PATH` when its working copy is intact (`sluice data status` says which), or fetched by `sluice data pull` first; then push again: objects already sent are skipped.',
});

export const dataUnsavedChanges = defineError<{ paths: readonly string[] }>('SLUICE_DATA_UNSAVED_CHANGES', {
  kind: 'conflict',
  description: 'Restoring tracked data would overwrite changes in the working copy that are in no version (not in the cache).',
  message: ({ paths }) => `Not restored, to keep changes that are saved nowhere else: ${paths.join(', ')}.`,
  hint: () => 'Keep them as a new version with `sluice data add PATH` (then commit the pointer), or discard them with --force.',
});

export const invalidRemote = defineError<{ name: string; problem: string }>('SLUICE_DATA_INVALID_REMOTE', {
  kind: 'invalid_input',
  description: 'A remote given to `sluice remote add` has a bad name, URL, endpoint or region.',
  message: ({ name, problem }) => `Cannot add the remote "${name}": ${problem}.`,
  hint: () => 'A remote name is letters, digits, ., _ and -; its URL is a directory, file:///path or s3://bucket/prefix; --endpoint is a URL (http://host:port).',
});

export const sharedCacheGc = defineError<{ cache: string; root: string }>('SLUICE_DATA_SHARED_CACHE_GC', {
  kind: 'invalid_input',
  description: '`sluice data gc --force` on a cache outside the workspace: other checkouts may share it, and objects only they reference would be deleted.',
  message: ({ cache, root }) => `The cache ${cache} is outside this workspace (${root}), so other checkouts may share it: gc here would delete the objects only they need, committed or not.`,
  hint: () => 'Name every checkout that uses this cache with --projects DIR [DIR…] (what any of them references is kept), or run gc with --projects naming none but this one if no other checkout uses it.',
});

export const pointerConflict = defineError<{ file: string }>('SLUICE_DATA_POINTER_CONFLICT', {
  kind: 'conflict',
  description: 'A .sluice pointer file holds git merge conflict markers: two branches tracked different versions of its data.',
  message: ({ file }) => `${file} has merge conflict markers (<<<<<<<): git could not merge the two versions of the data it points to.`,
  hint: ({ file }) =>
    `Keep one side with \`git checkout --ours ${shellWord(file)}\` or \`git checkout --theirs ${shellWord(file)}\` (then \`sluice data checkout\`), or record the data in the working copy with \`sluice data add ${shellWord(String(file).replace(/\.sluice$/, ''))}\`.`,
});
