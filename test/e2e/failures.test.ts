/**
 * What users see when things go wrong: a failing command, a missing out, and every
 * definition error, each a one-paragraph message with a location and a fix, never a stack trace.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scratchRepo, sluice, type CliResult, type ScratchRepo } from '../support/cli.js';

/** One paragraph on stderr, no stack frames. */
function assertCleanError(result: CliResult, code: number, pattern: RegExp): void {
  assert.equal(result.code, code, `exit code; stderr: ${result.stderr}`);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
  assert.equal(result.stderr.trim().split('\n').length, 1, `one paragraph: ${result.stderr}`);
}

describe('a failing stage', () => {
  let repo: ScratchRepo;
  before(() => {
    repo = scratchRepo({
      'sluice.yaml': [
        'stages:',
        '  good:',
        '    cmd: echo ok > good.txt',
        '    outs: [good.txt]',
        '  bad:',
        '    cmd: sh bad.sh',
        '    deps: [good.txt, bad.sh]',
        '    outs: [bad.txt]',
        '  after_bad:',
        '    cmd: cp bad.txt after.txt',
        '    deps: [bad.txt]',
        '    outs: [after.txt]',
        '  independent:',
        '    cmd: echo independent > independent.txt',
        '    outs: [independent.txt]',
        '',
      ].join('\n'),
      'bad.sh': 'echo "working on it"\necho "loading weights" >&2\necho "ValueError: shapes (3,) and (4,) not aligned" >&2\nexit 3\n',
    });
  });
  after(() => repo.remove());

  test('shows the exit code and the last lines of stderr, and exits 1', () => {
    const result = sluice(repo.root, ['run']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /✗ bad failed: `sh bad\.sh` exited with code 3/);
    assert.match(result.stderr, /│ loading weights\n\s+│ ValueError: shapes \(3,\) and \(4,\) not aligned/);
    assert.match(result.stderr, /1 stage failed: bad\..*\[SLUICE_PIPELINE_RUN_FAILED\]/);
  });

  test('marks the downstream stage skipped and does not start new stages', () => {
    const result = sluice(repo.root, ['run']);
    assert.match(result.stdout, /good\s+unchanged/);
    assert.match(result.stdout, /after_bad\s+skipped \(upstream failed\)/);
    assert.match(result.stdout, /independent\s+not run \(stopped after a failure\)/);
  });

  test('keeps the full output in a log file under .sluice/logs', () => {
    const result = sluice(repo.root, ['run']);
    const logPath = /full log: (\S+)/.exec(result.stderr)?.[1];
    assert.ok(logPath, result.stderr);
    const log = readFileSync(join(repo.root, logPath), 'utf8');
    assert.match(log, /\$ sh bad\.sh\nworking on it\n/);
    assert.match(log, /ValueError/);
  });

  test('with --keep-going, independent stages still run', () => {
    const result = sluice(repo.root, ['run', '--keep-going']);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /independent\s+ran/);
    assert.equal(existsSync(join(repo.root, 'independent.txt')), true);
  });

  test('records nothing in sluice.lock for the failed stage, so a fixed stage runs next time', () => {
    assert.doesNotMatch(readFileSync(join(repo.root, 'sluice.lock'), 'utf8'), /bad:/);
    repo.write('bad.sh', 'echo fixed > bad.txt\n');
    const result = sluice(repo.root, ['run']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /good\s+unchanged/);
    assert.match(result.stdout, /bad\s+ran/);
    assert.match(result.stdout, /after_bad\s+ran/);
  });

  test('a command that succeeds without writing its outs fails the stage', () => {
    repo.write('bad.sh', 'echo "forgot to write"\n');
    const result = sluice(repo.root, ['run']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /bad failed: the command succeeded but did not produce bad\.txt/);
  });
});

describe('definition errors exit 2 with file:line:col and a fix', () => {
  const cases: [string, string, RegExp][] = [
    ['an unknown key', 'stages:\n  train:\n    cmd: x\n    dep: [a]\n', /^sluice: sluice\.yaml:4:5: stage "train" has an unknown key "dep"\. Did you mean "deps"\?/],
    ['a cycle', 'stages:\n  a:\n    cmd: x\n    deps: [b.txt]\n    outs: [a.txt]\n  b:\n    cmd: x\n    deps: [a.txt]\n    outs: [b.txt]\n', /cycle: (a → b → a|b → a → b)\..*\[SLUICE_PIPELINE_CYCLE\]/],
    ['two stages writing one path', 'stages:\n  a:\n    cmd: x\n    outs: [m.pkl]\n  b:\n    cmd: x\n    outs: [m.pkl]\n', /sluice\.yaml:7:12: Stages "a" and "b" both write m\.pkl\./],
    ['a dep nothing provides', 'stages:\n  a:\n    cmd: x\n    deps: [nowhere.csv]\n', /sluice\.yaml:4:12: Stage "a" depends on nowhere\.csv, which does not exist and which no stage produces\. Create the file/],
    ['a missing param', 'stages:\n  a:\n    cmd: x\n    params: [train.lrr]\n', /sluice\.yaml:4:14: Stage "a" reads the param "train\.lrr", which params\.yaml does not define\. Did you mean "train\.lr"\?/],
  ];
  for (const [name, pipeline, pattern] of cases) {
    test(name, () => {
      const repo = scratchRepo({ 'sluice.yaml': pipeline, 'params.yaml': 'train:\n  lr: 0.1\n' });
      try {
        assertCleanError(sluice(repo.root, ['run']), 2, pattern);
        assertCleanError(sluice(repo.root, ['status']), 2, pattern);
      } finally {
        repo.remove();
      }
    });
  }
});

describe('usage errors', () => {
  let repo: ScratchRepo;
  before(() => (repo = scratchRepo({ 'sluice.yaml': 'stages:\n  train:\n    cmd: echo x > x.txt\n    outs: [x.txt]\n' })));
  after(() => repo.remove());

  test('an unknown stage suggests the closest name', () => {
    assertCleanError(sluice(repo.root, ['run', 'trian']), 2, /There is no stage "trian"\. Did you mean "train"\?/);
  });

  test('a bad --jobs value says what is accepted', () => {
    assertCleanError(sluice(repo.root, ['run', '--jobs', 'zero']), 2, /sluice run: --jobs must be a number\. Run `sluice run --help`/);
  });

  test('an unknown flag is a usage error', () => {
    const result = sluice(repo.root, ['run', '--fast']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown option '--fast'/);
  });

  test('a damaged sluice.lock names the way out', () => {
    repo.write('sluice.lock', 'schema: "1"\nstages:\n<<<<<<< HEAD\n');
    assertCleanError(sluice(repo.root, ['status']), 2, /sluice\.lock.*git checkout sluice\.lock/);
  });

  test('outside a project, the error says how to start one', () => {
    const empty = scratchRepo({ 'README.md': 'nothing here\n' });
    try {
      assertCleanError(sluice(empty.root, ['status']), 2, /No Sluice project found in .*Run `sluice init`/);
    } finally {
      empty.remove();
    }
  });
});
