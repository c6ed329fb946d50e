/** `sluice gate` on the shared models: the strong model passes against the weak one and not the reverse. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedFixture } from '../support/fixtures.js';
import { sluice } from '../support/cli.js';
import { makeTempDir } from '../support/temp-dir.js';

const RULES = `  rules:
    - metric: roc_auc
      min: 0.95
    - metric: f1
      max_regression: 0.01
    - metric: log_loss
      min_absolute_change: 0.0001
      min_relative_change: 0.01
      significance: 0.05
    - metric: latency_p99_ms
      max: 5
`;

function gates(model: string, baseline: string | undefined): string {
  const models = (name: string) => sharedFixture('breast_cancer', 'models', `${name}.onnx`);
  return `stages: {}\ngates:\n  model: ${models(model)}\n  data: ${sharedFixture('breast_cancer', 'test.csv')}\n  target: target\n${baseline ? `  baseline: ${models(baseline)}\n` : ''}${RULES}`;
}

describe('sluice gate', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => (temp = makeTempDir()));
  after(() => temp.remove());
  const gate = (text: string, ...args: string[]) => {
    writeFileSync(join(temp.path, 'sluice.yaml'), text);
    return sluice(temp.path, ['gate', ...args]);
  };

  test('the strong model passes against the weak baseline, exit 0', () => {
    const result = gate(gates('bc_logreg', 'bc_weak_logreg3'), '--json', 'gate.json', '--report', 'gate.md');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /roc_auc\s+0\.998102\s+0\.82097\s+\+0\.177132\s+≥ 0\.95\s+pass/);
    assert.match(result.stdout, /Gate passed\./);
    assert.equal((JSON.parse(readFileSync(join(temp.path, 'gate.json'), 'utf8')) as { passed: boolean }).passed, true);
    assert.match(readFileSync(join(temp.path, 'gate.md'), 'utf8'), /## Quality gate: ✅ passed/);
  });

  test('--json - prints the report alone on stdout (the verdict table goes to stderr) and writes no file named -', () => {
    const result = gate(gates('bc_logreg', 'bc_weak_logreg3'), '--json', '-');
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { passed: boolean }).passed, true);
    assert.match(result.stderr, /Gate passed\./);
    assert.throws(() => readFileSync(join(temp.path, '-')), /ENOENT/);
    const summary = gate(gates('bc_logreg', 'bc_weak_logreg3'), '--summary', '-');
    assert.equal((JSON.parse(summary.stdout) as { passed: boolean }).passed, true);
  });

  test('an output that cannot be written is refused before the gate runs: no file written, no verdict lost', () => {
    mkdirSync(join(temp.path, 'reports'), { recursive: true });
    rmSync(join(temp.path, 'first.json'), { force: true });
    const result = gate(gates('bc_logreg', 'bc_weak_logreg3'), '--json', 'first.json', '--report', 'reports');
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Cannot write reports: it is a directory/);
    assert.doesNotMatch(result.stdout, /Gate passed/);
    assert.equal(existsSync(join(temp.path, 'first.json')), false, 'nothing was written before the refusal');
    const here = gate(gates('bc_logreg', 'bc_weak_logreg3'), '--json', '.');
    assert.equal(here.code, 2, here.stderr);
    assert.match(here.stderr, /Cannot write \.: it is a directory/);
  });

  test('no sluice.yaml, or a folder given as --config, is a clear error (exit 2) naming the file', () => {
    const empty = makeTempDir();
    try {
      const missing = sluice(empty.path, ['gate']);
      assert.equal(missing.code, 2, missing.stderr);
      assert.match(missing.stderr, /sluice\.yaml does not exist, so there are no gates to check.*\[SLUICE_GATE_CONFIG_NOT_FOUND\]/);
      const folder = sluice(empty.path, ['gate', '--config', '.']);
      assert.equal(folder.code, 2, folder.stderr);
      assert.match(folder.stderr, /Cannot read \.: it is a directory.*\[SLUICE_CORE_FILE_NOT_READABLE\]/);
    } finally {
      empty.remove();
    }
  });

  test('the weak model fails against the strong baseline, exit 1, naming each failed rule', () => {
    const result = gate(gates('bc_weak_logreg3', 'bc_logreg'));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /The gate failed 3 of 4 rules \(roc_auc, f1, log_loss\): roc_auc = 0\.82097 is below the minimum 0\.95; f1 regressed by 0\.17414/);
    assert.match(result.stderr, /not significant \(paired bootstrap p = 1\.00 ≥ 0\.05\)/);
    assert.match(result.stdout, /latency_p99_ms .* pass/);
  });

  test('an explain rule forbidding a feature in the top 3 blocks the model that relies on it, and passes the one that does not', () => {
    const yaml = (model: string) => `stages: {}\ngates:\n  model: ${sharedFixture('breast_cancer', 'models', `${model}.onnx`)}\n  data: ${sharedFixture('breast_cancer', 'test.csv')}\n  target: target\n  rules:\n    - metric: roc_auc\n      min: 0.5\n  explain:\n    top: 3\n    forbid: [mean_texture]\n`;
    const weak = gate(yaml('bc_weak_logreg3'));
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /The gate failed 1 of 2 rules \(explanation top 3\): mean_texture is #2 of the most important features \(mean \|SHAP\| 0\.838\); it must not be in the top 3/);
    const strong = gate(yaml('bc_logreg'));
    assert.equal(strong.code, 0, strong.stderr);
    assert.match(strong.stdout, /explanation top 3 .* pass/);
    // A misspelt feature would never match, and the rule would pass: refused, with the name meant.
    const typo = gate(yaml('bc_weak_logreg3').replace('forbid: [mean_texture]', 'forbid: [mean_textur]'));
    assert.equal(typo.code, 2, typo.stderr);
    assert.match(typo.stderr, /explain\.forbid names "mean_textur", which is not a feature of the model\. Did you mean "mean_texture"\?.*SLUICE_GATE_UNKNOWN_FEATURE/s);
    // Forbidding an attribute the model never saw (the rule's purpose) passes, with a note.
    const absent = gate(yaml('bc_weak_logreg3').replace('forbid: [mean_texture]', 'forbid: [sex]'));
    assert.equal(absent.code, 0, absent.stderr);
  });

  test('without a baseline, comparison rules are skipped with a note', () => {
    const result = gate(gates('bc_weak_logreg3', undefined));
    assert.match(result.stdout, /note: No baseline/);
    assert.match(result.stdout, /f1 .* pass \(partly skipped\)/);
    assert.equal(result.code, 1, 'roc_auc ≥ 0.95 still applies');
  });

  test('a mistake in a rule is reported at its line', () => {
    const result = gate(gates('bc_logreg', undefined).replace('max_regression: 0.01', 'max_regresion: 0.01'));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /sluice\.yaml:\d+:7: gate rule 2 has an unknown key "max_regresion"\. Did you mean "max_regression"\?/);
  });

  test('a fairness metric needs its sensitive column', () => {
    const result = gate(`${gates('bc_logreg', undefined)}    - metric: demographic_parity_ratio\n      min: 0.8\n`);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /demographic_parity_ratio is a fairness metric: name the group column with sensitive/);
  });
});
