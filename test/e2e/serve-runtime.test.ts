/**
 * `sluice serve --runtime`: the three fixture models served with `--runtime auto` (the compiled
 * runtime, verified on load) and with `--runtime onnxruntime` answer the same requests with the
 * same bodies, over /predict and v2 infer; each model's load says which runtime serves it; an
 * unknown runtime is refused with the values it accepts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { sluice } from '../support/cli.js';
import { sharedFixture } from '../support/fixtures.js';
import { pollUntil } from '../support/processes.js';
import { post, startServe, type ServedProcess } from '../support/serve.js';
import { makeTempDir } from '../support/temp-dir.js';

const MODELS = ['bc_logreg', 'bc_mlp', 'bc_weak_logreg3'] as const;

const [header, ...lines] = readFileSync(sharedFixture('breast_cancer', 'test.csv'), 'utf8').trim().split('\n');
const features = header!.split(',').filter((name) => name !== 'target');
const matrix = lines.map((line) => line.split(',').slice(0, features.length).map(Number));
const records = matrix.map((row) => Object.fromEntries(features.map((name, k) => [name, row[k]])));

/** The `model loaded` log lines of a server, once every model has one. */
async function loadLines(server: ServedProcess): Promise<{ model: string; runtime: string; runtimeReason: string }[]> {
  return pollUntil(
    () => {
      const loaded = server
        .stderr()
        .split('\n')
        .filter((line) => line.includes('"msg":"model loaded"'))
        .map((line) => JSON.parse(line) as { model: string; runtime: string; runtimeReason: string });
      return loaded.length === MODELS.length ? loaded : undefined;
    },
    'a "model loaded" line per model',
    10_000,
  );
}

describe('sluice serve --runtime', () => {
  let temp: ReturnType<typeof makeTempDir>;
  const servers: Partial<Record<'auto' | 'onnxruntime', ServedProcess>> = {};
  before(async () => {
    temp = makeTempDir();
    const models = MODELS.map((name) => sharedFixture('breast_cancer', 'models', `${name}.onnx`));
    for (const runtime of ['auto', 'onnxruntime'] as const) servers[runtime] = await startServe(temp.path, [...models, '--runtime', runtime, '--workers', '1', '--no-prediction-log']);
  });
  after(async () => {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
    temp?.remove();
  });

  test('each model load says which runtime serves it and why', async () => {
    for (const line of await loadLines(servers.auto!)) assert.deepEqual([line.runtime, line.runtimeReason], ['compiled', 'verified against onnxruntime on 256 probe rows'], line.model);
    for (const line of await loadLines(servers.onnxruntime!)) assert.equal(line.runtime, 'onnxruntime', line.model);
  });

  for (const model of MODELS) {
    test(`${model}: /predict and v2 infer answer the same bodies with either runtime`, async () => {
      const ask = async (runtime: 'auto' | 'onnxruntime') => {
        const url = servers[runtime]!.url;
        const predict = await post(`${url}/models/${model}/predict`, { rows: records });
        const single = await post(`${url}/models/${model}/predict`, { rows: records.slice(5, 6) });
        const v2 = await post(`${url}/v2/models/${model}/infer`, { inputs: [{ name: 'input', shape: [matrix.length, features.length], datatype: 'FP32', data: matrix.flat() }] });
        for (const response of [predict, single, v2]) assert.equal(response.status, 200, JSON.stringify(response.body));
        // Everything but the request ids, which are fresh per request.
        const { request_id: predictId, ...predictBody } = predict.body;
        const { request_id: singleId, ...singleBody } = single.body;
        assert.ok(predictId && singleId);
        return [predictBody, singleBody, v2.body.outputs];
      };
      const [compiled, reference] = [await ask('auto'), await ask('onnxruntime')];
      assert.deepEqual(compiled, reference);
    });
  }

  test('an unknown runtime is refused, naming the accepted ones', () => {
    const result = sluice(temp.path, ['serve', sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), '--runtime', 'fast']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--runtime must be auto or onnxruntime/);
  });
});
