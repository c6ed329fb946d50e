/** Tests stages in sluice.yaml: `uses: tests`, and `tests:` on a command stage. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { AppError } from '../core/index.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { parsePipeline } from './index.js';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
  writeFileSync(join(temp.path, 'params.yaml'), 'train: {lr: 0.1}\n');
});
afterEach(() => temp.remove());

const load = (text: string) => parsePipeline(temp.path, text);

describe('tests stages', () => {
  test('uses: tests runs its command, caches its JUnit report, and is marked as tests', () => {
    const [stage] = load('stages:\n  unit:\n    uses: tests\n    with: {run: pytest -q --junitxml=reports/junit.xml, junit: reports/junit.xml}\n    deps: [src/, tests/]\n').stages;
    assert.deepEqual(stage!.cmd, ['pytest -q --junitxml=reports/junit.xml']);
    assert.deepEqual(stage!.tests, { junit: 'reports/junit.xml' });
    assert.deepEqual(stage!.outs.map((out) => [out.path, out.kind, out.cache]), [['reports/junit.xml', 'out', true]]);
    assert.equal(stage!.alwaysChanged, false, 'declared deps decide when the tests rerun');
  });

  test('uses: tests without deps runs every time, since nothing tells that the code changed', () => {
    const [stage] = load('stages:\n  unit:\n    uses: tests\n    with: {run: [npm ci, npm test]}\n').stages;
    assert.deepEqual(stage!.cmd, ['npm ci', 'npm test']);
    assert.deepEqual(stage!.tests, { junit: undefined });
    assert.equal(stage!.alwaysChanged, true);
  });

  test('tests: {junit} marks a command stage, with the report resolved against its working directory', () => {
    const [stage] = load('stages:\n  unit:\n    wd: service\n    cmd: node --test --test-reporter=junit --test-reporter-destination=out/junit.xml\n    tests: {junit: out/junit.xml}\n    outs: [out/junit.xml]\n').stages;
    assert.deepEqual(stage!.tests, { junit: 'service/out/junit.xml' });
  });

  test('stages are not tests unless they say so', () => {
    const [plain, off] = load('stages:\n  train: {cmd: echo hi}\n  lint: {cmd: eslint ., tests: false}\n').stages;
    assert.equal(plain!.tests, undefined);
    assert.equal(off!.tests, undefined);
  });

  test('a tests stage without a command is located in sluice.yaml', () => {
    let caught: unknown;
    try {
      load('stages:\n  unit:\n    uses: tests\n    with: {junit: r.xml}\n');
    } catch (error) {
      caught = error;
    }
    const error = caught as AppError;
    assert.ok(error, 'expected an error');
    assert.match(error.message, /run/);
    assert.equal(error.location?.line, 4, error.message);
  });
});
