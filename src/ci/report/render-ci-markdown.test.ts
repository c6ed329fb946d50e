/**
 * The pull-request report of `sluice ci`, read back by a GFM parser (markdown-it): built from real
 * gate, validation and drift results on the breast-cancer fixtures, it states the verdict first,
 * names each failed rule, keeps every table to its declared columns, balances its `<details>`,
 * escapes what users wrote, and links out only where it should.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import MarkdownIt from 'markdown-it';
import { blockedAtData, blockedAtGate, passedWithRegistration } from '../../../test/support/ci-results.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { allElements, parseXml } from '../../../test/support/xml.js';
import { validateFile } from '../../data/index.js';
import type { CiResult } from '../ci-result.js';
import { CI_REPORT_WATERMARK, ciReportFiles, renderCiMarkdown } from './index.js';

const markdownIt = new MarkdownIt({ html: true });

interface ParsedTable {
  readonly header: string[];
  readonly rows: string[][];
}

/** Every table as markdown-it reads it: header and body cells as inline source text. */
function parsedTables(markdown: string): ParsedTable[] {
  const tables: ParsedTable[] = [];
  let current: { header: string[]; rows: string[][]; inHead: boolean } | undefined;
  for (const token of markdownIt.parse(markdown, {})) {
    if (token.type === 'table_open') current = { header: [], rows: [], inHead: false };
    else if (token.type === 'thead_open' && current) current.inHead = true;
    else if (token.type === 'thead_close' && current) current.inHead = false;
    else if (token.type === 'tr_open' && current && !current.inHead) current.rows.push([]);
    else if (token.type === 'inline' && current) (current.inHead ? current.header : current.rows.at(-1)!).push(token.content);
    else if (token.type === 'table_close' && current) {
      tables.push({ header: current.header, rows: current.rows });
      current = undefined;
    }
  }
  return tables;
}

/** The table whose header is exactly `header`. */
function tableWith(markdown: string, header: readonly string[]): ParsedTable {
  const found = parsedTables(markdown).find((candidate) => candidate.header.join('|') === header.join('|'));
  assert.ok(found, `no table with columns ${header.join(', ')}; tables: ${parsedTables(markdown).map((t) => t.header.join(', ')).join(' / ')}`);
  return found;
}

