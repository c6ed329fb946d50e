import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { WindowReadiness } from './window-readiness.js';

const temp = makeTempDir('sluice-readiness-');
after(() => temp.remove());

function line(id: number, time: number, shadow = false): string {
  return `{"request_id":"r${id}","timestamp":"${new Date(time).toISOString()}","model":"bc","version":"1","protocol":"predict","inputs":[[1]],"outputs":[0]${shadow ? ',"shadow":true' : ''}}\n`;
}

function logDir(name: string): string {
  const dir = join(temp.path, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('window readiness', () => {
  test('a count window is ready once enough answered lines are written, shadows and a torn last line not counted', () => {
    const dir = logDir('count');
    const readiness = new WindowReadiness(dir);
    const every = { kind: 'predictions' as const, count: 3 };
    appendFileSync(join(dir, 'predictions-a.jsonl'), line(1, 1000) + line(2, 1001, true) + line(3, 1002));
    assert.equal(readiness.ready({}, every, 0), false);
    appendFileSync(join(dir, 'predictions-b.jsonl'), line(4, 1003).slice(0, 20));
    assert.equal(readiness.ready({}, every, 0), false, 'a line without its newline is not counted');
    appendFileSync(join(dir, 'predictions-b.jsonl'), line(4, 1003).slice(20));
    assert.equal(readiness.ready({}, every, 0), true);
  });

  test('lines across the scan\'s 1 MiB chunks are each counted once: answered ones only, failed and shadow ones not', () => {
    const dir = logDir('chunks');
    const padding = 'x'.repeat(900);
    const failed = (id: number) => `{"request_id":"f${id}","timestamp":"1970-01-01T00:00:01.000Z","model":"bc","version":"1","protocol":"predict","note":"${padding}","error":{"status":400}}\n`;
    let text = '';
    let answered = 0;
    for (let k = 0; k < 4000; k++) {
      if (k % 10 === 3) text += failed(k);
      else if (k % 10 === 7) text += line(k, 1000, true);
      else {
        text += line(k, 1000).replace('"inputs":[[1]]', `"inputs":[["${padding}"]]`);
        answered++;
      }
    }
    assert.ok(Buffer.byteLength(text) > 3 * (1 << 20), 'the log spans several chunks');
    appendFileSync(join(dir, 'predictions-a.jsonl'), text);
    assert.equal(new WindowReadiness(dir).ready({}, { kind: 'predictions', count: answered }, 0), true);
    assert.equal(new WindowReadiness(dir).ready({}, { kind: 'predictions', count: answered + 1 }, 0), false);
  });

  test('a moved position starts the count over from there', () => {
    const dir = logDir('moved');
    const readiness = new WindowReadiness(dir);
    const every = { kind: 'predictions' as const, count: 2 };
    const text = line(1, 1000) + line(2, 1001) + line(3, 1002);
    appendFileSync(join(dir, 'predictions-a.jsonl'), text);
    assert.equal(readiness.ready({}, every, 0), true);
    const afterTwo = Buffer.byteLength(line(1, 1000) + line(2, 1001));
    assert.equal(readiness.ready({ 'predictions-a.jsonl': afterTwo }, every, 0), false);
  });

  test('a time window is ready once its span and the flush grace are over', () => {
    const dir = logDir('time');
    const readiness = new WindowReadiness(dir);
    const every = { kind: 'time' as const, ms: 60_000 };
    appendFileSync(join(dir, 'predictions-a.jsonl'), line(1, 61_000) + line(2, 62_000));
    assert.equal(readiness.ready({}, every, 120_000), false);
    assert.equal(readiness.ready({}, every, 125_000), true);
  });
});
