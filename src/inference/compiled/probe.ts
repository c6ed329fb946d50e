/**
 * The rows a compiled graph is checked on before it serves: reproducible (a fixed seed), and
 * drawn to reach the corners where a hand-written kernel could go wrong. Each float element gets
 * values around its usual centre and scale, values a float32 step either side of and exactly at
 * each tree threshold, zeros, negatives, large values, and NaN where the graph gives a missing
 * value a meaning; each string element gets the graph's categories, an unknown one and ''.
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
  const thresholds = hints?.thresholds ?? [];
  if (thresholds.length > 0 && pick < 0.35) return float32Step(thresholds[Math.floor(next() * thresholds.length)]!, Math.floor(next() * 5) - 2);
  if (hints?.missing && pick > 0.93) return Number.NaN;
  if (pick < 0.45) return SPECIALS[Math.floor(next() * SPECIALS.length)]! * (next() < 0.5 ? 1 : scale) + (next() < 0.5 ? 0 : center);
  if (pick < 0.55) return center + scale * (next() * 20 - 10);
  return center + scale * normal() * (next() < 0.8 ? 1 : 4);
}

function stringValue(hints: ElementHints | undefined, next: () => number): string {
  const categories = hints?.categories ?? [];
  const pick = next();
  if (categories.length > 0 && pick < 0.8) return categories[Math.floor(next() * categories.length)]!;
  return pick < 0.9 ? UNKNOWN_CATEGORY : '';
}

/** The probe rows for `compiled`, guided by `hints`. */
export function probeRows(compiled: CompiledGraph, hints: ProbeHints, options: ProbeOptions = {}): Probe {
  const rows = options.rows ?? 256;
  const next = random(options.seed ?? 0x5eed);
  const inputs = compiled.inputs.map((input, k) => {
    const size = rowSize(input.rowShape);
    const byElement = hints.get(k);
    if (input.type === 'string') {
      return Array.from({ length: rows * size }, (_, index) => stringValue(byElement?.get(index % size), next));
    }
    return Float32Array.from({ length: rows * size }, (_, index) => floatValue(byElement?.get(index % size), next, Math.floor(index / size)));
  });
  return { rows, inputs };
}
