/**
 * `foreach` and `matrix`: one stage definition that stands for several stages. Expansion gives
 * each instance its name (`evaluate@test`, `train@lr-0.1`) and the loop variables its
 * `${...}` expressions can read.
 */
import type { LocatedDocument } from '../core/index.js';
import { invalidForeach } from './errors.js';
import { resolveExpression, type InterpolationScope } from './interpolate.js';
import { isRecord } from './params.js';

/** One instance of an expanded stage. */
export interface StageInstance {
  readonly suffix: string;
  readonly locals: Readonly<Record<string, unknown>>;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Reads `${list}` from params when the loop source is an expression. */
function resolveLoopSource(raw: unknown, scope: InterpolationScope, stage: string, what: string, document: LocatedDocument, at: readonly (string | number)[]): unknown {
  if (typeof raw !== 'string') return raw;
  const expression = raw.slice(2, -1).trim();
  const resolved = resolveExpression(expression, scope);
  if (!resolved.found) {
    throw invalidForeach({ stage, reason: `${what} \${${expression}} is not defined in ${scope.paramsSource}` }, { location: document.locate(at) });
  }
  return resolved.value;
}

/** The instances of a `foreach` stage: list items by value (or index for non-scalars), mapping entries by key. */
export function expandForeach(
  raw: unknown,
  scope: InterpolationScope,
  stage: string,
  document: LocatedDocument,
  at: readonly (string | number)[],
): StageInstance[] {
  const source = resolveLoopSource(raw, scope, stage, 'foreach', document, at);
  if (Array.isArray(source)) {
    if (source.length === 0) throw invalidForeach({ stage, reason: 'foreach has no items' }, { location: document.locate(at) });
    return source.map((item, index) => ({ suffix: isScalar(item) ? String(item) : String(index), locals: { item } }));
  }
  if (isRecord(source)) {
    return Object.entries(source).map(([key, item]) => ({ suffix: key, locals: { key, item } }));
  }
  throw invalidForeach({ stage, reason: 'foreach must be a list or a mapping' }, { location: document.locate(at) });
}

/** The instances of a `matrix` stage: the cartesian product, in key order. `${item.<key>}` reads a value. */
export function expandMatrix(
  matrix: Readonly<Record<string, unknown>>,
  scope: InterpolationScope,
  stage: string,
  document: LocatedDocument,
  at: readonly (string | number)[],
): StageInstance[] {
  let combinations: { parts: string[]; item: Record<string, unknown> }[] = [{ parts: [], item: {} }];
  for (const [key, raw] of Object.entries(matrix)) {
    const values = resolveLoopSource(raw, scope, stage, `matrix.${key}`, document, [...at, key]);
    if (!Array.isArray(values) || values.length === 0) {
      throw invalidForeach({ stage, reason: `matrix.${key} must be a non-empty list` }, { location: document.locate([...at, key]) });
    }
    combinations = combinations.flatMap((combination) =>
      values.map((value, index) => ({
        parts: [...combination.parts, isScalar(value) ? String(value) : `${key}${index}`],
        item: { ...combination.item, [key]: value },
      })),
    );
  }
  return combinations.map(({ parts, item }) => ({ suffix: parts.join('-'), locals: { item } }));
}
