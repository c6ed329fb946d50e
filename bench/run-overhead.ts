/**
 * What `sluice run` costs when there is nothing to do: a 50-stage pipeline, every stage
 * unchanged. This is the price of typing `sluice run` out of habit, paid on every CI build.
 *
 * The yardsticks are a bare `node` start (no CLI can be faster) and `sluice --version` (node plus
 * Sluice's entry point, before commands, the store or the pipeline are loaded).
 *
 * Run: `npm run bench:run`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatRatio, formatSeconds, git, initGitRepo, medianSeconds, printTable, reportGoal, SLUICE_BIN, timeSluice, timeSuccess, withTempDir, type TimedRun } from './support.js';

const STAGE_COUNT = 50;
/** Stages from here on also depend on the previous stage's out: a 25-long chain beside 25 leaves. */
const CHAIN_FROM = 25;
const REPETITIONS = 5;
const GOAL_SECONDS = 1;

const stageName = (index: number): string => `s${String(index).padStart(2, '0')}`;

function pipelineYaml(): string {
  const lines = ['stages:'];
  for (let index = 0; index < STAGE_COUNT; index++) {
    const name = stageName(index);
    const deps = index >= CHAIN_FROM ? `in.txt, out/${stageName(index - 1)}.txt` : 'in.txt';
    lines.push(`  ${name}:`, `    cmd: echo ${index} > out/${name}.txt`, `    deps: [${deps}]`, `    outs: [out/${name}.txt]`);
  }
  return `${lines.join('\n')}\n`;
}

/** A run that executed or restored anything measured more than the overhead. */
function expectAllUnchanged(run: TimedRun): TimedRun {
  const notUnchanged = Array.from({ length: STAGE_COUNT }, (_, index) => stageName(index)).filter(
    (name) => !new RegExp(`^\\s*${name}\\s+unchanged\\b`, 'm').test(run.stdout),
  );
  if (notUnchanged.length > 0 || !run.stdout.includes('Pipeline is up to date')) {
    throw new Error(`sluice run did not report every stage unchanged (not: ${notUnchanged.join(', ') || 'none'}):\n${run.stdout}`);
  }
  return run;
}

await withTempDir('sluice-bench-run-', async (root) => {
  console.log(`sluice run on a ${STAGE_COUNT}-stage pipeline with nothing changed (${root}), median of ${REPETITIONS} runs each.\n`);
  writeFileSync(join(root, 'in.txt'), 'shared input\n');
  writeFileSync(join(root, 'sluice.yaml'), pipelineYaml());
  initGitRepo(root);
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'pipeline');

  const first = timeSluice(root, ['run']);
  const ran = (first.stdout.match(/^\s*s\d\d\s+ran\b/gm) ?? []).length;
  if (ran !== STAGE_COUNT) throw new Error(`the first sluice run ran ${ran} of ${STAGE_COUNT} stages:\n${first.stdout}`);

  const medians = await medianSeconds(REPETITIONS, {
    node: () => timeSuccess(process.execPath, ['-e', '']).seconds,
    version: () => timeSuccess(process.execPath, [SLUICE_BIN, '--version']).seconds,
    run: () => expectAllUnchanged(timeSluice(root, ['run'])).seconds,
  });

  printTable(
    ['Command', 'Median', '÷ node startup'],
    [
      ['node -e ""', formatSeconds(medians.node), formatRatio(1)],
      ['sluice --version', formatSeconds(medians.version), formatRatio(medians.version / medians.node)],
      [`sluice run (${STAGE_COUNT} stages unchanged)`, formatSeconds(medians.run), formatRatio(medians.run / medians.node)],
    ],
  );
  const overhead = medians.run - medians.node;
  console.log(`\nOverhead of sluice run above node startup: ${formatSeconds(overhead)} (${formatSeconds(overhead / STAGE_COUNT)} per stage).`);
  console.log(`(first run, executing all ${STAGE_COUNT} stages: ${formatSeconds(first.seconds)}, ${formatRatio(first.seconds / medians.run)} the unchanged run)\n`);
  reportGoal(`unchanged sluice run < ${GOAL_SECONDS} s`, medians.run < GOAL_SECONDS);
  console.log(
    `Summary: an unchanged ${STAGE_COUNT}-stage sluice run takes ${formatSeconds(medians.run)}, ` +
      `${formatRatio(medians.run / medians.node)} a bare node start (${formatSeconds(medians.node)}).`,
  );
});
