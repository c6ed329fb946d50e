/**
 * Params overrides of a sweep: `-S train.C=0.1,1,10 -S train.max_iter=100,500` (DVC's `-S`), the
 * grid of their combinations, and N of them sampled at random with a seed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { closestMatch, seededRandom, writeFileAtomic } from '../core/index.js';
import { DEFAULT_PARAMS_FILE, flattenParams, lookupParam, ParamsReader } from '../pipeline/index.js';
import { invalidOverride, sweepTooLarge } from './errors.js';

/** One param set to one value in one experiment. */
export interface ParamOverride {
  /** The params file, relative to the root (`params.yaml` unless given as `FILE:KEY`). */
  readonly file: string;
  /** A dotted key (`train.C`). */
  readonly key: string;
  readonly value: string | number | boolean | null;
}

/** One `-S` flag: a param and the values it takes across the sweep. */
export interface OverrideAxis {
  readonly file: string;
  readonly key: string;
  readonly values: readonly ParamOverride['value'][];
}

/** The most combinations a sweep runs. */
export const MAX_SWEEP_SIZE = 1000;

/** Reads a value as YAML reads a scalar (`0.1` a number, `true` a boolean, anything else a string). */
function scalar(text: string): ParamOverride['value'] {
  try {
    const value: unknown = parse(text);
    if (value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  } catch {
    // Not a YAML scalar: keep the text.
  }
  return text;
}

/** Parses `-S` flags against the params files under `root`; every key must exist there. */
export function parseOverrides(specs: readonly string[], root: string): OverrideAxis[] {
  const axes: OverrideAxis[] = [];
  for (const spec of specs) {
    const match = /^(?:([^:=]+\.(?:ya?ml|json)):)?([^=\s]+)=(.*)$/.exec(spec);
    if (!match) throw invalidOverride({ spec, problem: 'it is not KEY=VALUE[,VALUE…]' });
    const file = match[1] ?? DEFAULT_PARAMS_FILE;
    const key = match[2]!;
    const texts = match[3]!.split(',');
    if (texts.some((text) => text.trim() === '')) throw invalidOverride({ spec, problem: 'a value is empty' });
    // Read as a pipeline reads it: a YAML mistake is reported at its line, a folder as a folder.
    const params = new ParamsReader(root).read(file)?.values;
    if (params === undefined) throw invalidOverride({ spec, problem: `${file} does not exist` });
    if (!lookupParam(params, key).found) {
      const suggestion = closestMatch(key, Object.keys(flattenParams(params)));
      throw invalidOverride({ spec, problem: `${file} has no param "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}` });
    }
    if (axes.some((axis) => axis.file === file && axis.key === key)) throw invalidOverride({ spec, problem: `${key} is set by another -S already` });
    axes.push({ file, key, values: [...new Set(texts.map((text) => scalar(text.trim())))] });
  }
  return axes;
}

/** Every combination of the axes' values, the first axis varying slowest. */
export function gridOf(axes: readonly OverrideAxis[]): ParamOverride[][] {
  const size = axes.reduce((product, axis) => product * axis.values.length, 1);
  if (size > MAX_SWEEP_SIZE * 100) throw sweepTooLarge({ size, limit: MAX_SWEEP_SIZE });
  let combos: ParamOverride[][] = [[]];
  for (const axis of axes) combos = combos.flatMap((combo) => axis.values.map((value) => [...combo, { file: axis.file, key: axis.key, value }]));
  return combos;
}

/** `count` distinct combinations drawn at random (seeded), in grid order; all when count ≥ the grid. */
export function sampleGrid(grid: readonly ParamOverride[][], count: number, seed: number): ParamOverride[][] {
  if (count >= grid.length) return [...grid];
  const random = seededRandom(seed);
  const indexes = grid.map((_, index) => index);
  for (let index = 0; index < count; index++) {
    const pick = index + Math.floor(random() * (indexes.length - index));
    [indexes[index], indexes[pick]] = [indexes[pick]!, indexes[index]!];
  }
  return indexes
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((index) => grid[index]!);
}

/** `train.C=0.1, train.max_iter=100` (`FILE:` before keys of other params files), for names and tables. */
export function describeOverrides(overrides: readonly ParamOverride[]): string {
  return overrides.map((override) => `${override.file === DEFAULT_PARAMS_FILE ? '' : `${override.file}:`}${override.key}=${String(override.value)}`).join(', ');
}

/** Writes the overrides into the params files under `root`, keeping their comments and layout. */
export function applyOverrides(root: string, overrides: readonly ParamOverride[]): void {
  const byFile = new Map<string, ParamOverride[]>();
  for (const override of overrides) byFile.set(override.file, [...(byFile.get(override.file) ?? []), override]);
  for (const [file, entries] of byFile) {
    const path = join(root, file);
    const document = parseDocument(readFileSync(path, 'utf8'));
    for (const entry of entries) document.setIn(entry.key.split('.'), entry.value);
    writeFileAtomic(path, file.endsWith('.json') ? `${JSON.stringify(document.toJS(), null, 2)}\n` : document.toString());
  }
}
