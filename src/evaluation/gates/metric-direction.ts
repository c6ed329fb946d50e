/** Whether a higher value of a metric is better: known per metric, overridable per rule. */

const LOWER_IS_BETTER = new Set([
  'log_loss',
  'brier',
  'ece',
  'mae',
  'mse',
  'rmse',
  'mape',
  'max_error',
  'median_absolute_error',
  'latency_p50_ms',
  'latency_p99_ms',
  'model_size_bytes',
  'demographic_parity_difference',
  'equalized_odds_difference',
  'true_positive_rate_difference',
]);

export function greaterIsBetter(metric: string): boolean {
  return !LOWER_IS_BETTER.has(metric);
}
