/**
 * A minimal HTTP client for server tests: JSON in and out through fetch, and raw requests whose
 * path is sent byte for byte (fetch would normalise `..` away before the server saw it).
 */
import { request } from 'node:http';

export interface JsonResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly text: string;
  readonly headers: Headers;
}

export function jsonClient(baseUrl: string, token?: string) {
  async function call(method: string, path: string, body?: unknown, init: { headers?: Record<string, string>; rawBody?: string } = {}): Promise<JsonResponse> {
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers };
    let payload: string | undefined = init.rawBody;
    if (body !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, signal: AbortSignal.timeout(60_000), ...(payload === undefined ? {} : { body: payload }) });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Not JSON (artifact bytes, /health): the text is there.
    }
    return { status: response.status, body: parsed, text, headers: response.headers };
  }
  return {
    call,
    get: (path: string, query: Record<string, string | string[]> = {}) => {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) for (const item of [value].flat()) search.append(key, item);
      const qs = search.toString();
      return call('GET', qs ? `${path}?${qs}` : path);
    },
    post: (path: string, body: unknown) => call('POST', path, body),
    patch: (path: string, body: unknown) => call('PATCH', path, body),
    delete: (path: string, body: unknown) => call('DELETE', path, body),
  };
}

/** Sends a request with exactly this path (no URL normalisation). */
export function rawRequest(baseUrl: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    // Bounded: no answer within 60 s destroys the request, which rejects with the timeout error.
    const req = request({ host: url.hostname, port: url.port, method, path, headers, signal: AbortSignal.timeout(60_000) }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
