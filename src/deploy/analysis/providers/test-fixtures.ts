/** The shared breast-cancer fixtures as the provider tests read them (see the fixtures' README). */
import { readFileSync } from 'node:fs';
import { sharedFixture } from '../../../../test/support/fixtures.js';

/** A header-first CSV without quoting, as the fixtures are written, by column name. */
export function readCsvColumns(...path: string[]): Record<string, string[]> {
  const [header, ...rows] = readFileSync(sharedFixture(...path), 'utf8').trimEnd().split('\n');
  const names = header!.split(',');
  const columns: Record<string, string[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (const row of rows) row.split(',').forEach((cell, c) => columns[names[c]!]!.push(cell));
  return columns;
}

/** A column of numbers. */
export function numbers(values: readonly string[]): Float64Array {
  return Float64Array.from(values, Number);
}

/** `breast_cancer/reference.json`: values computed by scikit-learn and SciPy. */
export function referenceValues(): { models: Record<string, { test: Record<string, number> }>; drift: Record<string, Record<string, Record<string, number>>> } {
  return JSON.parse(readFileSync(sharedFixture('breast_cancer', 'reference.json'), 'utf8')) as ReturnType<typeof referenceValues>;
}
