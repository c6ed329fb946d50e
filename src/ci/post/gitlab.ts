/**
 * Posting to GitLab from a GitLab CI job: one note per merge request (created, or found by the
 * watermark and updated) and the commit status `sluice/gate`. REST API v4, as documented at
 * docs.gitlab.com/api (notes, commits: set the pipeline status of a commit).
 *
 * Tokens: SLUICE_GITLAB_TOKEN or GITLAB_TOKEN (a project, group or personal access token with the
 * `api` scope) is sent as `PRIVATE-TOKEN`; without one, CI_JOB_TOKEN is sent as `JOB-TOKEN`,
 * which GitLab lets reach only a few endpoints: writing notes is not among them on most
 * instances (the answer is then a clear permission error), and commit statuses never are, so
 * with the job token no status is attempted.
 */
import { z } from 'zod';
import { createApiClient, DEFAULT_RETRY, type ApiClient } from './api-client.js';
import { apiUrlSchema, firstSet, parseEnvironment, shaSchema } from './environment.js';
import { commentBody, COMMENT_LIMITS, isReportComment, statusContext, statusDescription } from './report-body.js';
import type { PostedComment, PostedStatus, PostOutcome, PostRequest } from './post-types.js';

/** Access-token variables, in order of preference; CI_JOB_TOKEN is the fallback. */
export const GITLAB_TOKEN_VARIABLES = ['SLUICE_GITLAB_TOKEN', 'GITLAB_TOKEN'] as const;

const gitlabEnvSchema = z.object({
  CI_API_V4_URL: apiUrlSchema,
  CI_PROJECT_ID: z.string().regex(/^\d+$/, { error: 'must be a project id' }),
  CI_COMMIT_SHA: shaSchema,
  CI_MERGE_REQUEST_IID: z.coerce.number().int().positive().optional(),
  CI_PIPELINE_ID: z.coerce.number().int().positive().optional(),
  CI_PIPELINE_URL: z.url().optional(),
});

const PAGE_SIZE = 100;
const API_SCOPE = 'the `api` scope (a project access token with the Reporter role or more, as SLUICE_GITLAB_TOKEN)';

interface GitlabTarget {
  readonly client: ApiClient;
  readonly project: URL;
  /** The Sluice project's folder in the repository ('' at its root): its own note and status. */
  readonly folder: string;
}

async function findReportNote({ client, project, folder }: GitlabTarget, iid: number): Promise<number | undefined> {
  for (let page: string | null = '1'; page; ) {
    const url = new URL(`merge_requests/${iid}/notes?per_page=${PAGE_SIZE}&page=${page}&sort=asc&order_by=created_at`, project);
    const request = { method: 'GET', url, action: `list the notes of merge request !${iid}` } as const;
    const response = await client.send(request);
    if (response.status !== 200 || !Array.isArray(response.body)) throw client.failure(request, response, API_SCOPE);
    const found = ((Array.isArray(response.body) ? response.body : []) as { id?: unknown; body?: unknown; system?: unknown }[]).find((note) => note.system !== true && isReportComment(note.body, folder) && typeof note.id === 'number');
    if (found) return found.id as number;
    page = response.headers.get('x-next-page');
  }
  return undefined;
}

async function upsertNote(target: GitlabTarget, iid: number, markdown: string): Promise<PostedComment> {
  const body = { body: commentBody(markdown, COMMENT_LIMITS.gitlab, target.folder) };
  const existing = await findReportNote(target, iid);
  const request =
    existing === undefined
      ? ({ method: 'POST', url: new URL(`merge_requests/${iid}/notes`, target.project), action: `add a note to merge request !${iid}`, body } as const)
      : ({ method: 'PUT', url: new URL(`merge_requests/${iid}/notes/${existing}`, target.project), action: `update the report note on merge request !${iid}`, body } as const);
  const response = await target.client.send(request);
  if (response.status !== 200 && response.status !== 201) throw target.client.failure(request, response, API_SCOPE);
  // An answer without a body (a proxy, a stub) leaves the id unknown, not the job crashed.
  const answer = (response.body ?? {}) as { id?: unknown };
  return { action: existing === undefined ? 'created' : 'updated', id: typeof answer.id === 'number' ? answer.id : (existing ?? 0), number: iid };
}

async function setStatus(target: GitlabTarget, env: z.output<typeof gitlabEnvSchema>, request: PostRequest): Promise<PostedStatus> {
  const description = statusDescription(request.headline);
  const context = statusContext(target.folder);
  const send = {
    method: 'POST',
    url: new URL(`statuses/${env.CI_COMMIT_SHA}`, target.project),
    action: `set the commit status ${context} on ${env.CI_COMMIT_SHA.slice(0, 12)}`,
    body: {
      state: request.verdict === 'passed' ? 'success' : 'failed',
      name: context,
      description,
      ...(env.CI_PIPELINE_URL ? { target_url: env.CI_PIPELINE_URL } : {}),
      ...(env.CI_PIPELINE_ID ? { pipeline_id: env.CI_PIPELINE_ID } : {}),
    },
  } as const;
  const response = await target.client.send(send);
  if (response.status !== 200 && response.status !== 201) throw target.client.failure(send, response, API_SCOPE);
  return { state: request.verdict === 'passed' ? 'success' : 'failure', context, sha: env.CI_COMMIT_SHA, description };
}

/**
 * Posts the report as a note on the merge request of a merge-request pipeline and sets
 * `sluice/gate` on the commit (with an access token). Without any token nothing is sent.
 */
export async function postToGitlab(request: PostRequest): Promise<PostOutcome> {
  const access = firstSet(request.env, GITLAB_TOKEN_VARIABLES);
  const job = access === undefined ? firstSet(request.env, ['CI_JOB_TOKEN']) : undefined;
  if (access === undefined && job === undefined) {
    return { provider: 'gitlab', sent: false, notes: ['No GitLab token (SLUICE_GITLAB_TOKEN, GITLAB_TOKEN or CI_JOB_TOKEN): nothing was posted.'] };
  }
  const env = parseEnvironment(gitlabEnvSchema, request.env, 'GitLab');
  const client = createApiClient({
    provider: 'GitLab',
    baseUrl: env.CI_API_V4_URL,
    headers: { accept: 'application/json', 'user-agent': 'sluice-ci', ...(access ? { 'private-token': access.value } : { 'job-token': job!.value }) },
    fetch: request.fetch ?? fetch,
    retry: request.retry ?? DEFAULT_RETRY,
  });
  const target = { client, project: new URL(`projects/${encodeURIComponent(env.CI_PROJECT_ID)}/`, env.CI_API_V4_URL), folder: request.folder ?? '' };
  const notes: string[] = [];
  let comment: PostedComment | undefined;
  if (env.CI_MERGE_REQUEST_IID === undefined) notes.push('This is not a merge-request pipeline: no note was written.');
  else comment = await upsertNote(target, env.CI_MERGE_REQUEST_IID, request.markdown);
  let status: PostedStatus | undefined;
  if (access === undefined) notes.push('CI_JOB_TOKEN cannot set commit statuses: set SLUICE_GITLAB_TOKEN (a token with the `api` scope) for the sluice/gate status.');
  else status = await setStatus(target, env, request);
  return { provider: 'gitlab', sent: comment !== undefined || status !== undefined, comment, status, notes };
}
