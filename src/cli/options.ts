/** Command-line options are external input too: validated with zod, types derived from the schemas. */
import { z } from 'zod';
import { invalidOption } from './errors.js';

export { invalidOption };

/** Parses commander's option object; the first problem becomes a one-line error. */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown, command: string): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const option = issue.path.length > 0 ? `--${String(issue.path[0]).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}` : 'options';
  throw invalidOption({ command, problem: `${option} ${issue.message.replace(/^Invalid input: /, '').toLowerCase()}` });
}

/** `--jobs N`: a whole number from 1 to 256. */
export const jobsSchema = z.coerce
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be at least 1' })
  .max(256, { error: 'must be at most 256' });
