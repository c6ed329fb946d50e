/** Profiling a table: per column its type, missing and distinct values, range, quantiles, histogram and top values. */
export { profileFile, profileTable, MAX_DISTINCT_FOR_TOP_VALUES } from './profile-table.js';
export { HISTOGRAM_BINS, histogramEdges } from './histogram-query.js';
export { TOP_VALUES } from './value-counts-query.js';
export type {
  BooleanColumnProfile,
  ColumnProfile,
  DataProfile,
  ExactInteger,
  NumericColumnProfile,
  ProfileHistogram,
  ProfileType,
  Quantiles,
  StringColumnProfile,
  TemporalColumnProfile,
  TopValue,
} from './column-profile.js';
