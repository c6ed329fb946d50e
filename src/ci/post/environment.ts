/** The CI environment is external input: its variables are checked with zod before anything is sent. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { postEnvironmentInvalid } from './errors.js';

/** Parses the environment's variables with `schema`; the first problem names its variable. */
export function parseEnvironment<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv, provider: string): z.output<S> {
  // An empty variable is as good as an unset one (CI systems set some to '').
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'the environment');
  const problem = issue.code === 'invalid_type' && present[variable] === undefined ? 'is not set' : `is not valid (${issue.message.replace(/^Invalid input: /, '').toLowerCase()})`;
  throw postEnvironmentInvalid({ provider, variable, problem });
}

/** An API base URL: http or https (the tests' servers are on loopback over http). */
export const apiUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((text) => new URL(text.endsWith('/') ? text : `${text}/`));

/** A full commit hash. */
export const shaSchema = z.string().regex(/^[0-9a-f]{40}$/i, { error: 'must be a 40-character commit hash' });

/** The token: the first of `names` that is set, or undefined. */
export function firstSet(env: NodeJS.ProcessEnv, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { name, value: value.trim() };
  }
  return undefined;
}

/** The part of GitHub's event payload the posting reads: the pull request's number and head commit. */
const githubEventSchema = z.looseObject({
  pull_request: z
    .looseObject({
      number: z.number().int().positive(),
      head: z.looseObject({ sha: shaSchema }).optional(),
    })
    .optional(),
});

/** The pull request of the GitHub Actions event at `path`, if the event is one. */
export function readGithubEvent(path: string): { number: number; headSha: string | undefined } | undefined {
  let event: unknown;
  try {
    event = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw postEnvironmentInvalid({ provider: 'GitHub', variable: 'GITHUB_EVENT_PATH', problem: `names a file that cannot be read as JSON (${(error as Error).message})` });
  }
  const result = githubEventSchema.safeParse(event);
  if (!result.success) {
    throw postEnvironmentInvalid({ provider: 'GitHub', variable: 'GITHUB_EVENT_PATH', problem: `names an event whose pull_request is malformed (${result.error.issues[0]!.path.join('.')})` });
  }
  const pull = result.data.pull_request;
  return pull === undefined ? undefined : { number: pull.number, headSha: pull.head?.sha };
}
