/** Command-line options are external input too: validated with zod, types derived from the schemas. */
import { z } from 'zod';
import { issueText } from '../core/index.js';
import { invalidOption } from './errors.js';

export { invalidOption };

/** Parses commander's option object; the first problem becomes a one-line error. */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown, command: string): z.output<S> {
  const result = schema.safeParse(blankNumbersRefused(schema, raw));
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const option = issue.path.length > 0 ? `--${String(issue.path[0]).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}` : 'options';
  throw invalidOption({ command, problem: `${option} ${problemOf(issue)}` });
}

/**
 * `z.coerce.number()` reads an empty string as 0, so `--port ""` (an unset shell variable) would
 * serve on a random port and `--limit ""` fail as "at least 1". A blank value for a number flag
 * becomes NaN here, which the schema refuses in its own words ("must be a number").
 */
function blankNumbersRefused(schema: z.ZodType, raw: unknown): unknown {
  if (!(schema instanceof z.ZodObject) || typeof raw !== 'object' || raw === null) return raw;
  const shape = schema.shape as Record<string, z.ZodType>;
  const entries = Object.entries(raw).map(([key, value]) => {
    const field = shape[key];
    const blank = typeof value === 'string' && value.trim() === '';
    return [key, blank && field !== undefined && coercesNumbers(field) ? Number.NaN : value] as const;
  });
  return Object.fromEntries(entries);
}

/** Whether a field reads its value as a number by coercion (under defaults, optionals and unions). */
function coercesNumbers(field: z.ZodType): boolean {
  const def = field._zod.def as { type: string; coerce?: boolean; innerType?: z.ZodType; options?: z.ZodType[]; in?: z.ZodType };
  if (def.type === 'number') return def.coerce === true;
  if (def.innerType) return coercesNumbers(def.innerType);
  if (def.type === 'pipe' && def.in) return coercesNumbers(def.in);
  if (def.type === 'union' && def.options) return def.options.some(coercesNumbers);
  return false;
}

const TYPE_MESSAGE = /^must be a number/;

/**
 * An issue in words. A number option's type message (`z.coerce.number({ error: 'must be a
 * number' })`) also labels, in zod 4, its range and whole-number checks that carry no message of
 * their own: those say what the check wants instead (`--port -1` must be at least 0, not "a number").
 */
function problemOf(issue: z.core.$ZodIssue): string {
  const inherited = TYPE_MESSAGE.test(issue.message);
  if (inherited && issue.code === 'too_small') return issue.inclusive ? `must be at least ${String(issue.minimum)}` : `must be more than ${String(issue.minimum)}`;
  if (inherited && issue.code === 'too_big') return issue.inclusive ? `must be at most ${String(issue.maximum)}` : `must be less than ${String(issue.maximum)}`;
  if (inherited && issue.code === 'invalid_type' && issue.expected === 'int') return 'must be a whole number';
  return issueText(issue.message);
}

/** `--jobs N`: a whole number from 1 to 256. */
export const jobsSchema = z.coerce
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be at least 1' })
  .max(256, { error: 'must be at most 256' });
