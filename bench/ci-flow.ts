/**
 * `sluice ci` on the example pipeline (issue 16's benchmark): the wall time of a CI run with a warm
 * cache and nothing changed (goal < 3 s), against the same work done by hand as separate commands
 * (`sluice run`, `sluice gate`, `sluice models register`); then after a one-param change, which
 * stages ran (only those the param affects).
 *
 * Run: `npm run bench:ci`.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSeconds, git, initGitRepo, medianSeconds, printTable, REPO_ROOT, reportGoal, timeSluice, withTempDir } from './support.js';

const REPETITIONS = 3;
const GOAL_SECONDS = 3;

interface CiJson {
  readonly verdict: string;
  readonly pipeline?: { readonly stages: readonly { readonly stage: string; readonly status: string }[] };
}

function ci(root: string): { seconds: number; result: CiJson } {
  const run = timeSluice(root, ['ci', '--json', 'ci.json']);
  const result = JSON.parse(readFileSync(join(root, 'ci.json'), 'utf8')) as CiJson;
  if (result.verdict !== 'passed') throw new Error(`sluice ci did not pass:\n${run.stdout}`);
  return { seconds: run.seconds, result };
}

const ranStages = (result: CiJson): string[] => (result.pipeline?.stages ?? []).filter((row) => row.status !== 'unchanged').map((row) => `${row.stage} (${row.status})`);

await withTempDir('sluice-bench-ci-', async (root) => {
  cpSync(join(REPO_ROOT, 'examples', 'pipeline'), root, { recursive: true });
  initGitRepo(root);
  timeSluice(root, ['init']);
  timeSluice(root, ['data', 'add', 'data/train.csv', 'data/test.csv']);
  timeSluice(root, ['models', 'register', join(REPO_ROOT, '..', 'shared', 'fixtures', 'breast_cancer', 'models', 'bc_logreg.onnx'), '--name', 'breast-cancer', '--alias', 'champion']);
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'example pipeline');
  const cold = ci(root);
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'first CI run');
  console.log(`sluice ci on examples/pipeline (${root}); first (cold) run: ${formatSeconds(cold.seconds)}. Median of ${REPETITIONS} runs each, warm cache, nothing changed.\n`);

  const medians = await medianSeconds(REPETITIONS, {
    ci: () => ci(root).seconds,
    byHand: () =>
      timeSluice(root, ['run']).seconds +
      timeSluice(root, ['gate']).seconds +
      timeSluice(root, ['models', 'register', 'models/candidate.onnx', '--name', 'breast-cancer', '--alias', 'challenger']).seconds,
  });
  printTable(
    ['Command', 'Median'],
    [
      ['sluice ci (data, pipeline, gate with intervals, register)', formatSeconds(medians.ci)],
      ['by hand: sluice run + sluice gate + sluice models register', formatSeconds(medians.byHand)],
    ],
  );
  reportGoal(`warm, unchanged sluice ci < ${GOAL_SECONDS} s`, medians.ci < GOAL_SECONDS);

  const params = join(root, 'params.yaml');
  writeFileSync(params, readFileSync(params, 'utf8').replace('C: 1.0', 'C: 0.5'));
  const changed = ci(root);
  console.log(`\nAfter one param change (train.hyperparameters.C: 1.0 → 0.5): ${formatSeconds(changed.seconds)}; stages that did work: ${ranStages(changed.result).join(', ') || 'none'}.`);
});
