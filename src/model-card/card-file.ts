/**
 * The part of a model card only people can write (Mitchell et al. 2019: intended use, factors,
 * ethical considerations, caveats), kept in `model-card.yaml` beside sluice.yaml and validated.
 */
import { existsSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { readTextFile } from '../core/index.js';
import { invalidCardFile } from './errors.js';

const texts = z.union([z.string().min(1), z.array(z.string().min(1))]).transform((value) => (typeof value === 'string' ? [value] : value));

export const cardFileSchema = z.strictObject({
  intended_use: z
    .strictObject({
      primary_uses: texts.optional(),
      primary_users: texts.optional(),
      out_of_scope: texts.optional(),
    })
    .optional(),
  factors: texts.optional(),
  owners: z.array(z.union([z.string().min(1), z.strictObject({ name: z.string().min(1), contact: z.string().min(1).optional() })])).optional(),
  license: z.string().min(1).optional(),
  ethical_considerations: texts.optional(),
  caveats: texts.optional(),
});
export type CardFile = z.infer<typeof cardFileSchema>;

/** Reads `path`; undefined when it does not exist. Errors name the file and the field. */
export function readCardFile(path: string, shown: string = path): CardFile | undefined {
  if (!existsSync(path)) return undefined;
  const text = readTextFile(path, shown);
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw invalidCardFile({ file: shown, problem: `it is not valid YAML (${(error as Error).message.split('\n')[0]})` }, { cause: error });
  }
  const result = cardFileSchema.safeParse(raw ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join('.') || 'the top level';
    const problem = issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}${issue.path.length ? ` in ${field}` : ''}` : `${field}: ${issue.message}`;
    throw invalidCardFile({ file: shown, problem });
  }
  return result.data;
}
