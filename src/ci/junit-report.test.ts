/** Reading the JUnit XML that tests stages write: counts and failed cases from real reporters. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { AppError } from '../core/index.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { parseJUnitReport, readJUnitReport } from './junit-report.js';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.remove());

const where = { path: 'reports/junit.xml', stage: 'unit' };

/** Runs Node's own test runner with its JUnit reporter over `source`, and returns the report's path. */
function nodeJUnit(source: string): string {
  mkdirSync(join(temp.path, 'test'));
  writeFileSync(join(temp.path, 'test', 'split.test.mjs'), source);
  const report = join(temp.path, 'junit.xml');
  // Without NODE_TEST_CONTEXT, which would make the child report to this test runner instead.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'NODE_TEST_CONTEXT'));
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=junit', `--test-reporter-destination=${report}`, 'test/split.test.mjs'], { cwd: temp.path, env, encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 1, `the run has a failing test: ${run.stderr}`);
  return report;
}

describe('JUnit reports', () => {
  test("Node's JUnit reporter: passed, failed and skipped cases are counted, and the failure is named", async () => {
    const report = nodeJUnit(
      "import assert from 'node:assert/strict';\nimport { describe, test } from 'node:test';\n" +
        "describe('split', () => {\n  test('keeps every row', () => assert.equal(1, 1));\n  test('is stratified', () => assert.equal(0.3, 0.5, 'class share differs'));\n  test('handles empty files', { skip: 'not yet' }, () => {});\n});\n" +
        "test('top-level check', () => {});\n",
    );
    const { counts, failed } = await readJUnitReport(report, 'unit');
    assert.deepEqual(counts, { tests: 4, failures: 1, errors: 0, skipped: 1 });
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.name, 'is stratified');
    assert.match(failed[0]!.message, /class share differs/);
  });

  test('a pytest-style report: an error is counted apart from failures, with the class as the suite', () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1" failures="1" skipped="0" tests="3">
<testcase classname="tests.test_features" name="test_scaling" time="0.01"/>
<testcase classname="tests.test_features" name="test_imputation" time="0.02"><failure message="AssertionError: assert 3 == 4">def test_imputation():
&gt;   assert 3 == 4</failure></testcase>
<testcase classname="tests.test_io" name="test_read" time="0.00"><error message="FileNotFoundError: data/x.csv">trace</error></testcase>
</testsuite></testsuites>`;
    const { counts, failed } = parseJUnitReport(xml, where);
    assert.deepEqual(counts, { tests: 3, failures: 1, errors: 1, skipped: 0 });
    assert.deepEqual(failed.map((test) => [test.suite, test.name, test.message]), [
      ['tests.test_features', 'test_imputation', 'AssertionError: assert 3 == 4'],
      ['tests.test_io', 'test_read', 'FileNotFoundError: data/x.csv'],
    ]);
  });

  test('a report that lists no cases falls back to the suites\' totals', () => {
    const { counts } = parseJUnitReport('<testsuite name="x" tests="12" failures="2" errors="0" skipped="1"></testsuite>', where);
    assert.deepEqual(counts, { tests: 12, failures: 2, errors: 0, skipped: 1 });
  });

  test('broken XML is a located, actionable error', () => {
    let caught: unknown;
    try {
      parseJUnitReport('<testsuites>\n<testsuite name="a">\n<testcase name="b">\n</testsuites>', where);
    } catch (error) {
      caught = error;
    }
    const error = caught as AppError;
    assert.equal(error?.code, 'SLUICE_CI_BAD_JUNIT');
    assert.match(error.message, /reports\/junit\.xml.*"unit".*line \d/);
    assert.match(error.hint ?? '', /--junitxml/);
  });

  test('XML that is not a JUnit report is refused', () => {
    assert.throws(() => parseJUnitReport('<coverage line-rate="0.9"/>', where), (error: AppError) => error.code === 'SLUICE_CI_BAD_JUNIT' && /neither <testsuites> nor <testsuite>/.test(error.message));
  });
});
