/**
 * Artifact paths as clients send them, checked before anything touches storage. MLflow servers
 * have had path-traversal holes here (CVE-2023-1177, CVE-2023-6909, CVE-2024-1560); Sluice's
 * storage is content-addressed, so a path never becomes a file name, but a path is still refused
 * unless it is plainly relative: no `..` or `.` segments, no absolute or drive paths, no
 * backslashes, no NUL, no `#`, and the same after percent-decoding (for `%2e%2e/`).
 */
import { unsafeArtifactPath } from '../errors.js';

/** Returns the path without empty segments and trailing slashes; '' is the root. */
export function normalizeArtifactPath(raw: string): string {
  const fail = (reason: string): never => {
    throw unsafeArtifactPath({ path: raw, reason });
  };
  let decoded = raw;
  // Each decoding level must be safe too: a path decoded once by a proxy and again by a client.
  for (let level = 0; level < 3; level += 1) {
    checkLevel(decoded, fail);
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      break;
    }
    if (next === decoded) break;
    decoded = next;
  }
  return raw.split('/').filter((segment) => segment !== '').join('/');
}

function checkLevel(path: string, fail: (reason: string) => never): void {
  if (path.includes('\0')) fail('it contains a NUL character');
  if (path.includes('\\')) fail('it contains a backslash');
  if (path.includes('#')) fail("it contains '#'");
  if (path.startsWith('/')) fail('it is absolute');
  if (/^[A-Za-z]:/.test(path)) fail('it names a drive');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(path) || path.startsWith('file:')) fail('it is a URI, not a path');
  if (path.split('/').some((segment) => segment === '..')) fail("it contains a '..' segment");
  if (path.split('/').some((segment) => segment === '.')) fail("it contains a '.' segment");
}

/** `a/b` + `c` → `a/b/c`, for paths already normalised. */
export function joinArtifactPath(...parts: readonly string[]): string {
  return parts.filter((part) => part !== '').join('/');
}
