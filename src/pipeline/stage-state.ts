/**
 * Is a stage up to date, and if not, exactly why? A snapshot of what the stage reads and writes
 * now is compared with its entry in `sluice.lock`; each difference is a {@link StageChange}
 * that `sluice status` prints as is.
 */
import type { HashedPath, WorkspaceHasher } from '../cache/index.js';
import { interpolate } from './interpolate.js';
import { flattenParams, isRecord, lookupParam, type ParamsReader } from './params.js';
import type { LockedPath, LockedStage } from './lockfile.js';
import type { Stage } from './stage.js';
import { isRegistryReference, type ExternalDeps } from './registry-deps.js';

/** What a stage's inputs and outputs are right now. Missing paths map to undefined. */
export interface StageSnapshot {
  readonly deps: ReadonlyMap<string, HashedPath | undefined>;
  /** Values by params file, then key (whole-file params list every top-level key). */
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly outs: ReadonlyMap<string, HashedPath | undefined>;
}

export type StageChange =
  | { readonly kind: 'never-run' }
  | { readonly kind: 'always-changed' }
  | { readonly kind: 'cmd-changed'; readonly old: string; readonly new: string }
  | { readonly kind: 'env-changed'; readonly key: string; readonly old: string | undefined; readonly new: string | undefined }
  | { readonly kind: 'dep-modified' | 'dep-missing' | 'dep-added' | 'dep-removed'; readonly path: string }
  | { readonly kind: 'param-changed'; readonly file: string; readonly key: string; readonly old: unknown; readonly new: unknown }
  | { readonly kind: 'param-added' | 'param-removed'; readonly file: string; readonly key: string; readonly value: unknown }
  | { readonly kind: 'out-missing' | 'out-modified' | 'out-added' | 'out-removed'; readonly path: string };

/** Hashes deps (and optionally outs) and reads params. Params must exist (the loader checked). */
export async function snapshotStage(
  stage: Stage,
  hasher: WorkspaceHasher,
  params: ParamsReader,
  options: { outs?: boolean; external?: ExternalDeps } = {},
): Promise<StageSnapshot> {
  const deps = new Map<string, HashedPath | undefined>();
  for (const dep of stage.deps) {
    if (isRegistryReference(dep.path)) {
      if (!options.external) throw new Error(`stage ${stage.name} depends on ${dep.path}, but no registry was given to resolve it`);
      deps.set(dep.path, await options.external.hash(dep.path));
    } else deps.set(dep.path, await hasher.hash(dep.path));
  }
  const outs = new Map<string, HashedPath | undefined>();
  if (options.outs ?? true) for (const out of stage.outs) outs.set(out.path, await hasher.hash(out.path));
  return { deps, params: readParamValues(stage, params), outs };
}

/** Every dep and out path of the stages in the workspace, to fetch their stat-cache entries in one query. */
export function stagePaths(stages: readonly Stage[]): string[] {
  return [...new Set(stages.flatMap((stage) => [...stage.deps.map((dep) => dep.path).filter((path) => !isRegistryReference(path)), ...stage.outs.map((out) => out.path)]))];
}

/** The values of the params a stage reads, by file and key. */
export function readParamValues(stage: Stage, reader: ParamsReader): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const param of stage.params) {
    const file = reader.read(param.file);
    const target = (values[param.file] ??= {});
    if (!file) continue;
    if (param.key === undefined) Object.assign(target, file.values);
    else {
      const found = lookupParam(file.values, param.key);
      if (found.found) target[param.key] = found.value;
    }
  }
  return values;
}

/** A stable text form of a value, for equality. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

export function commandText(cmd: LockedStage['cmd'] | readonly string[]): string {
  return typeof cmd === 'string' ? cmd : cmd.join(' && ');
}

/** `cmd: "a && b"` and `cmd: [a, b]` differ: list items run as separate shells (a `cd` does not carry over). */
function sameCommands(a: LockedStage['cmd'] | readonly string[], b: LockedStage['cmd'] | readonly string[]): boolean {
  return JSON.stringify(typeof a === 'string' ? [a] : a) === JSON.stringify(typeof b === 'string' ? [b] : b);
}

/** Every difference between the stage now and its lock entry, in a fixed order. */
export function diffStage(stage: Stage, snapshot: StageSnapshot, locked: LockedStage | undefined): StageChange[] {
  if (!locked) return [{ kind: 'never-run' }];
  const changes: StageChange[] = [];
  if (stage.alwaysChanged) changes.push({ kind: 'always-changed' });
  if (!sameCommands(locked.cmd, stage.cmd) && !explainedByParams(stage, locked)) {
    changes.push({ kind: 'cmd-changed', old: commandText(locked.cmd), new: commandText(stage.cmd) });
  }
  const lockedEnv = locked.env ?? {};
  for (const key of [...new Set([...Object.keys(lockedEnv), ...Object.keys(stage.env)])].sort()) {
    if (lockedEnv[key] !== stage.env[key]) changes.push({ kind: 'env-changed', key, old: lockedEnv[key], new: stage.env[key] });
  }

  const lockedDeps = new Map((locked.deps ?? []).map((entry) => [entry.path, entry]));
  for (const [path, hashed] of snapshot.deps) {
    const entry = lockedDeps.get(path);
    if (!hashed) changes.push({ kind: 'dep-missing', path });
    else if (!entry) changes.push({ kind: 'dep-added', path });
    else if (entry.hash !== hashed.id) changes.push({ kind: 'dep-modified', path });
  }
  for (const path of lockedDeps.keys()) if (!snapshot.deps.has(path)) changes.push({ kind: 'dep-removed', path });

  changes.push(...diffParams(snapshot.params, locked.params ?? {}));

  const lockedOuts = new Map((locked.outs ?? []).map((entry) => [entry.path, entry]));
  for (const out of stage.outs) {
    const entry = lockedOuts.get(out.path);
    if (!entry) {
      changes.push({ kind: 'out-added', path: out.path });
      continue;
    }
    if (!snapshot.outs.has(out.path)) continue;
    const hashed = snapshot.outs.get(out.path);
    if (!hashed) changes.push({ kind: 'out-missing', path: out.path });
    else if (hashed.id !== entry.hash) changes.push({ kind: 'out-modified', path: out.path });
  }
  for (const path of lockedOuts.keys()) if (!stage.outs.some((out) => out.path === path)) changes.push({ kind: 'out-removed', path });
  return changes;
}

