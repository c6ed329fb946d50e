/**
 * The HTTP client of a team's Sluice server: its JSON APIs (MLflow's REST API 2.0 and Sluice's
 * /api/sluice/v1), proxied artifact downloads and uploads. Requests carry the bearer token, time
 * out, and are retried with exponential back-off (ky) on connection failures and 5xx answers;
 * a POST, which may not be idempotent, only when the connection failed or the server said it is
 * unavailable (503). The server's error bodies (`sluice_code`, `message`, `hint`) become the same
 * catalogued errors the local services throw, so messages and exit codes match.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import ky, { HTTPError, TimeoutError, type KyInstance, type Options } from 'ky';
import { AppError, errorCatalogue, type ErrorKind } from '../core/index.js';
import { invalidServerUrl, serverUnreachable, unexpectedServerAnswer } from './errors.js';

/** A JSON object as the server sends and takes it. */
export type Json = Record<string, unknown>;

/** Query values: repeated keys for lists, absent values left out. */
export type Query = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

export interface ServerClientOptions {
  /** The server's base URL (http or https). */
  readonly url: string;
  /** Where the URL came from, named when it is malformed. */
  readonly from?: string | undefined;
  /** A bearer token (SLUICE_TOKEN). */
  readonly token?: string | undefined;
  /** Per request, until the answer's headers (default 30 s). */
  readonly timeoutMs?: number | undefined;
  /** Retries after the first attempt (default 3: 0.3 s, 0.6 s, 1.2 s apart). */
  readonly retries?: number | undefined;
}

/** How long `ping` waits for /health before calling the server unreachable. */
const PING_TIMEOUT_MS = 5000;

/** The kind of an error the server reported with an HTTP status only (no catalogued code this client knows). */
const KIND_BY_STATUS: Readonly<Record<number, ErrorKind>> = {
  400: 'invalid_input',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  415: 'unsupported_media_type',
  422: 'check_failed',
  503: 'unavailable',
};

/** The kind of an MLflow error code, where the status says less (MLflow answers several kinds with 400). */
const KIND_BY_MLFLOW_CODE: Readonly<Record<string, ErrorKind>> = {
  RESOURCE_ALREADY_EXISTS: 'already_exists',
  INVALID_STATE: 'conflict',
  RESOURCE_DOES_NOT_EXIST: 'not_found',
  PERMISSION_DENIED: 'permission_denied',
  UNAUTHENTICATED: 'unauthenticated',
};

/** The reason a request got no answer, in words (connection refused, reset, DNS). */
function networkReason(error: unknown): string | undefined {
  if (error instanceof TimeoutError) return 'no answer in time';
  if (!(error instanceof TypeError)) return undefined;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code === 'ECONNREFUSED') return 'connection refused (is the server running?)';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection was reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  return code ?? (typeof cause?.message === 'string' ? cause.message : error.message);
}

/** Checks and normalises a server URL (no trailing slash). */
export function parseServerUrl(url: string, from = 'SLUICE_SERVER_URL'): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidServerUrl({ url, from });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalidServerUrl({ url, from });
  return parsed.href.replace(/\/+$/, '');
}

/** One team server's HTTP client: JSON calls, file downloads and uploads, each failure as a catalogued error. */
export class ServerClient {
  /** The server's base URL, as error messages name it. */
  readonly url: string;
  private readonly http: KyInstance;
  private readonly token: string | undefined;

  constructor(options: ServerClientOptions) {
    this.url = parseServerUrl(options.url, options.from);
    this.token = options.token;
    this.http = ky.create({
      prefixUrl: this.url,
      timeout: options.timeoutMs ?? 30_000,
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      retry: {
        limit: options.retries ?? 3,
        methods: ['get', 'put', 'head', 'delete', 'post', 'patch'],
        statusCodes: [500, 502, 503, 504],
        retryOnTimeout: true,
        backoffLimit: 3000,
        shouldRetry: ({ error }) => {
          const method = error instanceof HTTPError ? error.request.method : undefined;
          if (error instanceof HTTPError) return method === 'POST' || method === 'PATCH' ? error.response.status === 503 : undefined;
          // No answer at all: nothing was done, so any request may be sent again.
          return networkReason(error) !== undefined ? true : undefined;
        },
      },
    });
  }

