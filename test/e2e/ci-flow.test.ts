/**
 * `sluice ci` end to end, as a CI job runs it: the example pipeline in a git repository whose
 * data is tracked and whose production model (the registry's champion) is the strong scikit-learn
 * model from the shared fixtures. The expensive part (a first pipeline run that fills the cache) is
 * done once; each test works in its own copy of that repository, on a branch of its own.
 */
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse, stringify } from 'yaml';
import type { CiResult } from '../../src/ci/index.js';
import { exited, scratchRepo, SLUICE_BIN, sluice, sluiceAsync, startSluice, stopProcess, type CliResult, type ScratchRepo } from '../support/cli.js';
import { pollUntil } from '../support/processes.js';
import { startFakeGithub } from '../support/fake-ci-services.js';
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

function ci(root: string, args: readonly string[] = []): { run: CliResult; result: CiResult; report: string } {
  const run = sluice(root, ['ci', '--json', 'ci.json', '--report', 'reports/ci.md', ...args]);
  return { run, result: JSON.parse(readFileSync(join(root, 'ci.json'), 'utf8')) as CiResult, report: readFileSync(join(root, 'reports', 'ci.md'), 'utf8') };
}

/** The report's verdict: its first line after the hidden watermark. */
function verdict(report: string): string {
  // Markdown escapes (`roc\_auc`) removed, as a reader sees it.
  return (report.split('\n').find((line) => line.trim() !== '' && !line.startsWith('<!--')) ?? '').replaceAll('\\_', '_');
}

function statuses(result: CiResult): Record<string, string> {
  return Object.fromEntries(result.steps.map((step) => [step.name, step.status]));
}

test('a branch that changes a hyperparameter passes: gated with intervals, registered as challenger with lineage', (t) => {
  const repo = branch(t, 'smaller-c');
  repo.edit('params.yaml', (text) => text.replace('C: 1.0', 'C: 0.5'));
  repo.commit('C: 0.5');
  const { run, result, report } = ci(repo.root, ['--base', 'main']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(result.verdict, 'passed');
  assert.match(verdict(report), /^✅/);
  // The metrics table against production: candidate, production, change and its 95 % interval per rule.
  assert.match(report, /\| *roc\\?_auc *\| *0\.9\d+ *\| *0\.9\d+ *\| *[+−-]?\d[\d.]* *\| *\[[+−-]?\d[\d.]*, *[+−-]?\d[\d.]*\]/);
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
  const { run, result, report } = ci(repo.root);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.deepEqual([result.verdict, result.blockedAt, statuses(result).register], ['blocked', 'gate', 'not-run']);
  const failed = result.gate!.report.rules.filter((rule) => !rule.passed).map((rule) => rule.metric);
  assert.ok(failed.length > 0);
  assert.match(verdict(report), /^❌.*blocked at gate/);
  for (const metric of failed) {
    assert.match(run.stdout, new RegExp(`gate .*${metric}`));
    assert.ok(verdict(report).includes(metric), `the verdict line names ${metric}: ${verdict(report)}`);
  }
  // Without `details:` the gate stage's exit code 1 says its rules failed: still the gate's verdict, not a broken pipeline.
  repo.edit('sluice.yaml', (text) => text.replace('      details: reports/gate.json\n', ''));
  repo.commit('no gate details');
  const plain = ci(repo.root);
  assert.equal(plain.run.code, 1, plain.run.stdout + plain.run.stderr);
  assert.deepEqual([plain.result.blockedAt, statuses(plain.result).pipeline], ['gate', 'passed'], JSON.stringify(plain.result.steps));
  assert.deepEqual(plain.result.gate!.report.rules.filter((rule) => !rule.passed).map((rule) => rule.metric), failed);
});

test('data that breaks the schema is blocked at the data step with its violations', (t) => {
  const repo = branch(t, 'bad-data');
  repo.edit('data/train.csv', (text) => text.split('\n').map((line, index) => (index === 5 ? line.replace(/^[^,]+,/, '-12.5,') : line)).join('\n'));
  const { run, result, report } = ci(repo.root);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.deepEqual([result.blockedAt, statuses(result).pipeline], ['data', 'not-run']);
  const violations = result.data!.validations[0]!.violations.map((violation) => [violation.column, violation.rule]);
  assert.deepEqual(violations, [['mean_radius', 'min']]);
  assert.match(verdict(report), /^❌.*blocked at data/);
  assert.match(report, /mean_radius.*min/);
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
  const { run, result, report } = ci(repo.root);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.deepEqual([result.blockedAt, statuses(result).pipeline], ['tests', 'not-run']);
  assert.match(verdict(report), /^❌.*blocked at tests/);
  assert.match(report, /is stratified/);
  assert.deepEqual(result.tests?.counts, { tests: 3, failures: 1, errors: 0, skipped: 0 });
  assert.deepEqual(result.tests?.failed.map((failure) => failure.name), ['is stratified']);
});

test('a cancelled job (SIGINT mid-stage) exits 130 with no verdict: no report, no JSON, the run recorded as KILLED', async (t) => {
  const repo = branch(t, 'cancelled');
  repo.edit('sluice.yaml', (text) => text.replace('cmd: node src/split.mjs', 'cmd: sleep 30; node src/split.mjs'));
  repo.commit('a slow prepare stage');
  const child = startSluice(repo.root, ['ci', '--json', 'ci.json', '--report', 'reports/ci.md']);
  t.after(() => stopProcess(child));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  await pollUntil(() => (stderr.includes('▶ prepare') ? true : undefined), 'the prepare stage to start', 60_000);
  child.kill('SIGINT');
  const { code } = await exited(child, 60_000);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /Interrupted during the pipeline step: no verdict was reached.*SLUICE_CI_INTERRUPTED/s);
  assert.equal(existsSync(join(repo.root, 'ci.json')), false);
  assert.equal(existsSync(join(repo.root, 'reports', 'ci.md')), false);
  const { runs } = JSON.parse(sluice(repo.root, ['runs', 'list', '--all', '--json', '--filter', "tags.sluice.kind = 'ci'"]).stdout) as { runs: { status: string }[] };
  assert.deepEqual(runs.map((run) => run.status), ['KILLED']);
});

