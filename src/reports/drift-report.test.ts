/**
 * The drift report from real drift detection: the shared drifted file names exactly its three
 * shifted columns, drifted first; the HTML page is self-contained with a well-formed chart per
 * column; column and category names from the data are escaped.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedFixture } from '../../test/support/fixtures.js';
import { markdownTables } from '../../test/support/markdown.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { parseXml, svgFragments } from '../../test/support/xml.js';
import { detectDrift, type DriftResult } from '../data/index.js';
import { DRIFT_HEADERS, driftRows, driftSummary, renderDriftHtml, renderDriftMarkdown } from './index.js';

const SHIFTED = ['mean_area', 'mean_radius', 'mean_texture'];

describe('drift report on the shared breast-cancer data', { timeout: 60_000 }, () => {
  let drifted: DriftResult;
  let stable: DriftResult;
  before(async () => {
    const reference = sharedFixture('breast_cancer', 'train.csv');
    drifted = await detectDrift(reference, sharedFixture('breast_cancer', 'current_drifted.csv'), { exclude: ['target'] });
    stable = await detectDrift(reference, sharedFixture('breast_cancer', 'current_nodrift.csv'), { exclude: ['target'] });
  });

  test('the Markdown table names exactly the shifted columns as DRIFT, listed first', () => {
    const markdown = renderDriftMarkdown(drifted);
    const [table] = markdownTables(markdown);
    assert.deepEqual(table!.header, [...DRIFT_HEADERS]);
    assert.equal(table!.rows.length, 30);
    const verdicts = table!.rows.map((row) => row[6]);
    assert.deepEqual(verdicts.slice(0, 3), ['DRIFT', 'DRIFT', 'DRIFT']);
    assert.ok(verdicts.slice(3).every((verdict) => verdict === 'ok'));
    assert.deepEqual(table!.rows.slice(0, 3).map((row) => row[0]).sort(), SHIFTED);
    for (const row of table!.rows) assert.equal(row.length, DRIFT_HEADERS.length);
  });

  test('the summary counts drifted columns, and missing values are shown per side', () => {
    assert.equal(driftSummary(drifted), 'No dataset drift: 3 of 30 columns drifted (10.0 %; dataset drift at ≥ 50 %).');
    const markdown = renderDriftMarkdown(drifted);
    assert.match(markdown, /^## Data drift: ✅ no dataset drift$/m);
    assert.match(markdown, /Bonferroni-corrected/);
    const smoothness = driftRows(drifted).find((row) => row[0] === 'worst_smoothness')!;
    assert.equal(smoothness[7], '0 / 5', 'five values missing in the current file (fixtures README)');
    assert.equal(smoothness[6], 'ok');
  });

  test('the no-drift file has no DRIFT row', () => {
    assert.ok(driftRows(stable).every((row) => row[6] === 'ok'));
    assert.match(renderDriftMarkdown(stable), /0 of 30 columns drifted/);
  });

  test('the HTML page is self-contained, with one well-formed chart per column and the drifted ones marked', () => {
    const html = renderDriftHtml(drifted);
    assert.doesNotMatch(html, /<script|<link|<img|\bsrc=|url\(/i);
    assert.deepEqual([...new Set(html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [])], ['http://www.w3.org/2000/svg']);
    const svgs = svgFragments(html);
    assert.equal(svgs.length, 30);
    const labels = svgs.map((svg) => parseXml(svg).attributes['aria-label']);
    assert.deepEqual(labels.slice(0, 3).sort(), SHIFTED, 'drifted columns first');
    assert.equal(html.match(/<section class="drifted">/g)?.length, 3);
    assert.equal(html.match(/<tr class="drifted">/g)?.length, 3);
  });
});

describe('drift report escaping', { timeout: 60_000 }, () => {
  let temp: ReturnType<typeof makeTempDir>;
  let result: DriftResult;
  before(async () => {
    temp = makeTempDir('sluice-drift-report-');
    const rows = (shift: number, extra: string) =>
      Array.from({ length: 60 }, (_, k) => `${k + shift},${k % 3 === 0 ? '<b>bold</b>' : 'plain'},${k % 2 === 0 ? 'x|y' : 'z'}${extra ? `,${k}` : ''}`).join('\n');
    writeFileSync(join(temp.path, 'ref.csv'), `<script>,kind,a|b,only<ref>\n${rows(0, 'r')}\n`);
    writeFileSync(join(temp.path, 'cur.csv'), `<script>,kind,a|b\n${rows(500, '')}\n`);
    result = await detectDrift(join(temp.path, 'ref.csv'), join(temp.path, 'cur.csv'));
  });
  after(() => temp.remove());

  test('the drifted column is reported, and columns missing on one side are listed', () => {
    assert.deepEqual(driftRows(result).filter((row) => row[6] === 'DRIFT').map((row) => row[0]), ['<script>']);
    const markdown = renderDriftMarkdown(result);
    assert.match(markdown, /^- `only<ref>` is only in the reference$/m);
  });

  test('Markdown cells escape pipes and HTML in column names', () => {
    const markdown = renderDriftMarkdown(result);
    const rows = markdownTables(markdown)[0]!.rows;
    for (const row of rows) assert.equal(row.length, DRIFT_HEADERS.length);
    assert.deepEqual(rows.map((row) => row[0]).sort(), ['&lt;script&gt;', 'a\\|b', 'kind']);
    assert.doesNotMatch(markdown, /\| <script>/);
  });

  test('HTML escapes column names and category labels, in the table and in the charts', () => {
    const html = renderDriftHtml(result);
    assert.doesNotMatch(html, /<script>|<b>bold/);
    assert.match(html, /<td>&lt;script&gt;<\/td>/);
    const charts = svgFragments(html).map((svg) => parseXml(svg));
    assert.deepEqual(charts.map((svg) => svg.attributes['aria-label']).sort(), ['<script>', 'a|b', 'kind']);
    assert.match(html, /&lt;b&gt;bold&lt;\/b&gt;/);
  });
});
