/**
 * The server's defences, over real HTTP on SQLite and PostgreSQL: tokens and roles, refusing to
 * listen openly beyond loopback, artifact paths that try to leave their root, malformed and
 * mistyped requests, and fifty concurrent writers on one run.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer } from '../../src/http/index.js';
import { jsonClient, rawRequest } from '../support/http-client.js';
import { startTestServer, type TestServer } from '../support/server.js';

const API = '/api/2.0/mlflow';

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`server security on ${backend}`, () => {
    let server: TestServer;
    let admin: ReturnType<typeof jsonClient>;
    let tokens: { reader: string; editor: string };
    let runId: string;
    before(async () => {
      server = await startTestServer({ backend });
      const store = server.services.tokens;
      const adminToken = await store.create({ name: 'ops', role: 'admin', createdBy: 'test' });
      admin = jsonClient(server.url, adminToken.secret);
      tokens = {
        reader: (await store.create({ name: 'dashboard', role: 'reader', createdBy: 'test' })).secret,
        editor: (await store.create({ name: 'ci', role: 'editor', createdBy: 'test' })).secret,
      };
      const run = await admin.post(`${API}/runs/create`, { run_name: 'secured' });
      runId = (run.body.run as { info: { run_id: string } }).info.run_id;
    });
    after(async () => server.close());

    describe('access control', () => {
      test('a request without a token is 401 UNAUTHENTICATED', async () => {
        const response = await jsonClient(server.url).get(`${API}/experiments/get`, { experiment_id: '0' });
        assert.equal(response.status, 401);
        assert.equal(response.body.error_code, 'UNAUTHENTICATED');
        assert.match(response.body.message as string, /no token/);
      });

      test('an unknown token is 401', async () => {
        const response = await jsonClient(server.url, 'slc_not-a-real-token').get(`${API}/experiments/get`, { experiment_id: '0' });
        assert.equal(response.status, 401);
      });

      test('a reader reads and searches but cannot write (403 PERMISSION_DENIED)', async () => {
        const reader = jsonClient(server.url, tokens.reader);
        assert.equal((await reader.get(`${API}/runs/get`, { run_id: runId })).status, 200);
        assert.equal((await reader.post(`${API}/runs/search`, { experiment_ids: ['0'] })).status, 200);
        const write = await reader.post(`${API}/runs/log-parameter`, { run_id: runId, key: 'a', value: '1' });
        assert.equal(write.status, 403);
        assert.equal(write.body.error_code, 'PERMISSION_DENIED');
        assert.match(write.body.message as string, /needs the editor role; this token is a reader/);
        const upload = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/0/${runId}/artifacts/x.txt`, { method: 'PUT', body: 'x', headers: { authorization: `Bearer ${tokens.reader}` } });
        assert.equal(upload.status, 403);
      });

      test('an editor writes but cannot manage tokens', async () => {
        const editor = jsonClient(server.url, tokens.editor);
        // Its own run: the shared one stays as `before` made it for the other tests.
        const run = await editor.post(`${API}/runs/create`, { run_name: 'edited' });
        const id = (run.body.run as { info: { run_id: string } }).info.run_id;
        assert.equal((await editor.post(`${API}/runs/log-parameter`, { run_id: id, key: 'a', value: '1' })).status, 200);
        assert.equal((await editor.post('/api/sluice/v1/tokens', { name: 'x', role: 'admin' })).status, 403);
      });

      test('MLflow clients\' Basic auth works with the token as password', async () => {
        const basic = Buffer.from(`anyone:${tokens.reader}`).toString('base64');
        const response = await jsonClient(server.url).call('GET', `${API}/experiments/get?experiment_id=0`, undefined, { headers: { authorization: `Basic ${basic}` } });
        assert.equal(response.status, 200);
      });

      test('a revoked token stops working', async () => {
        const created = await admin.post('/api/sluice/v1/tokens', { name: 'temporary', role: 'reader' });
        const secret = created.body.secret as string;
        assert.equal((await jsonClient(server.url, secret).get(`${API}/experiments/get`, { experiment_id: '0' })).status, 200);
        await admin.call('DELETE', `/api/sluice/v1/tokens/${(created.body.token as { id: string }).id}`);
        assert.equal((await jsonClient(server.url, secret).get(`${API}/experiments/get`, { experiment_id: '0' })).status, 401);
      });

      test('/health needs no token', async () => {
        assert.equal((await jsonClient(server.url).get('/health')).text, 'OK');
      });
    });

    describe('artifact paths', () => {
      const base = '/api/2.0/mlflow-artifacts/artifacts';
      const auth = () => ({ authorization: `Bearer ${tokens.editor}` });

      for (const [name, path] of [
        ['../', `${base}/0/run/../../../../etc/passwd`],
        ['%2e%2e/', `${base}/0/run/%2e%2e/%2e%2e/%2e%2e/etc/passwd`],
        ['%252e%252e/ (double encoded)', `${base}/0/run/%252e%252e/%252e%252e/etc/passwd`],
        ['an absolute path', `${base}//etc/passwd`],
        ['an encoded absolute path', `${base}/%2Fetc%2Fpasswd`],
        ['a backslash', `${base}/0/run/..%5C..%5Cetc%5Cpasswd`],
      ] as const) {
        test(`a download with ${name} is refused`, async () => {
          const response = await rawRequest(server.url, 'GET', path, undefined, auth());
          assert.equal(response.status, 400);
          assert.match(response.text, /"error_code":"INVALID_PARAMETER_VALUE","message":"Invalid artifact path/);
          assert.doesNotMatch(response.text, /root:/);
        });

        test(`an upload with ${name} is refused and stores nothing`, async () => {
          const response = await rawRequest(server.url, 'PUT', path, 'payload', { ...auth(), 'content-type': 'application/octet-stream' });
          assert.equal(response.status, 400);
          const listing = await jsonClient(server.url, tokens.editor).get('/api/2.0/mlflow-artifacts/artifacts', { path: '' });
          assert.doesNotMatch(listing.text, /etc|passwd/);
        });
      }

      test('a path cannot be a file and a folder at once: an upload under a file, or onto a folder, is refused', async () => {
        const put = (path: string) => rawRequest(server.url, 'PUT', `${base}/clash/run/${path}`, 'x', { ...auth(), 'content-type': 'application/octet-stream' });
        assert.equal((await put('artifacts/a.txt')).status, 200);
        for (const path of ['artifacts/a.txt/b', 'artifacts']) {
          const response = await put(path);
          assert.equal(response.status, 400, path);
          assert.match(response.text, /"error_code":"INVALID_PARAMETER_VALUE","message":"Invalid artifact path/);
        }
        assert.equal((await put('artifacts/a.txt')).status, 200, 'a file is still replaced by a file');
        const listing = await jsonClient(server.url, tokens.editor).get(base, { path: 'clash/run/artifacts' });
        assert.deepEqual((listing.body.files as { path: string; is_dir: boolean }[]).map(({ path, is_dir }) => [path, is_dir]), [['a.txt', false]]);
      });

      test('a symlink planted in the artifact directory is never followed: paths name hashes, not files', async () => {
        const storage = join(server.root, '.sluice', 'artifacts');
        mkdirSync(storage, { recursive: true });
        const link = join(storage, 'escape');
        symlinkSync('/etc', link);
        try {
          const response = await rawRequest(server.url, 'GET', `${base}/escape/passwd`, undefined, auth());
          assert.equal(response.status, 404);
          assert.doesNotMatch(response.text, /root:/);
        } finally {
          rmSync(link); // the shared server's storage is left as this test found it
        }
      });
    });

    describe('malformed requests', () => {
      test('invalid JSON is 400 INVALID_PARAMETER_VALUE, without a stack trace', async () => {
        const response = await admin.call('POST', `${API}/runs/log-batch`, undefined, { headers: { 'content-type': 'application/json' }, rawBody: '{"run_id": "x", ' });
        assert.equal(response.status, 400);
        assert.equal(response.body.error_code, 'INVALID_PARAMETER_VALUE');
        assert.match(response.body.message as string, /not valid JSON/);
        assert.doesNotMatch(response.text, /at .*\.js:\d+/);
      });

      test('a wrong type names the field and the type, as MLflow does', async () => {
        const response = await admin.post(`${API}/experiments/create`, { name: 5 });
        assert.equal(response.status, 400);
        assert.equal(response.body.message, "Invalid value 5 for parameter 'name' supplied: Hint: Value was of type 'int'. See the API docs for more information about request parameters.");
      });

      test('a missing field inside a batch names its path', async () => {
        const response = await admin.post(`${API}/runs/log-batch`, { run_id: runId, metrics: [{ key: 'loss', value: 1 }] });
        assert.equal(response.status, 400);
        assert.match(response.body.message as string, /Missing value for required parameter 'metrics\[0\]\.timestamp'/);
      });

      test('a body that is not an object is refused', async () => {
        const response = await admin.call('POST', `${API}/runs/search`, undefined, { headers: { 'content-type': 'application/json' }, rawBody: '[1, 2]' });
        assert.equal(response.status, 400);
      });

      test('a body over the size limit is 413', async () => {
        const response = await admin.call('POST', `${API}/runs/log-batch`, undefined, { headers: { 'content-type': 'application/json' }, rawBody: JSON.stringify({ run_id: runId, pad: 'x'.repeat(3 * 1024 * 1024) }) });
        assert.equal(response.status, 413);
        assert.equal(response.body.error_code, 'INVALID_PARAMETER_VALUE');
      });

      test('a request that is not valid HTTP, or whose headers are too large, gets the API\'s error shape', async () => {
        const exchange = (bytes: string) =>
          new Promise<string>((resolve, reject) => {
            const { hostname, port } = new URL(server.url);
            const socket = connect(Number(port), hostname, () => socket.end(bytes));
            let answer = '';
            socket.on('data', (chunk) => (answer += String(chunk)));
            socket.on('close', () => resolve(answer));
            socket.on('error', reject);
            socket.setTimeout(5_000, () => socket.destroy(new Error('no answer')));
          });
        const garbage = await exchange('NOT HTTP AT ALL\r\n\r\n');
        assert.match(garbage, /^HTTP\/1\.1 400 Bad Request/);
        const body = JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
        assert.equal(body.sluice_code, 'SLUICE_HTTP_INVALID_REQUEST');
        assert.match(String(body.message), /not valid HTTP/);
        const huge = await exchange(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
        assert.match(huge, /^HTTP\/1\.1 431 /);
        assert.match(huge, /"sluice_code":"SLUICE_HTTP_INVALID_REQUEST"/);
      });

      test('an unknown endpoint is ENDPOINT_NOT_FOUND (404)', async () => {
        const response = await admin.get(`${API}/runs/nope`);
        assert.equal(response.status, 404);
        assert.equal(response.body.error_code, 'ENDPOINT_NOT_FOUND');
      });
    });

    test('fifty concurrent writers to one run over HTTP lose nothing', async () => {
      const editor = jsonClient(server.url, tokens.editor);
      const run = await editor.post(`${API}/runs/create`, { run_name: 'concurrent' });
      const id = (run.body.run as { info: { run_id: string } }).info.run_id;
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, writer) =>
          editor.post(`${API}/runs/log-batch`, {
            run_id: id,
            metrics: Array.from({ length: 20 }, (_, step) => ({ key: 'loss', value: writer * 100 + step, timestamp: 1000 + writer, step })),
            params: [{ key: `writer_${writer}`, value: String(writer) }],
            tags: [{ key: `tag_${writer}`, value: 'x' }],
          }),
        ),
      );
      assert.deepEqual(new Set(responses.map((response) => response.status)), new Set([200]));
      const history = await editor.get(`${API}/metrics/get-history`, { run_id: id, metric_key: 'loss' });
      assert.equal((history.body.metrics as unknown[]).length, 1000);
      const stored = await editor.get(`${API}/runs/get`, { run_id: id });
      const data = (stored.body.run as { data: { params: unknown[]; tags: unknown[]; metrics: { value: number; step: number }[] } }).data;
      assert.equal(data.params.length, 50);
      assert.equal(data.tags.length, 51); // 50 + mlflow.runName
      assert.deepEqual(data.metrics.map((metric) => [metric.step, metric.value]), [[19, 4919]]);
    });
  });
}

describe('listening beyond loopback', () => {
  test('without tokens the server refuses to start, unless --insecure', async () => {
    const server = await startTestServer();
    try {
      await assert.rejects(
        startServer({ services: server.services, host: '0.0.0.0', port: 0, version: 'test', logger: false }),
        (error: Error & { code?: string }) => error.code === 'SLUICE_HTTP_INSECURE_LISTEN' && /without authentication/.test(error.message),
      );
      const insecure = await startServer({ services: server.services, host: '0.0.0.0', port: 0, version: 'test', logger: false, insecure: true });
      await insecure.app.close();
    } finally {
      await server.close();
    }
  });

  test('with a token in the store it starts and requires it', async () => {
    const server = await startTestServer();
    try {
      await server.services.tokens.create({ name: 'ops', role: 'admin', createdBy: 'test' });
      const open = await startServer({ services: server.services, host: '0.0.0.0', port: 0, version: 'test', logger: false });
      try {
        const port = new URL(open.url).port;
        const response = await fetch(`http://127.0.0.1:${port}/api/2.0/mlflow/experiments/get?experiment_id=0`);
        assert.equal(response.status, 401);
      } finally {
        await open.app.close();
      }
    } finally {
      await server.close();
    }
  });
});
