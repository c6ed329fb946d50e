/**
 * The validation report from real validation of a small CSV: every violation named with its
 * column and rule, example rows shown, Markdown cells escaped; drift against a reference names
 * the drifted columns.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { markdownTables } from '../../test/support/markdown.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { validateFile, type ValidationResult } from '../data/index.js';
import { formatExamples, renderValidationMarkdown, renderViolationsText, validationHeadline } from './index.js';

const SCHEMA = `version: 1
columns:
  id: { type: integer, unique: true }
  age: { type: integer, min: 18, max: 99 }
  city: { type: string, allowed: [Paris, Lyon] }
`;

const GOOD = 'id,age,city\n1,34,Paris\n2,45,Lyon\n3,29,Paris\n';
const BAD = 'id,age,city\n1,34,Paris\n1,150,Lyon|Nice\n3,12,<b>Nice</b>\n';

describe('validation report', { timeout: 60_000 }, () => {
  let temp: ReturnType<typeof makeTempDir>;
  let passed: ValidationResult;
  let failed: ValidationResult;
  let drifted: ValidationResult;
  const file = (name: string, content: string) => {
    const path = join(temp.path, name);
    writeFileSync(path, content);
    return path;
  };
  before(async () => {
    temp = makeTempDir('sluice-validation-report-');
    const schemaPath = file('schema.yaml', SCHEMA);
    passed = await validateFile(file('good.csv', GOOD), { schemaPath });
    failed = await validateFile(file('bad.csv', BAD), { schemaPath });
    const reference = file('reference.csv', `id,age,city\n${Array.from({ length: 80 }, (_, k) => `${k},${20 + (k % 30)},Paris`).join('\n')}\n`);
    const current = file('current.csv', `id,age,city\n${Array.from({ length: 80 }, (_, k) => `${k + 100},${70 + (k % 20)},Paris`).join('\n')}\n`);
    drifted = await validateFile(current, { schemaPath, referencePath: reference });
  });
  after(() => temp.remove());

  test('passing data: a green headline and no table', () => {
    assert.equal(passed.passed, true);
    assert.match(validationHeadline(passed), /good\.csv passes .*schema\.yaml: \d+ checks over 3 rows\./);
    const markdown = renderValidationMarkdown(passed);
    assert.match(markdown, /^## Data validation: ✅ passed$/m);
    assert.deepEqual(markdownTables(markdown), []);
  });

  test('every violation is a Markdown row naming its column and rule', () => {
    const markdown = renderValidationMarkdown(failed);
    assert.match(markdown, /^## Data validation: ❌ failed$/m);
    assert.match(markdown, new RegExp(`bad\\.csv fails .*: ${failed.violations.length} violations`));
    const [table] = markdownTables(markdown);
    assert.deepEqual(table!.header, ['Column', 'Rule', 'Observed', 'Expected', 'Examples']);
    assert.equal(table!.rows.length, failed.violations.length);
    const named = table!.rows.map((row) => `${row[0]} ${row[1]}`).sort();
    assert.ok(named.includes('id unique'), named.join(', '));
    assert.ok(named.some((entry) => entry.startsWith('age ')), 'the ages out of range');
    assert.ok(named.some((entry) => entry.startsWith('city ')), 'the cities not allowed');
  });

  test('example rows are listed with their row number and value', () => {
    const age = failed.violations.filter((violation) => violation.column === 'age');
    const examples = age.map(formatExamples).join(', ');
    assert.match(examples, /row 2: 150/);
    assert.match(examples, /row 3: 12/);
  });

  test('values with | or HTML stay inside their Markdown cell, escaped', () => {
    const markdown = renderValidationMarkdown(failed);
    for (const row of markdownTables(markdown)[0]!.rows) assert.equal(row.length, 5, row.join(' ‖ '));
    assert.doesNotMatch(markdown, /<b>/);
    const city = markdownTables(markdown)[0]!.rows.find((row) => row[0] === 'city')!;
    assert.match(city[4]!, /Lyon\\\|Nice/);
    assert.match(city[4]!, /&lt;b&gt;Nice&lt;\/b&gt;/);
  });

  test('the terminal text has a line per violation under the headline', () => {
    const lines = renderViolationsText(failed).trimEnd().split('\n');
    assert.equal(lines[0], validationHeadline(failed));
    assert.equal(lines.filter((line) => line.startsWith('  ✗ ')).length, failed.violations.length);
    assert.ok(lines.some((line) => /^ {2}✗ id · unique: /.test(line)));
  });

  test('with a reference, the drifted columns are named', () => {
    const markdown = renderValidationMarkdown(drifted);
    assert.match(markdown, /Drift against `[^`]*reference\.csv`: \d+ of \d+ columns drifted \([^)]*`age`[^)]*\); dataset drift: (yes|no)\./);
    assert.doesNotMatch(markdown.slice(markdown.indexOf('Drift against')), /`city`/);
  });

  test('with a reference, the terminal text ends with the drift result too', () => {
    const lines = renderViolationsText(drifted).trimEnd().split('\n');
    assert.match(lines.at(-1)!, /^Drift against \S*reference\.csv: \d+ of \d+ columns drifted \([^)]*age[^)]*\); dataset drift: (yes|no)\.$/);
  });
});
