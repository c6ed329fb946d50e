/**
 * The prometheus provider against a real Prometheus (Debian's /usr/bin/prometheus) scraping a
 * node:http /metrics endpoint every second; values Prometheus only gives in rare states (NaN,
 * +Inf, a broken answer) are checked on the parsed answer directly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { prometheusProvider, prometheusResult } from './prometheus-provider.js';
import { startTestPrometheus, type TestPrometheus } from './prometheus-test-support.js';

const CONTEXT = { target: { environment: 'e', model: 'bc', stableVersion: '1', candidateVersion: '2', since: 0 }, now: 0 };

/** Sluice-like series: 2 failed of 200 requests for version 2, 300 for version 1. */
const EXPOSITION = [
  '# TYPE sluice_inference_requests_total counter',
  'sluice_inference_requests_total{model="bc",version="2",status="200"} 198',
  'sluice_inference_requests_total{model="bc",version="2",status="500"} 2',
  'sluice_inference_requests_total{model="bc",version="1",status="200"} 300',
  '',
].join('\n');

describe('the prometheus provider, against Prometheus', () => {
  let prometheus: TestPrometheus;
  let address: string;

  before(async () => {
    prometheus = await startTestPrometheus(() => EXPOSITION);
    address = prometheus.address;
  });
  after(async () => prometheus?.stop());

  test('a one-element vector gives a number', async () => {
    const query = 'sum(sluice_inference_requests_total{version="2",status=~"5.."}) / sum(sluice_inference_requests_total{version="2"})';
    assert.deepEqual(await prometheusProvider().measure({ address, query, timeout: 5_000 }, CONTEXT), { kind: 'value', value: 0.01 });
  });

  test('a longer vector gives a list, one number per series', async () => {
    const outcome = await prometheusProvider().measure({ address, query: 'sort(sum by (version) (sluice_inference_requests_total))', timeout: 5_000 }, CONTEXT);
    assert.deepEqual(outcome, { kind: 'value', value: [200, 300], message: '2 series' });
  });

  test('a scalar gives a number', async () => {
    assert.deepEqual(await prometheusProvider().measure({ address, query: 'scalar(sum(sluice_inference_requests_total))', timeout: 5_000 }, CONTEXT), { kind: 'value', value: 500 });
  });

  test('an empty vector (no series yet) is not enough data', async () => {
    const outcome = await prometheusProvider().measure({ address, query: 'sluice_inference_requests_total{version="3"}', timeout: 5_000 }, CONTEXT);
    assert.deepEqual(outcome, { kind: 'not-enough-data', message: 'the query returned no series yet' });
  });

  test('a malformed query is an error with Prometheus\' own explanation', async () => {
    await assert.rejects(prometheusProvider().measure({ address, query: 'sum(', timeout: 5_000 }, CONTEXT), (error: Error & { hint?: string }) => {
      assert.match(error.message, /answered HTTP 400: .*parse error/);
      assert.match(error.hint!, /PromQL/);
      return true;
    });
  });

  test('a range query result is refused with what to write instead', async () => {
    await assert.rejects(prometheusProvider().measure({ address, query: 'sluice_inference_requests_total[1m]', timeout: 5_000 }, CONTEXT), /it is a matrix; write an instant query/);
  });
});

describe('the prometheus provider, on answers Prometheus gives', () => {
  const url = 'http://prometheus:9090/api/v1/query?query=up';

  test('NaN and infinities are read as the numbers they name', () => {
    assert.deepEqual(prometheusResult(url, { status: 'success', data: { resultType: 'scalar', result: [1, '+Inf'] } }), { kind: 'value', value: Infinity });
    const nan = prometheusResult(url, { status: 'success', data: { resultType: 'scalar', result: [1, 'NaN'] } });
    assert.ok(nan.kind === 'value' && Number.isNaN(nan.value));
  });

  test('a value that is not a number is an error', () => {
    assert.throws(() => prometheusResult(url, { status: 'success', data: { resultType: 'scalar', result: [1, 'ok'] } }), /"ok" is not a number/);
  });

  test('an answer that is not Prometheus\' is an error', () => {
    assert.throws(() => prometheusResult(url, { hello: 'world' }), /not a Prometheus query answer/);
  });
});
