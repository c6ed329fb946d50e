/**
 * The slo check over a window's requests: nearest-rank latency percentiles of the answered ones,
 * the server-error rate against its objective (client errors apart), and no latency verdict from
 * a log that recorded none.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LogRecords } from '../log/log-records.js';
import type { LoggedPrediction } from '../log/read-prediction-log.js';
import { sloCheck } from './slo-check.js';

function request(k: number, latency: number | undefined, error?: number): LoggedPrediction {
  return { request_id: `r${k}`, time: k, model: 'bc', version: '1', protocol: 'predict', inputs: [], outputs: [], shadow: false, latency, error, file: 'predictions-a.jsonl', end: k };
}

describe('the slo check', () => {
  test('p99 over the answered requests and the 5xx share decide; 4xx are reported apart', () => {
    const requests = [...Array.from({ length: 97 }, (_, k) => request(k, k + 1)), request(97, undefined, 500), request(98, undefined, 400), request(99, undefined, 503)];
    const result = sloCheck({ p99_ms: 50, error_rate: 0.01 }, LogRecords.from(requests), 50);
    assert.equal(result.status, 'failed');
    assert.deepEqual(result.values.breached, ['p99_ms', 'error_rate']);
    assert.equal(result.values.p99_ms, 97);
    assert.equal(result.values.p50_ms, 49);
    assert.equal(result.values.error_rate, 0.02);
    assert.equal(result.values.client_error_rate, 0.01);
    assert.equal(result.values.requests, 100);
  });

  test('within its objectives it passes', () => {
    const result = sloCheck({ p99_ms: 200, error_rate: 0.05 }, LogRecords.from(Array.from({ length: 100 }, (_, k) => request(k, 3))), 50);
    assert.equal(result.status, 'passed');
    assert.deepEqual(result.values.breached, []);
  });

  test('a log without latencies judges the error rate only, and says so', () => {
    const result = sloCheck({ p99_ms: 1 }, LogRecords.from(Array.from({ length: 100 }, (_, k) => request(k, undefined))), 50);
    assert.equal(result.status, 'passed');
    assert.equal(result.values.p99_ms, null);
    assert.match(result.summary, /latency not recorded/);
  });

  test('too few requests are not judged', () => {
    assert.equal(sloCheck({ p99_ms: 1 }, LogRecords.from([request(0, 5)]), 50).status, 'not_enough_data');
  });
});
