/**
 * Posting to GitHub from a GitHub Actions job: one comment per pull request (created, or found by
 * the watermark and updated) and the commit status `sluice/gate`. REST API, as documented at
 * docs.github.com/rest (issue comments, commit statuses).
 */
import { z } from 'zod';
import { createApiClient, DEFAULT_RETRY, type ApiClient } from './api-client.js';
import { apiUrlSchema, firstSet, parseEnvironment, readGithubEvent, shaSchema } from './environment.js';
import { commentBody, COMMENT_LIMITS, isReportComment, statusContext, statusDescription } from './report-body.js';
import type { PostedComment, PostedStatus, PostOutcome, PostRequest } from './post-types.js';

/** The variables a token may come from, in order of preference. */
export const GITHUB_TOKEN_VARIABLES = ['SLUICE_GITHUB_TOKEN', 'GITHUB_TOKEN'] as const;

const githubEnvSchema = z.object({
  GITHUB_API_URL: apiUrlSchema.default(new URL('https://api.github.com/')),
  GITHUB_REPOSITORY: z.string({ error: 'must be set' }).regex(/^[\w.-]+\/[\w.-]+$/, { error: 'must read OWNER/REPO' }),
  GITHUB_SHA: shaSchema,
  GITHUB_EVENT_PATH: z.string().optional(),
  GITHUB_SERVER_URL: z.url().optional(),
  GITHUB_RUN_ID: z.string().regex(/^\d+$/).optional(),
});

/** The page size of the comment listing (GitHub's maximum). */
const PAGE_SIZE = 100;

/** The `rel="next"` URL of a Link header, if any. */
function nextLink(header: string | null): URL | undefined {
  const match = header?.split(',').find((part) => /rel="next"/.test(part))?.match(/<([^>]+)>/);
  return match ? new URL(match[1]!) : undefined;
}

interface GithubTarget {
  readonly client: ApiClient;
  readonly api: URL;
  readonly repository: string;
  /** The project's folder in the repository ('' at its root): its own comment and status. */
  readonly folder: string;
}

/** The first comment of the pull request that an earlier run wrote, following the pages. */
async function findReportComment({ client, api, repository, folder }: GithubTarget, pull: number): Promise<number | undefined> {
  let url: URL | undefined = new URL(`repos/${repository}/issues/${pull}/comments?per_page=${PAGE_SIZE}`, api);
  while (url !== undefined) {
    const request = { method: 'GET', url, action: `list the comments of pull request #${pull}` } as const;
    const response = await client.send(request);
    if (response.status !== 200 || !Array.isArray(response.body)) throw client.failure(request, response, '`pull-requests: read`');
    const found = ((Array.isArray(response.body) ? response.body : []) as { id?: unknown; body?: unknown }[]).find((comment) => isReportComment(comment.body, folder) && typeof comment.id === 'number');
    if (found) return found.id as number;
    url = nextLink(response.headers.get('link'));
  }
  return undefined;
}

async function upsertComment(target: GithubTarget, pull: number, markdown: string): Promise<PostedComment> {
  const { client, api, repository } = target;
  const body = { body: commentBody(markdown, COMMENT_LIMITS.github, target.folder) };
  const existing = await findReportComment(target, pull);
  const request =
    existing === undefined
      ? ({ method: 'POST', url: new URL(`repos/${repository}/issues/${pull}/comments`, api), action: `comment on pull request #${pull}`, body } as const)
      : ({ method: 'PATCH', url: new URL(`repos/${repository}/issues/comments/${existing}`, api), action: `update the report comment on pull request #${pull}`, body } as const);
  const response = await client.send(request);
  if (response.status !== 200 && response.status !== 201) throw client.failure(request, response, '`pull-requests: write`');
  // An answer without a body (a proxy, a stub) leaves the id unknown, not the job crashed.
  const answer = (response.body ?? {}) as { id?: unknown; html_url?: unknown };
  return {
    action: existing === undefined ? 'created' : 'updated',
    id: typeof answer.id === 'number' ? answer.id : (existing ?? 0),
    url: typeof answer.html_url === 'string' ? answer.html_url : undefined,
    number: pull,
  };
}

async function setStatus(target: GithubTarget, sha: string, verdict: PostRequest['verdict'], headline: string, targetUrl: string | undefined): Promise<PostedStatus> {
  const state = verdict === 'passed' ? 'success' : 'failure';
  const description = statusDescription(headline);
  const context = statusContext(target.folder);
  const request = {
    method: 'POST',
    url: new URL(`repos/${target.repository}/statuses/${sha}`, target.api),
    action: `set the commit status ${context} on ${sha.slice(0, 12)}`,
    body: { state, context, description, ...(targetUrl ? { target_url: targetUrl } : {}) },
  } as const;
  const response = await target.client.send(request);
  if (response.status !== 201 && response.status !== 200) throw target.client.failure(request, response, '`statuses: write`');
  return { state, context, sha, description };
}

/**
 * Posts the report to the pull request of the GitHub Actions event (when the event is a pull
 * request) and sets `sluice/gate` on the commit: the pull request's head commit, which is the one
 * GitHub shows the status on (GITHUB_SHA of a pull_request event is a merge commit), else GITHUB_SHA.
 * Without a token nothing is sent.
 */
export async function postToGithub(request: PostRequest): Promise<PostOutcome> {
  const token = firstSet(request.env, GITHUB_TOKEN_VARIABLES);
  if (token === undefined) {
    return {
      provider: 'github',
      sent: false,
      notes: ['No GitHub token: nothing was posted. Set `GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` in the step\'s env (sluice ci init --provider github does).'],
    };
  }
  const env = parseEnvironment(githubEnvSchema, request.env, 'GitHub');
  const pull = env.GITHUB_EVENT_PATH === undefined ? undefined : readGithubEvent(env.GITHUB_EVENT_PATH);
  const client = createApiClient({
    provider: 'GitHub',
    baseUrl: env.GITHUB_API_URL,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${token.value}`,
      'user-agent': 'sluice-ci',
      'x-github-api-version': '2022-11-28',
    },
    fetch: request.fetch ?? fetch,
    retry: request.retry ?? DEFAULT_RETRY,
  });
  const target = { client, api: env.GITHUB_API_URL, repository: env.GITHUB_REPOSITORY, folder: request.folder ?? '' };
  const notes: string[] = [];
  let comment: PostedComment | undefined;
  if (pull === undefined) notes.push('The event is not a pull request: only the commit status was set.');
  else comment = await upsertComment(target, pull.number, request.markdown);
  const runUrl = env.GITHUB_SERVER_URL && env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL.replace(/\/$/, '')}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
  const status = await setStatus(target, pull?.headSha ?? env.GITHUB_SHA, request.verdict, request.headline, runUrl);
  return { provider: 'github', sent: true, comment, status, notes };
}
