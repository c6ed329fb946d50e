/**
 * Stateful fakes of the GitHub and GitLab endpoints the CI report's posting uses, on loopback:
 * comments (notes) kept per pull (merge) request and paged as the real APIs page them, and commit
 * statuses. A test can make the next answers fail (`failNext`) or refuse a path (`forbid`).
 */
import { startFakeApi, type FakeAnswer, type FakeApi, type RecordedRequest } from './fake-api.js';

export interface FakeComment {
  id: number;
  body: string;
  system?: boolean;
}

export interface FakeCiService {
  readonly api: FakeApi;
  /** Comments (GitHub) or notes (GitLab) per pull/merge request number. */
  readonly comments: Map<number, FakeComment[]>;
  /** Bodies of the commit statuses set, in order, with the commit. */
  readonly statuses: { sha: string; body: Record<string, unknown> }[];
  /** Answers the next `count` requests with `status` (a 502 outage, say). */
  failNext(count: number, status: number): void;
  /** Answers every request whose method and path match with 403. */
  forbid(method: string, pathPattern: RegExp): void;
  close(): Promise<void>;
}

interface FakeState {
  comments: Map<number, FakeComment[]>;
  statuses: { sha: string; body: Record<string, unknown> }[];
  failures: { count: number; status: number };
  forbidden: { method: string; path: RegExp }[];
  nextId: number;
}

type Router = (request: RecordedRequest, url: URL, state: FakeState, origin: string) => FakeAnswer;

async function startFake(route: Router): Promise<FakeCiService> {
  const state: FakeState = { comments: new Map(), statuses: [], failures: { count: 0, status: 502 }, forbidden: [], nextId: 1000 };
  const api = await startFakeApi((request, self) => {
    if (state.failures.count > 0) {
      state.failures.count -= 1;
      return { status: state.failures.status, body: { message: 'Server Error' } };
    }
    if (state.forbidden.some((rule) => rule.method === request.method && rule.path.test(request.path))) {
      return { status: 403, body: { message: 'Resource not accessible by integration' } };
    }
    return route(request, new URL(request.path, self.origin), state, self.origin);
  });
  return {
    api,
    comments: state.comments,
    statuses: state.statuses,
    failNext: (count, status) => (state.failures = { count, status }),
    forbid: (method, path) => state.forbidden.push({ method, path }),
    close: () => api.close(),
  };
}

function listOf(state: FakeState, number: number): FakeComment[] {
  if (!state.comments.has(number)) state.comments.set(number, []);
  return state.comments.get(number)!;
}

function page<T>(items: readonly T[], url: URL): { slice: T[]; page: number; last: number } {
  const size = Number(url.searchParams.get('per_page') ?? 30);
  const current = Number(url.searchParams.get('page') ?? 1);
  return { slice: items.slice((current - 1) * size, current * size), page: current, last: Math.max(1, Math.ceil(items.length / size)) };
}

const githubRoutes: Router = (request, url, state, origin) => {
  const body = request.body as { body?: string } | undefined;
  let match = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname);
  if (match && request.method === 'GET') {
    const { slice, page: current, last } = page(listOf(state, Number(match[1])), url);
    const next = new URL(url);
    next.searchParams.set('page', String(current + 1));
    const headers: Record<string, string> = current < last ? { link: `<${next.href}>; rel="next", <${origin}/last>; rel="last"` } : {};
    return { status: 200, body: slice, headers };
  }
  if (match && request.method === 'POST') {
    const comment = { id: state.nextId++, body: body?.body ?? '' };
    listOf(state, Number(match[1])).push(comment);
    return { status: 201, body: { ...comment, html_url: `${origin}/pull/${match[1]}#issuecomment-${comment.id}` } };
  }
  match = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname);
  if (match && request.method === 'PATCH') {
    const comment = [...state.comments.values()].flat().find((candidate) => candidate.id === Number(match![1]));
    if (!comment) return { status: 404, body: { message: 'Not Found' } };
    comment.body = body?.body ?? '';
    return { status: 200, body: comment };
  }
  match = /^\/repos\/[^/]+\/[^/]+\/statuses\/([0-9a-f]{40})$/.exec(url.pathname);
  if (match && request.method === 'POST') {
    state.statuses.push({ sha: match[1]!, body: request.body as Record<string, unknown> });
    return { status: 201, body: { id: state.nextId++, ...(request.body as object) } };
  }
  return { status: 404, body: { message: 'Not Found' } };
};

const gitlabRoutes: Router = (request, url, state) => {
  const body = request.body as { body?: string } | undefined;
  let match = /^\/api\/v4\/projects\/\d+\/merge_requests\/(\d+)\/notes$/.exec(url.pathname);
  if (match && request.method === 'GET') {
    const { slice, page: current, last } = page(listOf(state, Number(match[1])), url);
    return { status: 200, body: slice, headers: { 'x-next-page': current < last ? String(current + 1) : '' } };
  }
  if (match && request.method === 'POST') {
    const note = { id: state.nextId++, body: body?.body ?? '', system: false };
    listOf(state, Number(match[1])).push(note);
    return { status: 201, body: note };
  }
  match = /^\/api\/v4\/projects\/\d+\/merge_requests\/(\d+)\/notes\/(\d+)$/.exec(url.pathname);
  if (match && request.method === 'PUT') {
    const note = listOf(state, Number(match[1])).find((candidate) => candidate.id === Number(match![2]));
    if (!note) return { status: 404, body: { message: '404 Not found' } };
    note.body = body?.body ?? '';
    return { status: 200, body: note };
  }
  match = /^\/api\/v4\/projects\/\d+\/statuses\/([0-9a-f]{40})$/.exec(url.pathname);
  if (match && request.method === 'POST') {
    state.statuses.push({ sha: match[1]!, body: request.body as Record<string, unknown> });
    return { status: 201, body: { id: state.nextId++ } };
  }
  return { status: 404, body: { message: '404 Not found' } };
};

/** A fake of GitHub's REST API (issue comments with Link pagination, commit statuses). */
export function startFakeGithub(): Promise<FakeCiService> {
  return startFake(githubRoutes);
}

/** A fake of GitLab's REST API v4 under /api/v4 (merge-request notes with X-Next-Page pagination, commit statuses). */
export function startFakeGitlab(): Promise<FakeCiService> {
  return startFake(gitlabRoutes);
}
