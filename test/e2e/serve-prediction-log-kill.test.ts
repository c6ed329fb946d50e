/**
 * The prediction log survives a SIGKILL mid-load: every line of every file is whole JSON, and no
 * more predictions are logged than were answered (the last unflushed buffer may be lost).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { sharedFixture } from '../support/fixtures.js';
import { exited, pollUntil } from '../support/processes.js';
import { post, startServe, type ServedProcess } from '../support/serve.js';
import { makeTempDir } from '../support/temp-dir.js';

const MAX_REQUESTS = 4_000;
const LOOPS = 4;
/** Answers to wait for before the kill (and the log must have been flushed at least once). */
const KILL_AFTER_ANSWERS = 1_000;

const [header, firstRow] = readFileSync(sharedFixture('breast_cancer', 'test.csv'), 'utf8').trim().split('\n');
const columns = header!.split(',');
const row = Object.fromEntries(
  firstRow!
    .split(',')
    .map((value, k) => [columns[k]!, Number(value)] as const)
    .filter(([name]) => name !== 'target'),
);

const logFiles = (dir: string) => readdirSync(dir).filter((file) => file.startsWith('predictions-')).map((file) => join(dir, file));
const loggedBytes = (dir: string) => logFiles(dir).reduce((sum, file) => sum + statSync(file).size, 0);

let temp: ReturnType<typeof makeTempDir> | undefined;
let server: ServedProcess | undefined;
after(async () => {
  await server?.stop();
  temp?.remove();
});

test('a SIGKILL mid-load leaves no torn line in the prediction log, and no more lines than answers', async (t) => {
  temp = makeTempDir();
  const dir = join(temp.path, 'predictions');
  server = await startServe(temp.path, [sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx'), '--prediction-log', dir, '--quiet']);
  const url = `${server.url}/predict`;
  let sent = 0;
  let answered = 0;
  let killed = false;
  const loop = async () => {
    while (!killed && sent < MAX_REQUESTS) {
      sent++;
      try {
        const response = await post(url, { rows: [row] });
        if (response.status === 200) answered++;
      } catch {
        // Requests in flight at the kill fail: expected.
      }
    }
  };
  let loadOver = false;
  const load = Promise.all(Array.from({ length: LOOPS }, loop)).then(() => (loadOver = true));
  // Kill once the log has been written to and enough answers came, or when the load is over.
  await pollUntil(() => (loadOver || (answered >= KILL_AFTER_ANSWERS && loggedBytes(dir) > 0) ? true : undefined), 'a flushed prediction log under load', 120_000);
  const flushedBeforeKill = loggedBytes(dir) > 0;
  server.child.kill('SIGKILL');
  killed = true;
  const exit = await exited(server.child, 10_000);
  assert.equal(exit.signal, 'SIGKILL');
  await load;

  let lines = 0;
  for (const file of logFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    assert.ok(text === '' || text.endsWith('\n'), `${file} ends with a whole line`);
    for (const line of text.split('\n').filter((candidate) => candidate !== '')) {
      assert.doesNotThrow(() => JSON.parse(line), `a torn line in ${file}: ${line.slice(0, 80)}…`);
      lines++;
    }
  }
  t.diagnostic(`${sent} sent, ${answered} answered, ${lines} lines logged in ${logFiles(dir).length} file(s), flushed before the kill: ${flushedBeforeKill}`);
  assert.ok(lines <= answered, `${lines} lines logged for ${answered} answers`);
  if (flushedBeforeKill) assert.ok(lines > 0, 'what was flushed before the kill is still there');
});
