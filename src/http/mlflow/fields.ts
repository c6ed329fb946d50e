/**
 * Request fields as MLflow clients send them (proto3 JSON): int64 as numbers or numeric strings,
 * doubles as numbers or "NaN"/"Infinity"/"-Infinity", enums by name, booleans as true/false (or
 * their strings in query strings), repeated query keys as lists. Parsing failures read like
 * MLflow's: "Missing value for required parameter 'x'", "Invalid value 5 for parameter 'name'".
 */
import { z } from 'zod';
import { invalidRequest } from '../errors.js';

/** An int64 as JSON allows it exactly: a larger one would be stored rounded (1e23, or the neighbour of 2^53 + 1). */
export const int64 = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]).pipe(z.number().int().safe());
export const double = z.union([
  z.number(),
  z.enum(['NaN', 'Infinity', '-Infinity']).transform((text) => (text === 'NaN' ? Number.NaN : text === 'Infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY)),
]);
export const bool = z.union([z.boolean(), z.string().regex(/^(true|false)$/i).transform((text) => text.toLowerCase() === 'true')]);
/** A required string: absent or empty is "missing", as in MLflow. */
export const required = z.string().min(1);
/** A list from JSON, or from one or more query keys. */
export const stringList = z.union([z.array(z.string()), z.string().transform((item) => [item])]);
export const keyValue = z.object({ key: required, value: z.string().default('') });
export const keyValues = z.array(keyValue).default([]);

function describePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text ? `.${String(part)}` : String(part);
  return text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const part of path) value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[part] : undefined;
  return value;
}

/** Python's names for JSON types, as MLflow's hints print them. */
function pythonType(value: unknown): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'str';
  return 'dict';
}

/** Parses a request with a schema; the first problem becomes MLflow's message. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // A union reports its own failure; the value decides whether the field was missing.
  const name = describePath(issue.path);
  const value = valueAt(input, issue.path);
  const missing = value === undefined || value === '' || (issue.code === 'too_small' && issue.origin === 'string' && typeof value === 'string');
  const suffix = 'See the API docs for more information about request parameters.';
  if (missing) throw invalidRequest({ problem: `Missing value for required parameter '${name}'. ${suffix}` });
  throw invalidRequest({ problem: `Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: Hint: Value was of type '${pythonType(value)}'. ${suffix}` });
}
