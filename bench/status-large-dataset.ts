/**
 * `sluice status` on a pipeline whose dependency is a 20,000-file dataset, with nothing changed.
 *
 * Cold (no stat cache) status must hash every file, so its yardstick is md5sum over the same
 * files: what a DVC-style tool pays. Warm status should only stat the files, so its yardstick is
 * `git status` on the same tree, which stats every tracked file and does nothing else. A warm
 * status is answered from the status snapshot the previous one wrote; the full check (pipeline
 * loaded, stat cache read) is measured beside it.
 *
 * Run: `npm run bench:status`; BENCH_FILES sets the number of files (default 20,000).
 */
import { randomFillSync } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  envInteger,
  formatRatio,
  formatSeconds,
  git,
  initGitRepo,
  medianSeconds,
  printTable,
  reportGoal,
  timeSluice,
  timeSuccess,
  withTempDir,
  type TimedRun,
} from './support.js';

const FILE_COUNT = envInteger('BENCH_FILES', 20_000);
const FOLDERS = 100;
const FILE_BYTES = 4 << 10;
/** Cold runs each rebuild the whole stat cache, so a few are enough to smooth out noise. */
const COLD_REPETITIONS = 3;
const WARM_REPETITIONS = 5;
const GOAL_WARM_SECONDS = 0.5;
/** Issue 13's goal: warm status within this factor of git status over the same files. */
const GOAL_GIT_RATIO = 5;

const PIPELINE = `stages:
  count:
    cmd: find data/raw -type f | wc -l > count.txt
    deps: [data/raw]
    outs: [count.txt]
`;

/** DVC hashes every file with md5 when it has no state: the cost of a cold status. */
const MD5_ALL = 'find data/raw -type f -print0 | xargs -0 md5sum > /dev/null';

/** Random content, so that no two files share an object and nothing is deduplicated away. */
function writeDataset(root: string): void {
  const folders = Math.min(FOLDERS, FILE_COUNT);
  const width = String(FILE_COUNT - 1).length;
  for (let folder = 0; folder < folders; folder++) mkdirSync(join(root, 'data', 'raw', `d${String(folder).padStart(2, '0')}`), { recursive: true });
  const content = Buffer.allocUnsafe(FILE_BYTES);
  for (let index = 0; index < FILE_COUNT; index++) {
    randomFillSync(content);
    const folder = `d${String(index % folders).padStart(2, '0')}`;
    writeFileSync(join(root, 'data', 'raw', folder, `f${String(index).padStart(width, '0')}.bin`), content);
  }
}

/** A status that found something stale would be measuring a different amount of work. */
function expectUpToDate(run: TimedRun): TimedRun {
  if (!run.stdout.includes('Pipeline is up to date.')) throw new Error(`sluice status did not report the pipeline up to date:\n${run.stdout}`);
  return run;
}

/** The status snapshot (`.sluice/tmp/status-snapshot.json`): without it, status checks in full. */
function deleteStatusSnapshot(root: string): void {
  rmSync(join(root, '.sluice', 'tmp', 'status-snapshot.json'), { force: true });
}

/** The stat cache's files (`.sluice/tmp/stat-cache`), and the status snapshot, which would answer without them. */
function deleteStatCache(root: string): void {
  rmSync(join(root, '.sluice', 'tmp', 'stat-cache'), { recursive: true, force: true });
  deleteStatusSnapshot(root);
}

await withTempDir('sluice-bench-status-', async (root) => {
  console.log(`sluice status on ${FILE_COUNT.toLocaleString('en')} files of ${FILE_BYTES / 1024} KiB in ${Math.min(FOLDERS, FILE_COUNT)} folders (${root}), page cache warm.\n`);
  initGitRepo(root);
  writeDataset(root);
  writeFileSync(join(root, 'sluice.yaml'), PIPELINE);

  // Creates the lock; this run also hashes every file and fills the stat cache.
  const firstRun = timeSluice(root, ['run']);
  // Committed, the files are tracked, so `git status` stats each of them as the floor should.
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'dataset and pipeline');

  const cold = await medianSeconds(COLD_REPETITIONS, {
    status: () => {
      deleteStatCache(root);
      return expectUpToDate(timeSluice(root, ['status'])).seconds;
    },
    md5sum: () => timeSuccess('sh', ['-c', MD5_ALL], { cwd: root }).seconds,
  });

  // The first `git status` after a commit may rewrite the index (racily clean entries); not the steady state.
  git(root, 'status', '--porcelain');
  const warm = await medianSeconds(WARM_REPETITIONS, {
    status: () => {
      // The status before it (a full check) wrote the snapshot this one answers from.
      if (!existsSync(join(root, '.sluice', 'tmp', 'status-snapshot.json'))) throw new Error('the full check before the warm status wrote no status snapshot');
      return expectUpToDate(timeSluice(root, ['status'])).seconds;
    },
    fullCheck: () => {
      deleteStatusSnapshot(root);
      return expectUpToDate(timeSluice(root, ['status'])).seconds;
    },
    gitStatus: () => timeSuccess('git', ['status', '--porcelain'], { cwd: root }).seconds,
    nodeStart: () => timeSuccess(process.execPath, ['-e', '']).seconds,
  });

  printTable(
    ['Measure', 'Runs', 'Median'],
    [
      ['sluice status, warm (defaults: answered from the status snapshot)', String(WARM_REPETITIONS), formatSeconds(warm.status)],
      ['sluice status, warm, full check (snapshot deleted, stat cache warm)', String(WARM_REPETITIONS), formatSeconds(warm.fullCheck)],
      ['git status --porcelain (stat-every-file floor)', String(WARM_REPETITIONS), formatSeconds(warm.gitStatus)],
      ["node -e '' (Node's own start, no work)", String(WARM_REPETITIONS), formatSeconds(warm.nodeStart)],
      ['sluice status, cold (stat cache deleted)', String(COLD_REPETITIONS), formatSeconds(cold.status)],
      ['md5sum over every file (DVC-style cold hash)', String(COLD_REPETITIONS), formatSeconds(cold.md5sum)],
      ['sluice run, first (hashes every file, runs the stage)', '1', formatSeconds(firstRun.seconds)],
    ],
  );
  console.log('');
  printTable(
    ['Ratio', 'Value'],
    [
      ['warm status ÷ git status', formatRatio(warm.status / warm.gitStatus)],
      ['warm full check ÷ git status', formatRatio(warm.fullCheck / warm.gitStatus)],
      ["node's start ÷ git status", formatRatio(warm.nodeStart / warm.gitStatus)],
      ['cold status ÷ md5sum', formatRatio(cold.status / cold.md5sum)],
      ['cold status ÷ warm status', formatRatio(cold.status / warm.status)],
      ['first run ÷ md5sum', formatRatio(firstRun.seconds / cold.md5sum)],
    ],
  );
  console.log('');
  reportGoal(`warm sluice status ≤ ${GOAL_GIT_RATIO}× git status`, warm.status <= GOAL_GIT_RATIO * warm.gitStatus);
  reportGoal(`warm sluice status < ${GOAL_WARM_SECONDS} s`, warm.status < GOAL_WARM_SECONDS);
  console.log(
    `Summary: on ${FILE_COUNT.toLocaleString('en')} files, warm status takes ${formatSeconds(warm.status)} ` +
      `(${formatRatio(warm.status / warm.gitStatus)} git status), cold ${formatSeconds(cold.status)} (${formatRatio(cold.status / cold.md5sum)} md5sum).`,
  );
});
