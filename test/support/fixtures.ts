/** Paths to test data: the repository's own fixtures and the shared ones beside the project. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from dist/test/support/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A file under the repository's test/fixtures/. */
export function repoFixture(...parts: string[]): string {
  return join(REPO_ROOT, 'test', 'fixtures', ...parts);
}

/** A file under ../shared/fixtures (or SLUICE_SHARED_FIXTURES); fails with a clear message when absent. */
export function sharedFixture(...parts: string[]): string {
  const root = process.env.SLUICE_SHARED_FIXTURES ?? join(REPO_ROOT, '..', 'shared', 'fixtures');
  const path = join(root, ...parts);
  if (!existsSync(path)) {
    throw new Error(`Shared fixture ${path} is missing: the repository must sit beside ../shared (or set SLUICE_SHARED_FIXTURES).`);
  }
  return path;
}
