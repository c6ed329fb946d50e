/**
 * `sluice server` as a team's standalone server (issue 17), started outside any project like
 * `mlflow server`: over PostgreSQL and S3 (s3rver) when told, or in its own home directory on
 * SQLite by default; inside a project it keeps serving the project's store.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import pg from 'pg';
import { jsonClient } from '../support/http-client.js';
import { artifactUrl, logBatch, modelBytes, newExperiment, newRun, uploadArtifact } from '../support/mlflow.js';
import { createTestSchema, TEST_POSTGRES_URL } from '../support/postgres.js';
import { startTestS3 } from '../support/s3.js';
import { sluice } from '../support/cli.js';
import { startSluiceServer, type ServedProcess } from '../support/serve.js';
import { makeTempDir } from '../support/temp-dir.js';

let temp: ReturnType<typeof makeTempDir>;
let server: ServedProcess | undefined;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  temp.remove();
});

/** An empty directory: no sluice.yaml, no .sluice/ anywhere above (the temp dir is under /tmp). */
function emptyDirectory(): string {
  const dir = join(temp.path, 'team-server');
  mkdirSync(dir);
  return dir;
}

describe('sluice server outside a project', () => {
  test('over PostgreSQL and S3: runs, metrics and artifacts land in the shared stores', async (t) => {
    const schema = await createTestSchema();
    t.after(() => schema.drop());
    const s3 = await startTestS3();
    t.after(() => s3.close());
    const dir = emptyDirectory();
    server = await startSluiceServer(dir, ['--store', schema.url, '--artifacts', `s3://${s3.bucket}/team`, '--quiet'], s3.env);
    assert.match(server.stderr(), /standalone.*PostgreSQL.*artifacts in s3:\/\/sluice-test\/team/s);

    const client = jsonClient(server.url);
    const experimentId = await newExperiment(client, 'fraud-detection');
    const { runId, artifactUri } = await newRun(client, experimentId);
    await logBatch(client, runId, { metrics: [{ key: 'roc_auc', value: 0.97, timestamp: Date.now() }], params: [{ key: 'C', value: '0.3' }] });
    await uploadArtifact(server.url, artifactUri, 'model/model.onnx', modelBytes());

    // The metadata is in the PostgreSQL schema, not in a file next to the server.
    const db = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT name FROM "${schema.schema}".experiments WHERE name = 'fraud-detection'`);
      assert.equal(rows.length, 1);
    } finally {
      await db.end();
    }
    assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.db')), [], 'no SQLite database beside the server');
    // The artifact reads back through the server from S3.
    const download = await fetch(artifactUrl(server.url, artifactUri, 'model/model.onnx'));
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), modelBytes());
  });

  test('by default it keeps SQLite and artifacts in ./sluice-server, and what it stored is there after a restart', async () => {
    const dir = emptyDirectory();
    server = await startSluiceServer(dir, ['--quiet']);
    const experimentId = await newExperiment(jsonClient(server.url), 'churn');
    assert.equal(await server.stop(), 0, 'SIGTERM stops it cleanly');
    assert.ok(existsSync(join(dir, 'sluice-server', 'sluice.db')));

    server = await startSluiceServer(dir, ['--quiet']);
    const found = await jsonClient(server.url).get('/api/2.0/mlflow/experiments/get-by-name', { experiment_name: 'churn' });
    assert.equal(found.status, 200, found.text);
    assert.equal((found.body.experiment as { experiment_id: string }).experiment_id, experimentId);
  });

  test('tokens are made where the server runs, and from then on every request needs one', async () => {
    const dir = emptyDirectory();
    server = await startSluiceServer(dir, ['--quiet']);
    const created = sluice(dir, ['token', 'create', '--role', 'editor', '--name', 'ci']);
    assert.equal(created.code, 0, created.stderr);
    const secret = created.stdout.trim();
    assert.equal((await jsonClient(server.url).get('/api/2.0/mlflow/experiments/search', { max_results: '1' })).status, 401);
    assert.equal((await jsonClient(server.url, secret).get('/api/2.0/mlflow/experiments/search', { max_results: '1' })).status, 200);
  });

  test('sluice token where there is neither a project nor a server home says where to run it', () => {
    const listed = sluice(emptyDirectory(), ['token', 'list']);
    assert.equal(listed.code, 2, listed.stderr);
    assert.match(listed.stderr, /no standalone server home at .*sluice-server.*\[SLUICE_SERVER_HOME_NOT_FOUND\]/s);
    assert.ok(!existsSync(join(temp.path, 'team-server', 'sluice-server')), 'nothing was created');
  });

  test('an unreachable store is a clear error, not a stack trace', async () => {
    const dir = emptyDirectory();
    const failed = startSluiceServer(dir, ['--store', 'postgresql://postgres@127.0.0.1:1/none', '--quiet']);
    // Exit 3: a service Sluice needs is unavailable (docs/errors.md).
    await assert.rejects(failed, (error: Error) => /exited with 3/.test(error.message) && /SLUICE_STORE_UNAVAILABLE/.test(error.message) && /127\.0\.0\.1:1/.test(error.message) && !/\n\s+at /.test(error.message));
  });
});

describe('sluice server inside a project', () => {
  test('serves the project\'s own store, as before', async () => {
    const project = join(temp.path, 'project');
    mkdirSync(join(project, '.sluice'), { recursive: true });
    server = await startSluiceServer(project, ['--quiet']);
    assert.match(server.stderr(), /Serving project .*project: metadata in SQLite .*\.sluice\/sluice\.db/);
    await newExperiment(jsonClient(server.url), 'in-project');
    assert.ok(existsSync(join(project, '.sluice', 'sluice.db')));
    assert.ok(!existsSync(join(project, 'sluice-server')));
  });
});
