/**
 * The profile report from a real profile: a table row per column in the file's order, a
 * self-contained HTML page with a well-formed chart per column that has values, and names and
 * values from the data escaped. Also the Markdown cell escaping every table shares.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { parseXml, svgFragments } from '../../test/support/xml.js';
import { profileFile, type DataProfile } from '../data/index.js';
import { escapeCell } from './markdown.js';
import { PROFILE_HEADERS, profileRows, profileSummary, renderProfileHtml } from './index.js';

describe('profile report', { timeout: 60_000 }, () => {
  let temp: ReturnType<typeof makeTempDir>;
  let profile: DataProfile;
  before(async () => {
    temp = makeTempDir('sluice-profile-report-');
    const rows = Array.from({ length: 20 }, (_, k) => `${k},${k % 4 === 0 ? '' : (k * 1.5).toFixed(1)},${k % 2 ? '<b>bold</b>' : 'plain & simple'},2024-01-${String(k + 1).padStart(2, '0')}`);
    writeFileSync(join(temp.path, 'data.csv'), `id,<script>,label,day\n${rows.join('\n')}\n`);
    profile = await profileFile(join(temp.path, 'data.csv'));
  });
  after(() => temp.remove());

  test('a row per column in the file\'s order, under the headers', () => {
    const rows = profileRows(profile);
    assert.deepEqual(rows.map((row) => row[0]), ['id', '<script>', 'label', 'day']);
    for (const row of rows) assert.equal(row.length, PROFILE_HEADERS.length);
    const [id, numbers, label] = rows;
    assert.deepEqual([id![1], id![2], id![4], id![5], id![6]], ['integer', '0', '0', '19', '9.5']);
    assert.equal(numbers![2], '5 (25 %)', 'five of twenty values missing');
    assert.equal(label![1], 'string');
    assert.deepEqual(label!.slice(4, 7), ['', '', ''], 'no range for text');
    assert.equal(profileSummary(profile), '20 rows × 4 columns');
  });

  test('the HTML page is self-contained with a well-formed chart per column', () => {
    const html = renderProfileHtml(profile);
    assert.doesNotMatch(html, /<script>|<link|<img|\bsrc=|url\(/i);
    assert.deepEqual([...new Set(html.match(/https?:\/\/[^\s"'<>)]+/g) ?? [])], ['http://www.w3.org/2000/svg']);
    const charts = svgFragments(html).map((svg) => parseXml(svg));
    assert.deepEqual(charts.map((svg) => svg.attributes['aria-label']), ['id', '<script>', 'label', 'day']);
    assert.match(html, /<tr><th>rows<\/th><td>20<\/td><\/tr>/);
    assert.match(html, /<tr><th>missing cells<\/th><td>5 \(6\.3 %\)<\/td><\/tr>/);
  });

  test('column names and values from the data are escaped', () => {
    const html = renderProfileHtml(profile);
    assert.match(html, /<h2>&lt;script&gt; <small>number<\/small><\/h2>/);
    assert.match(html, /<td>&lt;script&gt;<\/td>/);
    assert.doesNotMatch(html, /<b>bold/);
    assert.match(html, /&lt;b&gt;bold&lt;\/b&gt;/);
    assert.match(html, /plain &amp; simple/);
  });
});

describe('Markdown cells', { timeout: 60_000 }, () => {
  test('pipes are escaped, HTML is neutralised and line breaks are flattened', () => {
    assert.equal(escapeCell('a|b'), 'a\\|b');
    assert.equal(escapeCell('<script>x</script>'), '&lt;script&gt;x&lt;/script&gt;');
    assert.equal(escapeCell('a & b'), 'a &amp; b');
    assert.equal(escapeCell('one\ntwo'), 'one two');
    assert.equal(escapeCell('&lt;'), '&amp;lt;', 'an entity in the data shows as typed');
  });
});
