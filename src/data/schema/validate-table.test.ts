/**
 * `validateFile`: each rule kind catches what it should, names the column, the rule, observed
 * against expected and the offending rows; good data passes; mistakes in the schema or the file
 * are errors that say where.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedFixture } from '../../../test/support/fixtures.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { validateFile, type ValidationResult, type Violation } from '../index.js';

const GOOD = `id,age,city,email,joined,income
1,34,Paris,ana@example.org,2024-01-02,3000.5
2,45,Lyon,bo@example.org,2024-02-03,4200
3,,Paris,cy@example.org,2024-03-04,2800
4,29,Nice,di@example.org,2024-04-05,3900
`;

const SCHEMA = `version: 1
rows: { min: 2, max: 10 }
columns:
  id: { type: integer, nullable: false, unique: true }
  age: { type: integer, nullable: true, max_missing_share: 0.25, min: 18, max: 99 }
  city: { type: string, allowed: [Paris, Lyon, Nice] }
  email: { type: string, regex: "^[^@ ]+@[^@ ]+$" }
  joined: { type: date, min: "2024-01-01" }
  income: { type: number, min: 0 }
expectations:
  - name: adults earn
    expect: "income > 100 OR age IS NULL"
`;

describe('data validation against a schema', () => {
  let temp: ReturnType<typeof makeTempDir>;
  const file = (name: string, content: string) => {
    const path = join(temp.path, name);
    writeFileSync(path, content);
    return path;
  };
  const validate = (data: string, schema = SCHEMA): Promise<ValidationResult> => validateFile(file('data.csv', data), { schemaPath: file('schema.yaml', schema) });
  const only = (result: ValidationResult, rule: string): Violation => {
    const found = result.violations.filter((violation) => violation.rule === rule);
    assert.equal(found.length, 1, `one ${rule} violation in ${JSON.stringify(result.violations)}`);
    return found[0]!;
  };
  before(() => (temp = makeTempDir()));
  after(() => temp.remove());

  test('good data passes every check', async () => {
    const result = await validate(GOOD);
    assert.deepEqual(result.violations, []);
    assert.equal(result.passed, true);
    assert.equal(result.rows, 4);
  });

  test('a value below min is named with its row', async () => {
    const violation = only(await validate(GOOD.replace('2,45,', '2,15,')), 'min');
    assert.deepEqual([violation.column, violation.failing_rows, violation.examples], ['age', 1, [{ row: 2, value: '15' }]]);
    assert.match(violation.expected, /≥ 18/);
  });

  test('a value above max is caught', async () => {
    assert.deepEqual(only(await validate(GOOD.replace('4,29,', '4,129,')), 'max').examples, [{ row: 4, value: '129' }]);
  });

  test('a category outside the allowed values is caught', async () => {
    const violation = only(await validate(GOOD.replace('Nice', 'Rome')), 'allowed');
    assert.deepEqual([violation.column, violation.examples], ['city', [{ row: 4, value: 'Rome' }]]);
  });

  test('a value that does not match the regex is caught', async () => {
    assert.deepEqual(only(await validate(GOOD.replace('bo@example.org', 'bo at example')), 'regex').examples, [{ row: 2, value: 'bo at example' }]);
  });

  test('a value of the wrong type is caught, and the other rules read the rest', async () => {
    const violation = only(await validate(GOOD.replace('2,45,', '2,forty,')), 'type');
    assert.deepEqual([violation.column, violation.examples], ['age', [{ row: 2, value: 'forty' }]]);
    assert.match(violation.expected, /integer/);
  });

  test('a repeated value in a unique column shows the rows that share it', async () => {
    const violation = only(await validate(GOOD.replace('3,,Paris', '2,,Paris')), 'unique');
    assert.deepEqual(violation.examples, [{ row: 2, value: '2' }, { row: 3, value: '2' }]);
  });

  test('missing values beyond nullable: false or max_missing_share are caught', async () => {
    const result = await validate(GOOD.replace('4,29,', '4,,').replace('1,34', ',34'));
    assert.equal(only(result, 'max_missing_share').failing_rows, 2);
    assert.deepEqual(only(result, 'nullable').examples, [{ row: 1, value: null }]);
  });

  test('too few rows are caught', async () => {
    assert.match(only(await validate(GOOD.split('\n').slice(0, 2).join('\n')), 'rows').expected, /2 to 10 rows/);
  });

  test('a missing column and an extra column are caught', async () => {
    const result = await validate(GOOD.replaceAll(',income', '').replace(/,(3000\.5|4200|2800|3900)\n/g, '\n').replace('id,', 'id,note,').replace(/\n(\d),/g, '\n$1,x,'));
    assert.equal(only(result, 'present').column, 'income');
    assert.equal(only(result, 'no_extra_columns').column, 'note');
  });

  test('a custom SQL expectation names the failing rows', async () => {
    const violation = only(await validate(GOOD.replace('2800', '50').replace('3,,', '3,40,')), 'adults earn');
    assert.equal(violation.column, null);
    assert.equal(violation.examples[0]!.row, 3);
    assert.match(violation.examples[0]!.value!, /'income': 50/);
  });

  test('a text cell in a number column fails its type and the expectations over it, which still check the other rows', async () => {
    // One bad cell makes DuckDB read the whole income column as text.
    const result = await validate(GOOD.replace('4200', 'n/a').replace('2800', '50').replace('3,,', '3,40,'));
    assert.deepEqual(only(result, 'type').examples, [{ row: 2, value: 'n/a' }]);
    assert.deepEqual(only(result, 'adults earn').examples.map((example) => example.row), [2, 3]);
    assert.equal(result.passed, false);
  });

  test('a text cell after the rows DuckDB guesses types from (row 22,000) is a type violation, not an unreadable file', async () => {
    const rows = Array.from({ length: 25_000 }, (_, i) => `${i + 1},${i === 21_999 ? 'abc' : 20 + (i % 60)}`);
    const result = await validate(`id,age\n${rows.join('\n')}\n`, 'version: 1\ncolumns:\n  id: { type: integer }\n  age: { type: integer, min: 0 }\n');
    assert.deepEqual(only(result, 'type').examples, [{ row: 22_000, value: 'abc' }]);
  });

  test('a header that names a column twice is an error at line 1, not a renamed extra column', async () => {
    await assert.rejects(validate(GOOD.replace('id,age,city', 'id,age,age')), (error: Error & { code?: string }) => error.code === 'SLUICE_DATA_MALFORMED' && /line 1: the header names the column "age" twice/.test(error.message));
  });

  test('dates are compared as dates', async () => {
    assert.deepEqual(only(await validate(GOOD.replace('2024-01-02', '2023-12-31')), 'min').examples, [{ row: 1, value: '2023-12-31' }]);
  });

  test('an expectation naming a column neither the data nor the schema has is an error at its line', async () => {
    await assert.rejects(validate(GOOD, SCHEMA.replace('income > 100', 'incme > 100')), (error: Error & { code?: string; location?: { line?: number } }) => {
      assert.equal(error.code, 'SLUICE_SCHEMA_INVALID_RULE');
      assert.match(error.message, /refers to the column "incme", which neither .* nor the schema has/);
      assert.equal(error.location?.line, 12);
      return true;
    });
  });

  test('whole numbers are digits only: 2.5, 1e3 and 0x10 in an integer column are type violations', async () => {
    const violation = only(await validate('v\n1\n2.5\n1e3\n0x10\n 7\n', 'allow_extra_columns: true\ncolumns:\n  v: { type: integer }\n'), 'type');
    assert.deepEqual(violation.examples.map((example) => example.value), ['2.5', '1e3', '0x10']);
  });

  test('a numeric bound on a text column compares numbers, not text', async () => {
    const violation = only(await validate('v\n5\n100\nn/a\n', 'allow_extra_columns: true\ncolumns:\n  v: { min: 20 }\n'), 'min');
    assert.deepEqual(violation.examples, [{ row: 1, value: '5' }]);
  });

  test('NaN is a missing value, not a value above max', async () => {
    const result = await validate('x\n1.5\nnan\n2\n', 'allow_extra_columns: true\ncolumns:\n  x: { type: number, nullable: false, max: 3 }\n');
    assert.deepEqual(result.violations.map((violation) => `${violation.rule} ${violation.examples[0]?.row}`), ['nullable 2']);
  });

  test('a bound the column type cannot compare with is an error at its line', async () => {
    await assert.rejects(validate(GOOD, SCHEMA.replace('min: 18', 'min: eighteen')), (error: Error & { code?: string; location?: { line?: number } }) => {
      assert.equal(error.code, 'SLUICE_SCHEMA_INVALID_RULE');
      assert.match(error.message, /The schema rule "age\.min" cannot apply: "eighteen" is not a number, and the column holds integers/);
      assert.equal(error.location?.line, 5);
      return true;
    });
    await assert.rejects(validate(GOOD, SCHEMA.replace('min: "2024-01-01"', 'min: March')), /is not an ISO date/);
  });

  test('example rows are file rows even when the data has a column named rowid', async () => {
    const violation = only(await validate('rowid,v\n100,1\n101,-1\n', 'columns:\n  rowid: {}\n  v: { min: 0 }\n'), 'min');
    assert.deepEqual(violation.examples, [{ row: 2, value: '-1' }]);
  });

  test('an unknown rule in the schema is an error at its line', async () => {
    await assert.rejects(validate(GOOD, SCHEMA.replace('min: 18', 'minimum: 18')), { code: 'SLUICE_CORE_INVALID_FILE' });
  });

  test('a max below min is an error at the max, not a rule every row fails', async () => {
    await assert.rejects(validate(GOOD, SCHEMA.replace('min: 18, max: 99', 'min: 100, max: 10')), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'SLUICE_CORE_INVALID_FILE');
      assert.match((error as Error & { toUserMessage(): string }).toUserMessage(), /schema\.yaml:5:\d+: "columns\.age\.max": is 10, below min \(100\): no value could pass/);
      return true;
    });
  });

  test('drift against a reference fails validation on the drifted columns', async () => {
    const train = sharedFixture('breast_cancer', 'train.csv');
    const schema = file('bc.yaml', 'allow_extra_columns: true\ndrift:\n  fail_on: column\n  exclude: [target]\n');
    const drifted = await validateFile(sharedFixture('breast_cancer', 'current_drifted.csv'), { schemaPath: schema, referencePath: train });
    assert.deepEqual(drifted.violations.map((violation) => `${violation.column} ${violation.rule}`).sort(), ['mean_area drift', 'mean_radius drift', 'mean_texture drift']);
    const clean = await validateFile(sharedFixture('breast_cancer', 'current_nodrift.csv'), { schemaPath: schema, referencePath: train });
    assert.equal(clean.passed, true);
  });
});
