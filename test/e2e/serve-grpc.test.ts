/**
 * `sluice serve --grpc-port` and the binary tensor data extension, over real sockets with the
 * three breast-cancer fixture models: a client generated in this test from the v2 proto (with
 * @grpc/proto-loader) gets the REST endpoint's outputs to 1e-6, with typed contents and with
 * raw_input_contents; a binary REST request and response carry the JSON endpoint's outputs;
 * malformed binary bodies get 400 with a message naming the problem; gRPC errors carry their
 * status codes; the gRPC calls reach the same prediction log and metrics as REST.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { credentials, loadPackageDefinition, Metadata, status, type Client, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { REPO_ROOT, sharedFixture } from '../support/fixtures.js';
import { post, startServe, type ServedProcess } from '../support/serve.js';
import { makeTempDir } from '../support/temp-dir.js';

const MODELS = ['bc_logreg', 'bc_mlp', 'bc_weak_logreg3'] as const;

const lines = readFileSync(sharedFixture('breast_cancer', 'test.csv'), 'utf8').trim().split('\n');
const header = lines[0]!.split(',');
const target = header.indexOf('target');
const matrix = lines.slice(1).map((line) => line.split(',').map(Number).filter((_, k) => k !== target));
const flat = matrix.flat();
const ROWS = matrix.length;

type Call = (request: unknown, metadata: Metadata, callback: (error: (Error & { code?: number; details?: string }) | null, response: any) => void) => void;

/** The v2 service's client, generated from the repository's proto file. */
function inferenceClient(address: string): Client & Record<string, Call> {
  const definition = loadPackageDefinition(loadSync(join(REPO_ROOT, 'src', 'serving', 'grpc', 'grpc_predict_v2.proto'), { keepCase: true, longs: Number, defaults: true }));
  const Service = (definition.inference as GrpcObject).GRPCInferenceService as ServiceClientConstructor;
  return new Service(address, credentials.createInsecure()) as unknown as Client & Record<string, Call>;
}

function rpc(client: Record<string, Call>, method: string, request: unknown, metadata = new Metadata()): Promise<any> {
  return new Promise((resolve, reject) => client[method]!.call(client, request, metadata, (error, response) => (error ? reject(error) : resolve(response))));
}

