/** The prediction log: what is appended is written, files roll near their size, a full buffer drops and counts. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { PredictionLog, type PredictionRecord } from './prediction-log.js';
import { RawJson } from './raw-json.js';

/** mulberry32: a small seeded generator, so a sampled run is the same every time. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const linesOf = (dir: string, series: string) =>
  readdirSync(dir)
    .filter((file) => file.startsWith(`${series}-`))
    .flatMap((file) => readFileSync(join(dir, file), 'utf8').trim().split('\n').filter((line) => line !== ''));

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

  test('a buffer holding its limit in characters drops records and counts them instead of growing', async () => {
    let dropped = 0;
    const log = new PredictionLog(join(temp.path, 'full-characters'), { maxBufferedCharacters: 10_000, onDrop: (count) => (dropped += count) });
    // Each line is about 1 KB: about ten fit, and lines become countable at the end of each turn.
    for (let k = 0; k < 25; k++) {
      log.append(record(k, 'x'.repeat(1000)));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await log.close();
    const written = linesOf(join(temp.path, 'full-characters'), 'predictions').length;
    assert.ok(dropped > 0 && written + dropped === 25, `${written} written, ${dropped} dropped`);
    assert.ok(written <= 11, `${written} lines held at once within 10,000 characters`);
  });

  test('a sample rate keeps about that fraction of predictions (seeded), and every feedback label', async () => {
    const dir = join(temp.path, 'sampled');
    const log = new PredictionLog(dir, { sample: 0.25, random: seeded(42) });
    for (let k = 0; k < 10_000; k++) log.append(record(k));
    for (let k = 0; k < 100; k++) log.appendFeedback({ request_id: `r${k}`, timestamp: '2026-01-01T00:00:01.000Z', label: 1 });
    await log.close();
    const kept = linesOf(dir, 'predictions').length;
    // Binomial(10,000, 0.25): a standard deviation of about 43, so ±200 is over four of them.
    assert.ok(kept > 2300 && kept < 2700, `${kept} of 10,000 kept at a sample of 0.25`);
    assert.equal(linesOf(dir, 'feedback').length, 100);
    assert.ok(log.hasPrediction('r9999'), 'a prediction left out of the log is still one this process answered');
  });

  test('inputs that are still the request\'s JSON text are written as they are, in the same line shape', async () => {
    const dir = join(temp.path, 'raw');
    const log = new PredictionLog(dir);
    log.append({ ...record(1), inputs: new RawJson('[{"x": 1.50, "y": null}]') });
    log.append(record(2));
    await log.close();
    const lines = linesOf(dir, 'predictions');
    assert.ok(lines[0]!.includes('"inputs":[{"x": 1.50, "y": null}]'), lines[0]);
    assert.deepEqual(JSON.parse(lines[0]!), { ...record(1), inputs: [{ x: 1.5, y: null }] });
    assert.equal(lines[1], JSON.stringify(record(2)), 'the keys come in the record\'s order, as JSON.stringify writes them');
  });

  test('a record is serialised after the turn that appended it, not while its request is answered', async () => {
    const log = new PredictionLog(join(temp.path, 'deferred'));
    let serialised = 0;
    log.append({ ...record(1), outputs: { toJSON: () => ++serialised } });
    assert.equal(serialised, 0, 'nothing serialised during append');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(serialised, 1, 'serialised once the turn is over');
    await log.close();
    assert.equal(serialised, 1, 'and only once');
  });

  test('a directory that cannot be written is a clear error', () => {
    assert.throws(() => new PredictionLog('/etc/passwd/predictions'), { code: 'SLUICE_SERVING_LOG_UNWRITABLE' });
  });
});
