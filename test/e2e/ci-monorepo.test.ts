/**
 * `sluice ci` in a project that is a folder of its repository (a monorepo's ml/): it runs there,
 * and posts a comment and a commit status of its own, beside those of the repository's other projects.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { scratchRepo, SLUICE_BIN, sluice, sluiceAsync } from '../support/cli.js';
import { startFakeGithub } from '../support/fake-ci-services.js';

const PIPELINE = ['stages:', '  count:', '    cmd: wc -c < in.txt > metrics.json', '    deps: [in.txt]', '    metrics: [metrics.json]', ''].join('\n');

test('sluice ci --post github in ml/ of a repository posts the comment and the status sluice/gate (ml)', async (t) => {
  const repo = scratchRepo({ 'ml/sluice.yaml': PIPELINE, 'ml/in.txt': 'hello\n', 'web/README.md': 'another project\n' });
  t.after(() => repo.remove());
  const project = join(repo.root, 'ml');
  assert.equal(sluice(project, ['init']).code, 0);
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'sluice init');

  const github = await startFakeGithub();
  t.after(() => github.close());
  const event = join(repo.outside, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 5, head: { sha: 'e'.repeat(40) } } }));
  const env = { GITHUB_ACTIONS: 'true', GITHUB_API_URL: github.api.origin, GITHUB_REPOSITORY: 'acme/mono', GITHUB_SHA: 'f'.repeat(40), GITHUB_EVENT_PATH: event, GITHUB_TOKEN: 'ghs_test' };
  const posted = await sluiceAsync(project, ['ci', '--post', 'github'], env);
  assert.equal(posted.code, 0, posted.stderr);
  assert.match(posted.stderr, /commit status sluice\/gate \(ml\)/);
  assert.match(github.comments.get(5)?.[0]?.body ?? '', /^<!-- sluice-ci-report ml -->\n/);
  assert.deepEqual(github.statuses.map((status) => [status.body.context, status.body.state]), [['sluice/gate (ml)', 'success']]);
});

test('the GitHub workflow sluice ci init writes for ml/ passes, its run: steps executed where GitHub runs them', (t) => {
  const repo = scratchRepo({ 'ml/sluice.yaml': PIPELINE, 'ml/in.txt': 'hello\n', 'web/README.md': 'another project\n' });
  t.after(() => repo.remove());
  const project = join(repo.root, 'ml');
  assert.equal(sluice(project, ['init']).code, 0);
  assert.equal(sluice(project, ['ci', 'init', '--provider', 'github']).code, 0);
  repo.git('add', '-A');
  repo.git('commit', '-qm', 'sluice and its CI workflow');
  type Step = { name?: string; run?: string; 'working-directory'?: string };
  const workflow = parse(readFileSync(join(repo.root, '.github', 'workflows', 'sluice-ml.yml'), 'utf8')) as { jobs: { sluice: { defaults?: { run?: { 'working-directory'?: string } }; steps: Step[] } } };
  const job = workflow.jobs.sluice;
  // This build of Sluice stands in for the release the Install step fetches from npm.
  const bin = join(repo.outside, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'sluice'), `#!/bin/sh\nexec "${process.execPath}" "${SLUICE_BIN}" "$@"\n`);
  chmodSync(join(bin, 'sluice'), 0o755);
  const steps = job.steps.filter((step) => step.run !== undefined && step.name !== 'Install');
  assert.ok(steps.some((step) => /sluice ci/.test(step.run!)), 'the workflow runs sluice ci');
  for (const step of steps) {
    // GitHub starts a run: step in its working-directory, else the job's default, from the repository root.
    const cwd = join(repo.root, step['working-directory'] ?? job.defaults?.run?.['working-directory'] ?? '');
    const result = spawnSync('bash', ['-e', '-c', step.run!], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1' } });
    assert.equal(result.status, 0, `step ${step.name ?? step.run}: ${result.stdout}${result.stderr}`);
  }
  // Where the upload-artifact step looks for it, from the repository root.
  const upload = job.steps.find((step) => step.name === 'Keep the report') as Step & { with: { path: string } };
  assert.equal(upload.with.path, 'ml/sluice-report.md');
  assert.ok(existsSync(join(repo.root, upload.with.path)));
});
