/**
 * The server's Fastify app through `app.inject` (no port): health, MLflow's experiments API,
 * MLflow-shaped errors (never Fastify's own codes), Sluice's API, token access control and
 * OpenAPI. Each test has its own scratch workspace and app.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { scratchRepo } from '../../test/support/cli.js';
import { openWorkspace, openWorkspaceServices, type WorkspaceServices } from '../workspace/index.js';
import { buildApp } from './index.js';

const CREATE = '/api/2.0/mlflow/experiments/create';
const GET_BY_NAME = '/api/2.0/mlflow/experiments/get-by-name';

const cleanups: (() => Promise<void>)[] = [];

/** A fresh workspace and app; `beforeApp` runs before the app is built (e.g. to create tokens). */
async function setup(beforeApp?: (services: WorkspaceServices) => Promise<void>): Promise<{ app: FastifyInstance; services: WorkspaceServices }> {
  const repo = scratchRepo({ 'sluice.yaml': 'stages: {}\n' });
  const services = await openWorkspaceServices(openWorkspace(repo.root, {}));
  let app: FastifyInstance | undefined;
  cleanups.push(async () => {
    await app?.close();
    await services.close();
    repo.remove();
  });
  await beforeApp?.(services);
  app = await buildApp({ services, version: 'test', logger: false });
  return { app, services };
}

function json(response: LightMyRequestResponse): Record<string, unknown> {
  assert.match(String(response.headers['content-type']), /^application\/json/);
  return response.json<Record<string, unknown>>();
}

/** An MLflow-shaped error body with no Fastify internals in it. */
function assertCleanError(response: LightMyRequestResponse): Record<string, unknown> {
  assert.ok(response.statusCode >= 400 && response.statusCode < 500, `expected a 4xx, got ${response.statusCode}: ${response.body}`);
  assert.doesNotMatch(response.body, /FST_/);
  const body = json(response);
  assert.equal(typeof body.error_code, 'string');
  assert.equal(typeof body.message, 'string');
  return body;
}

