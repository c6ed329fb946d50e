/** Reading a file the user keeps at a fixed name, with a plain error when something else stands there. */
import { readFileSync } from 'node:fs';
import { systemErrorCode } from './app-error.js';
import { fileNotReadable } from './errors.js';

const UNREADABLE: Readonly<Record<string, string>> = {
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** `path` as UTF-8 text; a directory or a file without read permission is a SLUICE_CORE_FILE_NOT_READABLE, shown as `name`. */
export function readTextFile(path: string, name: string = path): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason = UNREADABLE[systemErrorCode(error) ?? ''];
    if (reason === undefined) throw error;
    throw fileNotReadable({ path: name, reason }, { cause: error });
  }
}