test('a test runner that crashes leaving half a JUnit report blocks at the tests step, with the report written and the JUnit file noted', (t) => {
  const repo = branch(t, 'crashed-tests');
  repo.edit('sluice.yaml', (text) => text.replace('stages:\n', 'stages:\n  unit-tests:\n    uses: tests\n    with: {run: node tests.mjs, junit: reports/junit.xml}\n'));
  writeFileSync(join(repo.root, 'tests.mjs'), `import { writeFileSync, mkdirSync } from 'node:fs';\nmkdirSync('reports', { recursive: true });\nwriteFileSync('reports/junit.xml', '<testsuites><testsuite name=x tests=3');\nprocess.exit(1);\n`);
  const { run, result, report } = ci(repo.root);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.equal(result.blockedAt, 'tests');
  assert.match(result.steps.find((step) => step.name === 'tests')!.summary, /reports\/junit\.xml could not be read/);
  assert.match(verdict(report), /^❌.*blocked at tests/);
});

test('an unknown SLUICE_CI_TRIGGER is a configuration error (exit 2) before anything runs', () => {
  const run = sluice(prepared.root, ['ci'], { SLUICE_CI_TRIGGER: 'tuesday' });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /SLUICE_CI_TRIGGER is "tuesday".*\[SLUICE_CI_INVALID_TRIGGER\]/s);
});

test('--plots without --report is a usage error (exit 2) before anything runs: the charts would be linked from nowhere', () => {
  const run = sluice(prepared.root, ['ci', '--plots', 'charts']);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /--plots writes the charts that --report links to: give --report FILE too/);
});

test('--deploy naming no environment of sluice.yaml is a configuration error (exit 2) before anything is registered', () => {
  const before = sluice(prepared.root, ['models', 'list', '--json']).stdout;
  const run = sluice(prepared.root, ['ci', '--deploy', 'staging']);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /staging.*\[SLUICE_DEPLOY_ENVIRONMENT_NOT_FOUND\]/s);
  assert.equal(sluice(prepared.root, ['models', 'list', '--json']).stdout, before, 'no version registered, no alias moved');
});

