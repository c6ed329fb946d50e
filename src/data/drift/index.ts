/** Drift between a reference and a current data set: per-column statistics and the data set's verdict. */
export { detectDrift, detectDriftInTables, startPresort, type ColumnDrift, type DriftOptions, type DriftResult } from './detect-drift.js';
export { DEFAULT_THRESHOLDS, DRIFT_METHODS, type DriftMethod } from './choose-method.js';
export { CORRECTIONS, type Correction } from './corrections.js';
export { ksTwoSample, type KsResult } from './ks-test.js';
export { jensenShannonNumeric, psiNumeric, wassersteinDistance } from './numeric-statistics.js';
export type { Histogram } from './column-drift.js';
export { sortNumbers } from './sort-numbers.js';