describe('the sluice ci report', { timeout: 120_000 }, () => {
  let temp: ReturnType<typeof makeTempDir>;
  let blocked: CiResult;
  let passed: CiResult;
  let dataBlocked: CiResult;
  before(async () => {
    temp = makeTempDir('sluice-ci-report-');
    blocked = await blockedAtGate(temp.path);
    passed = await passedWithRegistration(temp.path);
    dataBlocked = await blockedAtData(temp.path);
  });
  after(() => temp.remove());

  test('the watermark comes first, then the verdict in one line', () => {
    const lines = renderCiMarkdown(passed).split('\n');
    assert.equal(lines[0], CI_REPORT_WATERMARK);
    assert.match(lines[1]!, /^✅ \*\*Sluice CI passed\*\*: all 5 gate rules passed; registered models:\/bc\/4 as @challenger; staging: promoted$/);
    assert.equal(lines[2], '', 'the verdict is a paragraph of its own line');
  });

  test('a gate block names the step and each failed rule in the verdict line', () => {
    const verdict = renderCiMarkdown(blocked).split('\n')[1]!;
    const failed = blocked.gate!.report.rules.filter((rule) => !rule.passed).map((rule) => rule.metric);
    assert.deepEqual(failed, ['accuracy', 'roc_auc']);
    assert.match(verdict, /^❌ \*\*Sluice CI blocked at gate\*\*: 2 of 5 gate rules failed \(accuracy, roc\\_auc\)$/);
  });

  test('the metrics table has one row per rule, with production, change, interval and rule; failed rules bold with ❌', () => {
    const table = tableWith(renderCiMarkdown(blocked), ['Metric', 'Candidate', 'Production', 'Change', '95% CI', 'Rule', 'Verdict']);
    assert.deepEqual(table.rows.map((row) => row[0]), ['**accuracy**', '**roc\\_auc**', 'f1', 'log\\_loss', 'demographic\\_<wbr>parity\\_<wbr>difference']);
    const accuracy = table.rows[0]!;
    // bc_weak_logreg3 0.7661 against bc_logreg 0.9883 on test.csv (fixtures README).
    assert.deepEqual(accuracy.slice(1, 4), ['0.7661', '0.9883', '−0.2222']);
    assert.match(accuracy[4]!, /^\[−0\.\d+, −0\.\d+\]$/, 'the change interval is below zero');
    assert.deepEqual(table.rows.map((row) => row[6]), ['❌ **fail**', '❌ **fail**', '✅ pass', '✅ pass', '✅ pass']);
  });

  test('without a production model the interval is of the candidate', () => {
    const first: CiResult = { ...passed, gate: { ...passed.gate!, report: { ...passed.gate!.report, baseline: undefined } } };
    const row = tableWith(renderCiMarkdown(first), ['Metric', 'Candidate', 'Production', 'Change', '95% CI', 'Rule', 'Verdict']).rows[0]!;
    const own = passed.gate!.intervals.accuracy!.candidate!;
    assert.equal(row[4], `[${Number(own.low.toPrecision(3))}, ${Number(own.high.toPrecision(3))}]`);
  });

  test('every table parses with as many cells per row as its header, and at most 7 columns', () => {
    for (const result of [blocked, passed, dataBlocked]) {
      const markdown = renderCiMarkdown(result);
      const tables = parsedTables(markdown);
      assert.equal(tables.length, markdown.split('\n').filter((line) => /^\|(---:?\|)+$/.test(line)).length, 'each delimiter row starts a table the parser sees');
      for (const table of tables) {
        assert.ok(table.header.length <= 7, table.header.join(', '));
        for (const row of table.rows) assert.equal(row.length, table.header.length, `${table.header.join(', ')}: ${row.join(' | ')}`);
      }
    }
  });

  test('<details> sections are balanced and never nested', () => {
    for (const result of [blocked, passed, dataBlocked]) {
      let depth = 0;
      for (const line of renderCiMarkdown(result).split('\n')) {
        if (line.startsWith('<details')) assert.equal(++depth, 1, line);
        if (line === '</details>') assert.equal(--depth, 0);
      }
      assert.equal(depth, 0);
    }
  });

  test('slices and fairness fold under <details> with their groups', () => {
    const markdown = renderCiMarkdown(blocked);
    assert.match(markdown, /<details><summary>Slices: metrics of the candidate per group of size<\/summary>/);
    assert.deepEqual(tableWith(markdown, ['Group', 'Rows', 'Selection rate', 'TPR', 'FPR']).rows.map((row) => row[0]), ['large', 'small']);
    const slice = tableWith(markdown, ['Group', 'Rows', 'accuracy', 'roc\\_auc', 'f1', 'log\\_loss']);
    assert.equal(slice.rows.reduce((sum, row) => sum + Number(row[1]), 0), 171);
  });

  test('a data block shows each violation with column, rule, observed, expected and failing rows, unfolded', () => {
    const markdown = renderCiMarkdown(dataBlocked);
    assert.match(markdown.split('\n')[1]!, /^❌ \*\*Sluice CI blocked at data\*\*: validate\\_train: \d+ violations$/);
    assert.match(markdown, /<details open><summary>❌ validate_train: .*current_drifted\.csv against .*schema\.yaml/);
    const table = tableWith(markdown, ['Column', 'Rule', 'Observed', 'Expected', 'Failing rows', 'Examples']);
    const missing = table.rows.find((row) => row[0] === '`worst_smoothness`');
    assert.ok(missing, table.rows.map((row) => row[0]).join(', '));
    assert.equal(missing[4], '5', 'five rows have no worst_smoothness (fixtures README)');
    assert.match(markdown, /\*\*Training data drift:\*\* No production model yet/);
  });

  test('the drift summary gives the share and the drifted columns with method and score', () => {
    const markdown = renderCiMarkdown(blocked);
    const drift = blocked.data!.drift!.result;
    assert.match(markdown, new RegExp(`columns drifted \\(${(drift.drift_share * 100).toFixed(1)} %`));
    const table = tableWith(markdown, ['Column', 'Method', 'Score', 'p-value', 'Drift if', 'Verdict']);
    const drifted = table.rows.filter((row) => row[5] === '⚠️ drift').map((row) => row[0]);
    assert.deepEqual(drifted.sort(), ['**`mean_area`**', '**`mean_radius`**', '**`mean_texture`**']);
    assert.equal(table.rows.length, drift.number_of_columns);
  });

  test('the stages table says which stages ran and which came from a cache', () => {
    const markdown = renderCiMarkdown(blocked);
    assert.deepEqual(tableWith(markdown, ['Stage', 'Result', 'Time']).rows.map((row) => `${row[0]} ${row[1]}`), [
      '`validate_train` ♻️ unchanged',
      '`featurize` 📦 from the run cache',
      '`train` ▶️ ran',
      '`evaluate` ▶️ ran',
      '`report` 📦 restored from the cache',
    ]);
    assert.match(markdown, /Succeeded: 2 ran, 2 from the cache \(1 run cache, 1 restored\), 1 unchanged\./);
  });

  test('params and metrics changed since the base are listed with both values', () => {
    const markdown = renderCiMarkdown(blocked);
    assert.deepEqual(tableWith(markdown, ['Param', 'Base', 'This commit', 'File']).rows, [['`train.C`', '1', '0.1', '`params.yaml`'], ['`train.features`', '30', '3', '`params.yaml`']]);
    assert.deepEqual(tableWith(markdown, ['Metric', 'Base', 'This commit', 'Change', 'File']).rows[0], ['`accuracy`', '0.9883', '0.7661', '−0.2222', '`metrics.json`']);
  });

  test('registration and deployment name the version, the alias and the rollout phase', () => {
    const markdown = renderCiMarkdown(passed);
    assert.match(markdown, /🏷️ Registered `models:\/bc\/4` with the alias `challenger` \(`models:\/bc@challenger`\)/);
    assert.match(markdown, /🚀 Deployment to `staging` \(canary\): \*\*promoted\*\*/);
  });

  test('with a server URL the run id links to the run there; without one nothing links', () => {
    const linked = renderCiMarkdown(passed, { serverUrl: 'https://sluice.example.org/' });
    assert.match(linked, /run \[`f00dfeed0123`\]\(<https:\/\/sluice\.example\.org\/api\/2\.0\/mlflow\/runs\/get\?run_id=f00dfeed0123456789abcdef01234567>\)/);
    assert.doesNotMatch(renderCiMarkdown(passed), /\]\(</);
    assert.doesNotMatch(renderCiMarkdown(passed, { serverUrl: 'javascript:alert(1)' }), /javascript:/);
  });

  test('the SVG files are linked as images only when the report says where they are', () => {
    assert.doesNotMatch(renderCiMarkdown(blocked), /!\[/);
    const markdown = renderCiMarkdown(blocked, { plotsDir: 'ci plots' });
    assert.match(markdown, /!\[Candidate against production\]\(<ci%20plots\/sluice-ci-metrics\.svg>\)/);
    assert.match(markdown, /!\[Training data drift per column \(top 12 of 31\)\]\(<ci%20plots\/sluice-ci-drift\.svg>\)/);
  });

  test('the SVG files draw the same charts as well-formed SVG, a bar per value and series', () => {
    const files = ciReportFiles(blocked);
    assert.deepEqual(files.map((file) => file.name), ['sluice-ci-metrics.svg', 'sluice-ci-drift.svg']);
    const bars = files.map((file) => allElements(parseXml(file.svg)).filter((element) => element.attributes.class === 'bar'));
    assert.equal(bars[0]!.length, 2 * blocked.gate!.report.rules.length, 'candidate and production for each rule');
    assert.equal(bars[1]!.length, 2 * 12, 'drifted and not drifted for the top 12 columns');
    assert.match(bars[0]![0]!.children[0]!.text, /^accuracy: candidate 0\.766$/);
  });

  test('what users wrote is shown as typed: no HTML, no broken table, no code span', async () => {
    const csv = join(temp.path, 'hostile.csv');
    writeFileSync(csv, 'a|b,<img src=x onerror=alert(1)>,`tick`\n1,2,3\n1,,3\n');
    const schema = join(temp.path, 'hostile.yaml');
    writeFileSync(schema, 'version: 1\ncolumns:\n  "a|b": {type: integer, unique: true}\n  "<img src=x onerror=alert(1)>": {type: integer, nullable: false}\n  "`tick`": {type: integer, max: 1}\n');
    const validation = { ...(await validateFile(csv, { schemaPath: schema })), stage: 'check *all* | [data](javascript:x)' };
    const result: CiResult = { ...dataBlocked, data: { pointers: [], validations: [validation] } };
    const markdown = renderCiMarkdown(result);
    const html = markdownIt.render(markdown);
    assert.doesNotMatch(html, /<img|<a /);
    assert.doesNotMatch(html, /<em>|<strong>all/);
    const table = tableWith(markdown, ['Column', 'Rule', 'Observed', 'Expected', 'Failing rows', 'Examples']);
    assert.equal(table.rows.length, 3);
    assert.match(html, /<code>a\|b<\/code>/);
    assert.match(html, /<code>&lt;img src=x onerror=alert\(1\)&gt;<\/code>/);
    assert.match(html, /<code>`tick`<\/code>/);
  });
});
