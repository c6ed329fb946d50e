/** The prediction log: what is appended is written, files roll near their size, a full buffer drops and counts. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { PredictionLog, type PredictionRecord } from './prediction-log.js';

const record = (k: number, payload = ''): PredictionRecord => ({ request_id: `r${k}`, timestamp: '2026-01-01T00:00:00.000Z', model: 'm', version: '1', protocol: 'predict', inputs: [{ x: k, payload }], outputs: [k] });

describe('the prediction log', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => (temp = makeTempDir()));
  after(() => temp.remove());

  test('every record appended is written once, in order; close reports the finished files', async () => {
    const dir = join(temp.path, 'plain');
    const closed: string[] = [];
    const log = new PredictionLog(dir, { onFileClosed: (path) => closed.push(path) });
    for (let k = 0; k < 1000; k++) log.append(record(k));
    log.appendFeedback({ request_id: 'r7', timestamp: '2026-01-01T00:00:01.000Z', label: 1 });
    await log.close();
    const files = readdirSync(dir).sort();
    assert.deepEqual(files.map((file) => file.split('-')[0]), ['feedback', 'predictions']);
    const lines = readFileSync(join(dir, files[1]!), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as PredictionRecord);
    assert.deepEqual(lines.map((line) => line.request_id), Array.from({ length: 1000 }, (_, k) => `r${k}`));
    assert.deepEqual(closed.map((path) => path.split('/').pop()!.split('-')[0]).sort(), ['feedback', 'predictions']);
  });

  test('files roll near their size limit, even within one flush', async () => {
    const dir = join(temp.path, 'rolling');
    const log = new PredictionLog(dir, { maxFileBytes: 6 << 20 });
    const big = 'x'.repeat(1 << 20);
    for (let k = 0; k < 20; k++) log.append(record(k, big));
    await log.close();
    const sizes = readdirSync(dir).map((file) => statSync(join(dir, file)).size);
    assert.ok(sizes.length >= 3, `rolled into ${sizes.length} files`);
    assert.ok(sizes.every((size) => size <= (6 << 20) + (5 << 20)), `no file far beyond the limit: ${sizes.join(', ')}`);
  });

  test('a full buffer drops records and counts them instead of growing', async () => {
    let dropped = 0;
    const log = new PredictionLog(join(temp.path, 'full'), { maxBuffered: 10, onDrop: (count) => (dropped += count) });
    for (let k = 0; k < 25; k++) log.append(record(k));
    assert.equal(dropped, 15);
    await log.close();
  });

  test('a directory that cannot be written is a clear error', () => {
    assert.throws(() => new PredictionLog('/etc/passwd/predictions'), { code: 'SLUICE_SERVING_LOG_UNWRITABLE' });
  });
});
