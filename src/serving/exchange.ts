/**
 * One inference request over HTTP as the serving path sees it, whichever HTTP adapter received
 * it (the Fastify app, or the fast path of hot-path.ts): its id, its headers (an environment's
 * router reads them), when it arrived, and what the serving path learns while answering it (the
 * model that answered, work left for after the response). gRPC calls have none.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ServedModel } from './served-model.js';

/** A caller's request id is kept (and echoed) when it is one we can log: word characters, `.:-`, 1 to 128 of them. */
const CALLER_ID = /^[\w.:-]{1,128}$/;

/** The request's id: the caller's `X-Request-Id` when usable, so its logs and ours line up; else a new UUID. */
export function requestIdOf(headers: IncomingHttpHeaders): string {
  const given = headers['x-request-id'];
  return typeof given === 'string' && CALLER_ID.test(given) ? given : randomUUID();
}

export class Exchange {
  /** The model that answered, once known (for the metrics, the access log and the version header). */
  served: ServedModel | undefined;
  /** A version that also runs the request after the response (an environment's shadow). */
  shadow: ServedModel | undefined;
  private after: (() => void) | undefined;

  constructor(
    readonly id: string,
    readonly headers: IncomingHttpHeaders,
    /** `performance.now()` when the request arrived. */
    private readonly startedAt: number,
  ) {}

  /** Milliseconds since the request arrived. */
  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  /** Leaves work for after the response is sent (replacing any left before). */
  leaveForAfterResponse(work: () => void): void {
    this.after = work;
  }

  /** Runs the work left for after the response, once. */
  runAfterResponse(): void {
    const work = this.after;
    this.after = undefined;
    work?.();
  }
}

const EXCHANGE = Symbol('exchange');

type WithExchange = { [EXCHANGE]?: Exchange };

/** A Fastify request, as far as its exchange needs. */
interface AppRequest {
  readonly id: unknown;
  readonly headers: IncomingHttpHeaders;
}

/** Makes the exchange of a Fastify request as it arrives (`startedAt` as {@link Exchange} takes it). */
export function attachExchange(request: AppRequest, startedAt: number): Exchange {
  const exchange = new Exchange(String(request.id), request.headers, startedAt);
  (request as WithExchange)[EXCHANGE] = exchange;
  return exchange;
}

/** The exchange of a Fastify request (made now if the app's onRequest hook never ran for it, as for a request refused while closing). */
export function exchangeOf(request: AppRequest): Exchange {
  return (request as WithExchange)[EXCHANGE] ?? attachExchange(request, performance.now());
}
