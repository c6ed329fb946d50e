/**
 * Params overrides of a sweep: `-S train.C=0.1,1,10 -S train.max_iter=100,500` (DVC's `-S`), the
 * grid of their combinations, and N of them sampled at random with a seed.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
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
    // One spelling per file (`./params.yaml` is `params.yaml`), and only files in the project.
    const file = match[1] === undefined ? DEFAULT_PARAMS_FILE : relative(root, resolve(root, match[1])).split(sep).join('/');
    if (file.startsWith('../') || isAbsolute(file)) throw invalidOverride({ spec, problem: `${match[1]} is outside the project; a params file is named by its path inside it` });
    const key = match[2]!;
    const texts = match[3]!.split(',');
    if (texts.some((text) => text.trim() === '')) throw invalidOverride({ spec, problem: 'a value is empty' });
    // Read as a pipeline reads it: a YAML mistake is reported at its line, a folder as a folder.
    const params = new ParamsReader(root).read(file)?.values;
    if (params === undefined) throw invalidOverride({ spec, problem: `${file} does not exist` });
    const found = lookupParam(params, key);
    if (!found.found) {
      const suggestion = closestMatch(key, Object.keys(flattenParams(params)));
      throw invalidOverride({ spec, problem: `${file} has no param "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}` });
    }
    if (Array.isArray(found.value)) throw invalidOverride({ spec, problem: `"${key}" in ${file} is a list; set one of its items (${key}.0, …), as -S sets one value at a time` });
    if (found.value !== null && typeof found.value === 'object') {
      const inside = Object.keys(flattenParams(params)).filter((name) => name.startsWith(`${key}.`));
      throw invalidOverride({ spec, problem: `"${key}" in ${file} is a section, not a value; set one of its keys${inside.length > 0 ? ` (${inside.slice(0, 3).join(', ')}${inside.length > 3 ? ', …' : ''})` : ''}` });
    }
    if (axes.some((axis) => axis.file === file && axis.key === key)) throw invalidOverride({ spec, problem: `${key} is set by another -S already` });
    axes.push({ file, key, values: [...new Set(texts.map((text) => scalar(text.trim())))] });
  }
  return axes;
}

/** The number of combinations of the axes' values. */
export function gridSize(axes: readonly OverrideAxis[]): number {
  return axes.reduce((product, axis) => product * axis.values.length, 1);
}

/** The combination at `index` of the grid, the first axis varying slowest. */
function combinationAt(axes: readonly OverrideAxis[], index: number): ParamOverride[] {
  const combination: ParamOverride[] = [];
  let rest = index;
  for (let k = axes.length - 1; k >= 0; k--) {
    const axis = axes[k]!;
    combination.unshift({ file: axis.file, key: axis.key, value: axis.values[rest % axis.values.length]! });
    rest = Math.floor(rest / axis.values.length);
  }
  return combination;
}

/** Every combination of the axes' values, the first axis varying slowest. */
export function gridOf(axes: readonly OverrideAxis[]): ParamOverride[][] {
  const size = gridSize(axes);
  if (size > MAX_SWEEP_SIZE * 100) throw sweepTooLarge({ size, limit: MAX_SWEEP_SIZE });
  return Array.from({ length: size }, (_, index) => combinationAt(axes, index));
}

/**
 * `count` distinct combinations of the axes' grid drawn at random (seeded), in grid order; all
 * when count ≥ the grid. The grid is never built: a partial Fisher–Yates shuffle of its indexes,
 * with only the swapped places remembered, so a grid of millions costs what `count` costs.
 */
export function sampleGrid(axes: readonly OverrideAxis[], count: number, seed: number): ParamOverride[][] {
  const size = gridSize(axes);
  if (count >= size) return gridOf(axes);
  if (!Number.isSafeInteger(size)) throw sweepTooLarge({ size, limit: MAX_SWEEP_SIZE });
  const random = seededRandom(seed);
  const swapped = new Map<number, number>();
  const at = (place: number) => swapped.get(place) ?? place;
  const picked: number[] = [];
  for (let index = 0; index < count; index++) {
    const pick = index + Math.floor(random() * (size - index));
    const chosen = at(pick);
    swapped.set(pick, at(index));
    swapped.set(index, chosen);
    picked.push(chosen);
  }
  return picked.sort((a, b) => a - b).map((index) => combinationAt(axes, index));
}

/** `train.C=0.1, train.max_iter=100` (`FILE:` before keys of other params files), for names and tables. */
export function describeOverrides(overrides: readonly ParamOverride[]): string {
  return overrides.map((override) => `${override.file === DEFAULT_PARAMS_FILE ? '' : `${override.file}:`}${override.key}=${String(override.value)}`).join(', ');
}

/**
 * Why the overrides cannot be written into the params files under `root` as they are now (a file
 * gone or broken, a section gone or no longer a section), or undefined when they can.
 */
export function overridesConflict(root: string, overrides: readonly ParamOverride[]): string | undefined {
  const reader = new ParamsReader(root);
  for (const file of new Set(overrides.map((override) => override.file))) {
    let params: unknown;
    try {
      params = reader.read(file)?.values;
    } catch (error) {
      return error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
    }
    if (params === undefined) return `${file} no longer exists`;
    for (const override of overrides.filter((entry) => entry.file === file)) {
      const section = override.key.split('.').slice(0, -1).join('.');
      const found = section === '' ? { found: true as const, value: params } : lookupParam(params, section);
      if (!found.found || found.value === null || typeof found.value !== 'object' || Array.isArray(found.value)) return `${file} no longer has a section "${section || '(top level)'}" to set ${override.key} in`;
    }
  }
  return undefined;
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
