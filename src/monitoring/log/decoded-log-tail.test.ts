/**
 * A monitor's tail of the log, read pass after pass as the server writes, must give what one read
 * from the stored position gives at each pass: the same records in the same order, the same rows.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { DecodedLogTail } from './decoded-log-tail.js';
import { seenOfRead } from '../../../test/support/decoded-read.js';
import { readDecodedLog, type DecodedLogRead } from './decode-log.js';
import type { ServedSignature } from './logged-rows.js';
import type { LogPosition } from './read-prediction-log.js';

const SIGNATURE: ServedSignature = { features: ['a', 'b'], classes: ['0=no', '1=yes'] };
const ANSWER = '{"label":"1=yes","probabilities":{"0=no":0.25,"1=yes":0.75}}';

const temp = makeTempDir('sluice-log-tail-');
after(() => temp.remove());

/** Request `k` of a worker's file, at millisecond `ms`: plain rows, text cells now and then, a shadow answer, a failure, a damaged line. */
function line(worker: number, k: number, ms: number): string {
  const head = `{"request_id":"w${worker}-${k}","timestamp":"${new Date(Date.UTC(2026, 0, 1) + ms).toISOString()}","model":"m","version":"1","protocol":"predict"`;
  switch (k % 9) {
    case 2:
      return `${head},"inputs":[{"a":"text","b":null}],"outputs":[${ANSWER}]}\n`;
    case 4:
      return `${head},"inputs":[{"a":1,"b":2}],"outputs":[${ANSWER}],"shadow":true}\n`;
    case 6:
      return `${head},"error":{"status":400}}\n`;
    case 8:
      return 'not a record\n';
    default:
      return `${head},"inputs":[{"a":${k},"b":${worker}.5},{"a":-${k},"b":0}],"outputs":[${ANSWER},${ANSWER}],"latency_ms":1.5}\n`;
  }
}

function logDir(name: string): string {
  const dir = join(temp.path, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Two workers' files, `count` requests more each, their times interleaved (equal times across files too). */
function write(dir: string, from: number, count: number): void {
  for (let k = from; k < from + count; k++) {
    appendFileSync(join(dir, 'predictions-20260101T000000Z-1-0001.jsonl'), line(1, k, k * 2));
    appendFileSync(join(dir, 'predictions-20260101T000000Z-2-0001.jsonl'), line(2, k, k * 2 + (k % 3 === 0 ? 0 : 1)));
  }
}

function seen(read: DecodedLogRead): unknown {
  return seenOfRead(read, SIGNATURE);
}

/** The position just past the first `count` records (in read order), as a closed window would store it. */
function positionAfter(read: DecodedLogRead, from: LogPosition, count: number): LogPosition {
  const position: Record<string, number> = { ...from };
  for (let index = 0; index < Math.min(count, read.records.length); index++) {
    const file = read.records.file(index);
    position[file] = Math.max(position[file] ?? 0, read.records.end(index));
  }
  return position;
}

describe('a monitor\'s tail of the prediction log', () => {
  test('each pass sees what one read from the stored position sees, decoding only what was written since', async () => {
    const dir = logDir('passes');
    const tail = new DecodedLogTail(dir, SIGNATURE);
    write(dir, 0, 30);
    const first = await tail.read({});
    assert.deepEqual(seen(first), seen(readDecodedLog(dir, SIGNATURE)));
    write(dir, 30, 20);
    const second = await tail.read({});
    assert.deepEqual(seen(second), seen(readDecodedLog(dir, SIGNATURE)));
    assert.deepEqual(second.position, readDecodedLog(dir, SIGNATURE).position);
    assert.equal(second.skipped, 2 * 2, 'the damaged lines written since the first pass, counted once');
  });

  test('records a closed window covered are dropped and the rest keep their rows, pass after pass', async () => {
    const dir = logDir('windows');
    const tail = new DecodedLogTail(dir, SIGNATURE);
    let position: LogPosition = {};
    for (let pass = 0; pass < 6; pass++) {
      write(dir, pass * 25, 25);
      const read = await tail.read(position);
      assert.deepEqual(seen(read), seen(readDecodedLog(dir, SIGNATURE, position)), `pass ${pass}`);
      // A window closes on the oldest 30 records, as planWindows would store its position.
      position = positionAfter(read, position, 30);
    }
  });

  test('after a window took the arena\'s columns whole (and sorted them), the rows after it are read again', async () => {
    const dir = logDir('taken');
    const tail = new DecodedLogTail(dir, SIGNATURE);
    write(dir, 0, 20);
    const read = await tail.read({});
    // As a window of every row does: the columns are handed over and sorted in place.
    for (let f = 0; f < SIGNATURE.features.length; f++) read.arena.takeColumn(f).values.sort();
    const position = positionAfter(read, {}, 10);
    write(dir, 20, 5);
    assert.deepEqual(seen(await tail.read(position)), seen(readDecodedLog(dir, SIGNATURE, position)));
  });

  test('a position it does not hold (another monitor got further, or the store went back) starts it over from there', async () => {
    const dir = logDir('elsewhere');
    const tail = new DecodedLogTail(dir, SIGNATURE);
    write(dir, 0, 20);
    const read = await tail.read({});
    write(dir, 20, 20);
    const further = readDecodedLog(dir, SIGNATURE).position;
    assert.deepEqual(seen(await tail.read(further)), seen(readDecodedLog(dir, SIGNATURE, further)));
    assert.deepEqual(seen(await tail.read({})), seen(readDecodedLog(dir, SIGNATURE)), 'back to the start');
    assert.ok(read.records.length > 0);
  });

  test('a read that fails after rows were carried over leaves the tail whole for the next pass', async () => {
    const dir = logDir('failed-read');
    const tail = new DecodedLogTail(dir, SIGNATURE);
    write(dir, 0, 20);
    const read = await tail.read({});
    const position = positionAfter(read, {}, 10);
    write(dir, 20, 5);
    // A directory where a log file is expected: reading it fails (as a file removed mid-read would).
    const broken = join(dir, 'predictions-20260101T000000Z-3-0001.jsonl');
    mkdirSync(broken);
    await assert.rejects(tail.read(position));
    rmSync(broken, { recursive: true });
    write(dir, 25, 5);
    assert.deepEqual(seen(await tail.read(position)), seen(readDecodedLog(dir, SIGNATURE, position)));
  });

  test('a line still being written is read once it is whole', async () => {
    const dir = logDir('torn');
    const tail = new DecodedLogTail(dir, SIGNATURE);
    const whole = line(1, 0, 0);
    appendFileSync(join(dir, 'predictions-20260101T000000Z-1-0001.jsonl'), whole.slice(0, 40));
    assert.equal((await tail.read({})).records.length, 0);
    appendFileSync(join(dir, 'predictions-20260101T000000Z-1-0001.jsonl'), whole.slice(40));
    assert.deepEqual(seen(await tail.read({})), seen(readDecodedLog(dir, SIGNATURE)));
  });
});
