/**
 * `sluice monitor watch --env NAME` on its own, as a sidecar container or a terminal runs it beside
 * a server started with --no-monitor: it keeps running, closes the windows traffic fills, and
 * stops cleanly on SIGTERM.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exited, sluiceAsync, startSluice, stopProcess, type ScratchRepo } from '../support/cli.js';
import { environmentRepo } from '../support/environment.js';
import { sharedFixture } from '../support/fixtures.js';
import { pollUntil } from '../support/processes.js';
import { startServe, type ServedProcess } from '../support/serve.js';

let repo: ScratchRepo;
let server: ServedProcess;

before(async () => {
  repo = environmentRepo(`deploy:
  production: {model: bc, port: 0}
monitor:
  production:
    window: {every: 171 predictions, min_rows: 100}
    reference: ${sharedFixture('breast_cancer', 'train.csv')}
    checks:
      data_drift: {method: ks, drift_share: 0.1}
`);
  server = await startServe(repo.root, ['--env', 'production', '--no-monitor']);
});
after(async () => {
  await server?.stop();
  repo?.remove();
});

describe('sluice monitor watch', () => {
  test('runs until SIGTERM, judging the windows the traffic fills meanwhile', async () => {
    const watch = startSluice(repo.root, ['monitor', 'watch', '--env', 'production', '--json']);
    let stdout = '';
    watch.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    const ended = exited(watch);
    ended.catch(() => undefined);
    // Still running a few passes in, before any traffic.
    const early = await Promise.race([ended, new Promise((resolve) => setTimeout(() => resolve('running'), 2_500))]);
    assert.equal(early, 'running', 'monitor watch ended on its own before any signal');
    const replay = await sluiceAsync(repo.root, ['monitor', 'replay', '--env', 'production', '--data', sharedFixture('breast_cancer', 'current_drifted.csv'), '--url', server.url]);
    assert.equal(replay.code, 0, replay.stderr);
    // The pass that closes the window reports it as a JSON line (read as it comes: no blocking waits here).
    await pollUntil(() => (/"windows":\[\{/.test(stdout) ? true : undefined), 'the pass that closed the window, reported as a JSON line', 30_000, 100);
    const history = await sluiceAsync(repo.root, ['monitor', 'history', '--env', 'production', '--json']);
    assert.equal(history.code, 0, history.stderr);
    assert.deepEqual((JSON.parse(history.stdout) as { rows: number }[]).map((window) => window.rows), [171]);
    const exit = await stopProcess(watch);
    assert.equal(exit.code, 0);
  });
});
