/**
 * Params files (`params.yaml` by default): YAML or JSON mappings that stages read by dotted key.
 * A stage's params are dependencies: changing a value it reads makes the stage stale.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLocatedYaml, systemErrorCode, type LocatedDocument } from '../core/index.js';
import { paramsFileUnreadable } from './errors.js';

export const DEFAULT_PARAMS_FILE = 'params.yaml';

/** A parsed params file. `path` is relative to the repository root. */
export interface ParamsFile {
  readonly path: string;
  readonly values: Readonly<Record<string, unknown>>;
  readonly document: LocatedDocument;
}

/** Reads params files once per pipeline load. */
export class ParamsReader {
  private readonly files = new Map<string, ParamsFile | undefined>();
  /** The text of every file read (undefined: it did not exist), by root-relative path. */
  readonly texts = new Map<string, string | undefined>();

  constructor(private readonly root: string) {}

  /** The file at `path` (root-relative), or undefined when it does not exist. */
  read(path: string): ParamsFile | undefined {
    if (!this.files.has(path)) this.files.set(path, this.load(path));
    return this.files.get(path);
  }

  private load(path: string): ParamsFile | undefined {
    const absolute = join(this.root, path);
    this.texts.set(path, undefined);
    if (!existsSync(absolute)) return undefined;
    let text: string;
    try {
      text = readFileSync(absolute, 'utf8');
    } catch (error) {
      throw paramsFileUnreadable({ file: path, reason: systemErrorCode(error) === 'EISDIR' ? 'it is a directory' : String((error as Error).message) });
    }
    this.texts.set(path, text);
    const document = parseLocatedYaml(text, path);
    const values = document.value;
    return { path, document, values: isRecord(values) ? values : {} };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Looks up `a.b.c` (list items by index: `layers.0`). */
export function lookupParam(values: unknown, key: string): { found: true; value: unknown } | { found: false } {
  let current: unknown = values;
  for (const segment of key.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(segment) && Number(segment) < current.length) current = current[Number(segment)];
    else if (isRecord(current) && Object.hasOwn(current, segment)) current = current[segment];
    else return { found: false };
  }
  return { found: true, value: current };
}

/** Every leaf key of a params tree, dotted: `{train: {lr: 1}}` → `['train.lr']`, and the branches too. */
export function paramKeys(values: unknown, prefix = ''): string[] {
  if (!isRecord(values)) return [];
  const keys: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const dotted = prefix ? `${prefix}.${key}` : key;
    keys.push(dotted, ...paramKeys(value, dotted));
  }
  return keys;
}

/** Flattens a params tree to dotted leaves: `{train: {lr: 1}}` → `{'train.lr': 1}`. Lists stay values. */
export function flattenParams(values: unknown, prefix = ''): Record<string, unknown> {
  if (!isRecord(values)) return prefix ? { [prefix]: values } : {};
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const dotted = prefix ? `${prefix}.${key}` : key;
    if (isRecord(value) && Object.keys(value).length > 0) Object.assign(flat, flattenParams(value, dotted));
    else flat[dotted] = value;
  }
  return flat;
}
