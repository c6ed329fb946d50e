/**
 * A project in a folder of its repository (`ml/` of a monorepo) on a queue worker with
 * `--concurrency 2`: its second slot is a worktree of the whole repository, and its stages run in
 * the project's folder of it, as in the first slot.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sluiceAsync } from '../support/cli.js';
import { git, queueBench, type QueueBench } from '../support/queue.js';

// Both stages wait (up to 20 s) for each other's start in a folder both see, and fail alone: they
// succeed only running at once, one in each slot.
const PIPELINE = ['a', 'b']
  .flatMap((name) => [
    `  ${name}:`,
    `    cmd: touch "$MARKS/${name}"; for i in $(seq 200); do [ -e "$MARKS/a" ] && [ -e "$MARKS/b" ] && break; sleep 0.1; done; [ -e "$MARKS/a" ] && [ -e "$MARKS/b" ] && echo ${name} > ${name}.txt`,
    '    deps: [data.txt]',
    `    outs: [${name}.txt]`,
  ])
  .join('\n');

describe('a project in a folder of its repository, on a worker with two slots', () => {
  let bench: QueueBench | undefined;
  after(() => bench?.close());

  test('both slots run its stages in the project folder', async () => {
    bench = queueBench({ 'README.md': '# a monorepo\n' });
    const project = join(bench.origin, 'ml');
    mkdirSync(join(project, '.sluice'), { recursive: true });
    writeFileSync(join(project, 'sluice.yaml'), `stages:\n${PIPELINE}\n`);
    writeFileSync(join(project, 'data.txt'), 'x\n');
    writeFileSync(join(project, '.sluice', 'config.yaml'), `cache:\n  dir: ${bench.cacheDir}\n`);
    writeFileSync(join(project, '.gitignore'), '/.sluice/tmp/\n/.sluice/logs/\n/.sluice/sluice.db*\n');
    const marks = join(bench.dir, 'marks');
    mkdirSync(marks);
    git(bench.origin, 'add', '-A');
    git(bench.origin, 'commit', '-qm', 'the ml project');
    await bench.startWorker('mono', ['--concurrency', '2'], { MARKS: marks }, undefined, 'ml');
    const submitter = join(bench.clone('submitter'), 'ml');
    const result = await sluiceAsync(submitter, ['run', '--queue', bench.url]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(join(submitter, 'a.txt'), 'utf8'), 'a\n');
    assert.equal(readFileSync(join(submitter, 'b.txt'), 'utf8'), 'b\n');
  });
});
