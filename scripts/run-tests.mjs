#!/usr/bin/env node
// Runs every compiled test file with node's test runner. Files are listed explicitly because
// node 20 would also treat every file under a `test/` folder (our helpers) as a test.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = ['dist/src', 'dist/test'];
const files = [];
for (const root of roots) {
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.test.js')) files.push(join(entry.parentPath ?? entry.path, entry.name));
  }
}
const filter = process.argv.slice(2);
const selected = filter.length ? files.filter((file) => filter.some((part) => file.includes(part))) : files;
const result = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=2', ...selected.sort()], { stdio: 'inherit' });
process.exit(result.status ?? 1);
