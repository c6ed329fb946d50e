/**
 * An MLflow client's workflow over real HTTP, on SQLite and on PostgreSQL: experiment, run,
 * params and metrics, search, artifacts, registered model, version, alias, lookup by alias,
 * deletion. Every response is checked against MLflow's documented shapes: field names, types,
 * int64 as numbers, versions as strings, empty lists left out.
 *
 * The server is shared per backend; each test builds what it needs (test/support/mlflow.ts) under
 * names no other test uses, so any test passes alone (--test-name-pattern) and in any order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jsonClient } from '../support/http-client.js';
import {
  ARTIFACTS_API,
  MLFLOW_API as API,
  artifactUrl,
  logBatch,
  modelBytes,
  newExperiment,
  newModelVersion,
  newModelWithVersion,
  newRegisteredModel,
  newRun,
  newRunWithModel,
  uniqueName,
  type JsonClient,
} from '../support/mlflow.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Asserts an object has exactly these keys (MLflow's proto fields present for this object). */
function assertKeys(value: unknown, keys: readonly string[], what: string): asserts value is Record<string, unknown> {
  assert.equal(typeof value, 'object', `${what} is an object`);
  assert.deepEqual(Object.keys(value as object).sort(), [...keys].sort(), `${what} has MLflow's fields`);
}

const runIds = (body: Record<string, unknown>) => (body.runs as { info: { run_id: string } }[]).map((run) => run.info.run_id);

