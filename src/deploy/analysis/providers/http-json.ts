/**
 * One HTTP request for a metric provider, answered with JSON: Node's fetch, bounded by the
 * metric's timeout, every failure turned into a catalogued error naming the provider and URL.
 */
import { providerBadAnswer, providerStatus, providerUnreachable } from '../errors.js';

/** One provider request. */
export interface HttpJsonRequest {
  readonly provider: 'prometheus' | 'web';
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  readonly timeoutMs: number;
}

/** The longest part of an error body quoted in a message. */
const DETAIL_CHARACTERS = 300;

/** The JSON answer of `request`; throws SLUICE_ANALYSIS_PROVIDER_UNREACHABLE, _STATUS or _BAD_ANSWER. */
export async function fetchJson(request: HttpJsonRequest): Promise<unknown> {
  const { provider, url } = request;
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method ?? 'GET',
      headers: { accept: 'application/json', ...request.headers },
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${request.timeoutMs} ms` : describeFetchFailure(error);
    throw providerUnreachable({ provider, url, reason }, { cause: error });
  }
  const text = await response.text();
  if (!response.ok) throw providerStatus({ provider, url, status: response.status, detail: text.trim().slice(0, DETAIL_CHARACTERS) });
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw providerBadAnswer({ provider, url, problem: `the answer is not JSON (it starts ${JSON.stringify(text.slice(0, 60))})` });
  }
}

/** fetch's TypeError says only "fetch failed"; the system error (ECONNREFUSED, ENOTFOUND) is its cause. */
function describeFetchFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
