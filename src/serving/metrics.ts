/**
 * The server's Prometheus metrics (prom-client): requests by model, version, protocol and
 * status; latency; rows; batch sizes; requests in flight; model loads; prediction-log drops.
 * Each worker keeps its own registry; with several workers the primary aggregates them.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ServingMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'model' | 'version' | 'protocol' | 'status'>;
  readonly duration: Histogram<'model' | 'version' | 'protocol'>;
  readonly rows: Counter<'model' | 'version'>;
  readonly batchRows: Histogram<'model'>;
  readonly inFlight: Gauge;
  readonly shed: Counter;
  readonly loadSeconds: Gauge<'model' | 'version'>;
  readonly ready: Gauge<'model'>;
  readonly logDropped: Counter;
  /** Counts an answered inference request and observes its latency. */
  countRequest(model: string, version: string, protocol: string, status: number, seconds: number): void;
}

export function createServingMetrics(): ServingMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sluice_serve_' });
  const registers = [registry];
  const requests = new Counter({ name: 'sluice_inference_requests_total', help: 'Inference requests by model, version, protocol and HTTP status.', labelNames: ['model', 'version', 'protocol', 'status'], registers });
  const duration = new Histogram({
    name: 'sluice_inference_request_duration_seconds',
    help: 'Inference request latency, from the request received to the response sent.',
    labelNames: ['model', 'version', 'protocol'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  return {
    registry,
    requests,
    duration,
    countRequest: (model, version, protocol, status, seconds) => {
      requests.inc({ model, version, protocol, status: String(status) });
      duration.observe({ model, version, protocol }, seconds);
    },
    rows: new Counter({ name: 'sluice_inference_rows_total', help: 'Rows predicted.', labelNames: ['model', 'version'], registers }),
    batchRows: new Histogram({ name: 'sluice_inference_batch_rows', help: 'Rows per onnxruntime call (micro-batches).', labelNames: ['model'], buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096], registers }),
    inFlight: new Gauge({ name: 'sluice_inference_in_flight_requests', help: 'Requests being handled now.', registers, aggregator: 'sum' }),
    shed: new Counter({ name: 'sluice_inference_shed_requests_total', help: 'Requests refused with 503 because --max-in-flight were in flight.', registers }),
    // Across workers, a load time is the slowest worker's and readiness the least ready worker's.
    loadSeconds: new Gauge({ name: 'sluice_model_load_seconds', help: 'How long loading each served model version took.', labelNames: ['model', 'version'], registers, aggregator: 'max' }),
    ready: new Gauge({ name: 'sluice_model_ready', help: '1 when the model serves, 0 when it is not ready.', labelNames: ['model'], registers, aggregator: 'min' }),
    logDropped: new Counter({ name: 'sluice_prediction_log_dropped_total', help: 'Predictions not written to the prediction log (its buffer was full or a write failed).', registers }),
  };
}
