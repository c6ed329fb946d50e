/**
 * Several named gate sets in one sluice.yaml (`gates: {NAME: {...}}`), chosen with
 * `sluice gate --gate NAME` and `uses: gate` + `with: {gate: NAME}`; and `--config` files whose
 * relative paths are read from the file's own directory.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedFixture } from '../support/fixtures.js';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

const set = (model: string, min: number) => `    model: models/${model}.onnx\n    data: data/test.csv\n    target: target\n    rules:\n      - metric: roc_auc\n        min: ${min}\n`;
const NAMED = `gates:\n  strong:\n${set('bc_logreg', 0.95)}  weak:\n${set('bc_weak_logreg3', 0.95)}`;

function repoWith(files: Record<string, string>): ScratchRepo {
  const repo = scratchRepo(files);
  mkdirSync(join(repo.root, 'data'), { recursive: true });
  mkdirSync(join(repo.root, 'models'), { recursive: true });
  copyFileSync(sharedFixture('breast_cancer', 'test.csv'), join(repo.root, 'data', 'test.csv'));
  for (const name of ['bc_logreg', 'bc_weak_logreg3']) copyFileSync(sharedFixture('breast_cancer', 'models', `${name}.onnx`), join(repo.root, 'models', `${name}.onnx`));
  return repo;
}

test('sluice gate --gate NAME checks that named gate set', (t) => {
  const repo = repoWith({ 'sluice.yaml': `stages: {}\n${NAMED}` });
  t.after(() => repo.remove());
  const strong = sluice(repo.root, ['gate', '--gate', 'strong']);
  assert.equal(strong.code, 0, strong.stderr);
  assert.match(strong.stdout, /Candidate models\/bc_logreg\.onnx/);
  const weak = sluice(repo.root, ['gate', '--gate', 'weak']);
  assert.equal(weak.code, 1, weak.stderr);
  assert.match(weak.stdout, /Candidate models\/bc_weak_logreg3\.onnx/);
});

test('with several gate sets and no --gate, sluice gate names the sets to choose from', (t) => {
  const repo = repoWith({ 'sluice.yaml': `stages: {}\n${NAMED}` });
  t.after(() => repo.remove());
  const result = sluice(repo.root, ['gate']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /sluice\.yaml has 2 gate sets \(strong, weak\): choose one with --gate NAME/);
});

test('an unknown --gate name suggests the closest set', (t) => {
  const repo = repoWith({ 'sluice.yaml': `stages: {}\n${NAMED}` });
  t.after(() => repo.remove());
  const result = sluice(repo.root, ['gate', '--gate', 'strnog']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /sluice\.yaml has no gate set "strnog"\. Did you mean "strong"\?/);
});

test('uses: gate with: {gate: NAME} runs that set, one stage per set', (t) => {
  const stages = 'stages:\n  gate-strong:\n    uses: gate\n    with: {gate: strong}\n  gate-weak:\n    uses: gate\n    with: {gate: weak}\n';
  const repo = repoWith({ 'sluice.yaml': `${stages}${NAMED}` });
  t.after(() => repo.remove());
  const result = sluice(repo.root, ['run', '--keep-going']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /\$ sluice gate --gate strong --summary metrics\/gate-strong\.json/);
  assert.match(result.stdout, /gate-strong\s+ran/);
  assert.match(result.stdout, /gate-weak\s+failed/);
  assert.equal((JSON.parse(readFileSync(join(repo.root, 'metrics', 'gate-strong.json'), 'utf8')) as { passed: boolean }).passed, true);
});

test('uses: gate without a gate name, when there are several sets, is an error naming them', (t) => {
  const repo = repoWith({ 'sluice.yaml': `stages:\n  check:\n    uses: gate\n${NAMED}` });
  t.after(() => repo.remove());
  const result = sluice(repo.root, ['run']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /sluice\.yaml:3:\d+: .*stage "check" uses gate, but sluice\.yaml has several gate sets \(strong, weak\): name one with `with: \{gate: NAME\}`/);
});

test('a named set with a registry baseline makes it a dependency of its stage', (t) => {
  const named = NAMED.replace('    rules:', '    baseline: models:/clf@champion\n    rules:');
  const repo = repoWith({ 'sluice.yaml': `stages:\n  check:\n    uses: gate\n    with: {gate: strong}\n${named}` });
  t.after(() => repo.remove());
  const result = sluice(repo.root, ['run']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(readFileSync(join(repo.root, 'sluice.lock'), 'utf8'), /models:\/clf@champion/);
});

test('paths in a --config file are read from its directory, and a missing one says so', (t) => {
  const repo = repoWith({ 'sluice.yaml': 'stages: {}\n', 'ci/gates.yaml': 'gates:\n  model: ../models/bc_logreg.onnx\n  data: data/test.csv\n  target: target\n  rules:\n    - metric: roc_auc\n      min: 0.9\n' });
  t.after(() => repo.remove());
  const result = sluice(repo.root, ['gate', '--config', 'ci/gates.yaml']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /ci\/gates\.yaml:3:\d+: "gates\.data" names data\/test\.csv, which does not exist \(looked for ci\/data\/test\.csv\)/);
  assert.match(result.stderr, /Paths in a gates section are relative to the directory of its file \(ci\/ for ci\/gates\.yaml\)/);
});
