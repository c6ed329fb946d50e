/** `--jobs` really runs independent stages at the same time, and Ctrl-C stops a run cleanly. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { exited, killProcess, scratchRepo, sluice, startSluice, waitForLine } from '../support/cli.js';
import { isRunning } from '../support/process-tree.js';

/** Two stages that can only finish if each sees the other start: a rendezvous. */
const RENDEZVOUS = {
  'sluice.yaml': 'stages:\n  a:\n    cmd: sh meet.sh a b\n    deps: [meet.sh]\n    outs: [a.txt]\n  b:\n    cmd: sh meet.sh b a\n    deps: [meet.sh]\n    outs: [b.txt]\n',
  'meet.sh': [
    'touch "$MEET/$1.arrived"',
    'echo "$1 waiting for $2"',
    'i=0',
    'while [ ! -f "$MEET/$2.arrived" ]; do',
    '  i=$((i+1)); if [ $i -gt 80 ]; then echo "$2 never arrived" >&2; exit 1; fi',
    '  sleep 0.05',
    'done',
    'echo met > "$1.txt"',
    '',
  ].join('\n'),
};

describe('parallel stages', () => {
  test('with --jobs 2, two independent stages run at the same time', () => {
    const repo = scratchRepo(RENDEZVOUS);
    try {
      const result = sluice(repo.root, ['run', '--jobs', '2'], { MEET: repo.outside });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /a\s+ran/);
      assert.match(result.stdout, /b\s+ran/);
    } finally {
      repo.remove();
    }
  });

  test('parallel output is prefixed with the stage name', () => {
    const repo = scratchRepo(RENDEZVOUS);
    try {
      const result = sluice(repo.root, ['run', '-j', '2'], { MEET: repo.outside });
      assert.match(result.stdout, /^\[a\] a waiting for b$/m);
      assert.match(result.stdout, /^\[b\] b waiting for a$/m);
    } finally {
      repo.remove();
    }
  });

  test('a dozen stages at once print no warning from Node: each running stage listening for Ctrl-C is not a leak', () => {
    const stages = Array.from({ length: 12 }, (_, k) => `  s${k}:\n    cmd: echo ${k} > s${k}.txt\n    outs: [s${k}.txt]\n`).join('');
    const repo = scratchRepo({ 'sluice.yaml': `stages:\n${stages}` });
    try {
      const result = sluice(repo.root, ['run', '--jobs', '12']);
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /Warning|memory leak/);
    } finally {
      repo.remove();
    }
  });

  test('with one job, the same stages run one after the other', () => {
    const repo = scratchRepo(RENDEZVOUS);
    try {
      const result = sluice(repo.root, ['run', '--jobs', '1'], { MEET: repo.outside });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /b never arrived/);
    } finally {
      repo.remove();
    }
  });
});

describe('interrupting a run', () => {
  test('SIGINT stops the running command and its children, records the run as interrupted and releases the lock', async () => {
    const repo = scratchRepo({
      'sluice.yaml': 'stages:\n  slow:\n    cmd: sh slow.sh\n    deps: [slow.sh]\n    outs: [slow.txt]\n',
      'slow.sh': 'sleep 30 &\necho $! > "$MARKS/sleep.pid"\nwait $!\necho done > slow.txt\n',
    });
    const child = startSluice(repo.root, ['run'], { MARKS: repo.outside });
    try {
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const sleeper = Number(await waitForLine(join(repo.outside, 'sleep.pid')));
      assert.ok(isRunning(sleeper));

      child.kill('SIGINT');
      const { code } = await exited(child);
      assert.equal(code, 130);
      assert.match(stderr, /stopping running stages/);
      assert.match(stderr, /Interrupted: running stages were stopped\./);
      for (let i = 0; i < 40 && isRunning(sleeper); i++) await sleep(25);
      assert.equal(isRunning(sleeper), false, 'the command\'s child process was stopped');
      assert.equal(existsSync(join(repo.root, '.sluice', 'tmp', 'run.lock')), false);

      const { runs } = JSON.parse(sluice(repo.root, ['runs', '--json']).stdout) as { runs: { run_id: string; status: string; tags: Record<string, string> }[] };
      const [latest] = runs;
      assert.equal(latest!.status, 'KILLED');
      assert.equal(latest!.tags['sluice.pipeline_status'], 'interrupted');
      const shown = JSON.parse(sluice(repo.root, ['runs', 'show', latest!.run_id, '--json']).stdout) as { children: { status: string; tags: Record<string, string> }[] };
      assert.equal(shown.children[0]!.tags['sluice.stage_status'], 'interrupted');
      assert.equal(shown.children[0]!.status, 'KILLED');

      repo.write('slow.sh', 'echo done > slow.txt\n');
      assert.equal(sluice(repo.root, ['run']).code, 0);
    } finally {
      await killProcess(child);
      repo.remove();
    }
  });
});
