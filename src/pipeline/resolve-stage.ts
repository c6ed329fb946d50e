/**
 * From a validated stage body to a {@link Stage}: interpolates `${...}`, resolves paths against
 * the working directory, applies output defaults, and checks that every param it reads exists.
 */
import { posix } from 'node:path';
import { didYouMean, invalidDocument, type AppError, type DocumentPath } from '../core/index.js';
import { expandUses } from './builtin-stages.js';
import {
  invalidInterpolation,
  invalidPath as invalidPathError,
  paramMissing,
  paramsFileMissing,
  undefinedVariable,
} from './errors.js';
import { interpolate } from './interpolate.js';
import { lookupParam, paramKeys } from './params.js';
import type { ResolveContext } from './resolve-context.js';
import type { PlotOptions, StageBody } from './schema.js';
import type { AfterEntry, Dependency, Output, OutputKind, ParamDependency, Stage } from './stage.js';

export type { ResolveContext } from './resolve-context.js';

/** Resolves one stage instance. `source` is where its body sits in sluice.yaml. */
export function resolveStage(name: string, written: StageBody, source: DocumentPath, context: ResolveContext): Stage {
  const body = written.uses ? expandUses(name, written, source, context) : written;
  if (body.cmd === undefined) {
    throw invalidDocument({ problem: `stage "${name}" is missing the required key "cmd" (or "uses" for a built-in step).` }, { location: context.document.locate(source, { key: true }) });
  }
  const commands = typeof body.cmd === 'string' ? [body.cmd] : body.cmd;
  const usedParams = new Set<string>();
  const text = (value: string, at: DocumentPath): string => {
    const result = interpolate(value, context.scope);
    if (result.ok) {
      for (const key of result.paramKeys) usedParams.add(key);
      return result.value;
    }
    const location = context.document.locate([...source, ...at]);
    const { failure } = result;
    if (failure.kind === 'undefined') {
      const suggestion = failure.suggestion ? ` Did you mean \${${failure.suggestion}}?` : '';
      throw undefinedVariable({ stage: name, expression: failure.expression, suggestion, source: context.scope.paramsSource }, { location });
    }
    throw invalidInterpolation({ stage: name, expression: failure.expression, reason: 'is a list or mapping, not a single value' }, { location });
  };

  const wd = resolvePath(name, '.', body.wd === undefined ? '.' : text(body.wd, ['wd']), context, [...source, 'wd'], { allowRoot: true });
  const path = (raw: string, at: DocumentPath): string => resolvePath(name, wd, text(raw, at), context, [...source, ...at], { allowRoot: false });

  const cmd = commands.map((command, index) => text(command, written.uses ? ['with'] : typeof body.cmd === 'string' ? ['cmd'] : ['cmd', index]));
  const deps: Dependency[] = (body.deps ?? []).map((dep, index) => ({ path: path(dep, ['deps', index]), source: [...source, 'deps', index] }));
  const after: AfterEntry[] = (body.after ?? []).map((entry, index) => ({ name: text(entry, ['after', index]), source: [...source, 'after', index] }));
  // A validate stage's data is its first dep (builtin-stages.ts puts it there).
  const validates = written.uses === 'validate' ? deps.slice(0, 1).map((dep) => dep.path) : [];
  const outs: Output[] = [
    ...outputs(body.outs, 'out', ['outs']),
    ...outputs(body.metrics, 'metrics', ['metrics']),
    ...outputs(body.plots, 'plots', ['plots']),
  ];

  function outputs(entries: StageBody['outs'] | StageBody['plots'], kind: OutputKind, field: DocumentPath): Output[] {
    return (entries ?? []).map((entry, index) => {
      const [rawPath, options] = typeof entry === 'string' ? [entry, null] : Object.entries(entry)[0]!;
      const at = typeof entry === 'string' ? [...field, index] : [...field, index, rawPath];
      const output: Output = {
        path: path(rawPath, at),
        kind,
        cache: options?.cache ?? kind === 'out',
        persist: options?.persist ?? false,
        source: [...source, ...at],
      };
      if (kind !== 'plots') return output;
      const drawn: PlotOptions | null = options;
      const y = drawn?.y === undefined ? undefined : typeof drawn.y === 'string' ? [drawn.y] : drawn.y;
      return { ...output, plot: { x: drawn?.x, y, title: drawn?.title } };
    });
  }

  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(body.env ?? {})) env[key] = typeof value === 'string' ? text(value, ['env', key]) : String(value);

  const params = resolveParams(name, body, wd, source, context, usedParams, text);
  return {
    name,
    cmd,
    wd,
    deps,
    after,
    validates,
    params,
    outs,
    env,
    alwaysChanged: body.always_changed ?? false,
    uses: written.uses ? { kind: written.uses, details: typeof written.with?.details === 'string' ? path(written.with.details, ['with', 'details']) : undefined } : undefined,
    tests: body.tests === undefined || body.tests === false ? undefined : { junit: body.tests === true ? undefined : path(body.tests.junit, written.uses ? ['with', 'junit'] : ['tests', 'junit']) },
    frozen: body.frozen ?? false,
    desc: body.desc,
    resources: written.resources ?? {},
    labels: written.labels ?? [],
    source,
    cmdTemplate: { commands, locals: context.scope.locals, paramsFile: context.paramsFile },
  };
}

