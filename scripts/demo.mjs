#!/usr/bin/env node
// `npm run demo`: the end-to-end demo on the embedded default (SQLite + local files).
// Copies examples/pipeline into a fresh git repository in a temp dir and walks through what
// Sluice does: train with the built-in trainer, evaluate, gate against the model in production,
// skip what did not change, rerun only what a param change affects, block a weak model, and
// restore earlier results from the run cache.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const sluiceBin = join(repoRoot, 'bin', 'sluice');
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'sluice-demo-'));
const project = join(work, 'project');
const sharedProductionModel = join(repoRoot, '..', 'shared', 'fixtures', 'breast_cancer', 'models', 'bc_logreg.onnx');

const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const gitEnv = { GIT_AUTHOR_NAME: 'Demo', GIT_AUTHOR_EMAIL: 'demo@example.com', GIT_COMMITTER_NAME: 'Demo', GIT_COMMITTER_EMAIL: 'demo@example.com' };

function step(title) {
  process.stdout.write(`\n${bold(`━━ ${title}`)}\n`);
}

function sh(command, args, { expectFailure = false } = {}) {
  const shown = command === process.execPath ? ['sluice', ...args.slice(1)] : [command, ...args];
  process.stdout.write(`${bold('$')} ${shown.join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: project, stdio: 'inherit', env: { ...process.env, ...gitEnv } });
  const failed = result.status !== 0;
  if (failed !== expectFailure) {
    process.stderr.write(`\ndemo: \`${shown.join(' ')}\` ${failed ? `exited with ${result.status}` : 'succeeded but was expected to fail'}; the project is kept at ${project}\n`);
    process.exit(1);
  }
  if (expectFailure) process.stdout.write(`(exit code ${result.status}, as expected)\n`);
}

const sluice = (...args) => sh(process.execPath, [sluiceBin, ...args]);
const sluiceFails = (...args) => sh(process.execPath, [sluiceBin, ...args], { expectFailure: true });
const git = (...args) => sh('git', ['-c', 'init.defaultBranch=main', ...args]);

function editParams(from, to) {
  const path = join(project, 'params.yaml');
  writeFileSync(path, readFileSync(path, 'utf8').replace(from, to));
  process.stdout.write(`(params.yaml: ${from.trim()} → ${to.trim()})\n`);
}

try {
  step('A fresh project: the example pipeline and the model now in production, committed to git');
  cpSync(join(repoRoot, 'examples', 'pipeline'), project, { recursive: true });
  mkdirSync(join(project, 'models'), { recursive: true });
  git('init', '-q');
  if (existsSync(sharedProductionModel)) {
    copyFileSync(sharedProductionModel, join(project, 'models', 'production.onnx'));
    process.stdout.write('(models/production.onnx: the strong scikit-learn logistic regression from ../shared/fixtures)\n');
  } else {
    sluice('train', '--data', 'data/train.csv', '--target', 'target', '--algorithm', 'logistic_regression', '--out', 'models/production.onnx');
  }
  sluice('init');
  git('add', '-A');
  git('commit', '-qm', 'Example pipeline and the production model');
  sluice('dag');

  step('First run: split, train (built-in trainer, ONNX), evaluate, and gate against production');
  sluice('run');
  git('add', '-A');
  git('commit', '-qm', 'First run: sluice.lock and metrics');

  step('Second run: nothing changed, so no command executes');
  sluice('run');

  step('A hyperparameter change: only training and what depends on it rerun');
  editParams('    C: 1.0', '    C: 0.3');
  sluice('status');
  sluice('run');
  sluice('params', 'diff');
  sluice('metrics', 'diff');

  step('A deliberately weak configuration (three features): the gate blocks the model');
  editParams('  features: []', '  features: [mean_texture, mean_smoothness, mean_symmetry]');
  sluiceFails('run');
  process.stdout.write(`${readFileSync(join(project, 'reports', 'gate.md'), 'utf8')}`);

  step('Back to the committed configuration: restored from the run cache without executing');
  git('checkout', '-q', '--', 'params.yaml');
  sluice('run');

  step('Every run is recorded in the metadata store (.sluice/sluice.db)');
  sluice('runs');

  process.stdout.write(`\n${bold('Demo complete.')} ${keep ? `The project is at ${project}` : 'Run with `npm run demo -- --keep` to keep the project and explore it.'}\n`);
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
