/**
 * Issue 17, offline-first: a team server that stops answering in the middle of `sluice run`
 * leaves no run unfinished for good. The command stops with exit 3 naming the run, keeping the
 * outputs of the stages that finished; the next `sluice run`, with the server back, closes that
 * run as KILLED on the server and runs nothing that is up to date.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratchRepo, sluiceAsync } from '../support/cli.js';
import { pollUntil } from '../support/processes.js';
import { startSluiceServer, type ServedProcess } from '../support/serve.js';
import { makeTempDir } from '../support/temp-dir.js';

const PIPELINE = `stages:
  slow:
    cmd: touch started && sleep 2 && echo done > out.txt
    deps: [in.txt]
    outs: [out.txt]
`;

async function serverIn(dir: string): Promise<ServedProcess> {
  mkdirSync(dir, { recursive: true });
  return startSluiceServer(dir, ['--quiet']);
}

test('a server lost mid-run: exit 3 naming the run, outputs kept; the next run closes it as KILLED', async (t) => {
  const home = makeTempDir();
  t.after(() => home.remove());
  const serverDir = join(home.path, 'server');
  let server = await serverIn(serverDir);
  t.after(() => server.stop());
  const repo = scratchRepo({ 'sluice.yaml': PIPELINE, 'in.txt': 'input\n', '.gitignore': '/started\n' });
  t.after(() => repo.remove());

  const running = sluiceAsync(repo.root, ['run'], { SLUICE_SERVER_URL: server.url, SLUICE_TOKEN: '' });
  await pollUntil(async () => (existsSync(join(repo.root, 'started')) ? true : undefined), 'the stage to start', 30_000, 50);
  await server.stop();
  const lost = await running;
  assert.equal(lost.code, 3, lost.stderr);
  assert.match(lost.stderr, /\[SLUICE_PIPELINE_RECORDS_LOST\]/);
  assert.doesNotMatch(lost.stderr, /Nothing was run or recorded/);
  const runId = /Run ([0-9a-f-]{36}) stopped/.exec(lost.stderr)?.[1];
  assert.ok(runId, lost.stderr);
  assert.equal(readFileSync(join(repo.root, 'out.txt'), 'utf8'), 'done\n');

  server = await serverIn(serverDir);
  const before = (await (await fetch(`${server.url}/api/2.0/mlflow/runs/get?run_id=${runId}`)).json()) as { run: { info: { status: string } } };
  assert.equal(before.run.info.status, 'RUNNING', 'the lost run is still open on the server');
  const again = await sluiceAsync(repo.root, ['run'], { SLUICE_SERVER_URL: server.url, SLUICE_TOKEN: '' });
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stdout, /slow\s+ran/, 'the finished stage is up to date');
  const after = (await (await fetch(`${server.url}/api/2.0/mlflow/runs/get?run_id=${runId}`)).json()) as { run: { info: { status: string } } };
  assert.equal(after.run.info.status, 'KILLED');
});
