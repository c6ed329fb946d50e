/**
 * Request bodies kept as the JSON text they came as, so the prediction log can write a request's
 * inputs without serialising again what the client already serialised (for a 100-row body,
 * JSON.stringify costs about twice the parse). Fastify's own JSON parser still parses (and still
 * refuses `__proto__` and `constructor` poisoning); this only remembers its input text.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * JSON text written as it is wherever a value is expected (see the prediction log's lines). Given
 * as a function, the text is made on first use: the log makes its lines after the responses are
 * written, and not at all for a record sampling drops.
 */
export class RawJson {
  private made: string | undefined;

  constructor(private readonly source: string | (() => string)) {}

  get text(): string {
    this.made ??= typeof this.source === 'string' ? this.source : this.source();
    return this.made;
  }
}

const RAW_BODY = Symbol('raw JSON body');

type WithRawBody = FastifyRequest & { [RAW_BODY]?: string };

/** Parses `application/json` bodies with Fastify's default parser, remembering their text. */
export function keepJsonBodyText(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    (request as WithRawBody)[RAW_BODY] = body as string;
    parse(request, body as string, done);
  });
}

/**
 * JSON-lines needs one line per value: outside strings a newline is only whitespace (inside one
 * it must be escaped), so it can become a space without changing the value.
 */
function oneLine(text: string): string {
  return text.includes('\n') || text.includes('\r') ? text.replace(/[\r\n]/g, ' ') : text;
}

/** The whole body's JSON text (undefined for a body that was not JSON). */
export function rawBodyOf(request: FastifyRequest): RawJson | undefined {
  const text = bodyTextOf(request);
  // trim() also drops a byte-order mark, which JSON.parse tolerates at the start only.
  return text === undefined ? undefined : new RawJson(oneLine(text.trim()));
}

/** The JSON text of a request's body, as the app's JSON parser received it (undefined for a body that was not JSON). */
export function bodyTextOf(request: FastifyRequest): string | undefined {
  return (request as WithRawBody)[RAW_BODY];
}

const OPENINGS = new Map<string, RegExp>();

/** `{"key":` at the start of a body (made once per key: the routes ask on every request). */
function openingOf(key: string): RegExp {
  let opening = OPENINGS.get(key);
  if (!opening) OPENINGS.set(key, (opening = new RegExp(`^\\s*\\{\\s*"${key.replace(/[^\w]/g, '\\$&')}"\\s*:`)));
  return opening;
}

/**
 * The JSON text of `key`'s value in a body (`text`, parsed as `body`) that is an object with that
 * one member, e.g. the rows of `{"rows": [...]}`; undefined when it cannot be cut out with
 * certainty (the caller then serialises the parsed value). A second `"key"` anywhere (a duplicate
 * member, which JSON.parse resolves to the last) or any \u escape (which could spell the key
 * otherwise) gives up.
 */
export function rawMember(text: string | undefined, body: unknown, key: string): RawJson | undefined {
  if (text === undefined || body === null || typeof body !== 'object') return undefined;
  let members = 0;
  for (const name in body) if (Object.hasOwn(body, name) && ++members > 1) return undefined;
  if (members !== 1 || !Object.hasOwn(body, key)) return undefined;
  const quoted = `"${key}"`;
  const opening = openingOf(key).exec(text);
  const end = text.lastIndexOf('}');
  if (!opening || end < 0 || text.slice(end + 1).trim() !== '') return undefined;
  const start = opening[0].length;
  if (text.indexOf(quoted, start) !== -1 || text.indexOf('\\u') !== -1) return undefined;
  return new RawJson(oneLine(text.slice(start, end).trim()));
}
