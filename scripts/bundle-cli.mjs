#!/usr/bin/env node
// Bundles the CLI into dist/bundle/ (an entry file plus one chunk per lazily loaded part), which bin/sluice runs.
//
// Why: on Node 20, loading Kysely, zod, yaml and commander as ~400 separate ES modules costs about
// 240 ms at every command start; the same code from one file loads in about 55 ms. That start-up
// time is most of a warm `sluice status`. Native addons and drivers stay external.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { directImports, SOURCE_DIR } from './esbuild-direct-imports.mjs';

/**
 * zod exports every language's error messages as `z.locales` and `z.core.locales` (366 KB of its 756 KB in the bundle),
 * which every command that validates input (all of them) then parses at start. Sluice speaks
 * English (zod's default, which its schemas import directly) and never uses `z.locales`, so the
 * bundle's `z.locales` holds English alone.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]zod[\\/]v4[\\/](classic[\\/]external|core[\\/]index)\.js$/.test(args.importer)) return undefined;
      return { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-locales' };
    });
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

// Chunk names carry content hashes: clear the old ones.
rmSync('dist/bundle', { recursive: true, force: true });

/** What both bundles share. */
const common = {
  outdir: 'dist/bundle',
  entryNames: '[name]',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  mainFields: ['module', 'main'],
  // `open` runs the xdg-open script it ships beside its module.
  external: ['better-sqlite3', 'pg', '@napi-rs/blake-hash', '@duckdb/node-bindings', 'onnxruntime-node', 'open'],
  // Unique to this build, the same in both bundles: a status snapshot written by another build
  // is never trusted (src/pipeline/status-snapshot/snapshot-file.ts).
  define: { SLUICE_BUILD_ID: JSON.stringify(randomUUID()) },
  // CommonJS dependencies inside an ES module bundle need a `require`.
  banner: { js: "import { createRequire as __sluiceCreateRequire } from 'node:module'; const require = __sluiceCreateRequire(import.meta.url);" },
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: { sluice: 'src/cli/main.ts' },
  chunkNames: 'chunks/[name]-[hash]',
  // Chunks keep `sluice --version` from parsing the whole program.
  splitting: true,
  // Each command's chunks hold what it uses, not all a domain's index re-exports (see the plugin).
  plugins: [directImports(SOURCE_DIR), zodEnglishOnly],
});

// The fast path of `sluice status` (main.ts imports it by URL, so the build above leaves it out):
// one file of its own rather than a chunk set, because on a warm status each further ES module
// costs its share of a start that should be one directory walk.
await build({
  ...common,
  entryPoints: { 'status-fast-path': 'src/cli/status-fast-path.ts' },
  plugins: [directImports(SOURCE_DIR)],
});

// The files the bundled code reads at run time (the gRPC proto) go back beside the chunks: the
// bundle was cleared above, and a bundle rebuilt without them would fail at `serve --grpc-port`.
await import('./copy-assets.mjs');