/** Whether the locked command is this stage's template interpolated with the locked param values. */
function explainedByParams(stage: Stage, locked: LockedStage): boolean {
  const { commands, locals, paramsFile } = stage.cmdTemplate;
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(locked.params?.[paramsFile] ?? {})) setDotted(params, key, value);
  const interpolated: string[] = [];
  for (const command of commands) {
    const result = interpolate(command, { locals, params, paramsSource: paramsFile });
    if (!result.ok) return false;
    interpolated.push(result.value);
  }
  return sameCommands(interpolated, locked.cmd);
}

function setDotted(target: Record<string, unknown>, key: string, value: unknown): void {
  const segments = key.split('.');
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    if (!isRecord(node[segment])) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[segments.at(-1)!] = value;
}

function diffParams(
  current: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  locked: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
): StageChange[] {
  const changes: StageChange[] = [];
  for (const [file, values] of Object.entries(current)) {
    const old = locked[file] ?? {};
    for (const [key, value] of Object.entries(values)) {
      if (!Object.hasOwn(old, key)) changes.push({ kind: 'param-added', file, key, value });
      else if (canonical(old[key]) === canonical(value)) continue;
      else if (isRecord(old[key]) && isRecord(value)) changes.push(...diffParams({ [file]: flattenParams(value, key) }, { [file]: flattenParams(old[key], key) }));
      else changes.push({ kind: 'param-changed', file, key, old: old[key], new: value });
    }
    for (const [key, value] of Object.entries(old)) if (!Object.hasOwn(values, key)) changes.push({ kind: 'param-removed', file, key, value });
  }
  for (const [file, values] of Object.entries(locked)) {
    if (Object.hasOwn(current, file)) continue;
    for (const [key, value] of Object.entries(values)) changes.push({ kind: 'param-removed', file, key, value });
  }
  return changes;
}

/** True when only outputs differ: the stage need not run if the cache still has the locked outs. */
export function onlyOutputsChanged(changes: readonly StageChange[]): boolean {
  return changes.length > 0 && changes.every((change) => change.kind === 'out-missing' || change.kind === 'out-modified');
}

/** The lock entry for a stage whose deps and params are `snapshot` and whose outs are `outs`. */
export function lockEntryFor(stage: Stage, snapshot: StageSnapshot, outs: readonly LockedPath[]): LockedStage {
  const deps: LockedPath[] = [];
  for (const dep of stage.deps) {
    const hashed = snapshot.deps.get(dep.path);
    if (hashed) deps.push(toLockedPath(dep.path, hashed));
  }
  const entry: LockedStage = { cmd: stage.cmd.length === 1 ? stage.cmd[0]! : [...stage.cmd] };
  if (Object.keys(stage.env).length > 0) entry.env = { ...stage.env };
  if (deps.length) entry.deps = deps;
  if (Object.keys(snapshot.params).length) entry.params = snapshot.params as Record<string, Record<string, unknown>>;
  if (outs.length) entry.outs = [...outs];
  return entry;
}

export function toLockedPath(path: string, hashed: HashedPath): LockedPath {
  if (hashed.kind === 'directory') return { path, hash: hashed.id, size: hashed.size, nfiles: hashed.fileCount };
  return hashed.mode === 0o755 ? { path, hash: hashed.id, size: hashed.size, isexec: true } : { path, hash: hashed.id, size: hashed.size };
}

/** One line for `sluice status` and `sluice run` explaining a change. */
export function describeChange(change: StageChange): string {
  switch (change.kind) {
    case 'never-run':
      return 'never run';
    case 'always-changed':
      return 'always_changed is set';
    case 'cmd-changed':
      return `cmd changed: ${change.old} → ${change.new}`;
    case 'env-changed':
      return `env changed: ${change.key} ${formatValue(change.old)} → ${formatValue(change.new)}`;
    case 'dep-modified':
      return `dep modified: ${change.path}`;
    case 'dep-missing':
      return `dep missing: ${change.path}`;
    case 'dep-added':
      return `dep added: ${change.path}`;
    case 'dep-removed':
      return `dep removed: ${change.path}`;
    case 'param-changed':
      return `param changed: ${change.key} ${formatValue(change.old)} → ${formatValue(change.new)}`;
    case 'param-added':
      return `param added: ${change.key} = ${formatValue(change.value)}`;
    case 'param-removed':
      return `param removed: ${change.key}`;
    case 'out-missing':
      return `out missing: ${change.path}`;
    case 'out-modified':
      return `out modified: ${change.path}`;
    case 'out-added':
      return `out added: ${change.path}`;
    case 'out-removed':
      return `out removed: ${change.path}`;
  }
}

/** A param value as users write it in YAML. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '—';
  return JSON.stringify(value);
}
