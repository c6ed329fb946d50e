/**
 * SIGKILL at any moment: a run killed (with everything it started) while commands write, while
 * outs are stored in the cache, or while they are restored, must leave no partial object in the
 * cache and no half-written sluice.lock, and the next run must complete correctly.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ObjectCache } from '../../src/cache/index.js';
import { parseLockfile } from '../../src/pipeline/index.js';
import { exited, scratchRepo, sluice, startSluice, type ScratchRepo } from '../support/cli.js';
import { killTree } from '../support/process-tree.js';

const FILES = {
  'sluice.yaml': [
    'stages:',
    '  gen:',
    '    cmd: node gen.mjs ${round}',
    '    deps: [gen.mjs]',
    '    outs: [data/]',
    '  big:',
    '    cmd: node big.mjs ${round}',
    '    deps: [big.mjs]',
    '    outs: [big.bin]',
    '  summary:',
    '    cmd: node summary.mjs',
    '    deps: [data/, big.bin, summary.mjs]',
    '    outs: [summary.txt]',
    '',
  ].join('\n'),
  'params.yaml': 'round: 0\n',
  // 150 files of 128 KiB whose content depends on the round.
  'gen.mjs': `import { mkdirSync, writeFileSync } from 'node:fs';
const round = process.argv[2];
mkdirSync('data', { recursive: true });
for (let i = 0; i < 150; i++) writeFileSync(\`data/part-\${String(i).padStart(3, '0')}.bin\`, Buffer.alloc(128 * 1024, \`\${round}-\${i}-\`));
`,
  // One 48 MiB file, written in 1 MiB chunks.
  'big.mjs': `import { openSync, writeSync, closeSync } from 'node:fs';
const chunk = Buffer.alloc(1 << 20, \`big-\${process.argv[2]}-\`);
const fd = openSync('big.bin', 'w');
for (let i = 0; i < 48; i++) writeSync(fd, chunk);
closeSync(fd);
`,
  'summary.mjs': `import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
writeFileSync('summary.txt', \`\${readdirSync('data').length} \${readFileSync('big.bin').subarray(0, 12).toString()} \${readFileSync('data/part-149.bin').subarray(0, 8).toString()}\\n\`);
`,
};

/** What summary.txt must say after a complete run of `round`. */
function expectedSummary(round: number): string {
  return `150 ${Buffer.alloc(12, `big-${round}-`).toString()} ${Buffer.alloc(8, `${round}-149-`).toString()}\n`;
}

describe('sluice run killed with SIGKILL', () => {
  let repo: ScratchRepo;
  let cache: ObjectCache;
  before(() => {
    repo = scratchRepo(FILES);
    cache = new ObjectCache({ dir: join(repo.root, '.sluice', 'cache'), link: ['reflink', 'hardlink', 'copy'] });
  });
  after(() => repo.remove());

  function assertNothingPartial(context: string): void {
    const { corrupt, checked } = cache.verify();
    assert.deepEqual(corrupt, [], `${context}: corrupt cache objects among ${checked}`);
    const lockPath = join(repo.root, 'sluice.lock');
    if (existsSync(lockPath)) assert.doesNotThrow(() => parseLockfile(readFileSync(lockPath, 'utf8')), `${context}: sluice.lock must parse`);
  }

  function assertCompleteRun(round: number, context: string): void {
    const result = sluice(repo.root, ['run']);
    assert.equal(result.code, 0, `${context}: rerun failed\n${result.stdout}\n${result.stderr}`);
    assert.equal(readFileSync(join(repo.root, 'summary.txt'), 'utf8'), expectedSummary(round), context);
    assert.match(sluice(repo.root, ['status']).stdout, /Pipeline is up to date/, context);
    const { runs } = JSON.parse(sluice(repo.root, ['runs', 'list', '--all', '--json', '--max-results', '1000']).stdout) as { runs: { status: string }[] };
    assert.deepEqual(runs.filter((run) => run.status === 'RUNNING'), [], `${context}: a killed run is still recorded as running`);
    assertNothingPartial(`${context}, after the rerun`);
    const leftovers = readdirSync(repo.root, { recursive: true }).map(String).filter((path) => path.endsWith('.tmp') && !path.startsWith('.sluice'));
    assert.deepEqual(leftovers, [], `${context}: temp files left in the workspace`);
  }

  async function killAfter(milliseconds: number): Promise<void> {
    const child = startSluice(repo.root, ['run', '--jobs', '2']);
    await sleep(milliseconds);
    if (child.pid !== undefined) killTree(child.pid);
    await exited(child);
  }

  // Delays spread over a run: start-up, commands writing, outs being hashed and stored, the lock
  // being written (every 150 ms at first; five points keep each phase and the suite's time).
  const delays = [40, 300, 600, 900, 1100];
  for (const [index, delay] of delays.entries()) {
    test(`killed ${delay} ms into a run that must execute, then run again`, async () => {
      const round = index + 1;
      writeFileSync(join(repo.root, 'params.yaml'), `round: ${round}\n`);
      await killAfter(delay);
      assertNothingPartial(`killed at ${delay} ms`);
      assertCompleteRun(round, `round ${round}`);
    });
  }

  for (const [index, delay] of [30, 120, 250, 380].entries()) {
    test(`killed ${delay} ms into a run that restores from the run cache, then run again`, async () => {
      const round = index + 1;
      writeFileSync(join(repo.root, 'params.yaml'), `round: ${round}\n`);
      await killAfter(delay);
      assertNothingPartial(`restore killed at ${delay} ms`);
      assertCompleteRun(round, `restore of round ${round}`);
    });
  }

  test('after complete runs, no temp object is left in the cache', () => {
    const temp = join(repo.root, '.sluice', 'cache', 'tmp');
    assert.deepEqual(existsSync(temp) ? readdirSync(temp) : [], []);
  });
});
