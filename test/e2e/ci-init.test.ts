import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { scratchRepo, sluice } from '../support/cli.js';
import { githubWorkflowErrors } from '../support/github-workflow-parser.js';

test('sluice ci init writes the pipeline file at the root of the project, refuses to overwrite it (exit 2), and replaces it with --force', (t) => {
  const repo = scratchRepo({ 'sluice.yaml': 'stages: {}\n', 'data/train.csv.sluice': 'outs: []\n' });
  t.after(() => repo.remove());
  const written = sluice(join(repo.root, 'data'), ['ci', 'init', '--provider', 'gitlab']);
  assert.equal(written.code, 0, written.stderr);
  assert.match(written.stdout, /Wrote \.gitlab-ci\.yml/);
  assert.match(readFileSync(join(repo.root, '.gitlab-ci.yml'), 'utf8'), /sluice ci --report sluice-report\.md --post auto/);
  assert.equal(existsSync(join(repo.root, 'data', '.gitlab-ci.yml')), false);

  const again = sluice(repo.root, ['ci', 'init', '--provider', 'gitlab']);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /\.gitlab-ci\.yml already exists.*--force.*\[SLUICE_CI_TEMPLATE_EXISTS\]/);

  const forced = sluice(repo.root, ['ci', 'init', '--provider', 'gitlab', '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /Replaced \.gitlab-ci\.yml/);
});

test('sluice ci init with an unknown provider names the accepted ones and exits 2', () => {
  const repo = scratchRepo({ 'sluice.yaml': 'stages: {}\n' });
  try {
    const result = sluice(repo.root, ['ci', 'init', '--provider', 'travis']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--provider must be github, gitlab, jenkins, circleci/);
  } finally {
    repo.remove();
  }
});

test('sluice ci init in a project that is a folder of its repository writes a workflow of its own at the repository root, whose steps run in the folder', async (t) => {
  const repo = scratchRepo({ 'ml/sluice.yaml': 'stages: {}\n', 'web/README.md': 'another project\n' });
  t.after(() => repo.remove());
  const result = sluice(join(repo.root, 'ml'), ['ci', 'init', '--provider', 'github']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Wrote \.github\/workflows\/sluice-ml\.yml at the repository root: runs `sluice ci` in ml/);
  assert.equal(existsSync(join(repo.root, 'ml', '.github')), false);
  const text = readFileSync(join(repo.root, '.github', 'workflows', 'sluice-ml.yml'), 'utf8');
  assert.deepEqual(await githubWorkflowErrors(text), []);
  const workflow = parse(text) as { on: { push: { paths: string[] } }; jobs: { sluice: { defaults: { run: { 'working-directory': string } } } } };
  assert.equal(workflow.jobs.sluice.defaults.run['working-directory'], 'ml');
  assert.ok(workflow.on.push.paths.every((path) => path.startsWith('ml/')), workflow.on.push.paths.join(', '));

  // One GitLab pipeline per repository: its job changes to the folder first.
  const gitlab = sluice(join(repo.root, 'ml'), ['ci', 'init', '--provider', 'gitlab']);
  assert.equal(gitlab.code, 0, gitlab.stderr);
  const pipeline = parse(readFileSync(join(repo.root, '.gitlab-ci.yml'), 'utf8')) as Record<string, { script?: string[] }>;
  assert.equal(pipeline['sluice-ml']?.script?.[1], 'cd ml');
});

test('the CircleCI nightly workflow runs on the branch the repository uses, not always main', (t) => {
  const repo = scratchRepo({ 'sluice.yaml': 'stages: {}\n' });
  t.after(() => repo.remove());
  repo.git('checkout', '-qb', 'trunk');
  const result = sluice(repo.root, ['ci', 'init', '--provider', 'circleci']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(readFileSync(join(repo.root, '.circleci', 'config.yml'), 'utf8'), /only:\s*(\[\s*)?-?\s*trunk/);
});