// The embedded default, and team scale: PostgreSQL metadata with artifacts on S3 (s3rver on loopback).
for (const [backend, artifacts] of [['sqlite', 'local'], ['postgres', 's3']] as const) {
  describe(`MLflow REST workflow on ${backend} with ${artifacts} artifacts`, () => {
    let server: TestServer;
    let client: JsonClient;
    before(async () => {
      server = await startTestServer({ backend, artifacts });
      client = jsonClient(server.url);
    });
    after(async () => server.close());

    test('experiments/create answers the new id; get-by-name returns the Experiment shape', async () => {
      const name = uniqueName('fraud-detection');
      const created = await client.post(`${API}/experiments/create`, { name, tags: [{ key: 'team', value: 'risk' }] });
      assert.equal(created.status, 200);
      assertKeys(created.body, ['experiment_id'], 'CreateExperiment response');
      const experimentId = created.body.experiment_id as string;
      assert.match(experimentId, /^\d+$/);
      const fetched = await client.get(`${API}/experiments/get-by-name`, { experiment_name: name });
      assertKeys(fetched.body.experiment, ['experiment_id', 'name', 'artifact_location', 'lifecycle_stage', 'last_update_time', 'creation_time', 'tags'], 'Experiment');
      assert.equal(fetched.body.experiment.name, name);
      assert.equal(fetched.body.experiment.artifact_location, `mlflow-artifacts:/${experimentId}`);
      assert.equal(typeof fetched.body.experiment.creation_time, 'number');
      assert.deepEqual(fetched.body.experiment.tags, [{ key: 'team', value: 'risk' }]);
    });

    test('a second experiment of the same name is RESOURCE_ALREADY_EXISTS (400)', async () => {
      const name = uniqueName('fraud-detection');
      await newExperiment(client, name);
      const again = await client.post(`${API}/experiments/create`, { name });
      assert.equal(again.status, 400);
      assert.equal(again.body.error_code, 'RESOURCE_ALREADY_EXISTS');
    });

    test('runs/create returns a Run with info, data and inputs', async () => {
      const experimentId = await newExperiment(client);
      const created = await client.post(`${API}/runs/create`, {
        experiment_id: experimentId,
        start_time: 1_700_000_000_000,
        tags: [{ key: 'mlflow.user', value: 'ada' }, { key: 'mlflow.source.git.commit', value: 'a'.repeat(40) }],
      });
      assert.equal(created.status, 200);
      const run = created.body.run as Record<string, Record<string, unknown>>;
      assertKeys(run, ['info', 'data', 'inputs', 'outputs'], 'Run');
      assertKeys(run.info, ['run_uuid', 'run_id', 'experiment_id', 'run_name', 'user_id', 'status', 'start_time', 'artifact_uri', 'lifecycle_stage'], 'RunInfo');
      assert.equal(run.info.status, 'RUNNING');
      assert.equal(run.info.user_id, 'ada');
      assert.equal(run.info.start_time, 1_700_000_000_000);
      assert.equal(run.info.artifact_uri, `mlflow-artifacts:/${experimentId}/${String(run.info.run_id)}/artifacts`);
      assert.deepEqual(run.inputs, {});
    });

    test('log-parameter, log-metric and log-batch answer {} and read back on runs/get', async () => {
      const { runId } = await newRun(client, await newExperiment(client));
      assert.deepEqual((await client.post(`${API}/runs/log-parameter`, { run_id: runId, key: 'algorithm', value: 'gbdt' })).body, {});
      assert.deepEqual((await client.post(`${API}/runs/log-metric`, { run_id: runId, run_uuid: runId, key: 'roc_auc', value: 0.91, timestamp: 1000, step: 0 })).body, {});
      const batch = await client.post(`${API}/runs/log-batch`, {
        run_id: runId,
        metrics: [
          { key: 'roc_auc', value: 0.97, timestamp: 2000, step: 1 },
          { key: 'loss', value: 'NaN', timestamp: 2000, step: 1 },
        ],
        params: [{ key: 'max_depth', value: '6' }],
        tags: [{ key: 'team', value: 'risk' }],
      });
      assert.equal(batch.status, 200);
      assert.deepEqual(batch.body, {});
      const fetched = await client.get(`${API}/runs/get`, { run_id: runId });
      const data = (fetched.body.run as Record<string, Record<string, unknown[]>>).data!;
      assertKeys(data, ['metrics', 'params', 'tags'], 'RunData');
      assert.deepEqual(data.metrics, [
        { key: 'loss', value: 'NaN', timestamp: 2000, step: 1 },
        { key: 'roc_auc', value: 0.97, timestamp: 2000, step: 1 },
      ]);
      assert.deepEqual(data.params, [{ key: 'algorithm', value: 'gbdt' }, { key: 'max_depth', value: '6' }]);
      assert.ok(data.tags!.some((tag) => JSON.stringify(tag) === JSON.stringify({ key: 'team', value: 'risk' })));
    });

    test('metrics/get-history returns every point', async () => {
      const { runId } = await newRun(client, await newExperiment(client));
      assert.equal((await client.post(`${API}/runs/log-metric`, { run_id: runId, key: 'roc_auc', value: 0.91, timestamp: 1000, step: 0 })).status, 200);
      await logBatch(client, runId, { metrics: [{ key: 'roc_auc', value: 0.97, timestamp: 2000, step: 1 }] });
      const history = await client.get(`${API}/metrics/get-history`, { run_id: runId, metric_key: 'roc_auc', max_results: '25000' });
      assertKeys(history.body, ['metrics'], 'GetMetricHistory response');
      assert.deepEqual((history.body.metrics as { value: number }[]).map((metric) => metric.value), [0.91, 0.97]);
    });

    test('changing a param is INVALID_PARAMETER_VALUE with MLflow\'s message', async () => {
      const { runId } = await newRun(client, await newExperiment(client));
      await logBatch(client, runId, { params: [{ key: 'algorithm', value: 'gbdt' }] });
      const changed = await client.post(`${API}/runs/log-parameter`, { run_id: runId, key: 'algorithm', value: 'logreg' });
      assert.equal(changed.status, 400);
      assert.equal(changed.body.error_code, 'INVALID_PARAMETER_VALUE');
      assert.match(changed.body.message as string, /Changing param values is not allowed/);
    });

    test('artifacts upload through the proxy and list under the run', async () => {
      const experimentId = await newExperiment(client);
      const { runId, artifactUri } = await newRun(client, experimentId);
      const model = modelBytes();
      const url = artifactUrl(server.url, artifactUri, 'model/model.onnx');
      const put = await fetch(url, { method: 'PUT', body: model, headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(put.status, 200);
      const listed = await client.get(ARTIFACTS_API, { path: `${experimentId}/${runId}/artifacts/model` });
      assert.deepEqual(listed.body, { files: [{ path: 'model.onnx', is_dir: false, file_size: model.byteLength }] });
      const download = await fetch(url);
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), model);
    });

    test('an artifact listing with path given twice is INVALID_PARAMETER_VALUE (400), not a server error', async () => {
      const response = await fetch(`${server.url}${ARTIFACTS_API}?path=a&path=b`);
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error_code: string }).error_code, 'INVALID_PARAMETER_VALUE');
    });

    test('runs/update finishes the run and returns run_info', async () => {
      const { runId } = await newRun(client, await newExperiment(client));
      const updated = await client.post(`${API}/runs/update`, { run_id: runId, status: 'FINISHED', end_time: 1_700_000_100_000 });
      assertKeys(updated.body, ['run_info'], 'UpdateRun response');
      assert.equal((updated.body.run_info as Record<string, unknown>).status, 'FINISHED');
      assert.equal((updated.body.run_info as Record<string, unknown>).end_time, 1_700_000_100_000);
    });

    test('runs/search filters with MLflow\'s grammar and orders by a metric', async () => {
      const experimentId = await newExperiment(client);
      const { runId } = await newRun(client, experimentId, { start_time: 1_700_000_000_000 });
      await logBatch(client, runId, { metrics: [{ key: 'roc_auc', value: 0.97, timestamp: 2000, step: 1 }], params: [{ key: 'algorithm', value: 'gbdt' }], tags: [{ key: 'team', value: 'risk' }] });
      const { runId: otherId } = await newRun(client, experimentId, { run_name: 'weak', start_time: 1 });
      await logBatch(client, otherId, { metrics: [{ key: 'roc_auc', value: 0.8, timestamp: 1 }], params: [{ key: 'algorithm', value: 'gbdt' }] });
      const found = await client.post(`${API}/runs/search`, { experiment_ids: [experimentId], filter: "metrics.roc_auc > 0.95 and params.algorithm = 'gbdt' and tags.team = 'risk'" });
      assertKeys(found.body, ['runs'], 'SearchRuns response (one page)');
      assert.deepEqual(runIds(found.body), [runId]);
      const ordered = await client.post(`${API}/runs/search`, { experiment_ids: [experimentId], order_by: ['metrics.roc_auc ASC'], max_results: 1 });
      assert.deepEqual(runIds(ordered.body), [otherId]);
      assert.equal(typeof ordered.body.next_page_token, 'string');
      const next = await client.post(`${API}/runs/search`, { experiment_ids: [experimentId], order_by: ['metrics.roc_auc ASC'], max_results: 1, page_token: ordered.body.next_page_token });
      assert.deepEqual(runIds(next.body), [runId]);
      assert.equal(next.body.next_page_token, undefined);
      const bad = await client.post(`${API}/runs/search`, { experiment_ids: [experimentId], filter: "metrics.roc_auc > 'high'" });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error_code, 'INVALID_PARAMETER_VALUE');
    });

    test('registered-models/create, then model-versions/create from the run\'s artifact', async () => {
      const run = await newRunWithModel(client, server.url);
      const name = uniqueName('fraud');
      const created = await client.post(`${API}/registered-models/create`, { name });
      assert.equal(created.status, 200);
      assertKeys(created.body.registered_model, ['name', 'creation_timestamp', 'last_updated_timestamp', 'user_id'], 'RegisteredModel');
      assert.equal(created.body.registered_model.name, name);
      const version = await client.post(`${API}/model-versions/create`, { name, source: `${run.artifactUri}/model`, run_id: run.runId });
      assert.equal(version.status, 200);
      assertKeys(
        version.body.model_version,
        ['name', 'version', 'creation_timestamp', 'last_updated_timestamp', 'user_id', 'current_stage', 'description', 'source', 'run_id', 'status', 'run_link'],
        'ModelVersion',
      );
      const mv = version.body.model_version;
      assert.deepEqual([mv.version, mv.status, mv.current_stage, mv.run_id], ['1', 'READY', 'None', run.runId]);
    });

    test('an alias points at a version and resolves back; the model lists it', async () => {
      const { name, version } = await newModelWithVersion(client, server.url);
      assert.deepEqual((await client.post(`${API}/registered-models/alias`, { name, alias: 'champion', version })).body, {});
      const byAlias = await client.get(`${API}/registered-models/alias`, { name, alias: 'champion' });
      assert.equal((byAlias.body.model_version as Record<string, unknown>).version, '1');
      assert.deepEqual((byAlias.body.model_version as Record<string, unknown>).aliases, ['champion']);
      const model = await client.get(`${API}/registered-models/get`, { name });
      assert.deepEqual((model.body.registered_model as Record<string, unknown>).aliases, [{ alias: 'champion', version: '1' }]);
      const missing = await client.get(`${API}/registered-models/alias`, { name, alias: 'challenger' });
      assert.equal(missing.status, 400);
      assert.equal(missing.body.error_code, 'INVALID_PARAMETER_VALUE');
    });

    test('the version carries the ONNX signature and lineage in Sluice\'s API', async () => {
      const run = await newRunWithModel(client, server.url, { tags: [{ key: 'mlflow.source.git.commit', value: 'a'.repeat(40) }] });
      await logBatch(client, run.runId, { params: [{ key: 'algorithm', value: 'gbdt' }, { key: 'max_depth', value: '6' }] });
      const name = await newRegisteredModel(client, uniqueName('fraud'));
      const number = await newModelVersion(client, name, run);
      assert.equal((await client.post(`${API}/registered-models/alias`, { name, alias: 'champion', version: number })).status, 200);
      const resolved = await client.get('/api/sluice/v1/models/resolve', { uri: `models:/${name}@champion` });
      const version = resolved.body.model_version as Record<string, Record<string, unknown>>;
      const signature = version.signature!;
      const lineage = version.lineage!;
      assert.match(String(version.object_id), /^blake3:[0-9a-f]{64}$/);
      assert.deepEqual((signature.inputs as { name: string }[]).map((input) => input.name), ['input']);
      assert.equal(lineage.runId, run.runId);
      assert.equal(lineage.gitCommit, 'a'.repeat(40));
      assert.deepEqual(lineage.params, { algorithm: 'gbdt', max_depth: '6' });
    });

    test('search, get-latest-versions and transition-stage speak MLflow', async () => {
      const prefix = uniqueName('fra');
      const { name, version } = await newModelWithVersion(client, server.url, {}, `${prefix}ud`);
      const search = await client.get(`${API}/registered-models/search`, { filter: `name LIKE '${prefix}%'` });
      assert.deepEqual((search.body.registered_models as { name: string }[]).map((model) => model.name), [name]);
      const staged = await client.post(`${API}/model-versions/transition-stage`, { name, version, stage: 'production', archive_existing_versions: false });
      assert.equal((staged.body.model_version as Record<string, unknown>).current_stage, 'Production');
      const latest = await client.post(`${API}/registered-models/get-latest-versions`, { name, stages: ['Production'] });
      assert.deepEqual((latest.body.model_versions as { version: string }[]).map((item) => item.version), ['1']);
    });

    test('deleting the alias, the version and the model; then the model is gone (404)', async () => {
      const { name, version, run } = await newModelWithVersion(client, server.url);
      assert.equal((await client.post(`${API}/registered-models/alias`, { name, alias: 'champion', version })).status, 200);
      assert.equal((await client.delete(`${API}/registered-models/alias`, { name, alias: 'champion' })).status, 200);
      assert.equal((await client.delete(`${API}/model-versions/delete`, { name, version: '1' })).status, 200);
      const again = await client.post(`${API}/model-versions/create`, { name, source: run.source, run_id: run.runId });
      assert.equal((again.body.model_version as Record<string, unknown>).version, '2', 'version numbers are never reused');
      assert.equal((await client.delete(`${API}/registered-models/delete`, { name })).status, 200);
      const gone = await client.get(`${API}/registered-models/get`, { name });
      assert.equal(gone.status, 404);
      assert.deepEqual(Object.keys(gone.body).slice(0, 2), ['error_code', 'message']);
      assert.equal(gone.body.error_code, 'RESOURCE_DOES_NOT_EXIST');
      assert.equal(gone.body.message, `Registered Model with name=${name} not found`);
    });

    test('the audit log recorded each registry change with who and from where', async () => {
      const { name, version, run } = await newModelWithVersion(client, server.url);
      // One after the other: the audit log's order is the order of the changes.
      const changes = [
        () => client.post(`${API}/registered-models/alias`, { name, alias: 'champion', version }),
        () => client.post(`${API}/model-versions/transition-stage`, { name, version, stage: 'production', archive_existing_versions: false }),
        () => client.delete(`${API}/registered-models/alias`, { name, alias: 'champion' }),
        () => client.delete(`${API}/model-versions/delete`, { name, version }),
        () => client.post(`${API}/model-versions/create`, { name, source: run.source, run_id: run.runId }),
        () => client.delete(`${API}/registered-models/delete`, { name }),
      ];
      for (const change of changes) assert.equal((await change()).status, 200);
      const audit = await client.get('/api/sluice/v1/audit', { model: name });
      const actions = (audit.body.entries as { action: string; origin: string; actor: string }[]).map((entry) => entry.action);
      assert.deepEqual(actions.reverse(), [
        'registered_model.create',
        'model_version.create',
        'alias.set',
        'model_version.transition_stage',
        'alias.delete',
        'model_version.delete',
        'model_version.create',
        'registered_model.delete',
      ]);
      const [entry] = audit.body.entries as { origin: string; actor: string }[];
      assert.match(entry!.origin, /^http: DELETE \/api\/2\.0\/mlflow\/registered-models\/delete from 127\.0\.0\.1$/);
      assert.equal(entry!.actor, 'anonymous');
    });

    test('/openapi.json describes every endpoint the server answers', async () => {
      const document = await client.get('/openapi.json');
      assert.equal(document.body.openapi, '3.1.0');
      const paths = document.body.paths as Record<string, Record<string, { summary: string }>>;
      for (const path of ['/api/2.0/mlflow/runs/log-batch', '/api/2.0/mlflow/registered-models/alias', '/api/sluice/v1/lineage', '/api/2.0/mlflow-artifacts/artifacts/{path}']) {
        assert.ok(paths[path], `${path} is documented`);
      }
      assert.match(paths['/api/2.0/mlflow/runs/search']!.post!.summary, /Search runs/);
    });

    test('deleting the experiment hides its runs from search until it is restored', async () => {
      const experimentId = await newExperiment(client);
      await newRun(client, experimentId);
      await newRun(client, experimentId);
      assert.equal((await client.post(`${API}/experiments/delete`, { experiment_id: experimentId })).status, 200);
      const hidden = await client.post(`${API}/runs/search`, { experiment_ids: [experimentId] });
      assert.deepEqual(hidden.body, {});
      assert.equal((await client.post(`${API}/experiments/restore`, { experiment_id: experimentId })).status, 200);
      const back = await client.post(`${API}/runs/search`, { experiment_ids: [experimentId] });
      assert.equal((back.body.runs as unknown[]).length, 2);
    });
  });
}
