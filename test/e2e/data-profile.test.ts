/** `sluice data profile` as users run it: the table, JSON, the HTML page, and bad input. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sluice } from '../support/cli.js';
import { makeTempDir } from '../support/temp-dir.js';

const PEOPLE = ['name,age,height,member,joined', 'ann,34,1.62,true,2021-03-04', 'bob,,1.80,false,2022-11-30', 'cid,51,1.75,TRUE,', 'ann,29,1.70,false,2021-03-04'];

describe('sluice data profile', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => {
    temp = makeTempDir('sluice-profile-');
    writeFileSync(join(temp.path, 'people.csv'), `${PEOPLE.join('\n')}\n`);
  });
  after(() => temp.remove());

  test('prints a row per column and the table size', () => {
    const result = sluice(temp.path, ['data', 'profile', 'people.csv']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.match(lines[0]!, /^Column\s+Type\s+Missing\s+Distinct\s+Min\s+Max\s+Mean\s+Top value$/);
    assert.match(result.stdout, /^name\s+string\s+0\s+3\s+ann \(2\)$/m);
    assert.match(result.stdout, /^age\s+integer\s+1 \(25 %\)\s+3\s+29\s+51\s+38\s+29 \(1\)$/m);
    assert.match(result.stdout, /^member\s+boolean\s+0\s+2\s+false \(2\)$/m);
    assert.match(result.stdout, /^joined\s+date\s+1 \(25 %\)\s+2\s+2021-03-04\s+2022-11-30\s+2021-03-04 \(2\)$/m);
    assert.match(result.stdout, /\n4 rows × 5 columns\n$/);
    assert.equal(result.stderr, '');
  });

  test('--json prints the profile as JSON, and --json - does too', () => {
    for (const flag of [['--json'], ['--json', '-']]) {
      const result = sluice(temp.path, ['data', 'profile', 'people.csv', ...flag]);
      assert.equal(result.code, 0, result.stderr);
      const profile = JSON.parse(result.stdout) as { number_of_rows: number; number_of_columns: number; columns: Record<string, unknown>[] };
      assert.deepEqual([profile.number_of_rows, profile.number_of_columns], [4, 5]);
      const height = profile.columns.find((column) => column.name === 'height')!;
      assert.deepEqual(Object.keys(height), ['name', 'type', 'count', 'missing', 'missing_share', 'distinct', 'min', 'max', 'mean', 'std', 'quantiles', 'zeros', 'infinite', 'histogram', 'top_values']);
      assert.deepEqual([height.type, height.min, height.max], ['number', 1.62, 1.8]);
      const name = profile.columns.find((column) => column.name === 'name')!;
      assert.deepEqual(Object.keys(name), ['name', 'type', 'count', 'missing', 'missing_share', 'distinct', 'length', 'top_values']);
    }
  });

  test('--json FILE writes the JSON and prints the table', () => {
    const result = sluice(temp.path, ['data', 'profile', 'people.csv', '--json', 'profile.json']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Column\s+Type/);
    assert.match(result.stdout, /JSON written to profile\.json\n$/);
    assert.equal((JSON.parse(readFileSync(join(temp.path, 'profile.json'), 'utf8')) as { number_of_rows: number }).number_of_rows, 4);
  });

  test('--html writes a self-contained page with a chart per column', () => {
    const result = sluice(temp.path, ['data', 'profile', 'people.csv', '--html', 'profile.html']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Report written to profile\.html\n$/);
    const html = readFileSync(join(temp.path, 'profile.html'), 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.equal(html.match(/<svg /g)?.length, 5);
    assert.doesNotMatch(html, /<script|<link|src="http/);
  });

  test('--html needs a .html file name', () => {
    const result = sluice(temp.path, ['data', 'profile', 'people.csv', '--html', 'profile.txt']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--html must end in \.html/);
  });

  for (const [what, file, content, message] of [
    ['an empty file', 'empty.csv', '', /empty\.csv is empty/],
    ['a row with too few fields', 'ragged.csv', 'a,b\n1,2\n3\n', /ragged\.csv, line 3: 1 fields where the header has 2/],
    ['an unsupported extension', 'table.xlsx', 'a,b\n1,2\n', /Cannot tell the format of table\.xlsx from its extension/],
  ] as const) {
    test(`${what} exits 2 with a one-paragraph message and no stack trace`, () => {
      writeFileSync(join(temp.path, file), content);
      const result = sluice(temp.path, ['data', 'profile', file]);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, message);
      assert.match(result.stderr, /^sluice: [^\n]+\[SLUICE_DATA_[A-Z_]+\]\n$/);
    });
  }
});
