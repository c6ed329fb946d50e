/**
 * BLAKE3 throughput of Sluice's hasher against `sha256sum` and `md5sum` (the hash DVC uses) on
 * the same file, read from the page cache so that the hash and not the disk is measured.
 *
 * Sluice's `hashFile` is timed in this process while the coreutils tools are spawned; a spawn
 * costs about a millisecond, nothing beside a gigabyte.
 *
 * The `sluice data add` row times the command at its defaults, process start included (hash,
 * store in the cache at the default link order, fsync, pointer): each run adds a fresh copy of
 * the file, already flushed to disk, in a fresh project. With reflinks or hardlinks nothing is
 * copied.
 *
 * Run: `npm run bench:hash`; BENCH_HASH_MIB sets the file size (default 1024).
 */
import { randomFillSync } from 'node:crypto';
import { closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { hashFile } from '../src/core/index.js';
import { envInteger, formatRatio, formatSeconds, hasCommand, medianSeconds, printTable, reportGoal, timeSluice, timeSuccess, withTempDir } from './support.js';

const SIZE_MIB = envInteger('BENCH_HASH_MIB', 1024);
const CHUNK_BYTES = 64 << 20;
const REPETITIONS = 3;
/** BLAKE3 should beat md5 by this factor, or the switch away from DVC's hash buys little. */
const GOAL_SPEED_UP = 2;

/** Writes `bytes` of random data: random so that no layer can compress or deduplicate it. */
function writeRandomFile(path: string, bytes: number): void {
  const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, bytes));
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < bytes; ) {
      const length = Math.min(chunk.length, bytes - written);
      randomFillSync(chunk, 0, length);
      for (let offset = 0; offset < length; ) offset += writeSync(fd, chunk, offset, length - offset);
      written += length;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Copies `source` into a fresh project (`sluice init`) and flushes it, then times the command a
 * user types, `sluice data add data.bin` at its defaults, process start included.
 */
function timeDataAdd(source: string, workspaceDir: string): { seconds: number; digest: string } {
  rmSync(workspaceDir, { recursive: true, force: true });
  mkdirSync(workspaceDir, { recursive: true });
  const path = join(workspaceDir, 'data.bin');
  copyFileSync(source, path);
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  warmPageCache(path);
  timeSluice(workspaceDir, ['init']);
  try {
    const { seconds } = timeSluice(workspaceDir, ['data', 'add', 'data.bin']);
    const digest = /hash: "blake3:([0-9a-f]+)"/.exec(readFileSync(join(workspaceDir, 'data.bin.sluice'), 'utf8'))?.[1] ?? '';
    return { seconds, digest };
  } finally {
    rmSync(workspaceDir, { recursive: true, force: true });
  }
}

/** Reads the whole file once, so every tool then finds it in the page cache. */
function warmPageCache(path: string): void {
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = openSync(path, 'r');
  try {
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

await withTempDir('sluice-bench-hash-', async (dir) => {
  const bytes = SIZE_MIB * (1 << 20);
  const path = join(dir, 'data.bin');
  console.log(`Hash throughput on a ${SIZE_MIB} MiB random file (${path}), median of ${REPETITIONS} runs each, page cache warm.\n`);
  writeRandomFile(path, bytes);
  warmPageCache(path);

  const digests = new Map<string, Set<string>>();
  const note = (tool: string, digest: string): void => {
    digests.set(tool, (digests.get(tool) ?? new Set()).add(digest));
  };
  const tasks: Record<string, () => number | Promise<number>> = {};
  tasks['sluice data add (defaults)'] = () => {
    const run = timeDataAdd(path, join(dir, 'workspace'));
    note('sluice data add', run.digest);
    return run.seconds;
  };
  tasks['sluice hashFile (BLAKE3, in process)'] = async () => {
    const start = performance.now();
    const digest = await hashFile(path, bytes);
    const seconds = (performance.now() - start) / 1000;
    note('sluice (BLAKE3)', digest);
    return seconds;
  };
  const missing: string[] = [];
  for (const tool of ['sha256sum', 'md5sum']) {
    if (!hasCommand(tool)) {
      missing.push(tool);
      continue;
    }
    tasks[tool] = () => {
      const run = timeSuccess(tool, [path]);
      note(tool, run.stdout.split(/\s/)[0] ?? '');
      return run.seconds;
    };
  }
  for (const tool of missing) console.log(`${tool} is not installed: skipped.`);

  const medians = await medianSeconds(REPETITIONS, tasks);
  const baseline = medians['md5sum'];
  printTable(
    ['Tool', 'Median', 'MB/s', 'Speed-up vs md5sum'],
    Object.entries(medians).map(([tool, seconds]) => [
      tool,
      formatSeconds(seconds),
      (bytes / 1e6 / seconds).toFixed(0),
      baseline === undefined ? 'n/a' : formatRatio(baseline / seconds),
    ]),
  );

  console.log('');
  for (const [tool, seen] of digests) {
    // Every run of a tool hashed the same bytes; two digests would mean a broken hasher or file.
    if (seen.size !== 1) throw new Error(`${tool} gave ${seen.size} different digests for the same file: ${[...seen].join(', ')}`);
    console.log(`${tool.padEnd(16)} ${[...seen][0]}`);
  }
  const added = digests.get('sluice data add');
  if (added && [...added][0] !== [...(digests.get('sluice (BLAKE3)') ?? [])][0]) {
    throw new Error('sluice data add recorded another hash than hashFile for the same file');
  }
  console.log('(no b3sum here to check the BLAKE3 digest against)\n');

  const blake3 = medians['sluice hashFile (BLAKE3, in process)']!;
  if (baseline === undefined) {
    console.log(`Goal: BLAKE3 ≥ ${GOAL_SPEED_UP}× faster than md5sum — cannot tell, md5sum is missing`);
    console.log(`Summary: BLAKE3 hashed ${SIZE_MIB} MiB in ${blake3.toFixed(3)} s; no md5sum to compare with.`);
    return;
  }
  const speedUp = baseline / blake3;
  reportGoal(`BLAKE3 ≥ ${GOAL_SPEED_UP}× faster than md5sum (DVC's hash)`, speedUp >= GOAL_SPEED_UP);
  reportGoal('sluice data add (defaults, process start included) at least as fast as md5sum alone', medians['sluice data add (defaults)']! <= baseline);
  console.log(
    `Summary: BLAKE3 hashed ${SIZE_MIB} MiB in ${blake3.toFixed(3)} s against md5sum's ${baseline.toFixed(3)} s, ${formatRatio(speedUp)} as fast.`,
  );
});
