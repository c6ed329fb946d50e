/**
 * Pages of search results: `max_results` checked against the search's limits, the page token
 * decoded to an offset, and one row more than a page fetched to know whether another follows.
 */
import { invalidSearch } from '../errors.js';
import type { Page } from '../entities.js';
import { decodePageToken, encodePageToken } from './page-token.js';

export interface PageRequest {
  /** Rows in a page. */
  readonly limit: number;
  readonly offset: number;
}

/** The page a request asks for; `fallback` when `maxResults` is absent, never more than `maximum`. */
export function pageRequest(maxResults: number | undefined, pageToken: string | undefined, limits: { readonly fallback: number; readonly maximum: number }): PageRequest {
  const limit = maxResults ?? limits.fallback;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > limits.maximum) {
    throw invalidSearch({ what: 'max_results', text: String(limit), problem: `it must be a whole number from 1 to ${limits.maximum}` });
  }
  return { limit, offset: decodePageToken(pageToken) };
}

/** Rows fetched with `limit + 1` → the page, with a token when more rows follow. */
export function toPage<T>(rows: readonly T[], request: PageRequest): Page<T> {
  return rows.length > request.limit
    ? { items: rows.slice(0, request.limit), nextPageToken: encodePageToken(request.offset + request.limit) }
    : { items: rows, nextPageToken: undefined };
}
