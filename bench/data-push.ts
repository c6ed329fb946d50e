/**
 * `sluice data push` of 20,000 small files to a local remote: files per second, against a plain
 * recursive copy of the same tree (`cp -r`) in the same run: the floor for moving that many files,
 * with no hashing, no verification and no check of what the remote already has.
 *
 * Each push starts from an empty remote (the tracked tree is already in the cache, as after
 * `sluice data add`). A second figure times a push when the remote already has everything.
 *
 * Run: `npm run bench:push` (BENCH_FILES changes the count).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envInteger, formatRatio, formatSeconds, git, initGitRepo, medianSeconds, printTable, timeSluice, timeSuccess, withTempDir } from './support.js';

const FILES = envInteger('BENCH_FILES', 20_000);
const REPETITIONS = 3;

function writeTree(root: string): void {
  for (let index = 0; index < FILES; index++) {
    const dir = join(root, `d${String(index % 100).padStart(2, '0')}`);
    if (index < 100) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${index}.txt`), `sample ${index}\n${'x'.repeat(index % 500)}\n`);
  }
}

await withTempDir('sluice-bench-push-', async (dir) => {
  console.log(`sluice data push of ${FILES.toLocaleString('en')} small files to a local remote (${dir}), median of ${REPETITIONS} runs.\n`);
  const repo = join(dir, 'repo');
  mkdirSync(repo);
  initGitRepo(repo);
  writeTree(join(repo, 'data'));
  timeSluice(repo, ['init']);
  timeSluice(repo, ['data', 'add', 'data']);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'data');
  const remote = join(dir, 'remote');
  timeSluice(repo, ['remote', 'add', 'bench', remote, '--default']);

  const medians = await medianSeconds(REPETITIONS, {
    push: () => {
      rmSync(remote, { recursive: true, force: true });
      return timeSluice(repo, ['data', 'push']).seconds;
    },
    upToDate: () => timeSluice(repo, ['data', 'push']).seconds,
    copy: () => {
      rmSync(join(dir, 'copy'), { recursive: true, force: true });
      return timeSuccess('cp', ['-r', join(repo, 'data'), join(dir, 'copy')]).seconds;
    },
  });
  const rate = (seconds: number) => `${Math.round(FILES / seconds).toLocaleString('en')}`;
  printTable(
    ['Measure', 'Median', 'Files/s'],
    [
      ['sluice data push (empty remote)', formatSeconds(medians.push), rate(medians.push)],
      ['sluice data push (remote up to date)', formatSeconds(medians.upToDate), rate(medians.upToDate)],
      ['cp -r of the same tree (baseline)', formatSeconds(medians.copy), rate(medians.copy)],
    ],
  );
  console.log(`\nsluice data push takes ${formatRatio(medians.push / medians.copy)} the time of a plain copy.`);
});
