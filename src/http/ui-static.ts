/**
 * The web UI's static files (issue 18), built by Vite into dist/ui: served at `/`, and any unknown
 * GET outside /api/ falls back to index.html for client-side routing.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The built UI's directory, found by walking up from this module (dist/src/http or dist/bundle), or undefined when not built. */
export function findUiRoot(from: string = import.meta.url): string | undefined {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    for (const candidate of [join(dir, 'ui'), join(dir, 'dist', 'ui')]) {
      if (existsSync(join(candidate, 'index.html'))) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Whether a request may fall back to the UI's index.html (a GET of a page, not of the API). */
export function isUiPath(method: string, path: string): boolean {
  return method === 'GET' && !path.startsWith('/api/') && path !== '/api';
}

/** Registers the UI's files at `/` when they are built; returns whether they were. */
export async function registerUi(app: FastifyInstance, root: string | undefined = findUiRoot()): Promise<boolean> {
  if (!root) return false;
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: true, index: 'index.html' });
  return true;
}
