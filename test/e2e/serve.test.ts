/**
 * `sluice serve` over real HTTP with the three breast-cancer fixture models served together:
 * every protocol gives the probabilities scikit-learn and PyTorch computed (test_predictions.csv)
 * to 1e-5; metadata matches the ONNX signature; bad bodies get 400/413 with clear messages;
 * metrics move; the prediction log holds what was sent; feedback joins by request id; SIGTERM
 * drains and flushes.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedFixture } from '../support/fixtures.js';
import { post, startServe, type ServedProcess } from '../support/serve.js';
import { makeTempDir } from '../support/temp-dir.js';

const MODELS = ['bc_logreg', 'bc_mlp', 'bc_weak_logreg3'] as const;

function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, k) => [columns[k]!, value])));
}

const testRows = readCsv(sharedFixture('breast_cancer', 'test.csv'));
const expected = readCsv(sharedFixture('breast_cancer', 'test_predictions.csv'));
const features = Object.keys(testRows[0]!).filter((name) => name !== 'target');
const records = testRows.map((row) => Object.fromEntries(features.map((name) => [name, Number(row[name])])));
const matrix = records.map((row) => features.map((name) => row[name]!));

function assertProbabilities(model: string, rows: readonly (readonly number[])[]): void {
  assert.equal(rows.length, expected.length, `${model}: one prediction per row`);
  rows.forEach((probabilities, row) => {
    for (const k of [0, 1]) {
      const want = Number(expected[row]![`${model}_p${k}`]);
      assert.ok(Math.abs(probabilities[k]! - want) <= 1e-5, `${model} row ${row} p${k}: ${probabilities[k]} vs ${want}`);
    }
  });
}

describe('sluice serve', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let server: ServedProcess;
  const logDir = () => join(temp.path, 'predictions');
  before(async () => {
    temp = makeTempDir();
    const models = MODELS.map((name) => sharedFixture('breast_cancer', 'models', `${name}.onnx`));
    server = await startServe(temp.path, [...models, '--prediction-log', logDir(), '--max-body-mb', '1']);
  });
  after(async () => {
    // stop() is idempotent: the last test stops the server itself; this covers every failure.
    await server?.stop();
    temp?.remove();
  });

  for (const model of MODELS) {
    test(`/predict with rows by feature name: ${model} matches test_predictions.csv`, async () => {
      const response = await post(`${server.url}/models/${model}/predict`, { rows: records });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assertProbabilities(model, response.body.predictions.map((prediction: { probabilities: Record<string, number> }) => Object.values(prediction.probabilities)));
    });

    test(`v2 infer with a flat FP32 tensor: ${model} matches test_predictions.csv`, async () => {
      const response = await post(`${server.url}/v2/models/${model}/infer`, { inputs: [{ name: 'input', shape: [matrix.length, 30], datatype: 'FP32', data: matrix.flat() }] });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const [output] = response.body.outputs;
      assert.deepEqual([output.name, output.datatype, output.shape], ['probabilities', 'FP32', [matrix.length, 2]]);
      assertProbabilities(model, Array.from({ length: matrix.length }, (_, row) => output.data.slice(row * 2, row * 2 + 2)));
    });
  }

  test('/predict rows that list the features in another order, or carry extra keys, get the same predictions', async () => {
    const reversed = records.map((row) => Object.fromEntries(Object.entries(row).reverse()));
    const withId = records.map((row, k) => ({ id: `row-${k}`, ...row }));
    for (const rows of [reversed, withId]) {
      const response = await post(`${server.url}/models/bc_logreg/predict`, { rows });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assertProbabilities('bc_logreg', response.body.predictions.map((prediction: { probabilities: Record<string, number> }) => Object.values(prediction.probabilities)));
    }
  });

  test('v2 infer accepts nested data and echoes the request id', async () => {
    const response = await post(`${server.url}/v2/models/bc_logreg/infer`, { id: 'req-7', inputs: [{ name: 'input', shape: [2, 30], datatype: 'FP32', data: matrix.slice(0, 2) }] });
    assert.equal(response.body.id, 'req-7');
    assertProbabilities('bc_logreg', [response.body.outputs[0].data.slice(0, 2), response.body.outputs[0].data.slice(2, 4)].concat(expected.slice(2).map((row) => [Number(row.bc_logreg_p0), Number(row.bc_logreg_p1)])));
  });

  test('MLflow /invocations: dataframe_split, dataframe_records, instances, inputs and CSV agree', async () => {
    const url = `${server.url}/models/bc_mlp/invocations`;
    const bodies = [
      { dataframe_split: { columns: features, data: matrix } },
      { dataframe_records: records },
      { instances: records },
      { inputs: Object.fromEntries(features.map((name, k) => [name, matrix.map((row) => row[k])])) },
    ];
    for (const body of bodies) {
      const response = await post(url, body);
      assert.equal(response.status, 200, `${Object.keys(body)[0]}: ${JSON.stringify(response.body)}`);
      assertProbabilities('bc_mlp', response.body.predictions);
    }
    const csv = [features.join(','), ...matrix.map((row) => row.join(','))].join('\n');
    assertProbabilities('bc_mlp', (await post(url, csv, 'text/csv')).body.predictions);
  });

  test('metadata matches the ONNX signature and lists the features and classes', async () => {
    const metadata = (await (await fetch(`${server.url}/v2/models/bc_weak_logreg3`)).json()) as Record<string, any>;
    assert.equal(metadata.name, 'bc_weak_logreg3');
    assert.deepEqual(metadata.inputs, [{ name: 'input', datatype: 'FP32', shape: [-1, 30] }]);
    assert.deepEqual(metadata.outputs, [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 2] }]);
    assert.deepEqual(metadata.parameters.features, features);
    assert.equal((await fetch(`${server.url}/v2/health/ready`)).status, 200);
    assert.equal((await fetch(`${server.url}/v2/models/bc_mlp/ready`)).status, 200);
  });

  for (const [what, url, body, status, message] of [
    ['a wrong shape', '/v2/models/bc_logreg/infer', { inputs: [{ name: 'input', shape: [1, 29], datatype: 'FP32', data: new Array(29).fill(1) }] }, 400, /dimension 1 must be 30/],
    ['a wrong datatype', '/v2/models/bc_logreg/infer', { inputs: [{ name: 'input', shape: [1, 30], datatype: 'BYTES', data: new Array(30).fill('x') }] }, 400, /has datatype BYTES; the model takes FP32/],
    ['an INT64 tensor holding fractions', '/v2/models/bc_logreg/infer', { inputs: [{ name: 'input', shape: [1, 30], datatype: 'INT64', data: new Array(30).fill(1.5) }] }, 400, /declared INT64, but element 0 is 1\.5, not a whole number/],
    ['the same input twice', '/v2/models/bc_logreg/infer', { inputs: [1, 2].map(() => ({ name: 'input', shape: [1, 30], datatype: 'FP32', data: new Array(30).fill(1) })) }, 400, /Input "input" is given more than once/],
    ['a count that does not fit the shape', '/v2/models/bc_logreg/infer', { inputs: [{ name: 'input', shape: [2, 30], datatype: 'FP32', data: new Array(30).fill(1) }] }, 400, /has 30 values, but its shape \[2,30\] holds 60/],
    ['a missing feature', '/models/bc_logreg/predict', { rows: [{ mean_radius: 1 }] }, 400, /Row 1 lacks 29 features "mean_texture"/],
    ['a value that is not a number', '/models/bc_logreg/predict', { rows: [{ ...records[0], mean_area: 'big' }] }, 400, /Row 1: feature "mean_area" must be a number, not "big"/],
    ['an unknown model', '/v2/models/nope/infer', { inputs: [] }, 404, /No model "nope" is served here \(serving: bc_logreg, bc_mlp, bc_weak_logreg3\)/],
    ['MLflow without a known format', '/models/bc_logreg/invocations', { data: [] }, 400, /exactly one of the input fields/],
  ] as const) {
    test(`${what} gets ${status} with a message naming the problem`, async () => {
      const response = await post(`${server.url}${url}`, body);
      assert.equal(response.status, status);
      assert.match(String(response.body.error ?? response.body.message), message);
    });
  }

  test('readiness of a version that is not loaded is 404, as its metadata and infer are (not 503, which probes read as still loading)', async () => {
    const response = await fetch(`${server.url}/v2/models/bc_mlp/versions/99/ready`);
    assert.equal(response.status, 404);
    assert.equal((await fetch(`${server.url}/v2/models/bc_mlp/versions/99`)).status, 404);
  });

  test('a model name longer than 100 characters gets the protocol\'s own 404, not a raw 414', async () => {
    const response = await fetch(`${server.url}/v2/models/${'m'.repeat(200)}`);
    assert.equal(response.status, 404);
    assert.match(((await response.json()) as { error: string }).error, /No model "m+" is served here/);
  });

  test('MLflow /invocations answers a body it cannot read with BAD_REQUEST, and text/plain with 415, as MLflow\'s scoring server does', async () => {
    const bad = await post(`${server.url}/models/bc_logreg/invocations`, { data: [] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error_code, 'BAD_REQUEST');
    const plain = await fetch(`${server.url}/models/bc_logreg/invocations`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ instances: [Object.values(records[0]!)] }) });
    assert.equal(plain.status, 415);
  });

  test('a body that is not JSON gets 400, a body over the limit 413', async () => {
    const broken = await post(`${server.url}/v2/models/bc_logreg/infer`, '{"inputs": [');
    assert.equal(broken.status, 400);
    assert.match(broken.body.error, /not valid JSON/);
    // The server answers 413 from the Content-Length, without reading the body, and may close the
    // connection while the client still sends: read the answer, ignore the broken upload.
    // Just over the 1 MiB limit: the answer should not wait on a long upload.
    const body = JSON.stringify({ rows: new Array(1_800).fill(records[0]) });
    const huge = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = httpRequest(`${server.url}/models/bc_logreg/predict`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      // EPIPE/ECONNRESET: the server stopped reading the upload; its answer arrives all the same.
      request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
      setTimeout(() => {
        request.destroy();
        reject(new Error('no answer to the oversized request within 20 s'));
      }, 20_000).unref();
      request.end(body);
    });
    assert.equal(huge.status, 413);
    assert.match(huge.text, /larger than the server accepts/);
  });

  test('Prometheus metrics count requests by model, protocol and status, and batch sizes', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(text, /sluice_inference_requests_total\{model="bc_logreg",version="[0-9a-f]{12}",protocol="predict",status="200"\} [1-9]/);
    assert.match(text, /sluice_inference_requests_total\{model="bc_logreg",version="[0-9a-f]{12}",protocol="v2",status="400"\} [1-9]/);
    assert.match(text, /sluice_inference_batch_rows_count\{model="bc_mlp"\} [1-9]/);
    assert.match(text, /sluice_inference_request_duration_seconds_bucket/);
    const before = Number(/sluice_inference_rows_total\{model="bc_weak_logreg3",version="[0-9a-f]{12}"\} (\d+)/.exec(text)?.[1]);
    await post(`${server.url}/models/bc_weak_logreg3/predict`, { rows: records.slice(0, 3) });
    const after = Number(/sluice_inference_rows_total\{model="bc_weak_logreg3",version="[0-9a-f]{12}"\} (\d+)/.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1]);
    assert.equal(after - before, 3);
  });

  test('feedback joins the prediction log by request id; SIGTERM drains and flushes the log', async () => {
    const sent = await post(`${server.url}/models/bc_logreg/predict`, { rows: records.slice(0, 2) }, 'application/json', { 'x-request-id': 'order-42' });
    assert.equal(sent.headers.get('x-request-id'), 'order-42');
    assert.equal(sent.body.request_id, 'order-42');
    assert.equal((await post(`${server.url}/feedback`, { request_id: 'order-42', labels: [0, 1] })).status, 202);
    // Requests in flight when SIGTERM arrives still complete.
    const inFlight = Array.from({ length: 20 }, () => post(`${server.url}/models/bc_mlp/predict`, { rows: records }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const stopped = server.stop();
    const responses = await Promise.allSettled(inFlight);
    assert.equal(await stopped, 0);
    const answered = responses.filter((result) => result.status === 'fulfilled' && result.value.status === 200).length;
    const files = readdirSync(logDir());
    const logged = files.filter((file) => file.startsWith('predictions-')).flatMap((file) => readFileSync(join(logDir(), file), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { request_id: string; model: string; protocol: string; inputs: unknown[] }));
    const feedback = files.filter((file) => file.startsWith('feedback-')).flatMap((file) => readFileSync(join(logDir(), file), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { request_id: string; label: unknown }));
    const order = logged.find((record) => record.request_id === 'order-42');
    assert.ok(order, 'the prediction is logged under the caller\'s request id');
    assert.deepEqual(order.inputs, records.slice(0, 2));
    assert.deepEqual(feedback.find((record) => record.request_id === 'order-42')?.label, [0, 1]);
    assert.equal(logged.filter((record) => record.model === 'bc_mlp' && record.protocol === 'predict').length, answered + 1, 'every answered request is in the log (with the earlier /predict call of bc_mlp)');
  });
});