function rpcError(client: Record<string, Call>, method: string, request: unknown): Promise<Error & { code?: number; details?: string }> {
  return rpc(client, method, request).then(
    () => assert.fail(`${method} succeeded`),
    (error: Error & { code?: number }) => error,
  );
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: as many values`);
  for (let k = 0; k < expected.length; k++) assert.ok(Math.abs(actual[k]! - expected[k]!) <= 1e-6, `${what} element ${k}: ${actual[k]} vs ${expected[k]}`);
}

function float32Bytes(values: readonly number[]): Buffer {
  const array = Float32Array.from(values);
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** A binary-extension request: JSON header, then each tensor's bytes. */
async function postBinary(url: string, json: unknown, tensors: readonly Buffer[], headerLength?: string, contentType: string | undefined = 'application/octet-stream'): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const jsonBytes = Buffer.from(JSON.stringify(json));
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...(contentType ? { 'content-type': contentType } : {}), 'inference-header-content-length': headerLength ?? String(jsonBytes.length) },
    body: Buffer.concat([jsonBytes, ...tensors]),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

describe('sluice serve: v2 over gRPC and binary tensors', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let server: ServedProcess;
  let client: Client & Record<string, Call>;
  const rest = new Map<string, number[]>();
  const logDir = () => join(temp.path, 'predictions');

  before(async () => {
    temp = makeTempDir();
    server = await startServe(temp.path, [...MODELS.map((name) => sharedFixture('breast_cancer', 'models', `${name}.onnx`)), '--grpc-port', '0', '--prediction-log', logDir()]);
    assert.ok(server.grpcAddress, `the banner names the gRPC address:\n${server.stderr()}`);
    client = inferenceClient(server.grpcAddress);
    for (const model of MODELS) {
      const response = await post(`${server.url}/v2/models/${model}/infer`, { inputs: [{ name: 'input', shape: [ROWS, 30], datatype: 'FP32', data: flat }] });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      rest.set(model, response.body.outputs[0].data);
    }
  });
  after(async () => {
    client?.close();
    await server?.stop();
    temp?.remove();
  });

  for (const model of MODELS) {
    test(`gRPC ModelInfer with typed contents: ${model} gives the REST outputs`, async () => {
      const response = await rpc(client, 'ModelInfer', { model_name: model, inputs: [{ name: 'input', datatype: 'FP32', shape: [ROWS, 30], contents: { fp32_contents: flat } }] });
      assert.deepEqual([response.model_name, response.outputs.length], [model, 1]);
      const [output] = response.outputs;
      assert.deepEqual([output.name, output.datatype, output.shape], ['probabilities', 'FP32', [ROWS, 2]]);
      assert.equal(response.raw_output_contents.length, 0, 'a typed request is answered with typed contents');
      assertClose(output.contents.fp32_contents, rest.get(model)!, model);
    });

    test(`gRPC ModelInfer with raw_input_contents: ${model} gives the REST outputs as raw_output_contents`, async () => {
      const response = await rpc(client, 'ModelInfer', { model_name: model, inputs: [{ name: 'input', datatype: 'FP32', shape: [ROWS, 30] }], raw_input_contents: [float32Bytes(flat)] });
      const raw = response.raw_output_contents[0] as Buffer;
      assert.equal(raw.length, ROWS * 2 * 4);
      assertClose(new Float32Array(new Uint8Array(raw).buffer), rest.get(model)!, model);
    });
  }

  test('a binary request with binary outputs carries the JSON endpoint\'s outputs', async () => {
    const response = await postBinary(
      `${server.url}/v2/models/bc_mlp/infer`,
      { id: 'binary-1', inputs: [{ name: 'input', shape: [ROWS, 30], datatype: 'FP32', parameters: { binary_data_size: flat.length * 4 } }], parameters: { binary_data_output: true } },
      [float32Bytes(flat)],
    );
    assert.equal(response.status, 200, response.body.toString());
    assert.equal(response.headers.get('content-type'), 'application/octet-stream');
    const headerLength = Number(response.headers.get('inference-header-content-length'));
    const json = JSON.parse(response.body.subarray(0, headerLength).toString());
    assert.deepEqual(json.outputs, [{ name: 'probabilities', datatype: 'FP32', shape: [ROWS, 2], parameters: { binary_data_size: ROWS * 2 * 4 } }]);
    assert.equal(json.id, 'binary-1');
    assertClose(new Float32Array(new Uint8Array(response.body.subarray(headerLength)).buffer), rest.get('bc_mlp')!, 'binary bc_mlp');
  });

  test('a binary request without a content type (as tritonclient.http sends it) is read by its header', async () => {
    const blob = new Blob([Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [1, 30], datatype: 'FP32', parameters: { binary_data_size: 120 } }] })), float32Bytes(flat.slice(0, 30))]);
    const jsonLength = blob.size - 120;
    // fetch labels a Blob body with the Blob's type, which is empty here: no Content-Type is sent.
    const response = await fetch(`${server.url}/v2/models/bc_weak_logreg3/infer`, { method: 'POST', headers: { 'inference-header-content-length': String(jsonLength) }, body: blob, signal: AbortSignal.timeout(60_000) });
    assert.equal(response.status, 200, await response.clone().text());
    assertClose(((await response.json()) as { outputs: { data: number[] }[] }).outputs[0]!.data, rest.get('bc_weak_logreg3')!.slice(0, 2), 'untyped binary request');
  });

  test('a binary request asking for JSON outputs is answered in JSON', async () => {
    const response = await postBinary(`${server.url}/v2/models/bc_logreg/infer`, { inputs: [{ name: 'input', shape: [2, 30], datatype: 'FP32', parameters: { binary_data_size: 240 } }] }, [float32Bytes(flat.slice(0, 60))]);
    assert.equal(response.status, 200);
    assertClose(JSON.parse(response.body.toString()).outputs[0].data, rest.get('bc_logreg')!.slice(0, 4), 'JSON outputs');
  });

  test('malformed binary requests get 400 with the problem named', async () => {
    const url = `${server.url}/v2/models/bc_logreg/infer`;
    const json = { inputs: [{ name: 'input', shape: [2, 30], datatype: 'FP32', parameters: { binary_data_size: 240 } }] };
    const beyond = await postBinary(url, json, [float32Bytes(flat.slice(0, 60))], '100000');
    assert.equal(beyond.status, 400);
    assert.match(JSON.parse(beyond.body.toString()).error, /Inference-Header-Content-Length says the JSON header is 100000 bytes, but the whole body is \d+/);
    const short = await postBinary(url, json, [float32Bytes(flat.slice(0, 59))]);
    assert.equal(short.status, 400);
    assert.match(JSON.parse(short.body.toString()).error, /binary_data_size add up to 240 bytes, but 236 bytes follow/);
    const wrongSize = await postBinary(url, { inputs: [{ name: 'input', shape: [2, 30], datatype: 'FP32', parameters: { binary_data_size: 236 } }] }, [float32Bytes(flat.slice(0, 59))]);
    assert.equal(wrongSize.status, 400);
    assert.match(JSON.parse(wrongSize.body.toString()).error, /Input "input" has 236 bytes of binary_data_size, but its shape \[2,30\] of FP32 \(4 bytes each\) holds 240/);
    const notJson = await postBinary(url, json, [float32Bytes(flat.slice(0, 60))], '5');
    assert.equal(notJson.status, 400);
    assert.match(JSON.parse(notJson.body.toString()).error, /first 5 bytes of the body \(Inference-Header-Content-Length\) are not a JSON inference header/);
  });

  test('GET /v2 and gRPC ServerMetadata advertise the binary tensor data extension', async () => {
    const overRest = (await fetch(`${server.url}/v2`).then((response) => response.json())) as { extensions: string[] };
    assert.ok(overRest.extensions.includes('binary_tensor_data'));
    const overGrpc = await rpc(client, 'ServerMetadata', {});
    assert.deepEqual([overGrpc.name, overGrpc.extensions], ['sluice', overRest.extensions]);
  });

  test('gRPC ServerLive, ServerReady, ModelReady and ModelMetadata answer', async () => {
    assert.equal((await rpc(client, 'ServerLive', {})).live, true);
    assert.equal((await rpc(client, 'ServerReady', {})).ready, true);
    assert.equal((await rpc(client, 'ModelReady', { name: 'bc_mlp' })).ready, true);
    const metadata = await rpc(client, 'ModelMetadata', { name: 'bc_weak_logreg3' });
    assert.equal(metadata.name, 'bc_weak_logreg3');
    assert.equal(metadata.platform, 'onnxruntime_onnx');
    assert.deepEqual(metadata.inputs, [{ name: 'input', datatype: 'FP32', shape: [-1, 30] }]);
    assert.deepEqual(metadata.outputs, [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 2] }]);
  });

  test('gRPC errors carry status codes: NOT_FOUND for an unknown model, INVALID_ARGUMENT for a bad tensor', async () => {
    const unknown = await rpcError(client, 'ModelInfer', { model_name: 'no_such_model', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 30], contents: { fp32_contents: flat.slice(0, 30) } }] });
    assert.equal(unknown.code, status.NOT_FOUND);
    assert.match(unknown.details!, /No model "no_such_model" is served here/);
    assert.equal((await rpcError(client, 'ModelMetadata', { name: 'no_such_model' })).code, status.NOT_FOUND);
    const short = await rpcError(client, 'ModelInfer', { model_name: 'bc_logreg', inputs: [{ name: 'input', datatype: 'FP32', shape: [2, 30] }], raw_input_contents: [float32Bytes(flat.slice(0, 30))] });
    assert.equal(short.code, status.INVALID_ARGUMENT);
    assert.match(short.details!, /Input "input" has 120 bytes of raw_input_contents, but its shape \[2,30\] of FP32 \(4 bytes each\) holds 240/);
  });

  test('gRPC calls reach the REST endpoints\' metrics and prediction log', async () => {
    const metadata = new Metadata();
    metadata.set('x-request-id', 'grpc-order-7');
    await rpc(client, 'ModelInfer', { model_name: 'bc_logreg', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 30], contents: { fp32_contents: flat.slice(0, 30) } }] }, metadata);
    const scraped = await fetch(`${server.url}/metrics`).then((response) => response.text());
    assert.match(scraped, /sluice_inference_requests_total\{model="bc_logreg",version="[^"]*",protocol="grpc",status="200"\} \d+/);
    assert.match(scraped, /sluice_inference_requests_total\{model="unknown",version="",protocol="grpc",status="404"\} 1/);
    client.close();
    assert.equal(await server.stop(), 0);
    const logged = readdirSync(logDir())
      .filter((file) => file.startsWith('predictions-'))
      .flatMap((file) => readFileSync(join(logDir(), file), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { request_id: string; protocol: string; inputs: { datatype: string; data_base64: string }[]; outputs: { datatype: string; data_base64: string }[] }));
    const record = logged.find((each) => each.request_id === 'grpc-order-7');
    assert.ok(record, 'the gRPC prediction is logged under the caller\'s request id');
    assert.equal(record.protocol, 'grpc');
    // Sent as floats (fp32_contents), logged as their float32 bytes: the values exactly.
    const floats = (tensor: { datatype: string; data_base64: string }) => (assert.equal(tensor.datatype, 'FP32'), [...new Float32Array(new Uint8Array(Buffer.from(tensor.data_base64, 'base64')).buffer)]);
    assert.deepEqual(floats(record.inputs[0]!), flat.slice(0, 30).map(Math.fround), 'logged inputs');
    assertClose(floats(record.outputs[0]!), rest.get('bc_logreg')!.slice(0, 2), 'logged outputs');
  });
});

describe('sluice serve --workers 2 --grpc-port', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let server: ServedProcess;
  const clients: (Client & Record<string, Call>)[] = [];
  before(async () => {
    temp = makeTempDir();
    server = await startServe(temp.path, [sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), '--grpc-port', '0', '--workers', '2', '--no-prediction-log']);
  });
  after(async () => {
    for (const client of clients) client.close();
    await server?.stop();
    temp?.remove();
  });

  test('every worker serves gRPC on the one port (the cluster shares it, as it shares the HTTP port)', async () => {
    assert.ok(server.grpcAddress, server.stderr());
    // Each client is its own connection, which the cluster hands to a worker.
    for (let k = 0; k < 4; k++) clients.push(inferenceClient(server.grpcAddress));
    const responses = await Promise.all(clients.map((client) => rpc(client, 'ModelInfer', { model_name: 'bc_logreg', inputs: [{ name: 'input', datatype: 'FP32', shape: [ROWS, 30] }], raw_input_contents: [float32Bytes(flat)] })));
    for (const response of responses) assert.equal((response.raw_output_contents[0] as Buffer).length, ROWS * 2 * 4);
    const scraped = await fetch(`${server.url}/metrics`).then((response) => response.text());
    assert.match(scraped, /sluice_inference_requests_total\{model="bc_logreg",version="[^"]*",protocol="grpc",status="200"\} 4/);
  });
});
