/** The same pipeline with the team-scale store: SLUICE_DATABASE_URL pointing at PostgreSQL. */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestSchema, type TestSchema } from '../support/postgres.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { exited, killProcess, scratchRepo, sluice, startSluice, type ScratchRepo } from '../support/cli.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

describe('sluice with a PostgreSQL metadata store', () => {
  let repo: ScratchRepo;
  let schema: TestSchema;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    schema = await createTestSchema();
    repo = scratchRepo({
      'sluice.yaml': 'stages:\n  square:\n    cmd: echo $((${n} * ${n})) > square.txt\n    deps: [params.yaml]\n    outs: [square.txt]\n',
      'params.yaml': 'n: 3\n',
    });
    env = { SLUICE_DATABASE_URL: schema.url };
  });
  after(async () => {
    repo.remove();
    await schema.drop();
  });

  test('runs, records the run in PostgreSQL and writes no SQLite file', () => {
    const result = sluice(repo.root, ['run'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(join(repo.root, 'square.txt'), 'utf8'), '9\n');
    assert.equal(existsSync(join(repo.root, '.sluice', 'sluice.db')), false);
    const { runs } = JSON.parse(sluice(repo.root, ['runs', '--json'], env).stdout) as { runs: { status: string }[] };
    assert.deepEqual(runs.map((run) => run.status), ['FINISHED']);
  });

  test('the run cache lives in PostgreSQL too', () => {
    writeFileSync(join(repo.root, 'params.yaml'), 'n: 4\n');
    assert.equal(sluice(repo.root, ['run'], env).code, 0);
    writeFileSync(join(repo.root, 'params.yaml'), 'n: 3\n');
    const result = sluice(repo.root, ['run'], env);
    assert.match(result.stdout, /square\s+restored from run cache/);
    assert.equal(readFileSync(join(repo.root, 'square.txt'), 'utf8'), '9\n');
  });

  test('losing the database in the middle of a run ends with a clear error naming it, exit 3', async () => {
    const proxy = await startTcpProxy(5432);
    const scratch = scratchRepo({ 'sluice.yaml': 'stages:\n  slow:\n    cmd: touch "$MARKS/started"; sleep 1; echo x > slow.txt\n    outs: [slow.txt]\n' });
    let child: ChildProcess | undefined;
    try {
      const url = schema.url.replace('127.0.0.1:5432', `127.0.0.1:${proxy.port}`);
      child = startSluice(scratch.root, ['run'], { SLUICE_DATABASE_URL: url, MARKS: scratch.outside });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      for (let i = 0; i < 200 && !existsSync(join(scratch.outside, 'started')); i++) await sleep(25);
      await proxy.close();
      const { code } = await exited(child);
      assert.equal(code, 3, stderr);
      assert.match(stderr, /sluice: Cannot open the metadata store at postgres:\/\/postgres@127\.0\.0\.1:\d+\/test: .*\[SLUICE_STORE_UNAVAILABLE\]/);
      assert.doesNotMatch(stderr, /internal error/);
    } finally {
      if (child) await killProcess(child);
      scratch.remove();
      await proxy.close();
    }
  });

  test('an unreachable server is a clear error naming the server, exit 3', () => {
    const result = sluice(repo.root, ['run'], { SLUICE_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
    assert.equal(result.code, 3);
    assert.match(result.stderr, /Cannot open the metadata store at postgres:\/\/postgres@127\.0\.0\.1:1\/test: .*pg_isready/);
    assert.doesNotMatch(result.stderr, /^\s+at /m);
  });
});
