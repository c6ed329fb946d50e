/**
 * `${...}` in stage fields: values from the default params file, and `item`/`key` inside
 * `foreach` and `matrix` stages. `\${` writes a literal `${`.
 */
import { closestMatch } from '../core/index.js';
import { lookupParam, paramKeys } from './params.js';

/** What a stage's `${...}` expressions can see. */
export interface InterpolationScope {
  /** `item`, `key`: the loop variables of an expanded stage; they shadow params. */
  readonly locals: Readonly<Record<string, unknown>>;
  /** The default params file's values. */
  readonly params: Readonly<Record<string, unknown>>;
  /** How the params file is named in messages. */
  readonly paramsSource: string;
}

export type InterpolationFailure =
  | { readonly kind: 'undefined'; readonly expression: string; readonly suggestion: string | undefined }
  | { readonly kind: 'not-scalar'; readonly expression: string; readonly value: unknown };

export type InterpolationResult =
  | { readonly ok: true; readonly value: string; readonly paramKeys: readonly string[] }
  | { readonly ok: false; readonly failure: InterpolationFailure };

const EXPRESSION = /(\\?)\$\{\s*([^}]*?)\s*\}/g;

/** Whether a string contains anything to interpolate. */
export function hasInterpolation(text: string): boolean {
  return text.includes('${');
}

/** Resolves one expression to its value and, when it came from params, its param key. */
export function resolveExpression(
  expression: string,
  scope: InterpolationScope,
): { found: true; value: unknown; paramKey: string | undefined } | { found: false } {
  const head = expression.split('.')[0] ?? '';
  if (Object.hasOwn(scope.locals, head)) {
    const local = lookupParam(scope.locals, expression);
    return local.found ? { found: true, value: local.value, paramKey: undefined } : { found: false };
  }
  const param = lookupParam(scope.params, expression);
  return param.found ? { found: true, value: param.value, paramKey: expression } : { found: false };
}

/** Replaces every `${...}` in `text`. Lists and mappings cannot be interpolated into a string. */
export function interpolate(text: string, scope: InterpolationScope): InterpolationResult {
  if (!hasInterpolation(text)) return { ok: true, value: text, paramKeys: [] };
  const used: string[] = [];
  let failure: InterpolationFailure | undefined;
  const value = text.replace(EXPRESSION, (match, escape: string, expression: string) => {
    if (escape) return match.slice(1);
    if (failure) return match;
    const resolved = resolveExpression(expression, scope);
    if (!resolved.found) {
      const candidates = [...Object.keys(scope.locals).flatMap((key) => [key, ...paramKeys(scope.locals[key], key)]), ...paramKeys(scope.params)];
      failure = { kind: 'undefined', expression, suggestion: closestMatch(expression, candidates) };
      return match;
    }
    if (resolved.value !== null && typeof resolved.value === 'object') {
      failure = { kind: 'not-scalar', expression, value: resolved.value };
      return match;
    }
    if (resolved.paramKey !== undefined) used.push(resolved.paramKey);
    return String(resolved.value);
  });
  return failure ? { ok: false, failure } : { ok: true, value, paramKeys: used };
}
