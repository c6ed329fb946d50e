/**
 * What a monitor reads back from a real server's prediction log: every protocol's request as the
 * rows that were sent, with the answer each got, read once (a second read from the returned
 * position finds only what came after).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loggedRows, type LoggedRow } from '../../src/monitoring/log/logged-rows.js';
import { readPredictionLog } from '../../src/monitoring/log/read-prediction-log.js';
import { sharedFixture } from '../support/fixtures.js';
import { post, startServe, type ServedProcess } from '../support/serve.js';
import { makeTempDir } from '../support/temp-dir.js';

const [header, ...lines] = readFileSync(sharedFixture('breast_cancer', 'test.csv'), 'utf8').trim().split('\n');
const FEATURES = header!.split(',').filter((name) => name !== 'target');
const CLASSES = ['0=malignant', '1=benign'];
const ROWS = lines.slice(0, 5).map((line) => Object.fromEntries(line.split(',').map((value, k) => [header!.split(',')[k]!, Number(value)]).filter(([name]) => name !== 'target')));

const temp = makeTempDir('sluice-monitor-log-');
const logDir = join(temp.path, 'predictions');
let server: ServedProcess | undefined;
after(async () => {
  await server?.stop();
  temp.remove();
});

function float32Row(row: Readonly<Record<string, number>>): Buffer {
  return Buffer.from(new Float32Array(FEATURES.map((name) => row[name]!)).buffer);
}

function rowsOfLog(position = {}): { rows: LoggedRow[]; position: Record<string, number> } {
  const read = readPredictionLog(logDir, position);
  const rows: LoggedRow[] = [];
  for (const record of read.predictions) {
    const decoded = loggedRows(record, { features: FEATURES, classes: CLASSES });
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.problem);
    rows.push(...decoded.rows);
  }
  return { rows, position: { ...read.position } };
}

describe('reading the prediction log back as rows', () => {
  const answers: number[] = [];
  before(async () => {
    server = await startServe(temp.path, [sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), '--prediction-log', logDir]);
    const predict = await post(`${server.url}/predict`, { rows: [ROWS[0]] });
    answers.push(predict.body.predictions[0].probabilities['1=benign']);
    const split = await post(`${server.url}/invocations`, { dataframe_split: { columns: FEATURES, data: [FEATURES.map((name) => ROWS[1]![name])] } });
    answers.push(split.body.predictions[0][1]);
    const csv = await post(`${server.url}/invocations`, `${FEATURES.join(',')}\n${FEATURES.map((name) => ROWS[2]![name]).join(',')}\n`, 'text/csv');
    answers.push(csv.body.predictions[0][1]);
    const v2 = await post(`${server.url}/v2/models/bc_logreg/infer`, { inputs: [{ name: 'input', shape: [1, FEATURES.length], datatype: 'FP32', data: FEATURES.map((name) => ROWS[3]![name]) }] });
    answers.push(v2.body.outputs[0].data[1]);
    // The binary tensor extension: a JSON header, then the row's float32 bytes; answered in bytes too.
    const header = Buffer.from(JSON.stringify({ id: 'binary-row', inputs: [{ name: 'input', shape: [1, FEATURES.length], datatype: 'FP32', parameters: { binary_data_size: FEATURES.length * 4 } }], parameters: { binary_data_output: true } }));
    const binary = await fetch(`${server.url}/v2/models/bc_logreg/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
      body: Buffer.concat([header, float32Row(ROWS[4]!)]),
      signal: AbortSignal.timeout(60_000),
    });
    assert.equal(binary.status, 200, await binary.clone().text());
    const answer = new Uint8Array(await binary.arrayBuffer()).slice(Number(binary.headers.get('inference-header-content-length')));
    answers.push(new Float32Array(answer.buffer)[1]!);
    // Stopping flushes the log.
    await server.stop();
  });

  test('each protocol\'s request reads back as the features sent and the probability answered', () => {
    const { rows } = rowsOfLog();
    assert.equal(rows.length, 5);
    rows.forEach((row, k) => {
      for (const name of FEATURES) assert.ok(Math.abs(Number(row.features[name]) - ROWS[k]![name]!) <= 1e-6 * Math.max(1, Math.abs(ROWS[k]![name]!)), `row ${k} feature ${name}`);
      const prediction = row.prediction as Record<string, number>;
      assert.ok(Math.abs(prediction['1=benign']! - answers[k]!) < 1e-6, `row ${k}: logged ${prediction['1=benign']} answered ${answers[k]}`);
    });
  });

  test('a binary request\'s tensors are logged as the bytes sent and answered, in base64, and read back as float32 values exactly', () => {
    const line = readPredictionLog(logDir, {}).predictions.find((record) => record.request_id === 'binary-row');
    assert.ok(line, 'the binary request is logged under its id');
    assert.deepEqual(line.inputs, [{ name: 'input', shape: [1, FEATURES.length], datatype: 'FP32', data_base64: float32Row(ROWS[4]!).toString('base64') }]);
    const [output] = line.outputs as { name: string; shape: number[]; datatype: string; data_base64: string }[];
    assert.deepEqual([output!.name, output!.shape, output!.datatype], ['probabilities', [1, 2], 'FP32']);
    assert.equal(new Float32Array(new Uint8Array(Buffer.from(output!.data_base64, 'base64')).buffer)[1], answers[4]);
    const decoded = loggedRows(line, { features: FEATURES, classes: CLASSES });
    assert.ok(decoded.ok);
    assert.deepEqual(FEATURES.map((name) => decoded.rows[0]!.features[name]), FEATURES.map((name) => Math.fround(ROWS[4]![name]!)));
  });

  test('a read from the returned position finds nothing already read', () => {
    const first = rowsOfLog();
    assert.equal(rowsOfLog(first.position).rows.length, 0);
  });
});
