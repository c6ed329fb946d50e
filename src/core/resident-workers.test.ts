/** Resident worker threads: reused for every request, idle without holding the process, and a failure is the caller's error. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ResidentWorkers, residentSource } from './resident-workers.js';

const ECHO = residentSource(`
const { threadId } = require('node:worker_threads');
function handle(request) {
  if (request.fail) throw new Error('no ' + request.fail);
  if (request.exit) process.exit(3);
  const doubled = new Float64Array(request.values.map((value) => value * 2));
  return { reply: { threadId, doubled }, transfer: [doubled.buffer] };
}
`);

test('requests one after another are answered by the same thread, replies transferred back', async () => {
  const workers = new ResidentWorkers(ECHO, 'the echo thread');
  const first = await workers.run<{ threadId: number; doubled: Float64Array }>({ values: [1, 2.5] });
  const second = await workers.run<{ threadId: number; doubled: Float64Array }>({ values: [-4] });
  assert.deepEqual([...first.doubled], [2, 5]);
  assert.deepEqual([...second.doubled], [-8]);
  assert.equal(second.threadId, first.threadId, 'the thread that answered first answers again');
});

test('requests at the same time get a thread each', async () => {
  const workers = new ResidentWorkers(ECHO, 'the echo thread');
  const answers = await Promise.all([1, 2].map((value) => workers.run<{ threadId: number; doubled: Float64Array }>({ values: [value] })));
  assert.deepEqual(answers.map((answer) => answer.doubled[0]), [2, 4]);
  assert.notEqual(answers[0]!.threadId, answers[1]!.threadId);
});

test('what the handler throws rejects that request, and the thread goes on answering', async () => {
  const workers = new ResidentWorkers(ECHO, 'the echo thread');
  await assert.rejects(workers.run({ fail: 'luck' }), /the echo thread failed: no luck/);
  const after = await workers.run<{ doubled: Float64Array }>({ values: [3] });
  assert.deepEqual([...after.doubled], [6]);
});

test('a thread that stops rejects its request, and the next request starts another', async () => {
  const workers = new ResidentWorkers(ECHO, 'the echo thread');
  const before = await workers.run<{ threadId: number }>({ values: [] });
  await assert.rejects(workers.run({ exit: true }), /the echo thread stopped \(exit code 3\) before it answered/);
  const after = await workers.run<{ threadId: number }>({ values: [] });
  assert.notEqual(after.threadId, before.threadId);
});

test('a thread idle for longer than its idle time is ended, and the next request starts another', async () => {
  const workers = new ResidentWorkers(ECHO, 'the echo thread', { idleMs: 100 });
  // Started and answering first: a thread is never ended while it starts up.
  const worker = workers.acquire();
  worker.postMessage({ values: [1] });
  await once(worker, 'message');
  workers.release(worker);
  const [code] = (await Promise.race([once(worker, 'exit'), new Promise((resolve) => setTimeout(resolve, 10_000, ['still running']))])) as [unknown];
  assert.equal(typeof code, 'number', 'the idle thread was ended');
  const after = await workers.run<{ doubled: Float64Array }>({ values: [5] });
  assert.deepEqual([...after.doubled], [10]);
});

test('a process whose resident thread is idle ends by itself once its work is done', () => {
  const script = `
    const { ResidentWorkers, residentSource } = await import(${JSON.stringify(new URL('./resident-workers.js', import.meta.url).href)});
    const workers = new ResidentWorkers(residentSource('function handle(n) { let s = 0; for (let i = 0; i < n; i++) s += Math.sqrt(i); return { reply: s }; }'), 'the summing thread');
    for (let k = 0; k < 5; k++) await workers.run(2_000_000);
    console.log('done');
  `;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-resident-'));
  const file = join(dir, 'work.mjs');
  writeFileSync(file, script);
  const child = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000 });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(child.signal, null, `the process did not end by itself: ${child.stderr}`);
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), 'done');
});
