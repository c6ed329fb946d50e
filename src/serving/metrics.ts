/**
 * The server's Prometheus metrics: requests by model, version, protocol and status; latency;
 * rows; batch sizes; requests in flight; model loads; prediction-log drops. The series every
 * request updates are labelled-series.ts's (cheap per call); the rest are prom-client's. Each
 * worker keeps its own registry; with several workers the primary aggregates them.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { SeriesCounter, SeriesHistogram } from './labelled-series.js';

export interface ServingMetrics {
  readonly registry: Registry;
  readonly shed: Counter;
  readonly loadSeconds: Gauge<'model' | 'version'>;
  readonly ready: Gauge<'model'>;
  readonly logDropped: Counter;
  /** Counts an answered inference request (its HTTP status, or gRPC's mapped to one) and observes its latency. */
  countRequest(model: string, version: string, protocol: string, status: number, seconds: number): void;
  /** Counts rows predicted by a model version. */
  countRows(model: string, version: string, rows: number): void;
  /** Observes the rows of one model call (a micro-batch). */
  observeBatch(model: string, rows: number): void;
  /** Where the in-flight gauge reads the number of requests being handled, when scraped. */
  readInFlightFrom(read: () => number): void;
}

const LATENCY_BOUNDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const BATCH_BOUNDS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096];

export function createServingMetrics(): ServingMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sluice_serve_' });
  const registers = [registry];
  const requests = new SeriesCounter(registry, 'sluice_inference_requests_total', 'Inference requests by model, version, protocol and HTTP status.', ['model', 'version', 'protocol', 'status']);
  const duration = new SeriesHistogram(registry, 'sluice_inference_request_duration_seconds', 'Inference request latency, from the request received to the response sent.', ['model', 'version', 'protocol'], LATENCY_BOUNDS);
  const rows = new SeriesCounter(registry, 'sluice_inference_rows_total', 'Rows predicted.', ['model', 'version']);
  const batchRows = new SeriesHistogram(registry, 'sluice_inference_batch_rows', 'Rows per onnxruntime call (micro-batches).', ['model'], BATCH_BOUNDS);
  let inFlightNow = (): number => 0;
  new Gauge({
    name: 'sluice_inference_in_flight_requests',
    help: 'Requests being handled now.',
    registers,
    aggregator: 'sum',
    collect() {
      this.set(inFlightNow());
    },
  });
  return {
    registry,
    countRequest: (model, version, protocol, status, seconds) => {
      requests.inc([model, version, protocol, String(status)]);
      duration.observe([model, version, protocol], seconds);
    },
    countRows: (model, version, count) => rows.inc([model, version], count),
    observeBatch: (model, count) => batchRows.observe([model], count),
    readInFlightFrom: (read) => {
      inFlightNow = read;
    },
    shed: new Counter({ name: 'sluice_inference_shed_requests_total', help: 'Requests refused with 503 because --max-in-flight were in flight.', registers }),
    // Across workers, a load time is the slowest worker's and readiness the least ready worker's.
    loadSeconds: new Gauge({ name: 'sluice_model_load_seconds', help: 'How long loading each served model version took.', labelNames: ['model', 'version'], registers, aggregator: 'max' }),
    ready: new Gauge({ name: 'sluice_model_ready', help: '1 when the model serves, 0 when it is not ready.', labelNames: ['model'], registers, aggregator: 'min' }),
    logDropped: new Counter({ name: 'sluice_prediction_log_dropped_total', help: 'Predictions not written to the prediction log (its buffer was full or a write failed).', registers }),
  };
}
