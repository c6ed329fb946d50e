/** The serving path's own counter and histogram scrape exactly as prom-client's would, alone and aggregated across workers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AggregatorRegistry, Counter, Histogram, Registry } from 'prom-client';
import { SeriesCounter, SeriesHistogram } from './labelled-series.js';

const BOUNDS = [0.001, 0.01, 0.1, 1];
const OBSERVATIONS: readonly [string, string, number, number][] = [
  ['bc', 'predict', 200, 0.0004],
  ['bc', 'predict', 200, 0.001],
  ['bc', 'predict', 400, 0.02],
  ['bc', 'v2', 200, 5],
  ['other "model"\n', 'v2', 503, 0.5],
];

/** A registry with prom-client's metrics, and one with ours, given the same observations. */
function registries(observations: typeof OBSERVATIONS): { theirs: Registry; ours: Registry } {
  const theirs = new Registry();
  const counter = new Counter({ name: 'requests_total', help: 'Requests.', labelNames: ['model', 'protocol', 'status'], registers: [theirs] });
  const histogram = new Histogram({ name: 'latency_seconds', help: 'Latency.', labelNames: ['model', 'protocol'], buckets: BOUNDS, registers: [theirs] });
  const ours = new Registry();
  const seriesCounter = new SeriesCounter(ours, 'requests_total', 'Requests.', ['model', 'protocol', 'status']);
  const seriesHistogram = new SeriesHistogram(ours, 'latency_seconds', 'Latency.', ['model', 'protocol'], BOUNDS);
  for (const [model, protocol, status, seconds] of observations) {
    counter.inc({ model, protocol, status: String(status) });
    histogram.observe({ model, protocol }, seconds);
    seriesCounter.inc([model, protocol, String(status)]);
    seriesHistogram.observe([model, protocol], seconds);
  }
  return { theirs, ours };
}

test('the series scrape as the same text as prom-client\'s Counter and Histogram', async () => {
  const { theirs, ours } = registries(OBSERVATIONS);
  const text = await ours.metrics();
  assert.equal(text, await theirs.metrics());
  assert.match(text, /^latency_seconds_bucket\{le="0.01",model="bc",protocol="predict"\} 2$/m);
});

test('the series of several workers add up as prom-client\'s do', async () => {
  const first = registries(OBSERVATIONS);
  const second = registries(OBSERVATIONS.slice(1, 4));
  const aggregate = async (pick: 'theirs' | 'ours') => AggregatorRegistry.aggregate([await first[pick].getMetricsAsJSON(), await second[pick].getMetricsAsJSON()]).metrics();
  const text = await aggregate('ours');
  assert.equal(text, await aggregate('theirs'));
  assert.match(text, /^requests_total\{model="bc",protocol="predict",status="200"\} 3$/m);
});
