#!/usr/bin/env node
// `npm run demo`: the end-to-end demo on the embedded default (SQLite + local files).
// Copies examples/pipeline into a fresh git repository in a temp dir and walks through what
// Sluice does: train with the built-in trainer, evaluate, gate against the registry's champion,
// promote the candidate that passes (registered with its lineage), skip what did not change,
// rerun only what a param change affects, block a weak model, and restore earlier results from
// the run cache; put the data under version control with a remote, stop a bad row before
// training, check incoming data for drift, serve the champion model, and roll the weak model out
// as a canary that live-accuracy analysis rolls back on its own.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
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

/** Starts `sluice serve` on the champion, sends three test rows over two protocols, and stops it. */
async function serveAndPredict() {
  const shown = ['sluice', 'serve', 'models:/breast-cancer@champion', '--port', '0'];
  process.stdout.write(`${bold('$')} ${shown.join(' ')} &\n`);
  const server = spawn(process.execPath, [sluiceBin, 'serve', 'models:/breast-cancer@champion', '--port', '0', '--quiet'], { cwd: project, stdio: ['ignore', 'ignore', 'pipe'] });
  let banner = '';
  const url = await new Promise((resolve, reject) => {
    server.stderr.setEncoding('utf8').on('data', (chunk) => {
      banner += chunk;
      const match = / at (http:\/\/[\d.]+:\d+)/.exec(banner);
      if (match) resolve(match[1]);
    });
    server.once('exit', (code) => reject(new Error(`sluice serve exited with ${code}: ${banner}`)));
  });
  process.stdout.write(banner);
  try {
    const [header, ...lines] = readFileSync(join(project, 'data', 'test.csv'), 'utf8').trim().split('\n');
    const columns = header.split(',');
    const rows = lines.slice(0, 3).map((line) => Object.fromEntries(line.split(',').map((value, k) => [columns[k], Number(value)])));
    const truth = rows.map((row) => row.target);
    for (const row of rows) delete row.target;
    const call = async (path, body) => {
      process.stdout.write(`${bold('$')} curl -H 'content-type: application/json' ${url}${path} -d '${JSON.stringify(body).slice(0, 90)}…'\n`);
      const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await response.text();
      process.stdout.write(`${response.status} ${text.length > 600 ? `${text.slice(0, 600)}…` : text}\n`);
      return JSON.parse(text);
    };
    const predicted = await call('/predict', { rows });
    process.stdout.write(`(true labels of these rows: ${truth.join(', ')}; predicted: ${predicted.predictions.map((p) => p.label).join(', ')})\n`);
    // The v2 protocol speaks the model's own tensors: its metadata says which (here, one per column).
    process.stdout.write(`${bold('$')} curl ${url}/v2/models/breast-cancer\n`);
    const metadata = await (await fetch(`${url}/v2/models/breast-cancer`)).json();
    process.stdout.write(`inputs: ${metadata.inputs.slice(0, 3).map((input) => `${input.name} ${input.datatype} ${JSON.stringify(input.shape)}`).join(', ')}, … (${metadata.inputs.length}); outputs: ${metadata.outputs.map((output) => `${output.name} ${output.datatype} ${JSON.stringify(output.shape)}`).join(', ')}\n`);
    const inputs = metadata.inputs.map((input) => ({ name: input.name, datatype: input.datatype, shape: [rows.length, ...input.shape.slice(1)], data: rows.map((row) => row[input.name]) }));
    await call('/v2/models/breast-cancer/infer', { inputs });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    process.stdout.write(`${metrics.split('\n').filter((line) => line.startsWith('sluice_inference_requests_total')).join('\n')}\n`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    process.stdout.write('(server stopped with SIGTERM after its requests; predictions were logged under .sluice/predictions/)\n');
  }
}

/** A free loopback port for the environment (sluice.yaml names its port). */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `sluice rollout status --json`, read quietly (the demo shows the human form at the end). */
function rolloutPhase() {
  const result = spawnSync(process.execPath, [sluiceBin, 'rollout', 'status', '--env', 'production', '--json'], { cwd: project, encoding: 'utf8' });
  return result.status === 0 ? (JSON.parse(result.stdout).rollout?.phase ?? 'none') : 'unknown';
}

/**
 * The weak model as a canary of the champion: `sluice serve --env production` routes half the
 * traffic to it, the demo answers each prediction with its true label on /feedback, and the
 * environment's live-accuracy analysis fails the canary and sends every request back to the
 * champion, with no one watching.
 */
async function canaryRolledBack(port) {
  process.stdout.write(`${bold('$')} sluice serve --env production &\n`);
  const server = spawn(process.execPath, [sluiceBin, 'serve', '--env', 'production', '--quiet'], { cwd: project, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr.setEncoding('utf8').on('data', (chunk) => {
    log += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 60_000;
    while (!(await fetch(`${url}/environment`).then((response) => response.ok, () => false))) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`sluice serve --env did not start: ${log}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    sluice('deploy', 'models:/breast-cancer@weak', '--env', 'production');
    const [header, ...lines] = readFileSync(join(project, 'data', 'test.csv'), 'utf8').trim().split('\n');
    const columns = header.split(',');
    const rows = lines.map((line) => Object.fromEntries(line.split(',').map((value, k) => [columns[k], Number(value)])));
    const answered = new Map();
    let sent = 0;
    process.stdout.write(`(sending test.csv rows to ${url}/predict and each one's true label to /feedback, until the rollout ends)\n`);
    while (Date.now() < deadline && ['Progressing', 'Paused'].includes(rolloutPhase())) {
      for (let burst = 0; burst < 40; burst++, sent++) {
        const { target, ...features } = rows[sent % rows.length];
        const response = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rows: [features] }) });
        const version = response.headers.get('x-sluice-model-version');
        const { request_id: requestId } = await response.json();
        answered.set(version, (answered.get(version) ?? 0) + 1);
        await fetch(`${url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ request_id: requestId, label: target }) });
      }
    }
    process.stdout.write(`(${sent} requests, answered by versions ${[...answered].map(([version, count]) => `${version}: ${count}`).join(', ')})\n`);
    sluice('rollout', 'status', '--env', 'production');
    sluice('rollout', 'history', '--env', 'production');
    if (rolloutPhase() !== 'Degraded') throw new Error(`the weak canary was not rolled back (phase ${rolloutPhase()}); server log:\n${log}`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => (server.exitCode !== null ? resolve() : server.once('exit', resolve)));
  }
}

try {
  step('A fresh project: the example pipeline, committed to git, and the model in production as the registry\'s champion');
  cpSync(join(repoRoot, 'examples', 'pipeline'), project, { recursive: true });
  git('init', '-q');
  sluice('init');
  git('add', '-A');
  git('commit', '-qm', 'Example pipeline');
  let production = sharedProductionModel;
  if (existsSync(sharedProductionModel)) {
    process.stdout.write('(the model in production: the strong scikit-learn logistic regression from ../shared/fixtures)\n');
  } else {
    production = join(work, 'production.onnx');
    sluice('train', '--data', 'data/train.csv', '--target', 'target', '--algorithm', 'logistic_regression', '--out', production);
  }
  sluice('models', 'register', production, '--name', 'breast-cancer', '--alias', 'champion', '--description', 'in production');
  sluice('dag');

  step('First run: split, train (built-in trainer, ONNX), evaluate, and gate against the champion');
  sluice('run');
  git('add', '-A');
  git('commit', '-qm', 'First run: sluice.lock and metrics');

  step('The gate passed: register the candidate and make it the champion; its lineage comes from the run');
  sluice('models', 'register', 'models/candidate.onnx', '--name', 'breast-cancer', '--alias', 'champion');
  sluice('models', 'lineage', 'breast-cancer@champion');
  sluice('models', 'card', 'breast-cancer@champion', '--out', 'reports/model-card.md');
  process.stdout.write(`${readFileSync(join(project, 'reports', 'model-card.md'), 'utf8').split('\n## ').slice(0, 2).join('\n## ')}\n(… details, intended use, data, metrics with 95 % intervals, explanation, gate, audit: reports/model-card.md)\n`);

  step('Second run: nothing changed but the champion, so only the gate reruns, against the new champion');
  sluice('run');

  step('Third run: nothing changed, so no command executes');
  sluice('run');

  step('A hyperparameter change: only training and what depends on it rerun');
  editParams('    C: 1.0', '    C: 0.3');
  sluice('status');
  sluice('run');
  sluice('params', 'diff');
  sluice('metrics', 'diff');

  step('A deliberately weak configuration (three features): the gate blocks it against the champion');
  editParams('  features: []', '  features: [mean_texture, mean_smoothness, mean_symmetry]');
  sluiceFails('run');
  process.stdout.write(`${readFileSync(join(project, 'reports', 'gate.md'), 'utf8')}`);

  step('Back to the committed configuration: restored from the run cache without executing');
  git('checkout', '-q', '--', 'params.yaml');
  sluice('run');

  step('Data under version control: tracked by content, pushed to a remote, lost, and pulled back verified');
  sluice('data', 'add', 'data/train.csv', 'data/test.csv');
  git('add', '-A');
  git('commit', '-qm', 'Track the data sets with Sluice');
  sluice('remote', 'add', 'storage', join(work, 'remote'), '--default');
  sluice('data', 'push');
  rmSync(join(project, 'data', 'train.csv'));
  rmSync(join(project, '.sluice', 'cache'), { recursive: true, force: true });
  process.stdout.write('(data/train.csv and the local cache deleted)\n');
  sluice('data', 'status');
  sluice('data', 'pull');

  step('A bad row in the training data: the validate stage stops the pipeline before training');
  const train = join(project, 'data', 'train.csv');
  const lines = readFileSync(train, 'utf8').split('\n');
  lines[5] = lines[5].replace(/^[^,]+,/, '-12.5,');
  writeFileSync(train, lines.join('\n'));
  process.stdout.write('(data/train.csv: row 5 now has mean_radius = -12.5)\n');
  sluice('data', 'status');
  sluiceFails('run');
  sluiceFails('data', 'checkout', 'data/train.csv');
  process.stdout.write('(the edit is in no version, so checkout keeps it unless told otherwise)\n');
  sluice('data', 'checkout', '--force', 'data/train.csv');
  sluice('run');

  step('Incoming data drifts: a drift check before it is used (KS per column, Bonferroni-corrected)');
  const [header, ...rows] = readFileSync(join(project, 'data', 'test.csv'), 'utf8').trim().split('\n');
  const columns = header.split(',');
  const radius = columns.indexOf('mean_radius');
  const texture = columns.indexOf('mean_texture');
  const shifted = rows.map((row) => {
    const cells = row.split(',');
    cells[radius] = String(Number(cells[radius]) + 2.5);
    cells[texture] = String(Number(cells[texture]) * 1.3);
    return cells.join(',');
  });
  writeFileSync(join(project, 'incoming.csv'), `${[header, ...shifted].join('\n')}\n`);
  process.stdout.write('(incoming.csv: the test set with mean_radius shifted by +2.5 and mean_texture scaled by 1.3)\n');
  sluice('drift', 'data/train.csv', 'incoming.csv', '--exclude', 'target', '--report', 'reports/drift.html');

  step('Every run is tracked (.sluice/sluice.db): pipeline runs with their stages, params, metrics and data hashes');
  sluice('runs', 'list');
  sluice('runs', 'list', '--filter', "metrics.gate.passed = 1 and params.train.hyperparameters.C = '0.3'");
  sluice('models', 'show', 'breast-cancer');
  sluice('audit', '--model', 'breast-cancer');
  process.stdout.write(`\nThe same data over HTTP, for MLflow clients and the web: ${bold('sluice server')} (MLflow REST API 2.0 + /api/sluice/v1, /openapi.json).\n`);

  step('Serving the champion: sluice serve models:/breast-cancer@champion, and a few real rows sent to it');
  await serveAndPredict();

  step('A rollout with automated analysis: the weak configuration, had it been forced past the gate, goes out as a canary and is rolled back on its own');
  const port = await freePort();
  writeFileSync(
    join(project, 'sluice.yaml'),
    `${readFileSync(join(project, 'sluice.yaml'), 'utf8')}
deploy:
  production:
    model: breast-cancer
    alias: champion              # the environment serves the champion; promotion would move it
    port: ${port}
    serving: {workers: 1}
    strategy:
      canary:
        steps:
          - setWeight: 50
          - pause: {}            # until \`sluice rollout promote\`
        analysis:
          metrics:
            - name: live-accuracy
              interval: 2s
              successCondition: result >= 0.9
              provider:
                feedback: {metric: accuracy, minSamples: 30}
`,
  );
  process.stdout.write('(sluice.yaml: a production environment on the champion, canary 50 % with live-accuracy analysis on labelled feedback)\n');
  sluice('train', '--data', 'data/train.csv', '--target', 'target', '--algorithm', 'logistic_regression', '--features', 'mean_texture', 'mean_smoothness', 'mean_symmetry', '--out', 'models/weak.onnx');
  sluice('models', 'register', 'models/weak.onnx', '--name', 'breast-cancer', '--alias', 'weak', '--description', 'three features: the configuration the gate blocked');
  await canaryRolledBack(port);
  sluice('models', 'show', 'breast-cancer');

  process.stdout.write(`\n${bold('Demo complete.')} ${keep ? `The project is at ${project}` : 'Run with `npm run demo -- --keep` to keep the project and explore it.'}\n`);
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