  /** Fails with SLUICE_REMOTE_UNREACHABLE unless the server answers /health (one retry). */
  async ping(): Promise<void> {
    try {
      const text = await this.http.get('health', { timeout: PING_TIMEOUT_MS, retry: { limit: 1, retryOnTimeout: true } }).text();
      if (text.trim() !== 'OK') throw unexpectedServerAnswer({ url: this.url, status: 200, reason: `/health said "${text.slice(0, 60)}"` });
    } catch (error) {
      throw await this.mapError(error);
    }
  }

  /** GET a JSON endpoint. */
  get(path: string, query: Query = {}): Promise<Json> {
    return this.json(path, { method: 'get', searchParams: searchParams(query) });
  }

  /** POST (or PATCH, DELETE) a JSON body. */
  send(method: 'post' | 'patch' | 'delete', path: string, body: Json): Promise<Json> {
    return this.json(path, { method, json: body });
  }

  /** A file's bytes (an artifact download), with its response headers. */
  async download(path: string): Promise<{ readonly headers: Headers; readonly stream: Readable }> {
    try {
      const response = await this.http.get(relative(path), { timeout: false });
      if (!response.body) throw unexpectedServerAnswer({ url: this.url, status: response.status, reason: 'the download had no body' });
      return { headers: response.headers, stream: Readable.fromWeb(response.body as import('node:stream/web').ReadableStream) };
    } catch (error) {
      throw await this.mapError(error);
    }
  }

  /** The headers of a file, or undefined when the server has no file there. */
  async head(path: string): Promise<Headers | undefined> {
    try {
      return (await this.http.head(relative(path))).headers;
    } catch (error) {
      if (error instanceof HTTPError && error.response.status === 404) return undefined;
      throw await this.mapError(error);
    }
  }

  /** PUTs a local file, streamed; sent again from its start after a connection failure. */
  async upload(path: string, file: string): Promise<void> {
    const attempts = 3;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const body = Readable.toWeb(createReadStream(file)) as unknown as ReadableStream<Uint8Array>;
        await this.http.put(relative(path), { body, timeout: false, retry: 0, headers: { 'content-type': 'application/octet-stream' } });
        return;
      } catch (error) {
        if (attempt >= attempts || networkReason(error) === undefined) throw await this.mapError(error);
        await new Promise((done) => setTimeout(done, 300 * 2 ** (attempt - 1)));
      }
    }
  }

  private async json(path: string, options: Options): Promise<Json> {
    let text: string;
    try {
      text = await this.http(relative(path), options).text();
    } catch (error) {
      throw await this.mapError(error);
    }
    try {
      const value: unknown = text.trim() === '' ? {} : JSON.parse(text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
    } catch {
      // Reported below.
    }
    throw unexpectedServerAnswer({ url: this.url, status: 200, reason: `${path} did not answer a JSON object` });
  }

  /** Any failure as the catalogued error it stands for. */
  private async mapError(error: unknown): Promise<unknown> {
    if (error instanceof AppError) return error;
    if (error instanceof HTTPError) return errorFromAnswer(this.url, error.response);
    const reason = networkReason(error);
    if (reason !== undefined) return serverUnreachable({ url: this.url, reason }, { cause: error, details: { url: this.url, reason } });
    return error;
  }

  /** Whether a token is sent. */
  get authenticated(): boolean {
    return this.token !== undefined;
  }
}

function relative(path: string): string {
  return path.replace(/^\/+/, '');
}

function searchParams(query: Query): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value as readonly string[]) params.append(key, item);
    else params.append(key, String(value));
  }
  return params;
}

/** The server's error body as the catalogued error it names (the same message, hint and exit code as local). */
async function errorFromAnswer(url: string, response: Response): Promise<AppError> {
  const text = await response.text().catch(() => '');
  let body: { sluice_code?: unknown; error_code?: unknown; message?: unknown; hint?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not Sluice's answer: reported below.
  }
  if (typeof body.message !== 'string') {
    if (response.status >= 500) {
      const reason = `it answered ${response.status} ${response.statusText}`;
      return serverUnreachable({ url, reason }, { details: { url, reason } });
    }
    return unexpectedServerAnswer({ url, status: response.status, reason: text.slice(0, 120) || response.statusText });
  }
  const code = typeof body.sluice_code === 'string' ? body.sluice_code : undefined;
  const kind: ErrorKind = (code && errorCatalogue().get(code)?.kind) || KIND_BY_MLFLOW_CODE[String(body.error_code)] || KIND_BY_STATUS[response.status] || 'internal';
  return new AppError(code ?? 'SLUICE_REMOTE_BAD_ANSWER', kind, body.message, { hint: typeof body.hint === 'string' ? body.hint : undefined });
}