test('several gate sets with no --gate, or a --gate naming none of them, fail (exit 2) before the flow runs', (t) => {
  const repo = branch(t, 'gate-sets');
  repo.edit('sluice.yaml', (text) => {
    const document = parse(text) as { gates: Record<string, unknown> };
    return stringify({ ...document, gates: { main: document.gates, strict: document.gates } });
  });
  const before = sluice(repo.root, ['runs', 'list', '--json']).stdout;
  const unnamed = sluice(repo.root, ['ci']);
  assert.equal(unnamed.code, 2, unnamed.stderr);
  assert.match(unnamed.stderr, /has 2 gate sets \(main, strict\): choose one with --gate NAME.*\[SLUICE_GATE_SET_REQUIRED\]/s);
  const typo = sluice(repo.root, ['ci', '--gate', 'stict']);
  assert.equal(typo.code, 2, typo.stderr);
  assert.match(typo.stderr, /has no gate set "stict"\. Did you mean "strict"\?/);
  assert.equal(sluice(repo.root, ['runs', 'list', '--json']).stdout, before, 'no run recorded');
});

test('a --json path that is a folder fails (exit 2) before the flow runs, not after it', (t) => {
  const repo = branch(t, 'json-folder');
  mkdirSync(join(repo.root, 'out'));
  const before = sluice(repo.root, ['runs', 'list', '--json']).stdout;
  const run = sluice(repo.root, ['ci', '--json', 'out']);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /Cannot write out: it is a directory.*\[SLUICE_CORE_FILE_NOT_WRITABLE\]/s);
  assert.equal(sluice(repo.root, ['runs', 'list', '--json']).stdout, before, 'no run recorded');
});

test('a --plots folder that is a file, and --push with no remote to push to, fail (exit 2) before the flow runs', (t) => {
  const repo = branch(t, 'plots-file');
  const before = sluice(repo.root, ['runs', 'list', '--json']).stdout;
  const plots = sluice(repo.root, ['ci', '--report', 'r.md', '--plots', 'params.yaml']);
  assert.equal(plots.code, 2, plots.stderr);
  assert.match(plots.stderr, /Cannot write params\.yaml: it is a file, not a folder.*\[SLUICE_CORE_FILE_NOT_WRITABLE\]/s);
  const push = sluice(repo.root, ['ci', '--push']);
  assert.equal(push.code, 2, push.stderr);
  assert.match(push.stderr, /SLUICE_REMOTE_NOT_CONFIGURED|no default remote/i);
  assert.equal(sluice(repo.root, ['runs', 'list', '--json']).stdout, before, 'no run recorded');
});

test('--post github: the first run comments and sets sluice/gate, the second updates the same comment; no token, no request', async (t) => {
  const repo = branch(t, 'posted');
  repo.edit('params.yaml', (text) => text.replace('C: 1.0', 'C: 0.5'));
  repo.commit('C: 0.5');
  const github = await startFakeGithub();
  t.after(() => github.close());
  const event = join(repo.root, '..', 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 12, head: { sha: 'c'.repeat(40) } } }));
  const env = { GITHUB_ACTIONS: 'true', GITHUB_API_URL: github.api.origin, GITHUB_REPOSITORY: 'acme/cancer', GITHUB_SHA: 'd'.repeat(40), GITHUB_EVENT_PATH: event };

  const anonymous = await sluiceAsync(repo.root, ['ci', '--post', 'github'], { ...env, GITHUB_TOKEN: '' });
  assert.equal(anonymous.code, 0, anonymous.stderr);
  assert.equal(github.api.requests.length, 0, 'nothing is sent without a token');

  for (let run = 0; run < 2; run++) {
    const posted = await sluiceAsync(repo.root, ['ci', '--post', 'github'], { ...env, GITHUB_TOKEN: 'ghs_test' });
    assert.equal(posted.code, 0, posted.stderr);
  }
  const comments = github.comments.get(12) ?? [];
  assert.equal(comments.length, 1, 'one comment, updated by the second run');
  assert.match(comments[0]!.body, /^<!-- sluice-ci-report -->\n✅/);
  assert.deepEqual(github.statuses.map((status) => [status.sha, status.body.context, status.body.state]), [['c'.repeat(40), 'sluice/gate', 'success'], ['c'.repeat(40), 'sluice/gate', 'success']]);
  assert.ok(github.api.requests.every((request) => request.headers.authorization === 'Bearer ghs_test'));
});

