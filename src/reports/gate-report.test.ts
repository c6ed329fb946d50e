/**
 * The gate report: every rule in the Markdown table with its verdict, failures marked and
 * explained; computed by the real gate on the shared breast-cancer models (a weak candidate
 * against the strong baseline must fail).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { sharedFixture } from '../../test/support/fixtures.js';
import { markdownTables } from '../../test/support/markdown.js';
import { runGate, type GateReport } from '../evaluation/index.js';
import { gateRows, renderGateMarkdown } from './index.js';

const HEADER = ['Metric', 'Candidate', 'Baseline', 'Change', 'Rule', 'Verdict'];

describe('gate report from a real gate run', { timeout: 60_000 }, () => {
  let report: GateReport;
  before(async () => {
    const candidate = sharedFixture('breast_cancer', 'models', 'bc_weak_logreg3.onnx');
    const baseline = sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');
    const config = {
        model: candidate,
        baseline,
        data: sharedFixture('breast_cancer', 'test.csv'),
        target: 'target',
        rules: [
          { metric: 'accuracy', min: 0.9 },
          { metric: 'roc_auc', max_regression: 0.01 },
          { metric: 'f1', threshold: 0.5 },
          { metric: 'log_loss', max: 1 },
        ],
      };
    report = await runGate({ config, baseDir: '/', candidate: { path: candidate, label: candidate }, baseline: { path: baseline, label: baseline } });
  });

  test('the headline says the gate failed and names both models and the data', () => {
    const markdown = renderGateMarkdown(report);
    assert.match(markdown, /^## Quality gate: ❌ failed$/m);
    assert.match(markdown, /Candidate `[^`]*bc_weak_logreg3\.onnx` against baseline `[^`]*bc_logreg\.onnx` on `[^`]*test\.csv` \(171 rows, binary\)\./);
  });

  test('the table lists every rule once, in order, with its verdict', () => {
    const [table, ...others] = markdownTables(renderGateMarkdown(report));
    assert.equal(others.length, 0);
    assert.deepEqual(table!.header, HEADER);
    assert.deepEqual(
      table!.rows.map((row) => [row[0], row[4], row[5]]),
      [
        ['accuracy', '≥ 0.9', 'FAIL'],
        ['roc_auc', 'regression ≤ 0.01', 'FAIL'],
        ['f1', '≥ 0.5', 'pass'],
        ['log_loss', '≤ 1', 'pass'],
      ],
    );
  });

  test('values are the models\' real metrics, and the change is signed', () => {
    const accuracy = markdownTables(renderGateMarkdown(report))[0]!.rows[0]!;
    // bc_weak_logreg3 0.7661, bc_logreg 0.9883 on test.csv (fixtures README).
    assert.deepEqual(accuracy.slice(1, 4), ['0.766082', '0.988304', '−0.222222']);
    const logLoss = gateRows(report)[3]!;
    assert.match(logLoss.change, /^\+0\.438/);
  });

  test('each failure is explained under the table; passing rules add nothing there', () => {
    const markdown = renderGateMarkdown(report);
    const failures = markdown.slice(markdown.indexOf('**Failures**'));
    assert.match(failures, /^- accuracy = 0\.766082 is below the minimum 0\.9$/m);
    assert.match(failures, /^- roc_auc regressed by 0\.177132 .*more than the allowed 0\.01$/m);
    assert.equal(failures.split('\n').filter((line) => line.startsWith('- ')).length, 2);
    assert.doesNotMatch(markdown, /\*\*Notes\*\*/);
  });
});

describe('gate report from literal verdicts', { timeout: 60_000 }, () => {
  const side = (model: string, metrics: Record<string, number>) => ({ model, metrics, fairness: {} });
  const base: GateReport = {
    passed: true,
    task: 'binary',
    n: 10,
    data: 'holdout.csv',
    candidate: side('candidate.onnx', { accuracy: 0.9 }),
    baseline: undefined,
    rules: [
      { metric: 'accuracy', candidate: 0.9, baseline: undefined, change: undefined, passed: true, failures: [], notes: ['max_regression needs a baseline'], rule: '≥ 0.8, regression ≤ 0.01' },
      { metric: 'a|b <i>x</i>', candidate: 1, baseline: undefined, change: undefined, passed: true, failures: [], notes: [], rule: 'x | y' },
    ],
    notes: ['No baseline: this is treated as the first model; rules comparing with a baseline are skipped.'],
  };

  test('a passing gate without a baseline: partly skipped rules say so, and the notes explain', () => {
    const markdown = renderGateMarkdown(base);
    assert.match(markdown, /^## Quality gate: ✅ passed$/m);
    assert.doesNotMatch(markdown, /against baseline/);
    const rows = markdownTables(markdown)[0]!.rows;
    assert.deepEqual(rows[0], ['accuracy', '0.9', '—', '—', '≥ 0.8, regression ≤ 0.01', 'pass (partly skipped)']);
    assert.match(markdown, /^\*\*Notes\*\*$/m);
    assert.match(markdown, /^- No baseline: this is treated as the first model/m);
    assert.match(markdown, /^- accuracy: max_regression needs a baseline$/m);
    assert.doesNotMatch(markdown, /\*\*Failures\*\*/);
  });

  test('pipes and HTML in a metric name or rule stay inside their cell', () => {
    const markdown = renderGateMarkdown(base);
    const row = markdownTables(markdown)[0]!.rows[1]!;
    assert.equal(row.length, HEADER.length);
    assert.equal(row[0], 'a\\|b &lt;i&gt;x&lt;/i&gt;');
    assert.equal(row[4], 'x \\| y');
    assert.doesNotMatch(markdown, /<i>/);
  });
});
