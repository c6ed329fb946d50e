/**
 * Page tokens as MLflow writes them: base64 of `{"offset": N}`. Clients treat them as opaque,
 * but keeping MLflow's form lets a client switch servers between pages.
 */
import { invalidSearch } from '../errors.js';

export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }).replace(':', ': ')).toString('base64');
}

/** The offset a token stands for; 0 for no token. */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  const fail = (problem: string): never => {
    throw invalidSearch({ what: 'page token', text: token, problem });
  };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) fail('it is not base64');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    fail('it does not decode to JSON');
  }
  const offset = typeof parsed === 'object' && parsed !== null && 'offset' in parsed ? Number(parsed.offset) : Number.NaN;
  if (!Number.isSafeInteger(offset) || offset <= 0) fail('it holds no valid offset');
  return offset;
}
