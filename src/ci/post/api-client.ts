/**
 * The one HTTP client of the posting: JSON over `fetch`, server errors and dropped connections
 * retried with exponential back-off (p-retry, bounded), other answers returned to the caller,
 * which turns them into catalogued errors with {@link failedRequest}.
 *
 * Requests go only to URLs built from the CI environment's API address; a pagination link to any
 * other origin is refused, so the token is never sent elsewhere.
 */
import pRetry from 'p-retry';
import { postPermissionDenied, postRejected, postUnavailable } from './errors.js';
import type { AppError } from '../../core/index.js';

/** How often and how patiently a request that met a server error is tried again. */
export interface RetryPolicy {
  /** Further attempts after the first (3: at most 4 requests). */
  readonly retries: number;
  /** The wait before the first retry; each next wait doubles. */
  readonly minTimeoutMs: number;
}

/** The default: 4 attempts over about 7 s (1 s, 2 s, 4 s between them). */
export const DEFAULT_RETRY: RetryPolicy = { retries: 3, minTimeoutMs: 1000 };

/** A time limit per request, so a hung connection cannot hold the CI job. */
const REQUEST_TIMEOUT_MS = 30_000;

/** One request: what it is for (`create the pull-request comment`) names it in errors. */
export interface ApiRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  readonly url: URL;
  readonly action: string;
  readonly body?: unknown;
}

/** A response that was not a server error: its status, headers and parsed JSON body. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

export interface ApiClientOptions {
  /** `GitHub` or `GitLab`, for messages. */
  readonly provider: string;
  /** The API's base URL; every request must be under its origin. */
  readonly baseUrl: URL;
  /** Headers sent with every request (authentication, media type). */
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch: typeof fetch;
  readonly retry: RetryPolicy;
}

/** Sends JSON requests to one API with retries. */
export interface ApiClient {
  send(request: ApiRequest): Promise<ApiResponse>;
  /** Turns an answer the caller cannot use into the error to raise; `permission` names what a 403 lacks. */
  failure(request: ApiRequest, response: ApiResponse, permission: string): AppError;
}

class ServerError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The API's own explanation of a refusal (`message` in both APIs), shortened for one line. */
function problemOf(body: unknown): string {
  const message = typeof body === 'object' && body !== null && 'message' in body ? (body as { message: unknown }).message : body;
  const text = typeof message === 'string' ? message : JSON.stringify(message ?? 'no explanation given');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** A client for one API (GitHub's or GitLab's), sending only under `options.baseUrl`'s origin. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const attempts = options.retry.retries + 1;
  const attempt = async (request: ApiRequest): Promise<ApiResponse> => {
    const response = await options.fetch(request.url, {
      method: request.method,
      headers: { ...options.headers, ...(request.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: request.body === undefined ? null : JSON.stringify(request.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      redirect: 'error',
    });
    if (response.status >= 500 || response.status === 429) {
      await response.body?.cancel();
      throw new ServerError(response.status);
    }
    return { status: response.status, headers: response.headers, body: await readBody(response) };
  };
  return {
    async send(request) {
      if (request.url.origin !== options.baseUrl.origin) {
        throw postRejected({ provider: options.provider, action: request.action, status: 0, problem: `it pointed to ${request.url.origin}, outside the API at ${options.baseUrl.origin}` });
      }
      try {
        return await pRetry(() => attempt(request), {
          retries: options.retry.retries,
          minTimeout: options.retry.minTimeoutMs,
          factor: 2,
          randomize: false,
          // attempt() throws only for a server error, a time-out or a network failure (p-retry gives up at once on other TypeErrors).
        });
      } catch (error) {
        // fetch says only "fetch failed": the address and the socket's reason (ECONNREFUSED, ENOTFOUND) say what is wrong.
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const problem =
          error instanceof ServerError ? `the last answer was ${error.message}` : `${request.url.origin} did not answer (${cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))})`;
        throw postUnavailable({ provider: options.provider, action: request.action, attempts, problem }, { cause: error });
      }
    },
    failure(request, response, permission) {
      const args = { provider: options.provider, action: request.action, status: response.status };
      if (response.status === 403) return postPermissionDenied({ ...args, permission });
      return postRejected({ ...args, problem: problemOf(response.body) });
    },
  };
}
