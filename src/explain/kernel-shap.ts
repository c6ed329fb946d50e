/**
 * KernelSHAP (Lundberg and Lee, "A unified approach to interpreting model predictions", 2017) for
 * any model: the Shapley values of each column for the model's output, estimated by a weighted
 * linear regression over coalitions of columns, a column left out taking each background row's
 * value in turn. Coalition sizes whose subsets fit the budget are enumerated whole (smallest and
 * largest first, where the Shapley kernel puts its weight); the rest of the budget samples subsets
 * with their complements, seeded, so the same seed gives the same values. Efficiency is imposed
 * exactly (expected + Σφ = f(x)) by eliminating one column from the regression.
 *
 * Hand-written: the only implementation is shap's Python; the solver is a few lines of Gaussian
 * elimination on an M × M system (M columns), with no linear-algebra dependency needed.
 */
import type { Table } from '../data/index.js';

export interface KernelOptions {
  /** Coalitions per explained row (default 2·M + 2048). */
  readonly samples?: number | undefined;
  readonly seed: number;
}

/** Scores a table: rows × outputs, row-major. */
export type ScoreTable = (table: Table) => Promise<Float64Array>;

export interface KernelResult {
  /** [row][feature][output]. */
  readonly values: Float64Array;
  readonly expected: Float64Array;
  readonly scores: Float64Array;
  readonly samples: number;
}

/** A seeded generator of uniform numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return result;
}

interface Coalitions {
  readonly masks: Uint8Array[];
  readonly weights: number[];
}

/** The coalitions to evaluate and their regression weights (the Shapley kernel's mass per size). */
export function chooseCoalitions(m: number, budget: number, random: () => number): Coalitions {
  const masks: Uint8Array[] = [];
  const weights: number[] = [];
  const sizeWeight = (s: number) => (m - 1) / (s * (m - s));
  const half = Math.floor(m / 2);
  const sizes = Array.from({ length: half }, (_, i) => i + 1);
  const totalMass = sizes.reduce((sum, s) => sum + sizeWeight(s) * (s === m - s ? 1 : 2), 0);
  let remaining = budget;
  let s = 1;
  for (; s <= half; s++) {
    const paired = s !== m - s;
    const count = binomial(m, s) * (paired ? 2 : 1);
    if (count > remaining) break;
    const mass = sizeWeight(s) * (paired ? 2 : 1);
    const each = mass / totalMass / count;
    const enumerate = (size: number) => {
      const chosen: number[] = [];
      const visit = (start: number) => {
        if (chosen.length === size) {
          const mask = new Uint8Array(m);
          for (const j of chosen) mask[j] = 1;
          masks.push(mask);
          weights.push(each);
          return;
        }
        // Only starts that leave enough columns to complete the subset.
        for (let j = start; j <= m - (size - chosen.length); j++) {
          chosen.push(j);
          visit(j + 1);
          chosen.pop();
        }
      };
      visit(0);
    };
    enumerate(s);
    if (paired) enumerate(m - s);
    remaining -= count;
  }
  const left = sizes.filter((size) => size >= s);
  if (left.length > 0 && remaining >= 2) {
    const leftMass = left.reduce((sum, size) => sum + sizeWeight(size) * (size === m - size ? 1 : 2), 0);
    const pairs = Math.floor(remaining / 2);
    const each = leftMass / totalMass / (pairs * 2);
    for (let p = 0; p < pairs; p++) {
      let pick = random() * leftMass;
      let size = left[left.length - 1]!;
      for (const candidate of left) {
        pick -= sizeWeight(candidate) * (candidate === m - candidate ? 1 : 2);
        if (pick <= 0) {
          size = candidate;
          break;
        }
      }
      const order = Array.from({ length: m }, (_, j) => j);
      for (let j = m - 1; j > 0; j--) {
        const r = Math.floor(random() * (j + 1));
        [order[j], order[r]] = [order[r]!, order[j]!];
      }
      const mask = new Uint8Array(m);
      for (let j = 0; j < size; j++) mask[order[j]!] = 1;
      const complement = Uint8Array.from(mask, (bit) => 1 - bit);
      masks.push(mask, complement);
      weights.push(each, each);
    }
  }
  return { masks, weights };
}

