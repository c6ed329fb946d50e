/** Seeded synthetic tables for trainer tests, written as CSV. */
import { writeFileSync } from 'node:fs';
import { seededRandom } from '../../src/core/index.js';

export interface SyntheticColumn {
  readonly name: string;
  readonly values: readonly (number | string | null)[];
}

export function writeCsv(path: string, columns: readonly SyntheticColumn[]): void {
  const rows = columns[0]!.values.length;
  const lines = [columns.map((column) => column.name).join(',')];
  for (let row = 0; row < rows; row++) lines.push(columns.map((column) => String(column.values[row] ?? '')).join(','));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** Standard normal draws. */
export function normals(count: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}

/** A label that depends only on the interaction x1·x2 (XOR-like), which no linear model can learn. */
export function interactionData(rows: number, seed: number): SyntheticColumn[] {
  const [x1, x2, x3] = [normals(rows, seed), normals(rows, seed + 1), normals(rows, seed + 2)];
  const noise = normals(rows, seed + 3);
  return [
    { name: 'x1', values: x1 },
    { name: 'x2', values: x2 },
    { name: 'x3', values: x3 },
    { name: 'label', values: x1.map((value, i) => (value * x2[i]! + 0.1 * noise[i]! > 0 ? 'yes' : 'no')) },
  ];
}
