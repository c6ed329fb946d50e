/**
 * Schema inference and validation through the real CLI: a schema written from good data passes
 * it; bad data exits 1 listing every violation; bad input exits 2 naming the file, line and
 * column; a `uses: validate` stage stops the pipeline before training.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';
import { sharedFixture } from '../support/fixtures.js';

const PIPELINE = `stages:
  validate:
    uses: validate
    with:
      data: data/train.csv
      schema: data/schema.yaml
      report: reports/validation.md
  train:
    uses: train
    with:
      data: data/train.csv
      target: target
      algorithm: logistic_regression
      out: models/model.onnx
    deps: [metrics/validation.json]
`;

describe('data validation', () => {
  let repo: ScratchRepo;
  const run = (...args: string[]) => sluice(repo.root, args);
  before(() => {
    repo = scratchRepo({ 'sluice.yaml': PIPELINE });
    mkdirSync(join(repo.root, 'data'));
    copyFileSync(sharedFixture('breast_cancer', 'train.csv'), join(repo.root, 'data', 'train.csv'));
  });
  after(() => repo.remove());

  test('schema infer writes an editable schema that its own data passes', () => {
    const inferred = run('schema', 'infer', 'data/train.csv', '-o', 'data/schema.yaml');
    assert.equal(inferred.code, 0, inferred.stderr);
    const schema = readFileSync(join(repo.root, 'data', 'schema.yaml'), 'utf8');
    assert.match(schema, /^# Data schema inferred from data\/train\.csv/);
    // 6.981 to 25.73 in the file: by default only the sign is kept, which a test split also meets.
    assert.match(schema, /  mean_radius:\n    type: number\n    nullable: false\n    min: 0\n/);
    assert.match(schema, /^rows:\n  min: 1\n/m);
    assert.match(schema, /  target:\n    type: integer\n/);
    const validated = run('validate', 'data/train.csv', '--schema', 'data/schema.yaml');
    assert.equal(validated.code, 0, validated.stdout);
    assert.match(validated.stdout, /data\/train\.csv passes data\/schema\.yaml: \d+ checks over 398 rows/);
  });

  test('a schema inferred from the training split passes the test split', () => {
    copyFileSync(sharedFixture('breast_cancer', 'test.csv'), join(repo.root, 'data', 'test.csv'));
    const validated = run('validate', 'data/test.csv', '--schema', 'data/schema.yaml');
    assert.equal(validated.code, 0, validated.stdout);
    assert.match(validated.stdout, /over 171 rows/);
  });

  test('schema infer --bounds exact keeps the file\'s own range, --bounds none writes none', () => {
    const exact = run('schema', 'infer', 'data/train.csv', '--bounds', 'exact').stdout;
    assert.match(exact, /  mean_radius:\n    type: number\n    nullable: false\n    min: 6\.981\n    max: 25\.73\n/);
    assert.doesNotMatch(run('schema', 'infer', 'data/train.csv', '--bounds', 'none').stdout, /\n    min: /);
  });

  test('schema infer will not overwrite edits without --force', () => {
    const result = run('schema', 'infer', 'data/train.csv', '-o', 'data/schema.yaml');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /data\/schema\.yaml exists; it may hold your edits \(add --force to replace it\)/);
  });

  test('bad data exits 1 listing every violation with rows, as text, JSON and Markdown', () => {
    const bad = readFileSync(join(repo.root, 'data', 'train.csv'), 'utf8').replace(/\n[^,\n]+,/, '\n-1,');
    writeFileSync(join(repo.root, 'bad.csv'), bad);
    const result = run('validate', 'bad.csv', '--schema', 'data/schema.yaml', '--report', 'bad.md', '--json', 'bad.json');
    assert.equal(result.code, 1);
    assert.match(result.stdout, /bad\.csv fails data\/schema\.yaml: 1 violation/);
    assert.match(result.stdout, /✗ mean_radius · min: 1 row \(0\.25 %\) fail; expected ≥ 0\n\s+e\.g\. row 1: -1/);
    const json = JSON.parse(readFileSync(join(repo.root, 'bad.json'), 'utf8')) as { passed: boolean; violations: { column: string; rule: string; examples: { row: number }[] }[] };
    assert.deepEqual([json.passed, json.violations[0]?.column, json.violations[0]?.rule, json.violations[0]?.examples[0]?.row], [false, 'mean_radius', 'min', 1]);
    assert.match(readFileSync(join(repo.root, 'bad.md'), 'utf8'), /\| mean_radius \| min \| 1 row \(0\.25 %\) fail \| ≥ 0 \| row 1: -1 \|/);
  });

  test('--summary - prints the summary alone on stdout (the violations go to stderr), and writes no file named -', () => {
    const bad = readFileSync(join(repo.root, 'data', 'train.csv'), 'utf8').replace(/\n[^,\n]+,/, '\n-1,');
    writeFileSync(join(repo.root, 'bad-summary.csv'), bad);
    const result = run('validate', 'bad-summary.csv', '--schema', 'data/schema.yaml', '--summary', '-');
    assert.equal(result.code, 1, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { violations: number }).violations, 1);
    assert.match(result.stderr, /bad-summary\.csv fails data\/schema\.yaml: 1 violation/);
    assert.equal(existsSync(join(repo.root, '-')), false);
  });

  for (const [what, content, message] of [
    ['a ragged row', 'a,b\n1,2\n3,4,5\n', /bad\.csv, line 3: 3 fields where the header has 2/],
    ['bytes that are not UTF-8', Buffer.concat([Buffer.from('a,b\n1,x'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]), /bad\.csv, line 2: column "b" holds bytes that are not UTF-8 text/],
    ['an empty file', '', /bad\.csv is empty: a CSV file needs at least a header line/],
  ] as const) {
    test(`${what} is bad input: exit 2 naming the line and column, no stack trace`, () => {
      writeFileSync(join(repo.root, 'bad.csv'), content);
      const result = run('validate', 'bad.csv', '--schema', 'data/schema.yaml');
      assert.equal(result.code, 2, result.stdout);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    });
  }

  test('a schema that is missing, or a folder, is bad input that says which', () => {
    const missing = run('validate', 'data/train.csv', '--schema', 'nope.yaml');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /The schema file nope\.yaml does not exist.*\[SLUICE_SCHEMA_NOT_FOUND\]/);
    const folder = run('validate', 'data/train.csv', '--schema', 'data');
    assert.equal(folder.code, 2);
    assert.match(folder.stderr, /Cannot read data: it is a directory.*\[SLUICE_CORE_FILE_NOT_READABLE\]/);
  });

  test('an expectation naming an unknown column is bad input located in the schema', () => {
    writeFileSync(join(repo.root, 'strict.yaml'), 'allow_extra_columns: true\nexpectations:\n  - expect: "mean_radiuss > 0"\n');
    const result = run('validate', 'data/train.csv', '--schema', 'strict.yaml');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /strict\.yaml:3:13: The schema rule "mean_radiuss > 0" refers to the column "mean_radiuss", which neither data\/train\.csv nor the schema has/);
  });

  test('a uses: validate stage stops the pipeline before training on bad data', () => {
    const good = readFileSync(join(repo.root, 'data', 'train.csv'), 'utf8');
    writeFileSync(join(repo.root, 'data', 'train.csv'), good.replace(/\n[^,\n]+,/, '\n-1,'));
    const failed = run('run');
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /validate\s+failed/);
    assert.equal(existsSync(join(repo.root, 'models', 'model.onnx')), false, 'train did not run');
    assert.match(readFileSync(join(repo.root, 'reports', 'validation.md'), 'utf8'), /mean_radius \| min/);
    writeFileSync(join(repo.root, 'data', 'train.csv'), good);
    const passed = run('run');
    assert.equal(passed.code, 0, passed.stderr);
    assert.equal(existsSync(join(repo.root, 'models', 'model.onnx')), true);
    assert.deepEqual(JSON.parse(readFileSync(join(repo.root, 'metrics', 'validation.json'), 'utf8')).passed, true);
  });
});
