/**
 * Placing a cache object at a workspace path: by reflink (copy-on-write, free and safe), by
 * hardlink (free, but the file is shared with the cache, so it is left read-only), or by copy.
 * The first type in the preference list that the file system supports wins.
 */
import { chmodSync, constants, copyFileSync, linkSync } from 'node:fs';
import { systemErrorCode } from '../core/index.js';

export const LINK_TYPES = ['reflink', 'hardlink', 'copy'] as const;

export type LinkType = (typeof LINK_TYPES)[number];

/** Errors that mean "this file system cannot do that link type here", not "something is broken". */
const UNSUPPORTED = new Set(['ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EINVAL', 'ENOSYS', 'EPERM', 'EMLINK', 'ENOTTY']);

/** The file-system calls behind the link types; tests replace them to simulate another file system. */
export interface LinkOperations {
  readonly hardlink: (source: string, destination: string) => void;
  readonly copy: (source: string, destination: string, mode: number) => void;
}

const FS_OPERATIONS: LinkOperations = { hardlink: linkSync, copy: copyFileSync };

/**
 * Creates `destination` (which must not exist) with the content of `source` by `type`.
 * Returns false when the file system does not support the type (EXDEV: another file system);
 * throws on other failures.
 */
export function tryLink(type: LinkType, source: string, destination: string, operations: LinkOperations = FS_OPERATIONS): boolean {
  try {
    if (type === 'reflink') operations.copy(source, destination, constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL);
    else if (type === 'hardlink') operations.hardlink(source, destination);
    else operations.copy(source, destination, constants.COPYFILE_EXCL);
    return true;
  } catch (error) {
    if (UNSUPPORTED.has(systemErrorCode(error) ?? '')) return false;
    throw error;
  }
}

/**
 * Remembers which link types fail between the cache and the workspace, so a million-file
 * checkout does not try (and fail) a reflink a million times.
 */
export class Linker {
  private readonly unsupported = new Set<LinkType>();

  constructor(
    private readonly preference: readonly LinkType[],
    private readonly operations: LinkOperations = FS_OPERATIONS,
  ) {}

  /**
   * Places `source` at `destination` with the first working type. With `allowShared: false`
   * only private copies are made (reflink or copy), for files a user is expected to edit.
   * Private copies get `mode`; hardlinks keep the cache object's read-only mode.
   */
  link(source: string, destination: string, options: { allowShared: boolean; mode: number }): LinkType {
    for (const type of [...this.preference, 'copy' as const]) {
      if (this.unsupported.has(type) || (type === 'hardlink' && !options.allowShared)) continue;
      if (!tryLink(type, source, destination, this.operations)) {
        this.unsupported.add(type);
        continue;
      }
      if (type !== 'hardlink') chmodSync(destination, options.mode);
      return type;
    }
    throw new Error(`no link type could place ${destination}`);
  }
}
