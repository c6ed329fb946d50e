/**
 * Per-row latency of a model, measured as a server would see it: one row per call, after a few
 * warm-up calls, on up to 200 rows of the evaluation data. Only the model call is timed, and each
 * row's time is the best of three calls, so that a garbage collection or a busy neighbour on the
 * machine does not pass for the model's latency (p99 of a gate would otherwise flap).
 */
import { selectRows, type Table } from '../data/index.js';
import { predictTable, type OnnxModel, type PlanOptions } from '../inference/index.js';

const SAMPLE_ROWS = 200;
const WARM_UP_CALLS = 5;

/** The q-quantile by the nearest-rank method. */
export function nearestRank(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export async function measureLatency(model: OnnxModel, table: Table, options: PlanOptions): Promise<Record<string, number>> {
  const rows = Math.min(SAMPLE_ROWS, table.rowCount);
  for (let i = 0; i < Math.min(WARM_UP_CALLS, rows); i++) await predictTable(model, selectRows(table, [i]), options);
  const samples: number[] = [];
  for (let i = 0; i < rows; i++) {
    const row = selectRows(table, [i]);
    let best = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 3; attempt++) best = Math.min(best, (await predictTable(model, row, options)).latencyMsPerRow);
    samples.push(best);
  }
  samples.sort((a, b) => a - b);
  return {
    latency_p50_ms: nearestRank(samples, 0.5),
    latency_p99_ms: nearestRank(samples, 0.99),
  };
}