/** Solves A x = b for several right-hand sides (columns of b), in place, with partial pivoting. */
export function solve(a: Float64Array, b: Float64Array, n: number, rhs: number): Float64Array {
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]!) > Math.abs(a[pivot * n + col]!)) pivot = r;
    if (pivot !== col) {
      for (let c = 0; c < n; c++) [a[col * n + c], a[pivot * n + c]] = [a[pivot * n + c]!, a[col * n + c]!];
      for (let c = 0; c < rhs; c++) [b[col * rhs + c], b[pivot * rhs + c]] = [b[pivot * rhs + c]!, b[col * rhs + c]!];
    }
    const diagonal = a[col * n + col]!;
    if (diagonal === 0) continue;
    for (let r = col + 1; r < n; r++) {
      const factor = a[r * n + col]! / diagonal;
      if (factor === 0) continue;
      for (let c = col; c < n; c++) a[r * n + c]! -= factor * a[col * n + c]!;
      for (let c = 0; c < rhs; c++) b[r * rhs + c]! -= factor * b[col * rhs + c]!;
    }
  }
  const x = new Float64Array(n * rhs);
  for (let r = n - 1; r >= 0; r--) {
    for (let c = 0; c < rhs; c++) {
      let sum = b[r * rhs + c]!;
      for (let k = r + 1; k < n; k++) sum -= a[r * n + k]! * x[k * rhs + c]!;
      const diagonal = a[r * n + r]!;
      x[r * rhs + c] = diagonal === 0 ? 0 : sum / diagonal;
    }
  }
  return x;
}

/** Builds the rows of `table` where the columns not in `mask` take each background row's values. */
function coalitionTable(x: Table, row: number, background: Table, features: readonly string[], masks: readonly Uint8Array[]): Table {
  const b = background.rowCount;
  const rowCount = masks.length * b;
  const columns = x.columns.map((column) => {
    const j = features.indexOf(column.name);
    const backgroundColumn = background.columns.find((candidate) => candidate.name === column.name)!;
    if (column.kind === 'number') {
      const values = new Float64Array(rowCount);
      const own = column.values[row]!;
      const other = backgroundColumn.values as Float64Array;
      masks.forEach((mask, s) => {
        for (let r = 0; r < b; r++) values[s * b + r] = j < 0 || mask[j] ? own : other[r]!;
      });
      return { name: column.name, kind: 'number' as const, values };
    }
    const own = column.values[row] ?? null;
    const other = backgroundColumn.values as readonly (string | null)[];
    const values = new Array<string | null>(rowCount);
    masks.forEach((mask, s) => {
      for (let r = 0; r < b; r++) values[s * b + r] = j < 0 || mask[j] ? own : (other[r] ?? null);
    });
    return { name: column.name, kind: 'string' as const, values };
  });
  return { source: x.source, rowCount, columns };
}

export async function kernelShap(score: ScoreTable, outputs: number, explained: Table, background: Table, features: readonly string[], options: KernelOptions): Promise<KernelResult> {
  const m = features.length;
  const budget = options.samples ?? 2 * m + 2048;
  const random = seededRandom(options.seed);
  const backgroundScores = await score(background);
  const expected = new Float64Array(outputs);
  for (let r = 0; r < background.rowCount; r++) for (let k = 0; k < outputs; k++) expected[k]! += backgroundScores[r * outputs + k]! / background.rowCount;
  const own = await score(explained);
  const values = new Float64Array(explained.rowCount * m * outputs);
  const { masks, weights } = chooseCoalitions(m, budget, random);
  for (let row = 0; row < explained.rowCount; row++) {
    const delta = Array.from({ length: outputs }, (_, k) => own[row * outputs + k]! - expected[k]!);
    if (m === 1) {
      for (let k = 0; k < outputs; k++) values[row * outputs + k] = delta[k]!;
      continue;
    }
    const scored = await score(coalitionTable(explained, row, background, features, masks));
    const b = background.rowCount;
    // Normal equations with the last column eliminated: φ_last = Δ − Σ φ_j.
    const n = m - 1;
    const a = new Float64Array(n * n);
    const rhs = new Float64Array(n * outputs);
    masks.forEach((mask, s) => {
      const w = weights[s]!;
      const last = mask[m - 1]!;
      for (let k = 0; k < outputs; k++) {
        let v = 0;
        for (let r = 0; r < b; r++) v += scored[(s * b + r) * outputs + k]!;
        const y = v / b - expected[k]! - last * delta[k]!;
        for (let i = 0; i < n; i++) rhs[i * outputs + k]! += w * (mask[i]! - last) * y;
      }
      for (let i = 0; i < n; i++) {
        const xi = mask[i]! - last;
        if (xi === 0) continue;
        for (let j = 0; j < n; j++) a[i * n + j]! += w * xi * (mask[j]! - last);
      }
    });
    const phi = solve(a, rhs, n, outputs);
    for (let k = 0; k < outputs; k++) {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        values[(row * m + j) * outputs + k] = phi[j * outputs + k]!;
        sum += phi[j * outputs + k]!;
      }
      values[(row * m + n) * outputs + k] = delta[k]! - sum;
    }
  }
  return { values, expected, scores: own, samples: masks.length };
}
