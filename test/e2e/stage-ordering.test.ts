/**
 * Ordering that does not come from files: a `uses: validate` stage guards the data it checks
 * (stages reading that data wait for it and do not run when it fails), and `after:` orders a
 * stage after others by name. Run with `-j 2`, where a sibling would otherwise start at once.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratchRepo, sluice } from '../support/cli.js';

const SCHEMA = 'version: 1\ncolumns:\n  x:\n    type: number\n    min: 0\n';
const BAD_ROWS = 'x\n1\n-1\n';

/** A stage that reads `dep` and leaves a marker when it runs. */
const reader = (name: string, dep: string, extra = ''): string =>
  `  ${name}:\n    cmd: node -e "require('fs').writeFileSync('${name}.ran', 'ran')"\n    deps: [${dep}]\n    outs: [${name}.ran]\n${extra}`;

const VALIDATE = '  check:\n    uses: validate\n    with:\n      data: DATA\n      schema: schema.yaml\n';

test('with -j 2, a stage reading the data a validate stage checks does not run when the validation fails', (t) => {
  const repo = scratchRepo({ 'sluice.yaml': `stages:\n${reader('copy', 'data/rows.csv')}${VALIDATE.replace('DATA', 'data/rows.csv')}`, 'data/rows.csv': BAD_ROWS, 'schema.yaml': SCHEMA });
  t.after(() => repo.remove());
  const result = sluice(repo.root, ['run', '-j', '2']);
  assert.equal(result.code, 1, result.stderr);
  assert.equal(existsSync(join(repo.root, 'copy.ran')), false, 'copy must not run');
  assert.match(result.stderr, /copy skipped: the validation of data\/rows\.csv failed \(stage "check"\)/);
  assert.match(result.stdout, /copy\s+skipped/);
});

test('a stage reading the directory that holds validated data waits for the validation and runs when it passes', (t) => {
  const repo = scratchRepo({ 'sluice.yaml': `stages:\n${reader('copy', 'data')}${VALIDATE.replace('DATA', 'data/rows.csv')}`, 'data/rows.csv': 'x\n1\n2\n', 'schema.yaml': SCHEMA });
  t.after(() => repo.remove());
  const dag = sluice(repo.root, ['dag']);
  assert.equal(dag.code, 0, dag.stderr);
  assert.match(dag.stdout, /copy\s+← check/);
  const result = sluice(repo.root, ['run', '-j', '2']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(existsSync(join(repo.root, 'copy.ran')), true);
});

test('with -j 2, a stage with after: [NAME] does not run when NAME fails', (t) => {
  const pipeline = `stages:\n  first:\n    cmd: node -e "process.exit(3)"\n${reader('second', 'input.txt', '    after: [first]\n')}`;
  const repo = scratchRepo({ 'sluice.yaml': pipeline, 'input.txt': 'x\n' });
  t.after(() => repo.remove());
  const result = sluice(repo.root, ['run', '-j', '2']);
  assert.equal(result.code, 1, result.stderr);
  assert.equal(existsSync(join(repo.root, 'second.ran')), false, 'second must not run');
  assert.match(result.stderr, /second skipped: stage "first", which it runs after, failed/);
});

test('after: naming a stage that does not exist is an error at its line, with a suggestion', (t) => {
  const pipeline = `stages:\n  first:\n    cmd: echo 1\n  second:\n    cmd: echo 2\n    after: [frist]\n`;
  const repo = scratchRepo({ 'sluice.yaml': pipeline });
  t.after(() => repo.remove());
  const result = sluice(repo.root, ['run']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /sluice\.yaml:6:\d+/);
  assert.match(result.stderr, /Stage "second" runs after "frist", which is not a stage\. Did you mean "first"\?/);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
});
