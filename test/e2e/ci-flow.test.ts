/**
 * `sluice ci` end to end, as a CI job runs it: the example pipeline in a git repository whose
 * data is tracked and whose production model (the registry's champion) is the strong scikit-learn
 * model from the shared fixtures. The expensive part (a first pipeline run that fills the cache) is
 * done once; each test works in its own copy of that repository, on a branch of its own.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { CiResult } from '../../src/ci/index.js';
import { scratchRepo, sluice, type CliResult, type ScratchRepo } from '../support/cli.js';
import { REPO_ROOT, sharedFixture } from '../support/fixtures.js';
import { makeTempDir } from '../support/temp-dir.js';

let prepared: ScratchRepo;

before(() => {
  prepared = scratchRepo({ 'README.md': 'A model project with CI.\n' });
  cpSync(join(REPO_ROOT, 'examples', 'pipeline'), prepared.root, { recursive: true });
  for (const args of [['init'], ['data', 'add', 'data/train.csv', 'data/test.csv'], ['models', 'register', sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), '--name', 'breast-cancer', '--alias', 'champion'], ['run']]) {
    const result = sluice(prepared.root, args);
    assert.equal(result.code, 0, `sluice ${args.join(' ')}: ${result.stderr}`);
  }
  prepared.git('add', '-A');
  prepared.git('commit', '-qm', 'example pipeline, tracked data, first run');
});
after(() => prepared?.remove());

/** A copy of the prepared repository on a new branch, removed after the test. */
function branch(t: { after(fn: () => void): void }, name: string): { root: string; edit(path: string, change: (text: string) => string): void; commit(message: string): void } {
  const temp = makeTempDir('sluice-ci-');
  t.after(() => temp.remove());
  const root = join(temp.path, 'repo');
  cpSync(prepared.root, root, { recursive: true });
  const git = (...args: string[]) => {
    const result = spawnSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 't@example.com' } });
    assert.equal(result.status, 0, result.stderr);
  };
  git('checkout', '-qb', name);
  return {
    root,
    edit: (path, change) => writeFileSync(join(root, path), change(readFileSync(join(root, path), 'utf8'))),
    commit: (message) => {
      git('add', '-A');
      git('commit', '-qm', message);
    },
  };
}

function ci(root: string, args: readonly string[] = []): { run: CliResult; result: CiResult } {
  const run = sluice(root, ['ci', '--json', 'ci.json', ...args]);
  return { run, result: JSON.parse(readFileSync(join(root, 'ci.json'), 'utf8')) as CiResult };
}

function statuses(result: CiResult): Record<string, string> {
  return Object.fromEntries(result.steps.map((step) => [step.name, step.status]));
}

test('a branch that changes a hyperparameter passes: gated with intervals, registered as challenger with lineage', (t) => {
  const repo = branch(t, 'smaller-c');
  repo.edit('params.yaml', (text) => text.replace('C: 1.0', 'C: 0.5'));
  repo.commit('C: 0.5');
  const { run, result } = ci(repo.root, ['--base', 'main']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(result.verdict, 'passed');
  assert.deepEqual(statuses(result), { data: 'passed', tests: 'skipped', pipeline: 'passed', gate: 'passed', register: 'passed', deploy: 'skipped' });
  const roc = result.gate!.intervals.roc_auc!;
  assert.ok(roc.candidate!.low <= result.gate!.report.candidate.metrics.roc_auc! && roc.candidate!.high >= roc.candidate!.low && roc.change !== undefined, JSON.stringify(roc));
  assert.deepEqual(result.diff?.params.map((row) => [row.key, row.old, row.new]), [['train.hyperparameters.C', 1, 0.5]]);
  const shown = sluice(repo.root, ['models', 'show', 'breast-cancer@challenger', '--json']);
  const version = JSON.parse(shown.stdout) as { version: number; lineage?: { runId?: string; stage?: string } };
  assert.deepEqual([version.version, version.lineage?.stage], [result.registration!.version, 'train']);
});

test('the weak configuration is blocked at the gate, naming each failed rule', (t) => {
  const repo = branch(t, 'weak');
  repo.edit('params.yaml', (text) => text.replace('features: []', 'features: [mean_texture, mean_smoothness, mean_symmetry]'));
  repo.commit('three features');
  const { run, result } = ci(repo.root);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.deepEqual([result.verdict, result.blockedAt, statuses(result).register], ['blocked', 'gate', 'not-run']);
  const failed = result.gate!.report.rules.filter((rule) => !rule.passed).map((rule) => rule.metric);
  assert.ok(failed.length > 0);
  for (const metric of failed) assert.match(run.stdout, new RegExp(`gate .*${metric}`));
});

test('data that breaks the schema is blocked at the data step with its violations', (t) => {
  const repo = branch(t, 'bad-data');
  repo.edit('data/train.csv', (text) => text.split('\n').map((line, index) => (index === 5 ? line.replace(/^[^,]+,/, '-12.5,') : line)).join('\n'));
  const { run, result } = ci(repo.root);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.deepEqual([result.blockedAt, statuses(result).pipeline], ['data', 'not-run']);
  const violations = result.data!.validations[0]!.violations.map((violation) => [violation.column, violation.rule]);
  assert.deepEqual(violations, [['mean_radius', 'min']]);
});

const FAILING_TESTS = `import { writeFileSync, mkdirSync } from 'node:fs';
mkdirSync('reports', { recursive: true });
writeFileSync('reports/junit.xml', \`<?xml version="1.0"?>
<testsuites><testsuite name="split">
<testcase classname="split" name="keeps every row"/>
<testcase classname="split" name="is stratified"><failure message="expected 0.37, got 0.5">trace</failure></testcase>
<testcase classname="split" name="is seeded"/>
</testsuite></testsuites>\`);
process.exit(1);
`;

test('failing unit tests are blocked at the tests step with their counts', (t) => {
  const repo = branch(t, 'failing-tests');
  repo.edit('sluice.yaml', (text) => text.replace('stages:\n', 'stages:\n  unit-tests:\n    uses: tests\n    with: {run: node tests.mjs, junit: reports/junit.xml}\n'));
  writeFileSync(join(repo.root, 'tests.mjs'), FAILING_TESTS);
  const { run, result } = ci(repo.root);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.deepEqual([result.blockedAt, statuses(result).pipeline], ['tests', 'not-run']);
  assert.deepEqual(result.tests?.counts, { tests: 3, failures: 1, errors: 0, skipped: 0 });
  assert.deepEqual(result.tests?.failed.map((failure) => failure.name), ['is stratified']);
});

test('an unknown SLUICE_CI_TRIGGER is a configuration error (exit 2) before anything runs', () => {
  const run = sluice(prepared.root, ['ci'], { SLUICE_CI_TRIGGER: 'tuesday' });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /SLUICE_CI_TRIGGER is "tuesday".*\[SLUICE_CI_INVALID_TRIGGER\]/s);
});
