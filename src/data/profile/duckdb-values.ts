/**
 * DuckDB's results as JSON-safe values: counts and integers arrive as BigInt, which
 * JSON.stringify refuses, and timestamps print with a space where ISO 8601 has a T.
 */
import type { ExactInteger } from './column-profile.js';

/** A count (BIGINT) as a number: counts are far below 2^53. */
export function countOf(value: unknown): number {
  return Number(value ?? 0);
}

/** An integer as a number, or as its decimal text beyond ±2^53 where a number would round it. */
export function integerOf(value: bigint | number | string): ExactInteger {
  const number = Number(value);
  if (typeof value === 'number' || Number.isSafeInteger(number)) return number;
  return String(value);
}

/** A DOUBLE result, or null when DuckDB returned NULL (no values, or one value for a deviation). */
export function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** DuckDB's text of a date or timestamp (`2024-01-02 03:04:05`) as ISO 8601 (`2024-01-02T03:04:05`). */
export function isoText(text: string): string {
  return text.replace(' ', 'T');
}
