/**
 * `web`: GET (or POST) a URL and take `result` from its JSON answer at `jsonPath`, as Argo
 * Rollouts' Web provider does. JSONPath is evaluated by jsonpath-plus (its `safe` evaluator for
 * filter expressions, never `eval`): one match gives that value, several a list, none an error.
 */
import { JSONPath } from 'jsonpath-plus';
import { providerBadAnswer } from '../errors.js';
import { fetchJson } from './http-json.js';
import { valueOutcome, type MetricProvider } from './metric-provider.js';

/** The `web:` block of a metric in sluice.yaml (timeout in ms). */
export interface WebOptions {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  readonly jsonPath: string;
  readonly timeout: number;
}

/** The value at `path` in `json`: one match as itself, several as a list. Throws when nothing matches. */
export function valueAtJsonPath(url: string, path: string, json: unknown): unknown {
  let matches: unknown[];
  try {
    matches = JSONPath({ path, json: json as object, wrap: true, eval: 'safe' }) as unknown[];
  } catch (error) {
    throw providerBadAnswer({ provider: 'web', url, problem: `jsonPath ${path} cannot be evaluated: ${(error as Error).message}` });
  }
  if (matches.length === 0) throw providerBadAnswer({ provider: 'web', url, problem: `jsonPath ${path} matches nothing in ${JSON.stringify(json).slice(0, 200)}` });
  return matches.length === 1 ? matches[0] : matches;
}

/** The `web` provider: one HTTP request per measurement. */
export function webProvider(): MetricProvider<WebOptions> {
  return {
    async measure(options) {
      const answer = await fetchJson({ provider: 'web', url: options.url, method: options.method, headers: options.headers, body: options.body, timeoutMs: options.timeout });
      return valueOutcome(valueAtJsonPath(options.url, options.jsonPath, answer));
    },
  };
}
