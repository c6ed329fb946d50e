/**
 * The rows a compiled graph is checked on before it serves: reproducible (a fixed seed), and
 * drawn to reach the corners where a hand-written kernel could go wrong. Each float element gets
 * every tree threshold it meets (at it, and one and two float32 steps either side), values around
 * its usual centre and scale, zeros, negatives, large values, and NaN where the graph gives a
 * missing value a meaning; each string element gets the graph's categories, an unknown one and ''.
 */
import type { CompiledGraph } from './compile.js';
import type { RowData } from './emitter.js';
import type { ElementHints, ProbeHints } from './probe-hints.js';
import { rowSize } from './shapes.js';

export interface ProbeOptions {
  /** Rows in the probe (default 256). */
  readonly rows?: number;
  readonly seed?: number;
}

export interface Probe {
  readonly rows: number;
  /** One array per compiled input, rows × row size elements. */
  readonly inputs: readonly RowData[];
}

/** mulberry32: a small seeded generator, so that the probe is the same on every load. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const bits = new Float32Array(1);
const words = new Int32Array(bits.buffer);

/** The float32 `steps` representable values away from `value` (towards +∞ for positive steps). */
export function float32Step(value: number, steps: number): number {
  bits[0] = value;
  if (!Number.isFinite(bits[0]!) || steps === 0) return bits[0]!;
  for (let k = 0; k < Math.abs(steps); k++) {
    const up = steps > 0;
    if (bits[0] === 0) {
      words[0] = up ? 1 : -2147483647;
      continue;
    }
    words[0]! += (bits[0]! > 0) === up ? 1 : -1;
  }
  return bits[0]!;
}

const SPECIALS = [0, 1, -1, 0.5, -0.5, 1e6, -1e6, 1e-6];
const UNKNOWN_CATEGORY = '\u0000sluice-probe-unknown';

function floatValue(hints: ElementHints | undefined, next: () => number, row: number): number {
  const center = hints?.center ?? 0;
  const scale = hints?.scale ?? 1;
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  if (row === 0) return center;
  if (row === 1) return 0;
  const pick = next();
  if (hints?.missing && pick > 0.93) return Number.NaN;
  if (pick < 0.2) return SPECIALS[Math.floor(next() * SPECIALS.length)]! * (next() < 0.5 ? 1 : scale) + (next() < 0.5 ? 0 : center);
  if (pick < 0.35) return center + scale * (next() * 20 - 10);
  return center + scale * normal() * (next() < 0.8 ? 1 : 4);
}

/** Each distinct threshold, at it and one and two float32 steps either side. */
function thresholdSweep(hints: ElementHints | undefined): number[] {
  const thresholds = [...new Set(hints?.thresholds ?? [])];
  return thresholds.flatMap((threshold) => [-2, -1, 0, 1, 2].map((step) => float32Step(threshold, step)));
}

/** The rows `values` go to: a seeded shuffle, so that the sweeps of different elements do not line up. */
function rowOrder(rows: number, next: () => number): Int32Array {
  const order = Int32Array.from({ length: rows }, (_, k) => k);
  for (let k = rows - 1; k > 0; k--) {
    const other = Math.floor(next() * (k + 1));
    [order[k], order[other]] = [order[other]!, order[k]!];
  }
  return order;
}

function stringValue(hints: ElementHints | undefined, next: () => number): string {
  const categories = hints?.categories ?? [];
  const pick = next();
  if (categories.length > 0 && pick < 0.8) return categories[Math.floor(next() * categories.length)]!;
  return pick < 0.9 ? UNKNOWN_CATEGORY : '';
}

/** Probe rows at most: a sweep of every threshold of a large ensemble stays within a few milliseconds. */
const MAX_ROWS = 4096;

/**
 * The probe rows for `compiled`, guided by `hints`: `options.rows` (256) or, for a tree input
 * with many thresholds, as many as its sweep needs (up to 4096).
 */
export function probeRows(compiled: CompiledGraph, hints: ProbeHints, options: ProbeOptions = {}): Probe {
  const next = random(options.seed ?? 0x5eed);
  const sweeps = new Map<string, number[]>();
  for (const [input, byElement] of hints) for (const [element, elementHints] of byElement) sweeps.set(`${input}:${element}`, thresholdSweep(elementHints));
  const longest = Math.max(0, ...[...sweeps.values()].map((sweep) => sweep.length));
  const rows = Math.max(options.rows ?? 256, Math.min(MAX_ROWS, Math.ceil(longest * 1.25)));
  const inputs = compiled.inputs.map((input, k) => {
    const size = rowSize(input.rowShape);
    const byElement = hints.get(k);
    if (input.type === 'string') {
      return Array.from({ length: rows * size }, (_, index) => stringValue(byElement?.get(index % size), next));
    }
    const values = Float32Array.from({ length: rows * size }, (_, index) => floatValue(byElement?.get(index % size), next, Math.floor(index / size)));
    for (let element = 0; element < size; element++) {
      const sweep = sweeps.get(`${k}:${element}`) ?? [];
      const order = sweep.length > 0 ? rowOrder(rows, next) : undefined;
      sweep.slice(0, rows).forEach((value, n) => (values[order![n]! * size + element] = value));
    }
    return values;
  });
  return { rows, inputs };
}
