/**
 * Small builders for tests that speak MLflow's REST API to a test server: each creates what one
 * test needs (an experiment, a run, a model artifact, a registered model and its version) under a
 * name no other test uses, and fails with the server's answer when the server refuses.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sharedFixture } from './fixtures.js';
import type { jsonClient, JsonResponse } from './http-client.js';

export const MLFLOW_API = '/api/2.0/mlflow';
export const ARTIFACTS_API = '/api/2.0/mlflow-artifacts/artifacts';

export type JsonClient = ReturnType<typeof jsonClient>;

/** A key/value pair as MLflow sends params and tags. */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

export interface CreatedRun {
  readonly runId: string;
  readonly artifactUri: string;
  readonly experimentId: string;
  /** The whole Run object of the runs/create answer. */
  readonly run: Record<string, Record<string, unknown>>;
}

/**
 * A name no other test (in this process or another one on the same store) uses: the prefix, then
 * letters and digits only, so it is also safe inside a LIKE pattern (no `_` or `%`).
 */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

function expectOk(response: JsonResponse, what: string): void {
  assert.equal(response.status, 200, `${what} answered ${response.status}: ${response.text}`);
}

/** Creates an experiment (a unique name unless one is given) and answers its id. */
export async function newExperiment(client: JsonClient, name = uniqueName('experiment'), tags: readonly KeyValue[] = []): Promise<string> {
  const created = await client.post(`${MLFLOW_API}/experiments/create`, { name, ...(tags.length > 0 ? { tags } : {}) });
  expectOk(created, `experiments/create ${name}`);
  return created.body.experiment_id as string;
}

/** Creates a run in the experiment; `fields` are more of runs/create's body (tags, run_name, start_time). */
export async function newRun(client: JsonClient, experimentId: string, fields: Record<string, unknown> = {}): Promise<CreatedRun> {
  const created = await client.post(`${MLFLOW_API}/runs/create`, { experiment_id: experimentId, ...fields });
  expectOk(created, 'runs/create');
  const run = created.body.run as Record<string, Record<string, unknown>>;
  return { runId: run.info!.run_id as string, artifactUri: run.info!.artifact_uri as string, experimentId, run };
}

/** Logs params, metrics and tags on a run in one log-batch. */
export async function logBatch(
  client: JsonClient,
  runId: string,
  batch: { metrics?: readonly { key: string; value: number | string; timestamp: number; step?: number }[]; params?: readonly KeyValue[]; tags?: readonly KeyValue[] },
): Promise<void> {
  expectOk(await client.post(`${MLFLOW_API}/runs/log-batch`, { run_id: runId, ...batch }), 'runs/log-batch');
}

/** The ONNX model the registry tests register (a logistic regression on breast_cancer). */
export function modelBytes(): Buffer {
  return readFileSync(sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'));
}

/** The artifact proxy's URL of a file under a run's artifact URI (`mlflow-artifacts:/...`). */
export function artifactUrl(serverUrl: string, artifactUri: string, relativePath: string): string {
  return `${serverUrl}${ARTIFACTS_API}/${artifactUri.replace('mlflow-artifacts:/', '')}/${relativePath}`;
}

/** Uploads bytes through the artifact proxy under the run's artifact URI. */
export async function uploadArtifact(serverUrl: string, artifactUri: string, relativePath: string, bytes: Buffer): Promise<void> {
  const put = await fetch(artifactUrl(serverUrl, artifactUri, relativePath), { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(put.status, 200, `uploading ${relativePath} answered ${put.status}`);
}

/** A run in a new experiment with the ONNX model uploaded at `<artifact_uri>/model/model.onnx`; answers the run and the model's source URI. */
export async function newRunWithModel(client: JsonClient, serverUrl: string, fields: Record<string, unknown> = {}): Promise<CreatedRun & { source: string }> {
  const run = await newRun(client, await newExperiment(client), fields);
  await uploadArtifact(serverUrl, run.artifactUri, 'model/model.onnx', modelBytes());
  return { ...run, source: `${run.artifactUri}/model` };
}

/** Creates a registered model (a unique name unless one is given) and answers its name. */
export async function newRegisteredModel(client: JsonClient, name = uniqueName('model')): Promise<string> {
  expectOk(await client.post(`${MLFLOW_API}/registered-models/create`, { name }), `registered-models/create ${name}`);
  return name;
}

/** Creates a version of the model from a run's model artifact and answers its version number. */
export async function newModelVersion(client: JsonClient, name: string, run: { runId: string; source: string }): Promise<string> {
  const created = await client.post(`${MLFLOW_API}/model-versions/create`, { name, source: run.source, run_id: run.runId });
  expectOk(created, `model-versions/create ${name}`);
  return (created.body.model_version as Record<string, unknown>).version as string;
}

/** A registered model with one version from a new run's model artifact: the model's name, the version and the run. */
export async function newModelWithVersion(
  client: JsonClient,
  serverUrl: string,
  fields: Record<string, unknown> = {},
  name = uniqueName('model'),
): Promise<{ name: string; version: string; run: CreatedRun & { source: string } }> {
  const run = await newRunWithModel(client, serverUrl, fields);
  await newRegisteredModel(client, name);
  return { name, version: await newModelVersion(client, name, run), run };
}
