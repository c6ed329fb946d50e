/**
 * The access log is written off the request path (buffered, asynchronous), yet a graceful stop
 * loses none of it: every answered request has its line on stderr once SIGTERM has stopped the
 * server, for one process and for several workers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { sharedFixture } from '../support/fixtures.js';
import { post, startServe, type ServedProcess } from '../support/serve.js';
import { makeTempDir } from '../support/temp-dir.js';

const REQUESTS = 300;
const CONCURRENCY = 8;

const [header, firstRow] = readFileSync(sharedFixture('breast_cancer', 'test.csv'), 'utf8').trim().split('\n');
const columns = header!.split(',');
const row = Object.fromEntries(
  firstRow!
    .split(',')
    .map((value, k) => [columns[k]!, Number(value)] as const)
    .filter(([name]) => name !== 'target'),
);

const temp = makeTempDir();
const servers: ServedProcess[] = [];
after(async () => {
  for (const server of servers) await server.stop();
  temp.remove();
});

for (const workers of ['1', '2']) {
  test(`after SIGTERM, every answered request has its access-log line (--workers ${workers})`, async () => {
    const server = await startServe(temp.path, [sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), '--workers', workers, '--prediction-log', join(temp.path, `predictions-${workers}`)]);
    servers.push(server);
    const ids = new Set<string>();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS) {
          next++;
          const response = await post(`${server.url}/predict`, { rows: [row] });
          assert.equal(response.status, 200);
          ids.add(response.body.request_id as string);
        }
      }),
    );
    assert.equal(await server.stop(), 0);
    const stderr = server.child.stderr!;
    if (!stderr.readableEnded) await new Promise((resolve) => stderr.once('end', resolve));
    const logged = server
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; request_id?: string; status?: number })
      .filter((line) => line.msg === 'request');
    const loggedIds = new Set(logged.map((line) => line.request_id));
    const missing = [...ids].filter((id) => !loggedIds.has(id));
    assert.deepEqual(missing, [], `${missing.length} of ${ids.size} answered requests have no access-log line`);
    assert.ok(logged.every((line) => line.status === 200));
  });
}
