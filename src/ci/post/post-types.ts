/** What a posting is given and what it did; shared by the GitHub and GitLab postings. */
import type { RetryPolicy } from './api-client.js';

/** Where `--post` sends the report; `auto` picks from the environment (GitHub Actions, GitLab CI, or nowhere). */
export const POST_PROVIDERS = ['github', 'gitlab', 'auto'] as const;
export type PostProvider = (typeof POST_PROVIDERS)[number];

/** The report and verdict to post, and the CI environment to read the addresses and token from. */
export interface PostRequest {
  readonly provider: PostProvider;
  /** The Markdown report (the watermark is added here). */
  readonly markdown: string;
  readonly verdict: 'passed' | 'blocked';
  /** The verdict in one line: the commit status' description. */
  readonly headline: string;
  /** The CI job's environment (`process.env`): API address, repository, pull request, token. */
  readonly env: NodeJS.ProcessEnv;
  /** The fetch to send with; the global one by default (tests wrap it to record every request). */
  readonly fetch?: typeof fetch | undefined;
  /** Retries of server errors; {@link DEFAULT_RETRY} by default. */
  readonly retry?: RetryPolicy | undefined;
  /** The project's folder in its repository ('' or absent at its root): a monorepo's projects each get their own comment and status. */
  readonly folder?: string | undefined;
}

/** The comment (GitHub) or note (GitLab) that holds the report. */
export interface PostedComment {
  /** `updated`: an earlier run's comment (found by the watermark) was replaced, so there is one per pull request. */
  readonly action: 'created' | 'updated';
  readonly id: number;
  /** Where a person reads it, when the API said. */
  readonly url?: string | undefined;
  /** The pull request's number (GitHub) or the merge request's IID (GitLab). */
  readonly number: number;
}

/** The commit status `sluice/gate` (`sluice/gate (FOLDER)` for a project in a folder) that was set. */
export interface PostedStatus {
  readonly state: 'success' | 'failure';
  readonly context: string;
  readonly sha: string;
  readonly description: string;
}

/** What the posting did; `notes` say, in sentences, what was left out and why. */
export interface PostOutcome {
  readonly provider: 'github' | 'gitlab' | 'none';
  /** Whether any request was sent. */
  readonly sent: boolean;
  readonly comment?: PostedComment | undefined;
  readonly status?: PostedStatus | undefined;
  readonly notes: readonly string[];
}
