/**
 * Schema validation of user files, with errors that point at the offending line.
 *
 * zod checks the shape; this module turns its first issue into one sentence a user can act on:
 * where (`file:line:col`), what (an unknown key, a wrong type), and how to fix it (the closest
 * valid key).
 */
import type { z } from 'zod';
import type { SourceLocation } from './app-error.js';
import { invalidDocument } from './errors.js';
import { didYouMean } from './suggest.js';
import type { DocumentPath, LocatedDocument } from './yaml-document.js';

/** How a path in the document reads in a message, e.g. `stage "train"`; a domain may override. */
export type PathDescriber = (path: DocumentPath) => string;

const defaultDescriber: PathDescriber = (path) => (path.length === 0 ? 'top level' : `"${path.join('.')}"`);

type Issue = z.core.$ZodIssue;

/**
 * Parses `value` with `schema`, or throws `SLUICE_CORE_INVALID_FILE` located at the first issue.
 * `pathPrefix` is where `value` sits inside `document` when only a part is validated.
 */
export function validateWithSchema<S extends z.ZodType>(
  schema: S,
  value: unknown,
  document: LocatedDocument,
  options: { pathPrefix?: DocumentPath; describe?: PathDescriber; extraHint?: string } = {},
): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const prefix = options.pathPrefix ?? [];
  const issue = deepestIssue(result.error.issues);
  const describe = options.describe ?? defaultDescriber;
  const { problem, path, pointAtKey } = explainIssue(issue, schema, prefix, describe);
  const location: SourceLocation = document.locate(path, { key: pointAtKey });
  return raise(problem, location, options.extraHint);
}

function raise(problem: string, location: SourceLocation, hint?: string): never {
  throw invalidDocument({ problem }, { location, hint });
}

/**
 * Within unions, the branch that got furthest explains the mistake best ("unknown key cach"
 * beats "expected a string"). When no branch got past the union itself, the union's own
 * message (which lists the accepted forms) is the better one. A branch that knew every key given
 * and failed on a value comes first: the other branches' "unknown key" only says the entry was not
 * meant for them (`setWeight: 20%` is a bad weight, not an unknown key of a pause step).
 */
function deepestIssue(issues: readonly Issue[]): Issue {
  let best = issues[0]!;
  let bestDepth = -1;
  for (const issue of issues) {
    let candidate: Issue = issue;
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Only a branch that got inside the value (a literal or a string branch fails at its root).
      const knowingEveryKey = issue.errors.filter((branch) => branch.some((inner) => inner.path.length > 0) && !branch.some((inner) => inner.code === 'unrecognized_keys'));
      const inner = deepestIssue((knowingEveryKey.length > 0 ? knowingEveryKey : issue.errors).flat());
      const innerPath = [...issue.path, ...inner.path];
      if (innerPath.length > issue.path.length || inner.code === 'unrecognized_keys') candidate = { ...inner, path: innerPath };
    }
    // An unknown key beats a missing one at the same level: the typo usually explains the gap.
    const depth = candidate.path.length + (candidate.code === 'unrecognized_keys' ? 1.5 : 0);
    if (depth > bestDepth) {
      best = candidate;
      bestDepth = depth;
    }
  }
  return best;
}

function explainIssue(
  issue: Issue,
  schema: z.ZodType,
  prefix: DocumentPath,
  describe: PathDescriber,
): { problem: string; path: DocumentPath; pointAtKey: boolean } {
  const localPath = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
  const path = [...prefix, ...localPath];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      const allowed = objectKeysAt(schema, localPath);
      const others = issue.keys.length > 1 ? ` (also ${issue.keys.slice(1).map((k) => `"${k}"`).join(', ')})` : '';
      const suggestion = didYouMean(key, allowed.filter((name) => name !== key));
      const list = allowed.length > 0 && !suggestion ? ` Allowed keys: ${allowed.join(', ')}.` : '';
      return {
        problem: `${describe(path)} has an unknown key "${key}"${others}.${suggestion}${list}`,
        path: [...path, key],
        pointAtKey: true,
      };
    }
    case 'invalid_type':
    case 'invalid_union': {
      if (issue.input === undefined && path.length > 0) {
        const key = path[path.length - 1];
        return { problem: `${describe(path.slice(0, -1))} is missing the required key "${String(key)}".`, path: path.slice(0, -1), pointAtKey: true };
      }
      if (issue.code === 'invalid_union') return { problem: `${describe(path)}: ${lowerFirst(issue.message)}.`, path, pointAtKey: false };
      return { problem: `${describe(path)} must be ${article(issue.expected)}, not ${typeName(issue.input)}.`, path, pointAtKey: false };
    }
    default:
      return { problem: `${describe(path)}: ${lowerFirst(issue.message)}.`, path, pointAtKey: false };
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, '');
}

function article(expected: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', record: 'a mapping', string: 'a string', number: 'a number', int: 'an integer', boolean: 'true or false' };
  return names[expected] ?? expected;
}

/** The YAML-facing name of a value's type. */
/**
 * A zod issue's message as the rest of a sentence that names the field first ("--limit must be
 * …", "url must be …"): zod's own "Invalid input: " prefix dropped, and its capital lowered when
 * it starts a plain word. Flags (-S), file names and commands keep their case.
 */
export function issueText(message: string): string {
  const text = message.replace(/^Invalid input: /, '');
  return /^[A-Z][a-z]/.test(text) ? `${text[0]!.toLowerCase()}${text.slice(1)}` : text;
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value} ${String(value)}`;
}

interface SchemaDefinition {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  in?: z.ZodType;
}

/** The keys an object schema at `path` accepts; [] when the path does not lead to an object. */
export function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const found = new Set<string>();
  const walk = (node: z.ZodType | undefined, rest: readonly PropertyKey[]): void => {
    if (!node) return;
    const definition = (node as unknown as { _zod: { def: SchemaDefinition } })._zod.def;
    switch (definition.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'readonly':
        return walk(definition.innerType, rest);
      case 'pipe':
        return walk(definition.in, rest);
      case 'union':
        for (const option of definition.options ?? []) walk(option, rest);
        return;
      case 'object':
        if (rest.length === 0) {
          for (const key of Object.keys(definition.shape ?? {})) found.add(key);
          return;
        }
        return walk(definition.shape?.[String(rest[0])], rest.slice(1));
      case 'array':
        return rest.length === 0 ? undefined : walk(definition.element, rest.slice(1));
      case 'record':
        return rest.length === 0 ? undefined : walk(definition.valueType, rest.slice(1));
      default:
        return;
    }
  };
  walk(schema, path);
  return [...found];
}
