/**
 * `sluice params diff [A] [B]`: the values of every param in the params files the pipeline reads,
 * compared between two revisions (or a revision and the workspace).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readFileAtRevision, resolveRevision } from '../core/index.js';
import { flattenParams } from './params.js';
import type { Pipeline } from './stage.js';

/** Flattened values by params file, then dotted key. */
export type ParamValues = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export interface ParamsDiffRow {
  readonly file: string;
  readonly key: string;
  readonly old: unknown;
  readonly new: unknown;
}

/** The params files the pipeline reads: the default file and every file a stage names. */
export function paramsFiles(pipeline: Pipeline): string[] {
  return [...new Set([pipeline.paramsFile, ...pipeline.stages.flatMap((stage) => stage.params.map((param) => param.file))])];
}

function flattenText(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    return flattenParams(parse(text));
  } catch {
    return {};
  }
}

/** Param values at `revision`, or in the workspace when `revision` is undefined. */
export async function readParamsAt(pipeline: Pipeline, revision: string | undefined): Promise<ParamValues> {
  if (revision !== undefined) await resolveRevision(pipeline.root, revision);
  const values: Record<string, Record<string, unknown>> = {};
  for (const file of paramsFiles(pipeline)) {
    const absolute = join(pipeline.root, file);
    const text = revision === undefined
      ? existsSync(absolute) ? readFileSync(absolute, 'utf8') : undefined
      : await readFileAtRevision(pipeline.root, revision, file);
    values[file] = flattenText(text);
  }
  return values;
}

/** Rows for every param whose value differs (or every param with `all`). */
export function diffParamValues(old: ParamValues, current: ParamValues, options: { all?: boolean } = {}): ParamsDiffRow[] {
  const rows: ParamsDiffRow[] = [];
  for (const file of [...new Set([...Object.keys(old), ...Object.keys(current)])]) {
    const before = old[file] ?? {};
    const after = current[file] ?? {};
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      const same = JSON.stringify(before[key]) === JSON.stringify(after[key]);
      if (!same || options.all) rows.push({ file, key, old: before[key], new: after[key] });
    }
  }
  return rows;
}