test('the GitHub workflow that `sluice ci init` writes passes on the example, its run: steps executed one by one in a shell', (t) => {
  const repo = branch(t, 'github-actions');
  assert.equal(sluice(repo.root, ['ci', 'init', '--provider', 'github']).code, 0);
  repo.commit('CI workflow');
  const workflow = parse(readFileSync(join(repo.root, '.github', 'workflows', 'sluice.yml'), 'utf8')) as { jobs: Record<string, { steps: { name?: string; run?: string; env?: Record<string, string> }[] }> };
  // The machine has this build of Sluice instead of the release the Install step fetches from npm.
  const bin = join(repo.root, '..', 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'sluice'), `#!/bin/sh\nexec "${process.execPath}" "${SLUICE_BIN}" "$@"\n`);
  chmodSync(join(bin, 'sluice'), 0o755);
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps).filter((step) => step.run !== undefined && step.name !== 'Install');
  assert.ok(steps.some((step) => /sluice ci/.test(step.run!)), 'the workflow runs sluice ci');
  for (const step of steps) {
    // Expressions (${{ secrets.… }}) are empty here, as on a fork without secrets.
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, String(value).replace(/\$\{\{[^}]*\}\}/g, '')]));
    const result = spawnSync('bash', ['-e', '-c', step.run!], { cwd: repo.root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...stepEnv, PATH: `${bin}:${process.env.PATH}`, GITHUB_ACTIONS: 'true', NO_COLOR: '1' } });
    assert.equal(result.status, 0, `step ${step.name ?? step.run}: ${result.stdout}${result.stderr}`);
  }
  assert.match(readFileSync(join(repo.root, 'sluice-report.md'), 'utf8'), /^<!-- sluice-ci-report -->\n✅/);
});

test('on a fresh machine with the default remote as shared cache, sluice ci pulls the data and the stages computed elsewhere instead of running them', (t) => {
  const repo = branch(t, 'fresh-machine');
  const remote = join(repo.root, '..', 'remote');
  for (const args of [['remote', 'add', 'storage', remote, '--default'], ['data', 'push'], ['run', '--push']]) {
    const result = sluice(repo.root, args);
    assert.equal(result.code, 0, `sluice ${args.join(' ')}: ${result.stderr}`);
  }
  // What a new CI machine lacks: the cache, the data and every output.
  for (const path of ['.sluice/cache', 'data/train.csv', 'data/test.csv', 'data/prepared', 'models']) rmSync(join(repo.root, path), { recursive: true, force: true });
  const { run, result } = ci(repo.root);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(result.data!.pointers.map((pointer) => pointer.state).sort(), ['pulled', 'pulled']);
  assert.deepEqual(result.pipeline!.stages.filter((stage) => stage.status === 'ran').map((stage) => stage.stage), [], 'no stage ran');
  assert.ok(result.pipeline!.stages.some((stage) => stage.status === 'restored-run-cache' || stage.status === 'restored'));
});

test('new training data is compared with the data the production model was trained on, found through its lineage', (t) => {
  const repo = branch(t, 'new-data');
  repo.edit('params.yaml', (text) => text.replace('C: 1.0', 'C: 0.5'));
  repo.commit('C: 0.5');
  const first = ci(repo.root);
  assert.equal(first.run.code, 0, first.run.stdout + first.run.stderr);
  // The candidate, trained by the pipeline and registered with its lineage, goes to production.
  assert.equal(sluice(repo.root, ['models', 'alias', 'breast-cancer', 'champion', String(first.result.registration!.version)]).code, 0);
  cpSync(sharedFixture('breast_cancer', 'current_drifted.csv'), join(repo.root, 'data', 'train.csv'));
  assert.equal(sluice(repo.root, ['data', 'add', 'data/train.csv']).code, 0);
  repo.commit('new training data');
  const { run, result, report } = ci(repo.root);
  const drift = result.data!.drift;
  assert.ok(drift, `${result.data!.driftNote ?? ''}\n${run.stderr}`);
  assert.match(drift.reference, /models:\/breast-cancer@champion/);
  const drifted = Object.entries(drift.result.columns).filter(([, column]) => column.drifted).map(([name]) => name);
  for (const column of ['mean_radius', 'mean_texture', 'mean_area']) assert.ok(drifted.includes(column), `${column} drifted: ${drifted.join(', ')}`);
  assert.match(report.replaceAll('\\_', '_'), /mean_radius/);
});
