/**
 * A server killed between windows (SIGKILL, no shutdown) loses no prediction-log row and no
 * monitor result: restarted, its monitor goes on from the last closed window, and the rows logged
 * before the kill that no window had taken yet join the next window with the rows served after.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sluice, sluiceAsync, type ScratchRepo } from '../support/cli.js';
import { environmentRepo } from '../support/environment.js';
import { sharedFixture } from '../support/fixtures.js';
import { killProcess, pollUntil } from '../support/processes.js';
import { startServe, type ServedProcess } from '../support/serve.js';

let repo: ScratchRepo;
const servers: ServedProcess[] = [];

interface WindowJson {
  id: string;
  rows: number;
  startedAt: number;
  endedAt: number;
}

function windows(): WindowJson[] {
  const history = sluice(repo.root, ['monitor', 'history', '--env', 'production', '--json']);
  assert.equal(history.code, 0, history.stderr);
  return (JSON.parse(history.stdout) as WindowJson[]).reverse();
}

function loggedLines(): number {
  const dir = join(repo.root, '.sluice', 'predictions', 'environments', 'production');
  let count = 0;
  for (const file of readdirSync(dir).filter((name) => name.startsWith('predictions-'))) count += readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean).length;
  return count;
}

/** The first `rows` rows of test.csv, as a file to replay. */
function rowsFile(name: string, rows: number): string {
  const lines = readFileSync(sharedFixture('breast_cancer', 'test.csv'), 'utf8').trim().split('\n');
  const path = join(repo.root, name);
  writeFileSync(path, `${lines.slice(0, rows + 1).join('\n')}\n`);
  return path;
}

async function replay(server: ServedProcess, file: string): Promise<void> {
  const result = await sluiceAsync(repo.root, ['monitor', 'replay', '--env', 'production', '--data', file, '--url', server.url]);
  assert.equal(result.code, 0, result.stderr);
}

before(() => {
  repo = environmentRepo(`deploy:
  production: {model: bc, port: 0}
monitor:
  production:
    window: {every: 50 predictions, min_rows: 10}
    reference: ${sharedFixture('breast_cancer', 'train.csv')}
    checks:
      data_drift: {method: ks}
`);
});
after(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  repo?.remove();
});

test('a server killed between windows loses no logged row and no window; restarted, its monitor continues from the last closed window', async () => {
  const first = await startServe(repo.root, ['--env', 'production', '--quiet']);
  servers.push(first);
  await replay(first, rowsFile('first.csv', 120));
  await pollUntil(() => (windows().length === 2 && loggedLines() === 120 ? true : undefined), 'two windows closed and 120 rows logged', 30_000, 250);
  await killProcess(first.child);
  const killedAt = Date.now();

  const second = await startServe(repo.root, ['--env', 'production', '--quiet']);
  servers.push(second);
  await replay(second, rowsFile('second.csv', 80));
  await pollUntil(() => (windows().length === 4 ? true : undefined), 'four windows closed', 30_000, 250);
  await second.stop();

  assert.equal(loggedLines(), 200);
  const closed = windows();
  assert.deepEqual(
    closed.map((window) => window.rows),
    [50, 50, 50, 50],
  );
  assert.equal(new Set(closed.map((window) => window.id)).size, 4);
  // The third window holds the 20 rows logged before the kill and 30 served after the restart.
  assert.ok(closed[2]!.startedAt < killedAt && closed[2]!.endedAt > killedAt, 'the third window spans the restart');
  for (let k = 1; k < closed.length; k++) assert.ok(closed[k]!.startedAt >= closed[k - 1]!.endedAt, 'windows do not overlap');
});
