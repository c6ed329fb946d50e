/**
 * Metrics: small JSON or YAML files that stages declare under `metrics`. `sluice metrics show`
 * reads them from the workspace; `sluice metrics diff REV` compares them with a git revision,
 * where they are read from git or, for cached metrics, through that revision's `sluice.lock`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isAppError, readTextFile } from '../core/index.js';
import type { ObjectCache } from '../cache/index.js';
import { invalidMetricKeyPattern, invalidMetricsFile, metricsTargetNotFound } from './errors.js';
import { flattenParams, isRecord } from './params.js';
import { openRevisionReader } from './revision-outputs.js';
import type { Stage } from './stage.js';

/** One metrics file: its flattened values, or why they could not be read. */
export interface MetricsFile {
  readonly path: string;
  /** Dotted keys to values; undefined when the file is missing or unreadable. */
  readonly values: Readonly<Record<string, unknown>> | undefined;
  readonly error: string | undefined;
}

export interface MetricsDiffRow {
  readonly path: string;
  readonly key: string;
  readonly old: unknown;
  readonly new: unknown;
  /** new − old when both are numbers. */
  readonly change: number | undefined;
}

/** The metrics files the pipeline declares, in definition order. */
export function metricsPaths(stages: readonly Stage[]): string[] {
  return [...new Set(stages.flatMap((stage) => stage.outs.filter((out) => out.kind === 'metrics').map((out) => out.path)))];
}

/** Parses a metrics file's text into dotted keys. */
export function parseMetrics(text: string, path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw invalidMetricsFile({ path, reason: (error instanceof Error ? error.message.split('\n')[0]! : String(error)).replace(/:$/, '') });
  }
  if (!isRecord(value)) throw invalidMetricsFile({ path, reason: 'it does not hold a mapping of names to values' });
  // Lists (curves, confusion matrices) are data for reports, not metrics to show or diff.
  return Object.fromEntries(Object.entries(flattenParams(value)).filter(([, entry]) => !Array.isArray(entry) && (entry === null || typeof entry !== 'object')));
}

function fromText(path: string, text: string | undefined): MetricsFile {
  if (text === undefined) return { path, values: undefined, error: 'missing' };
  try {
    return { path, values: parseMetrics(text, path), error: undefined };
  } catch (error) {
    return { path, values: undefined, error: isAppError(error) ? error.message : String(error) };
  }
}

/** The pipeline's metrics as they are in the workspace (or only the `targets`, paths from the root). */
export function collectMetrics(root: string, stages: readonly Stage[], targets?: readonly string[]): MetricsFile[] {
  return (targets ?? metricsPaths(stages)).map((path) => {
    const absolute = join(root, path);
    if (!existsSync(absolute)) return fromText(path, undefined);
    try {
      return fromText(path, readTextFile(absolute, path));
    } catch (error) {
      // A directory or an unreadable file where a metrics file should be: that file's error.
      if (isAppError(error)) return { path, values: undefined, error: error.message };
      throw error;
    }
  });
}

/**
 * The pipeline's metrics as committed at `revision`: from git when the file is tracked,
 * otherwise from the cache object that revision's `sluice.lock` names.
 */
export async function collectMetricsAtRevision(root: string, revision: string, stages: readonly Stage[], cache: ObjectCache, targets?: readonly string[]): Promise<MetricsFile[]> {
  const read = await openRevisionReader(root, revision, cache);
  const files: MetricsFile[] = [];
  for (const path of targets ?? metricsPaths(stages)) files.push(fromText(path, (await read(path))?.toString('utf8')));
  return files;
}

/** Rows for every key whose value differs (or every key with `all`), old first. */
export function diffMetrics(old: readonly MetricsFile[], current: readonly MetricsFile[], options: { all?: boolean } = {}): MetricsDiffRow[] {
  const rows: MetricsDiffRow[] = [];
  const paths = [...new Set([...old.map((file) => file.path), ...current.map((file) => file.path)])];
  for (const path of paths) {
    const before = old.find((file) => file.path === path)?.values ?? {};
    const after = current.find((file) => file.path === path)?.values ?? {};
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const key of keys) {
      const a = before[key];
      const b = after[key];
      const same = JSON.stringify(a) === JSON.stringify(b);
      if (same && !options.all) continue;
      // toPrecision(12) drops binary noise: 0.9708 − 0.9883 is −0.0175, not −0.017499999999999946.
      const change = typeof a === 'number' && typeof b === 'number' ? Number((b - a).toPrecision(12)) : undefined;
      rows.push({ path, key, old: a, new: b, change });
    }
  }
  return rows;
}

/** Metrics files in the workspace named by the user: each must exist (paths from the root). */
export function collectTargetMetrics(root: string, targets: readonly string[]): MetricsFile[] {
  for (const path of targets) if (!existsSync(join(root, path))) throw metricsTargetNotFound({ path });
  // A file the user named must be a metrics file: what cannot be read or parsed is an error (exit 2), not a row.
  return targets.map((path) => ({ path, values: parseMetrics(readTextFile(join(root, path), path), path), error: undefined }));
}

/**
 * A test on metric names from `--keys` patterns: a JavaScript regular expression between
 * slashes (`/^(acc|roc)/`, searched), or a glob matching the whole name (`*` and `?`, dots
 * included, so `loss.*` matches `loss.train`). No patterns match every name.
 */
export function metricKeyMatcher(patterns: readonly string[]): (key: string) => boolean {
  if (patterns.length === 0) return () => true;
  const tests = patterns.map((pattern): RegExp => {
    const regex = /^\/(.+)\/([a-z]*)$/.exec(pattern);
    if (!regex) return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`);
    try {
      return new RegExp(regex[1]!, regex[2]);
    } catch (error) {
      throw invalidMetricKeyPattern({ pattern, reason: error instanceof Error ? error.message : String(error) });
    }
  });
  return (key) => tests.some((test) => test.test(key));
}

/** The files with only the keys `matches` accepts. */
export function selectMetricKeys(files: readonly MetricsFile[], matches: (key: string) => boolean): MetricsFile[] {
  return files.map((file) => (file.values ? { ...file, values: Object.fromEntries(Object.entries(file.values).filter(([key]) => matches(key))) } : file));
}
