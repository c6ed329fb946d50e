#!/usr/bin/env node
// Runs every compiled test file with node's test runner. Files are listed explicitly because
// node 20 would also treat every file under a `test/` folder (our helpers) as a test.
// The runner's output passes through; the last line repeats its totals as `N passed, N failed`.
//
// Nothing may hang the suite: every test and hook gets a default timeout (test-timeouts.mjs, 3 min;
// the slowest test takes under 1.5 min on a loaded 2-core machine) and fails by its own name, its
// `after` hooks stopping what it started; node 20's `--test-timeout` bounds each whole file
// (10 min; the slowest takes about 3), whose leftover children are killed when it is stopped.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

const FILE_TIMEOUT_MS = 600_000;
const perTestTimeouts = new URL('./test-timeouts.mjs', import.meta.url).href;

// End-to-end files first: they are the long ones, and with two at a time the short unit files
// then fill the gaps at the end instead of a long file starting last.
const roots = ['dist/test', 'dist/src'];
const files = [];
for (const root of roots) {
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.test.js')) files.push(join(entry.parentPath ?? entry.path, entry.name));
  }
}
const filter = process.argv.slice(2);
const byRoot = (file) => roots.findIndex((root) => file.startsWith(root));
files.sort((a, b) => byRoot(a) - byRoot(b) || a.localeCompare(b));
const selected = filter.length ? files.filter((file) => filter.some((part) => file.includes(part))) : files;

const child = spawn(process.execPath, [
  '--enable-source-maps',
  '--import',
  perTestTimeouts,
  '--test',
  '--test-reporter=tap',
  '--test-concurrency=2',
  `--test-timeout=${FILE_TIMEOUT_MS}`,
  ...selected,
], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const totals = { pass: undefined, fail: undefined };
let pending = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const lines = (pending + chunk.toString()).split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    const match = /^# (pass|fail) (\d+)$/.exec(line);
    if (match) totals[match[1]] = Number(match[2]);
  }
});
child.on('close', (code) => {
  if (totals.pass !== undefined) process.stdout.write(`${totals.pass} passed, ${totals.fail ?? 0} failed\n`);
  process.exit(code ?? 1);
});
