/**
 * A fake REST API on loopback for tests of the CI report's posting: every request is recorded
 * (method, path with query, headers, JSON body) and answered by the test's handler.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent (`/repos/o/r/issues/7/comments?per_page=100`). */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

export interface FakeAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface FakeApi {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts the fake API on 127.0.0.1 with a random port; `handle` answers each recorded request. */
export async function startFakeApi(handle: (request: RecordedRequest, api: FakeApi) => FakeAnswer): Promise<FakeApi> {
  const requests: RecordedRequest[] = [];
  let api: FakeApi;
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = { method: incoming.method ?? '', path: incoming.url ?? '', headers: incoming.headers, body: text ? JSON.parse(text) : undefined };
      requests.push(recorded);
      const answer = handle(recorded, api);
      outgoing.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      outgoing.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api = {
    origin,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return api;
}

/** A fetch that records the URL of every request before sending it with the global fetch. */
export function recordingFetch(): { fetch: typeof fetch; urls: URL[] } {
  const urls: URL[] = [];
  const wrapped: typeof fetch = (input, init) => {
    urls.push(new URL(input instanceof Request ? input.url : input.toString()));
    return fetch(input, init);
  };
  return { fetch: wrapped, urls };
}
