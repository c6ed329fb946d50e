/**
 * Posting the CI report where the team reads it: `postCiReport` picks GitHub or GitLab and posts;
 * `postFromEnvironment` is what `sluice ci --post` calls, and decides what a posting failure does
 * to the job: nothing to its exit code (see docs/ci-integration.md).
 */
import { z } from 'zod';
import { isAppError, type AppError } from '../../core/index.js';
import type { CiResult } from '../ci-result.js';
import { postEnvironmentInvalid } from './errors.js';
import { postToGithub } from './github.js';
import { postToGitlab } from './gitlab.js';
import { POST_PROVIDERS, type PostOutcome, type PostProvider, type PostRequest } from './post-types.js';

/** The provider `auto` stands for in this environment: GitHub Actions, GitLab CI, or none. */
export function detectProvider(env: NodeJS.ProcessEnv): 'github' | 'gitlab' | undefined {
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  if (env.GITLAB_CI === 'true') return 'gitlab';
  return undefined;
}

const providerSchema = z.enum(POST_PROVIDERS);

/**
 * Posts the report: a comment (GitHub) or note (GitLab) on the pull or merge request, updated in
 * place by later runs, and the commit status `sluice/gate`. Sends nothing, with a note, when there
 * is no token or (`auto`) no known CI environment. Throws a catalogued error when the service
 * refuses (a 403 names the permission the token lacks) or keeps failing after the retries.
 */
export async function postCiReport(request: PostRequest): Promise<PostOutcome> {
  const parsed = providerSchema.safeParse(request.provider);
  if (!parsed.success) throw postEnvironmentInvalid({ provider: 'a CI service', variable: '--post', problem: `must be ${POST_PROVIDERS.join(', ')}` });
  const provider: PostProvider | undefined = parsed.data === 'auto' ? detectProvider(request.env) : parsed.data;
  if (provider === undefined) {
    return { provider: 'none', sent: false, notes: ['Not in GitHub Actions (GITHUB_ACTIONS) nor GitLab CI (GITLAB_CI): the report was not posted.'] };
  }
  return provider === 'github' ? postToGithub(request) : postToGitlab(request);
}

/** What `sluice ci --post` gets back: the outcome, or the error that stopped the posting, and lines to print on stderr. */
export interface PostReport {
  readonly outcome?: PostOutcome | undefined;
  /** The posting's failure; the CI job's exit code stays the gate's (0 or 1) all the same. */
  readonly error?: AppError | undefined;
  /** What happened, one sentence a line, for stderr (a failure reads `warning: …`). */
  readonly lines: readonly string[];
}

/** The outcome in sentences, for the job's log. */
export function describePostOutcome(outcome: PostOutcome): string[] {
  const service = outcome.provider === 'github' ? 'GitHub' : 'GitLab';
  const lines: string[] = [];
  if (outcome.comment) {
    const where = outcome.provider === 'github' ? `pull request #${outcome.comment.number}` : `merge request !${outcome.comment.number}`;
    lines.push(`Report ${outcome.comment.action === 'created' ? 'posted' : 'updated'} on ${where}${outcome.comment.url ? ` (${outcome.comment.url})` : ''}.`);
  }
  if (outcome.status) lines.push(`${service} commit status ${outcome.status.context} on ${outcome.status.sha.slice(0, 12)}: ${outcome.status.state}.`);
  return [...lines, ...outcome.notes];
}

/**
 * Posts `result`'s verdict with its rendered `markdown` report and never throws for a posting
 * failure: the report file is the record, and a comment that could not be written must not turn a
 * passed gate into a failed job, nor hide a blocked one. The failure comes back as `error` and as a
 * `warning:` line. Errors that are not Sluice's (bugs) are thrown.
 */
export async function postFromEnvironment(options: {
  readonly provider: PostProvider;
  readonly result: Pick<CiResult, 'verdict' | 'headline'>;
  readonly markdown: string;
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly fetch?: typeof fetch | undefined;
  readonly retry?: PostRequest['retry'];
  /** The project's folder in its repository ('' or absent at its root). */
  readonly folder?: string | undefined;
}): Promise<PostReport> {
  try {
    const outcome = await postCiReport({
      provider: options.provider,
      markdown: options.markdown,
      verdict: options.result.verdict,
      headline: options.result.headline,
      env: options.env ?? process.env,
      fetch: options.fetch,
      retry: options.retry,
      folder: options.folder,
    });
    return { outcome, lines: describePostOutcome(outcome) };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { error, lines: [`warning: the report was not posted: ${error.toUserMessage()}`] };
  }
}
