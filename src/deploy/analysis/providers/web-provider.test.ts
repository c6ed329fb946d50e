/** The web provider against a real node:http server: methods, headers, JSONPath, errors. */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { providerSchema } from '../../config/analysis-schema.js';
import { webProvider, type WebOptions } from './web-provider.js';

const CONTEXT = { target: { environment: 'e', model: 'bc', stableVersion: '1', candidateVersion: '2', since: 0 }, now: 0 };

describe('the web provider', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ method: string; authorization: string | undefined; body: string }> = [];

  before(async () => {
    server = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ method: request.method!, authorization: request.headers.authorization, body });
        if (request.url === '/fail') return void response.writeHead(503).end('maintenance');
        if (request.url === '/text') return void response.writeHead(200, { 'content-type': 'text/plain' }).end('all good');
        if (request.url === '/slow') return void setTimeout(() => response.end('{}'), 2_000);
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { ok: true, accuracy: 0.97, arms: [{ rate: 0.01 }, { rate: 0.02 }] } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const options = (overrides: Partial<WebOptions>): WebOptions => ({ url: `${base}/status`, method: 'GET', headers: {}, jsonPath: '$', timeout: 5_000, ...overrides });

  test('takes the value at jsonPath from the JSON answer', async () => {
    assert.deepEqual(await webProvider().measure(options({ jsonPath: '$.data.accuracy' }), CONTEXT), { kind: 'value', value: 0.97 });
  });

  test('several matches give a list', async () => {
    assert.deepEqual(await webProvider().measure(options({ jsonPath: '$.data.arms[*].rate' }), CONTEXT), { kind: 'value', value: [0.01, 0.02] });
  });

  test('POSTs the body with the configured headers', async () => {
    await webProvider().measure(options({ method: 'POST', headers: { authorization: 'Bearer t0k' }, body: '{"window":"5m"}', jsonPath: '$.data.ok' }), CONTEXT);
    assert.deepEqual(seen.at(-1), { method: 'POST', authorization: 'Bearer t0k', body: '{"window":"5m"}' });
  });

  test('a jsonPath matching nothing is an error saying so', async () => {
    await assert.rejects(webProvider().measure(options({ jsonPath: '$.data.latency' }), CONTEXT), /jsonPath \$\.data\.latency matches nothing/);
  });

  test('an error status is an error with the status and the start of the body', async () => {
    await assert.rejects(webProvider().measure(options({ url: `${base}/fail` }), CONTEXT), /answered HTTP 503: maintenance/);
  });

  test('an answer that is not JSON is an error', async () => {
    await assert.rejects(webProvider().measure(options({ url: `${base}/text` }), CONTEXT), /is not JSON/);
  });

  test('no answer within the timeout is an error naming the timeout', async () => {
    await assert.rejects(webProvider().measure(options({ url: `${base}/slow`, timeout: 200 }), CONTEXT), /no answer within 200 ms/);
  });

  test('a refused connection is an error naming the system error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(webProvider().measure(options({ url: `http://127.0.0.1:${port}/` }), CONTEXT), /ECONNREFUSED/);
  });

  test('sluice.yaml may give a body only with method POST (fetch cannot send one with GET)', () => {
    const parsed = providerSchema.safeParse({ web: { url: 'http://127.0.0.1/', body: '{}' } });
    assert.ok(!parsed.success);
    assert.equal(parsed.error.issues[0]!.message, 'a body is sent only with method: POST');
  });
});
