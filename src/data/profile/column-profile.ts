/**
 * The shape of a data profile: what `sluice data profile --json` prints, hence the snake_case
 * keys. Every column has the common figures; the rest depends on its type, so a string column
 * carries no mean and a number no lengths.
 */

/** A column's kind as a profile reports it: a text column of only true/false is `boolean`. */
export type ProfileType = 'integer' | 'number' | 'string' | 'boolean' | 'date' | 'timestamp';

/** An integer beyond ±2^53 is kept as its decimal text, which JSON numbers cannot carry exactly. */
export type ExactInteger = number | string;

/** One of a column's most frequent values: numbers, booleans, text; dates and timestamps as ISO text. */
export interface TopValue {
  readonly value: ExactInteger | boolean;
  readonly count: number;
}

/**
 * Exact quantiles with linear interpolation, numpy's and pandas' default (DuckDB's
 * `quantile_cont`). DuckDB rounds the interpolation differently, so a quantile can differ from
 * numpy's in the last binary digit: p05 of 1, 2, 3, 4, 5 is 1.2000000000000002 here, 1.2 in numpy.
 */
export interface Quantiles {
  readonly p05: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
}

/**
 * Equal-width bins as numpy's `histogram`: 21 edges for 20 counts, every bin half-open [a, b)
 * but the last, which is closed. Empty when the column has no values, or infinite ones.
 */
export interface ProfileHistogram {
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

interface CommonProfile {
  readonly name: string;
  /** Non-missing values. */
  readonly count: number;
  /** Empty cells (and NaN in number columns, as pandas counts them). */
  readonly missing: number;
  /** `missing` over the row count; 0 for a table without rows. */
  readonly missing_share: number;
  /** Distinct non-missing values, counted exactly. */
  readonly distinct: number;
  /**
   * Up to 10 values, most frequent first, ties in the values' order. Always listed for strings,
   * booleans, dates and timestamps; for numbers only when they have at most 50 distinct values,
   * otherwise null.
   */
  readonly top_values: readonly TopValue[] | null;
}

/**
 * Infinite values count as values, as in pandas: min, max and mean may then be ±Infinity, which
 * JSON cannot write (JSON.stringify prints null); `infinite` says so.
 */
export interface NumericColumnProfile extends CommonProfile {
  readonly type: 'integer' | 'number';
  /** Null when the column has no values; integers as {@link ExactInteger}. */
  readonly min: ExactInteger | null;
  readonly max: ExactInteger | null;
  readonly mean: number | null;
  /** Sample standard deviation (n − 1, as pandas); null below two values or with infinite ones. */
  readonly std: number | null;
  readonly quantiles: Quantiles | null;
  readonly zeros: number;
  /** ±Infinity values. */
  readonly infinite: number;
  /** Empty without values, and with infinite values (every bin would be infinitely wide). */
  readonly histogram: ProfileHistogram;
}

/** A text column that is not all true/false. */
export interface StringColumnProfile extends CommonProfile {
  readonly type: 'string';
  /** Lengths in characters; null when the column has no values. */
  readonly length: { readonly min: number; readonly max: number; readonly mean: number } | null;
  readonly top_values: readonly TopValue[];
}

/** A boolean column, or a text column of only true/false in any case; its top values are true and false. */
export interface BooleanColumnProfile extends CommonProfile {
  readonly type: 'boolean';
  readonly top_values: readonly TopValue[];
}

/** A date or timestamp column. */
export interface TemporalColumnProfile extends CommonProfile {
  readonly type: 'date' | 'timestamp';
  /** ISO 8601 text (`2024-01-02`, `2024-01-02T03:04:05`); null when the column has no values. */
  readonly min: string | null;
  readonly max: string | null;
  readonly top_values: readonly TopValue[];
}

/** One column's profile; `type` tells which figures it has. */
export type ColumnProfile = NumericColumnProfile | StringColumnProfile | BooleanColumnProfile | TemporalColumnProfile;

/**
 * A table's profile. Columns are a list in the file's order, not an object keyed by name: object
 * keys that look like integers ("2024") would be reordered by every JSON reader in JavaScript.
 */
export interface DataProfile {
  readonly path: string;
  readonly number_of_rows: number;
  readonly number_of_columns: number;
  readonly columns: readonly ColumnProfile[];
}
