/**
 * `sluice models card` (issue 19): the demo's champion (the example pipeline's candidate, gated
 * against the production model and promoted) gets a card whose every section holds real values:
 * its version and content hash, the producing run and commit, the training data's hashes, the
 * evaluation data's profile, metrics with bootstrap intervals equal to `sluice eval`'s, a global
 * explanation, the gate run that passed this very file, the audit trail of its promotion, and the
 * intended use people wrote. The card is stored with the version; bad input exits 2.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';
import { REPO_ROOT, sharedFixture } from '../support/fixtures.js';

const CARD_YAML = `intended_use:
  primary_uses: Second opinion on fine-needle aspirate images, reviewed by a pathologist.
  primary_users: [pathologists]
  out_of_scope: [screening without review, other tissues]
owners:
  - {name: Diagnostics ML team, contact: ml@example.com}
license: Apache-2.0
ethical_considerations: A false benign delays treatment; the threshold favours recall of malignant cases.
caveats: Trained on 398 Wisconsin patients from one imaging device.
`;

describe('sluice models card', () => {
  let repo: ScratchRepo;
  let card: string;
  before(() => {
    repo = scratchRepo({ 'README.md': 'card\n' });
    cpSync(join(REPO_ROOT, 'examples', 'pipeline'), repo.root, { recursive: true });
    repo.write('model-card.yaml', CARD_YAML);
    repo.git('add', '-A');
    repo.git('commit', '-qm', 'example pipeline');
    for (const args of [['init'], ['models', 'register', sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), '--name', 'breast-cancer', '--alias', 'champion'], ['run'], ['models', 'register', 'models/candidate.onnx', '--name', 'breast-cancer', '--alias', 'champion']]) {
      const result = sluice(repo.root, args);
      assert.equal(result.code, 0, `sluice ${args.join(' ')}: ${result.stderr}`);
    }
    const written = sluice(repo.root, ['models', 'card', 'breast-cancer@champion', '--out', 'card.md']);
    assert.equal(written.code, 0, written.stderr);
    card = readFileSync(join(repo.root, 'card.md'), 'utf8');
  });
  after(() => repo.remove());

  const section = (title: string) => {
    const start = card.indexOf(`\n## ${title}\n`);
    assert.ok(start >= 0, `the card has a section ${title}`);
    const end = card.indexOf('\n## ', start + 4);
    return card.slice(start, end < 0 ? undefined : end);
  };

  test('model details: the champion\'s version, content hash, algorithm and producing run', () => {
    const version = JSON.parse(sluice(repo.root, ['models', 'show', 'breast-cancer@champion', '--json']).stdout) as { version: number; object_id?: string; objectId?: string; run_id?: string };
    assert.match(card, /^# Model card: breast-cancer version 2\n/);
    const details = section('Model details');
    assert.ok(details.includes(`| Content hash | ${version.object_id ?? version.objectId} |`), details);
    assert.match(details, /\| Model \| models:\/breast-cancer\/2 \(champion\) \|/);
    assert.match(details, /\| Algorithm \| logistic_regression \|/);
    assert.match(details, /\| Produced by \| run [0-9a-f]{32}, stage train, commit [0-9a-f]{40} \|/);
    assert.match(details, /\| train\.hyperparameters\.C \| 1 \|/);
  });

  test('intended use, ethical considerations and caveats come from model-card.yaml', () => {
    assert.match(section('Intended use'), /- Second opinion on fine-needle aspirate images.*\n[\s\S]*- pathologists[\s\S]*- screening without review[\s\S]*Owners: Diagnostics ML team <ml@example\.com>\. License: Apache-2\.0\./);
    assert.match(section('Ethical considerations'), /- A false benign delays treatment/);
    assert.match(section('Caveats and recommendations'), /- Trained on 398 Wisconsin patients/);
  });

  test('training and evaluation data: content hashes from lineage, and the evaluation data\'s profile', () => {
    const lineage = JSON.parse(sluice(repo.root, ['models', 'lineage', 'breast-cancer@champion', '--json']).stdout) as { data?: { name: string; digest: string }[]; lineage?: { data: { name: string; digest: string }[] } };
    const data = (lineage.lineage ?? lineage).data ?? [];
    assert.ok(data.length > 0);
    for (const item of data) assert.ok(section('Training data').includes(`| ${item.name} | ${item.digest} |`), item.name);
    assert.match(section('Evaluation data'), /\| File \| data\/test\.csv \|\n\| Content hash \| blake3:[0-9a-f]{64} \|\n\| Rows × columns \| 171 × 31 \|\n\| Missing cells \| 0 \|\n\| Target \| target \|\n\| Class balance \| 0: 64 \(37\.4 %\), 1: 107 \(62\.6 %\) \|/);
  });

  test('metrics equal sluice eval\'s, each with a 95 % bootstrap interval around it', () => {
    const evaluated = JSON.parse(sluice(repo.root, ['eval', '--model', 'models:/breast-cancer@champion', '--data', 'data/test.csv', '--target', 'target', '--json', '-']).stdout) as { metrics: Record<string, number> };
    const metrics = section('Quantitative analyses');
    for (const name of ['accuracy', 'roc_auc', 'f1', 'log_loss']) {
      const row = new RegExp(`\\| ${name} \\| ([\\d.e-]+) \\| ([\\d.e-]+) – ([\\d.e-]+) \\|`).exec(metrics);
      assert.ok(row, `${name} has a row with an interval`);
      const [value, low, high] = row.slice(1).map(Number);
      assert.ok(Math.abs(value! - evaluated.metrics[name]!) <= 5e-4 * Math.max(1, Math.abs(evaluated.metrics[name]!)), `${name}: ${value} vs ${evaluated.metrics[name]}`);
      assert.ok(low! <= value! && value! <= high!, `${name}: ${low} ≤ ${value} ≤ ${high}`);
    }
  });

  test('a global explanation, the gate that passed this file, and who promoted it', () => {
    const explanation = section('Global explanation');
    assert.match(explanation, /Mean \|SHAP\| \(linear SHAP\) over 171 rows/);
    assert.equal(explanation.match(/^\| \d+ \| \w+ \| [\d.e-]+ \|$/gm)?.length, 10);
    assert.match(section('Quality gate'), /PASSED in run [0-9a-f]{32} at \d{4}-/);
    const audit = section('Audit trail');
    assert.ok(audit.includes(`| ${userInfo().username} | model_version.create | models:/breast-cancer/2 |`), audit);
    assert.ok(audit.includes(`| ${userInfo().username} | alias.set | models:/breast-cancer@champion | version=2 previous_version=1 |`), audit);
  });

  test('the card is stored with the version, and models show says where', () => {
    const shown = sluice(repo.root, ['models', 'show', 'breast-cancer/2']);
    // Kept per version: two versions of one file (registered twice) have a card each.
    assert.match(shown.stdout, /model card {2}mlflow-artifacts:\/registry\/breast-cancer\/v2\/model-card\.md/);
    const html = sluice(repo.root, ['models', 'card', 'breast-cancer/2', '--out', 'card.html']);
    assert.equal(html.code, 0, html.stderr);
    assert.match(readFileSync(join(repo.root, 'card.html'), 'utf8'), /<h2>Quantitative analyses<\/h2>/);
  });

  test('bad input: an invalid model-card.yaml names the file and field; an unknown alias; a bad --out: exit 2', () => {
    repo.write('bad-card.yaml', 'intended_use:\n  primary_use: typo\n');
    const invalid = sluice(repo.root, ['models', 'card', 'breast-cancer@champion', '--card-file', 'bad-card.yaml']);
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /bad-card\.yaml: unknown field primary_use in intended_use\..*\[SLUICE_MODEL_CARD_INVALID\]/s);
    const alias = sluice(repo.root, ['models', 'card', 'breast-cancer@nope']);
    assert.equal(alias.code, 2);
    assert.match(alias.stderr, /alias nope not found/);
    const out = sluice(repo.root, ['models', 'card', 'breast-cancer@champion', '--out', 'card.pdf']);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /--out must end in \.md or \.html/);
    const missing = sluice(repo.root, ['models', 'card', 'breast-cancer@champion', '--card-file', 'nope.yaml']);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /nope\.yaml: it does not exist.*\[SLUICE_MODEL_CARD_INVALID\]/s);
  });

  test('a gates section with a mistake is reported as itself, not as missing evaluation data', () => {
    const yaml = readFileSync(join(repo.root, 'sluice.yaml'), 'utf8');
    writeFileSync(join(repo.root, 'sluice.yaml'), yaml.replace(/\n  target: target\n/, '\n  targte: target\n'));
    try {
      const result = sluice(repo.root, ['models', 'card', 'breast-cancer@champion']);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /sluice\.yaml:\d+:\d+/);
      assert.doesNotMatch(result.stderr, /No evaluation data/);
    } finally {
      writeFileSync(join(repo.root, 'sluice.yaml'), yaml);
    }
  });
});
