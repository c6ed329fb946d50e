/**
 * Reads a gate set from the `gates:` section of sluice.yaml (or another YAML file) with located
 * errors. The section is one set (`gates: {model, data, target, rules}`) or several named ones
 * (`gates: {classifier: {...}, regressor: {...}}`). Relative paths in it are read from the
 * directory of the file that holds it.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { didYouMean, parseLocatedYaml, readTextFile, validateWithSchema, type DocumentPath, type LocatedDocument, type PathDescriber, type SourceLocation } from '../../core/index.js';
import { isModelUri } from '../../registry/index.js';
import { gateConfigNotFound, gateFileMissing, gateSetNotFound, gateSetRequired, gatesNotConfigured } from './errors.js';
import { gateConfigSchema, type GateConfig } from './schema.js';

/** Describes a place in the set at `prefix` (['gates'] or ['gates', NAME]) for error messages. */
function describeGatePath(prefix: DocumentPath): PathDescriber {
  return (path) => {
    const inner = path.slice(prefix.length);
    if (inner.length === 0) return prefix.length > 1 ? `the gate set "${String(prefix[1])}"` : 'the gates section';
    if (inner[0] === 'rules' && typeof inner[1] === 'number') return `gate rule ${inner[1] + 1}${inner.length > 2 ? ` (${inner.slice(2).join('.')})` : ''}`;
    return `"${path.join('.')}"`;
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether a gates section is one set (its fields at the top) rather than named sets. The
 * pipeline's `uses: gate` (pipeline/builtin-stages.ts) tells them apart the same way.
 */
export function isSingleGateSet(gates: Readonly<Record<string, unknown>>): boolean {
  return Object.keys(gates).length === 0 || 'rules' in gates || 'model' in gates;
}

export interface LoadedGateConfig {
  readonly config: GateConfig;
  /** The directory of the file: relative paths in the set are read from it. */
  readonly baseDir: string;
  /** The set's name, when the section has named sets. */
  readonly name: string | undefined;
  /** Where each rule's metric is written (a metric unknown for the task is only found once the data is read). */
  readonly ruleLocations: readonly SourceLocation[];
}

/** Loads the gate set `name` (needed when the file has several) from `file`. */
export function loadGateConfig(file: string, name?: string): LoadedGateConfig {
  const path = resolve(file);
  if (!existsSync(path)) throw gateConfigNotFound({ file });
  const document = parseLocatedYaml(readTextFile(path, file), file);
  const value = document.value as { gates?: unknown } | null;
  if (!value || typeof value !== 'object' || value.gates === undefined) throw gatesNotConfigured({ file });
  const chosen = chooseSet(file, document, value.gates, name);
  const at: DocumentPath = chosen === undefined ? ['gates'] : ['gates', chosen];
  const raw = chosen === undefined ? value.gates : (value.gates as Record<string, unknown>)[chosen];
  const config = validateWithSchema(gateConfigSchema, raw, document, { pathPrefix: at, describe: describeGatePath(at) });
  const baseDir = dirname(path);
  checkFilesExist(config, { file, baseDir, document, at });
  const ruleLocations = config.rules.map((_, index) => document.locate([...at, 'rules', index, 'metric']));
  return { config, baseDir, name: chosen, ruleLocations };
}

/** The name of the set to use, or undefined for a section that is one unnamed set. */
function chooseSet(file: string, document: LocatedDocument, gates: unknown, name: string | undefined): string | undefined {
  if (!isRecord(gates) || isSingleGateSet(gates)) {
    if (name !== undefined) throw gateSetNotFound({ file, name, names: [], suggestion: '' }, { location: document.locate(['gates'], { key: true }) });
    return undefined;
  }
  const names = Object.keys(gates);
  if (name === undefined) {
    if (names.length === 1) return names[0];
    throw gateSetRequired({ file, names }, { location: document.locate(['gates'], { key: true }) });
  }
  if (!names.includes(name)) throw gateSetNotFound({ file, name, names, suggestion: didYouMean(name, names) }, { location: document.locate(['gates'], { key: true }) });
  return name;
}

/** The set's model, baseline and data files must exist where the file's directory puts them. */
function checkFilesExist(config: GateConfig, where: { file: string; baseDir: string; document: LocatedDocument; at: DocumentPath }): void {
  const dir = relative(process.cwd(), where.baseDir);
  for (const key of ['model', 'baseline', 'data'] as const) {
    const written = config[key];
    if (written === undefined || isModelUri(written) || isAbsolute(written)) continue;
    const full = resolve(where.baseDir, written);
    if (existsSync(full)) continue;
    const shown = relative(process.cwd(), full);
    throw gateFileMissing(
      { file: where.file, key: [...where.at, key].join('.'), path: written, resolved: shown.startsWith('..') ? full : shown, dir: dir === '' ? '.' : `${dir}/` },
      { location: where.document.locate([...where.at, key]) },
    );
  }
}
