#!/usr/bin/env node
// `npm run demo`: the end-to-end demo on the embedded default (SQLite + local files).
// Copies examples/pipeline into a fresh git repository in a temp dir and walks through what
// Sluice does: a first run, a run that does nothing, a param change that reruns only what
// depends on it, the run cache, and the record of every run.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const sluiceBin = join(repoRoot, 'bin', 'sluice');
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'sluice-demo-'));
const project = join(work, 'project');

const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

function step(title) {
  process.stdout.write(`\n${bold(`━━ ${title}`)}\n`);
}

function sh(command, args, { allowFailure = false } = {}) {
  process.stdout.write(`${bold('$')} ${[command === process.execPath ? 'sluice' : command, ...(command === process.execPath ? args.slice(1) : args)].join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: project, stdio: 'inherit', env: { ...process.env, GIT_AUTHOR_NAME: 'Demo', GIT_AUTHOR_EMAIL: 'demo@example.com', GIT_COMMITTER_NAME: 'Demo', GIT_COMMITTER_EMAIL: 'demo@example.com' } });
  if (result.status !== 0 && !allowFailure) {
    process.stderr.write(`\ndemo: \`${command} ${args.join(' ')}\` exited with ${result.status}; the demo project is kept at ${project}\n`);
    process.exit(1);
  }
  return result.status;
}

const sluice = (...args) => sh(process.execPath, [sluiceBin, ...args]);
const git = (...args) => sh('git', ['-c', 'init.defaultBranch=main', ...args]);

function setParam(from, to) {
  const path = join(project, 'params.yaml');
  writeFileSync(path, readFileSync(path, 'utf8').replace(from, to));
  process.stdout.write(`(params.yaml: ${from} → ${to})\n`);
}

try {
  step('A fresh project: the example pipeline, committed to git');
  cpSync(join(repoRoot, 'examples', 'pipeline'), project, { recursive: true });
  git('init', '-q');
  sluice('init');
  git('add', '-A');
  git('commit', '-qm', 'Example pipeline');
  sluice('dag');

  step('First run: every stage executes, outputs go to the content-addressed cache');
  sluice('run');
  git('add', '-A');
  git('commit', '-qm', 'First run: sluice.lock and metrics');

  step('Second run: nothing changed, so no command executes');
  sluice('run');

  step('Change one param: only the stages that read it (and their dependents) rerun');
  setParam('learning_rate: 0.1', 'learning_rate: 0.5');
  sluice('status');
  sluice('run');
  sluice('params', 'diff');
  sluice('metrics', 'diff');

  step('Back to the earlier value: restored from the run cache without executing');
  setParam('learning_rate: 0.5', 'learning_rate: 0.1');
  sluice('run');

  step('A deleted output comes back from the cache');
  rmSync(join(project, 'model'), { recursive: true, force: true });
  sluice('run');

  step('Every run is recorded in the metadata store (.sluice/sluice.db)');
  sluice('runs');
  sluice('metrics', 'show');

  process.stdout.write(`\n${bold('Demo complete.')} ${keep ? `The project is at ${project}` : 'Run with `npm run demo -- --keep` to keep the project and explore it.'}\n`);
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