/** Normalises a path written relative to `wd` into a root-relative posix path inside the repository. */
function resolvePath(stage: string, wd: string, raw: string, context: ResolveContext, at: DocumentPath, options: { allowRoot: boolean }): string {
  // Found only for an error: locating walks the document, and doing it for every path made loading n stages cost n².
  const invalidPath = (details: { stage: string; path: string; reason: string }): AppError => invalidPathError(details, { location: context.document.locate(at) });
  if (posix.isAbsolute(raw) || /^[A-Za-z]:[\\/]/.test(raw)) {
    throw invalidPath({ stage, path: raw, reason: 'is absolute' });
  }
  const normalized = posix.normalize(posix.join(wd, raw.replaceAll('\\', '/'))).replace(/\/+$/, '');
  if (normalized === '..' || normalized.startsWith('../')) {
    throw invalidPath({ stage, path: raw, reason: 'is outside the repository' });
  }
  if (!options.allowRoot && (normalized === '.' || normalized === '')) {
    throw invalidPath({ stage, path: raw, reason: 'is the repository root itself' });
  }
  if (normalized === '.sluice' || normalized.startsWith('.sluice/') || normalized === '.git' || normalized.startsWith('.git/')) {
    throw invalidPath({ stage, path: raw, reason: "is inside Sluice's or git's own directory" });
  }
  return normalized === '' ? '.' : normalized;
}

function resolveParams(
  stage: string,
  body: StageBody,
  wd: string,
  source: DocumentPath,
  context: ResolveContext,
  usedParams: ReadonlySet<string>,
  text: (value: string, at: DocumentPath) => string,
): ParamDependency[] {
  const params: ParamDependency[] = [];
  for (const [index, entry] of (body.params ?? []).entries()) {
    if (typeof entry === 'string') {
      params.push({ file: context.paramsFile, key: text(entry, ['params', index]), source: [...source, 'params', index], implicit: false });
      continue;
    }
    for (const [rawFile, keys] of Object.entries(entry)) {
      const at: DocumentPath = ['params', index, rawFile];
      const file = posix.normalize(posix.join(wd, text(rawFile, at)));
      if (!keys || keys.length === 0) params.push({ file, key: undefined, source: [...source, ...at], implicit: false });
      else for (const [keyIndex, key] of keys.entries()) params.push({ file, key: text(key, [...at, keyIndex]), source: [...source, ...at, keyIndex], implicit: false });
    }
  }
  // Params used through ${...} are dependencies too, so `sluice status` can name them.
  for (const key of usedParams) {
    const covered = params.some((param) => param.file === context.paramsFile && (param.key === undefined || param.key === key || key.startsWith(`${param.key}.`)));
    if (!covered) params.push({ file: context.paramsFile, key, source, implicit: true });
  }
  for (const param of params) checkParamExists(stage, param, context);
  return params;
}

function checkParamExists(stage: string, param: ParamDependency, context: ResolveContext): void {
  const file = context.params.read(param.file);
  if (!file) throw paramsFileMissing({ stage, file: param.file }, { location: context.document.locate(param.source) });
  if (param.key === undefined || lookupParam(file.values, param.key).found) return;
  throw paramMissing({ stage, key: param.key, file: param.file, suggestion: didYouMean(param.key, paramKeys(file.values)) }, { location: context.document.locate(param.source) });
}
