/**
 * The shared run cache makes a retried stage a restore: once one checkout ran a stage and stored
 * its outs, a second checkout of the same project (another worker, after the first died before
 * answering) gets the outs back without running the command.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ObjectCache } from '../cache/index.js';
import { hashFileSync } from '../core/index.js';
import { computeRunCacheKey, loadPipeline, runWorkerStage, type StageSnapshot } from '../pipeline/index.js';
import { openWorkspace } from '../workspace/index.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { SharedRunCache } from './shared-run-cache.js';

/** A checkout with one stage whose every run appends a line to `effects`. */
function checkout(dir: string, effects: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'sluice.yaml'), `stages:\n  s:\n    cmd: cat in.txt in.txt > out.txt && echo ran >> ${effects}\n    deps: [in.txt]\n    outs: [out.txt]\n`);
  writeFileSync(join(dir, 'in.txt'), 'x\n');
  return dir;
}

/** What a submitter sends for stage `s`: its dep ids and run-cache key. */
function submitted(root: string): { deps: Record<string, string>; runCacheKey: string | undefined } {
  const deps = { 'in.txt': `blake3:${hashFileSync(join(root, 'in.txt'))}` };
  const stage = loadPipeline(root).stages[0]!;
  const snapshot = { deps: new Map([['in.txt', { id: deps['in.txt'] }]]), params: {}, outs: new Map() } as unknown as StageSnapshot;
  return { deps, runCacheKey: computeRunCacheKey(stage, snapshot) };
}

test('a stage retried in another checkout is restored from the shared run cache, not run again', async () => {
  const temp = makeTempDir();
  try {
    const effects = join(temp.path, 'effects.log');
    const cacheDir = join(temp.path, 'shared-cache');
    const options = { cache: new ObjectCache({ dir: cacheDir, link: ['copy'] }), runCache: new SharedRunCache(cacheDir), logsDir: join(temp.path, 'logs') };
    const first = checkout(join(temp.path, 'worker-1'), effects);
    const second = checkout(join(temp.path, 'worker-2'), effects);

    const ran = await runWorkerStage(openWorkspace(first), 's', { ...options, ...submitted(first) });
    const retried = await runWorkerStage(openWorkspace(second), 's', { ...options, ...submitted(second) });

    assert.equal(ran.status, 'ran', ran.message);
    assert.equal(retried.status, 'restored-run-cache', retried.message);
    assert.equal(readFileSync(effects, 'utf8'), 'ran\n');
    assert.equal(readFileSync(join(second, 'out.txt'), 'utf8'), 'x\nx\n');
  } finally {
    temp.remove();
  }
});

test('a run-cache entry torn or emptied (a power cut before the disk had it) reads as absent, so the stage runs again', async () => {
  const temp = makeTempDir();
  try {
    const effects = join(temp.path, 'effects.log');
    const cacheDir = join(temp.path, 'shared-cache');
    const runCache = new SharedRunCache(cacheDir);
    const options = { cache: new ObjectCache({ dir: cacheDir, link: ['copy'] }), runCache, logsDir: join(temp.path, 'logs') };
    const first = checkout(join(temp.path, 'worker-1'), effects);
    const second = checkout(join(temp.path, 'worker-2'), effects);
    const ran = await runWorkerStage(openWorkspace(first), 's', { ...options, ...submitted(first) });
    assert.equal(ran.status, 'ran', ran.message);

    const [entry] = readdirSync(join(cacheDir, 'runs'), { recursive: true, withFileTypes: true }).filter((file) => file.isFile());
    const path = join(entry!.parentPath, entry!.name);
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, 20));
    const afterTear = await runWorkerStage(openWorkspace(second), 's', { ...options, ...submitted(second) });
    writeFileSync(path, '');
    const afterEmpty = await runWorkerStage(openWorkspace(second), 's', { ...options, ...submitted(second) });
    const afterRerun = await runWorkerStage(openWorkspace(second), 's', { ...options, ...submitted(second) });

    assert.equal(afterTear.status, 'ran', afterTear.message);
    assert.equal(afterEmpty.status, 'ran', afterEmpty.message);
    assert.equal(afterRerun.status, 'restored-run-cache', 'the rerun wrote a whole entry again');
    assert.equal(readFileSync(effects, 'utf8'), 'ran\nran\nran\n');
    assert.equal(readFileSync(join(second, 'out.txt'), 'utf8'), 'x\nx\n');
  } finally {
    temp.remove();
  }
});

test('a checkout whose inputs differ from the submitter\'s runs nothing and says which deps differ', async () => {
  const temp = makeTempDir();
  try {
    const effects = join(temp.path, 'effects.log');
    const cacheDir = join(temp.path, 'shared-cache');
    const root = checkout(join(temp.path, 'worker'), effects);
    const sent = submitted(root);
    writeFileSync(join(root, 'in.txt'), 'changed\n');

    const outcome = await runWorkerStage(openWorkspace(root), 's', { cache: new ObjectCache({ dir: cacheDir, link: ['copy'] }), runCache: new SharedRunCache(cacheDir), logsDir: join(temp.path, 'logs'), ...sent });

    assert.equal(outcome.status, 'failed');
    assert.match(outcome.message ?? '', /does not match the submitting checkout \(its deps in\.txt differ\)/);
  } finally {
    temp.remove();
  }
});
