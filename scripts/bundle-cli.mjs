#!/usr/bin/env node
// Bundles the CLI into dist/bundle/ (an entry file plus one chunk per lazily loaded part), which bin/sluice runs.
//
// Why: on Node 20, loading Kysely, zod, yaml and commander as ~400 separate ES modules costs about
// 240 ms at every command start; the same code from one file loads in about 55 ms. That start-up
// time is most of a warm `sluice status`. Native addons and drivers stay external.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry content hashes: clear the old ones.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: { sluice: 'src/cli/main.ts' },
  outdir: 'dist/bundle',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  // Chunks keep `sluice --version` from parsing the whole program.
  splitting: true,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  mainFields: ['module', 'main'],
  external: ['better-sqlite3', 'pg', '@napi-rs/blake-hash', '@duckdb/node-bindings', 'onnxruntime-node'],
  // CommonJS dependencies inside an ES module bundle need a `require`.
  banner: { js: "import { createRequire as __sluiceCreateRequire } from 'node:module'; const require = __sluiceCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