describe('http app', { timeout: 60_000 }, () => {
  after(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  test('GET /health answers OK', async () => {
    const { app } = await setup();
    const response = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, 'OK');
    const version = await app.inject({ method: 'GET', url: '/version' });
    assert.equal(version.body, 'test');
  });

  test('an experiment created over MLflow API is found by name', async () => {
    const { app } = await setup();
    const created = await app.inject({ method: 'POST', url: CREATE, payload: { name: 'fraud' } });
    assert.equal(created.statusCode, 200);
    const experimentId = json(created).experiment_id;
    assert.equal(typeof experimentId, 'string');

    const found = await app.inject({ method: 'GET', url: `${GET_BY_NAME}?experiment_name=fraud` });
    assert.equal(found.statusCode, 200);
    const experiment = json(found).experiment as Record<string, unknown>;
    assert.equal(experiment.experiment_id, experimentId);
    assert.equal(experiment.name, 'fraud');
    assert.equal(experiment.lifecycle_stage, 'active');

    const missing = await app.inject({ method: 'GET', url: `${GET_BY_NAME}?experiment_name=nope` });
    assert.equal(missing.statusCode, 404);
    assert.equal(assertCleanError(missing).error_code, 'RESOURCE_DOES_NOT_EXIST');
  });

  test('creating an experiment twice answers 400 RESOURCE_ALREADY_EXISTS', async () => {
    const { app } = await setup();
    assert.equal((await app.inject({ method: 'POST', url: CREATE, payload: { name: 'twice' } })).statusCode, 200);
    const again = await app.inject({ method: 'POST', url: CREATE, payload: { name: 'twice' } });
    assert.equal(again.statusCode, 400);
    const body = assertCleanError(again);
    assert.equal(body.error_code, 'RESOURCE_ALREADY_EXISTS');
    assert.equal(typeof body.sluice_code, 'string');
    assert.match(String(body.sluice_code), /^SLUICE_/);
    assert.match(String(body.message), /twice/);
  });

  test('an unknown endpoint answers 404 ENDPOINT_NOT_FOUND', async () => {
    const { app } = await setup();
    // Unknown paths outside /api/ get the web UI's index.html (issue 18; test/e2e/ui-browser.test.ts).
    for (const url of ['/api/2.0/mlflow/no-such-thing', '/api/nowhere']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404);
      assert.equal(assertCleanError(response).error_code, 'ENDPOINT_NOT_FOUND');
    }
    const wrongMethod = await app.inject({ method: 'DELETE', url: CREATE });
    assert.equal(wrongMethod.statusCode, 404);
    assert.equal(assertCleanError(wrongMethod).error_code, 'ENDPOINT_NOT_FOUND');
  });

  test('a malformed JSON body answers 400 without Fastify codes', async () => {
    const { app } = await setup();
    const response = await app.inject({ method: 'POST', url: CREATE, headers: { 'content-type': 'application/json' }, payload: '{"name":' });
    assert.equal(response.statusCode, 400);
    const body = assertCleanError(response);
    assert.equal(body.error_code, 'INVALID_PARAMETER_VALUE');
    assert.equal(typeof body.sluice_code, 'string');
  });

  test('bodies of other content types to a JSON endpoint answer 4xx without Fastify codes', async () => {
    const { app } = await setup();
    const plain = await app.inject({ method: 'POST', url: CREATE, headers: { 'content-type': 'text/plain' }, payload: 'name=x' });
    assertCleanError(plain);
    for (const contentType of ['application/xml', 'application/x-www-form-urlencoded']) {
      const response = await app.inject({ method: 'POST', url: CREATE, headers: { 'content-type': contentType }, payload: '<name>x</name>' });
      assertCleanError(response);
    }
    const arrayBody = await app.inject({ method: 'POST', url: CREATE, payload: [1, 2] });
    assert.equal(arrayBody.statusCode, 400);
    assertCleanError(arrayBody);
    // Nothing was created by any of them.
    const search = await app.inject({ method: 'GET', url: `${GET_BY_NAME}?experiment_name=x` });
    assert.equal(search.statusCode, 404);
  });

  test('Sluice resolve of a missing model answers 404 SLUICE_REGISTRY_MODEL_NOT_FOUND', async () => {
    const { app } = await setup();
    const response = await app.inject({ method: 'GET', url: `/api/sluice/v1/models/resolve?uri=${encodeURIComponent('models:/nope@x')}` });
    assert.equal(response.statusCode, 404);
    const body = assertCleanError(response);
    assert.equal(body.sluice_code, 'SLUICE_REGISTRY_MODEL_NOT_FOUND');
    const invalid = await app.inject({ method: 'GET', url: `/api/sluice/v1/models/resolve?uri=${encodeURIComponent('models:/')}` });
    assert.equal(invalid.statusCode, 400);
    assert.equal(assertCleanError(invalid).sluice_code, 'SLUICE_REGISTRY_INVALID_URI');
  });

  test('with a token, requests need one and a reader cannot write', async () => {
    let secret = '';
    const { app } = await setup(async (services) => {
      ({ secret } = await services.tokens.create({ name: 'r', role: 'reader', createdBy: 't' }));
    });
    const anonymous = await app.inject({ method: 'GET', url: `${GET_BY_NAME}?experiment_name=x` });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(assertCleanError(anonymous).error_code, 'UNAUTHENTICATED');

    const wrong = await app.inject({ method: 'GET', url: `${GET_BY_NAME}?experiment_name=x`, headers: { authorization: 'Bearer not-a-token' } });
    assert.equal(wrong.statusCode, 401);

    const headers = { authorization: `Bearer ${secret}` };
    const read = await app.inject({ method: 'GET', url: `${GET_BY_NAME}?experiment_name=x`, headers });
    assert.equal(read.statusCode, 404, 'a reader may read (the experiment does not exist)');

    const write = await app.inject({ method: 'POST', url: CREATE, payload: { name: 'x' }, headers });
    assert.equal(write.statusCode, 403);
    assert.equal(assertCleanError(write).error_code, 'PERMISSION_DENIED');

    const health = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200, 'health needs no token');
  });

  test('GET /openapi.json lists the MLflow and Sluice paths', async () => {
    const { app } = await setup();
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(response.statusCode, 200);
    const document = json(response);
    assert.match(String(document.openapi), /^3\./);
    assert.equal((document.info as Record<string, unknown>).version, 'test');
    const paths = document.paths as Record<string, Record<string, unknown>>;
    for (const path of [CREATE, GET_BY_NAME, '/api/2.0/mlflow/runs/log-batch', '/api/2.0/mlflow/registered-models/alias', '/api/sluice/v1/models/resolve', '/api/sluice/v1/audit']) {
      assert.ok(paths[path], `${path} is documented`);
    }
    assert.ok(paths[CREATE]!.post, 'experiments/create is a POST');
    assert.ok(paths[GET_BY_NAME]!.get, 'get-by-name is a GET');
  });

  test('searches too large for one SQL query, a run id already taken, and an int64 beyond 2^53 answer 400, not 500', async () => {
    const { app } = await setup();
    const status = async (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) => {
      const response = await app.inject({ method, url, ...(payload === undefined ? {} : { payload }) });
      return { code: response.statusCode, body: response.statusCode >= 400 ? assertCleanError(response) : json(response) };
    };
    const clauses = Array.from({ length: 70 }, () => "tags.t = 'x'").join(' and ');
    const manyClauses = await status('GET', `/api/2.0/mlflow/experiments/search?filter=${encodeURIComponent(clauses)}`);
    assert.equal(manyClauses.code, 400);
    assert.match(String(manyClauses.body.message), /at most 50 clauses/);
    const manyKeys = await status('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: ['0'], order_by: Array.from({ length: 30 }, (_, k) => `params.p${k}`) });
    assert.equal(manyKeys.code, 400);
    assert.match(String(manyKeys.body.message), /at most 20 keys/);
    const manyExperiments = await status('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: Array.from({ length: 5000 }, (_, k) => String(k)) });
    assert.equal(manyExperiments.code, 400);
    const created = await status('POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0' });
    assert.equal(created.code, 200);
    const runId = (created.body.run as { info: { run_id: string } }).info.run_id;
    const taken = await status('POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0', run_id: runId });
    assert.equal(taken.code, 400);
    assert.equal(taken.body.error_code, 'RESOURCE_ALREADY_EXISTS');
    const huge = await status('POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0', start_time: '99999999999999999999999' });
    assert.equal(huge.code, 400);
    assert.match(String(huge.body.message), /start_time/);
  });

  test('an artifact location climbing out with .., and run outputs outside the project or of negative size, are refused', async () => {
    const { app } = await setup();
    const location = await app.inject({ method: 'POST', url: CREATE, payload: { name: 'climbing', artifact_location: 'mlflow-artifacts:/../../tmp' } });
    assert.equal(location.statusCode, 400);
    assert.match(String(assertCleanError(location).message), /cannot contain '\.\.' segments/);
    const created = await app.inject({ method: 'POST', url: '/api/2.0/mlflow/runs/create', payload: { experiment_id: '0' } });
    const runId = (json(created).run as { info: { run_id: string } }).info.run_id;
    const digest = `blake3:${'0'.repeat(64)}`;
    for (const output of [{ path: '../outside.txt', object_id: digest, size: 1 }, { path: 'model.onnx', object_id: digest, size: -5 }]) {
      const response = await app.inject({ method: 'POST', url: '/api/sluice/v1/runs/log-outputs', payload: { run_id: runId, outputs: [output] } });
      assert.equal(response.statusCode, 400, JSON.stringify(output));
      assertCleanError(response);
    }
  });

  test('model names that a models:/ URI cannot reach or a listing cannot show are refused', async () => {
    const { app } = await setup();
    for (const name of ['a@b', 'x\u001b[31mred', '..']) {
      const response = await app.inject({ method: 'POST', url: '/api/2.0/mlflow/registered-models/create', payload: { name } });
      assert.equal(response.statusCode, 400, name);
      assertCleanError(response);
    }
  });
});
