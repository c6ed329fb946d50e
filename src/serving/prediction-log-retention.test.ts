/** Prediction-log retention: bounded by age and total size, oldest first, never a file being written; the default location. */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { PredictionLog } from './prediction-log.js';
import { applyRetention, defaultPredictionLogDir } from './prediction-log-retention.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-15T12:00:00Z');
/** A pid no process has (above Linux's pid_max). */
const DEAD_PID = 4_194_399;

describe('prediction log retention', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let count = 0;
  before(() => (temp = makeTempDir()));
  after(() => temp.remove());

  /** A fresh directory with log files of `bytes`, last written `ageDays` before NOW. */
  function logDir(files: readonly { name: string; bytes: number; ageDays: number }[]): string {
    const dir = join(temp.path, `dir-${++count}`);
    mkdirSync(dir);
    for (const file of files) {
      writeFileSync(join(dir, file.name), 'x'.repeat(file.bytes));
      const time = new Date(NOW - file.ageDays * DAY);
      utimesSync(join(dir, file.name), time, time);
    }
    return dir;
  }

  test('files last written before the age limit are removed, newer ones kept', () => {
    const dir = logDir([
      { name: `predictions-20260601T000000Z-${DEAD_PID}-0001.jsonl`, bytes: 10, ageDays: 10 },
      { name: `feedback-20260601T000000Z-${DEAD_PID}-0001.jsonl`, bytes: 10, ageDays: 8 },
      { name: `predictions-20260614T000000Z-${DEAD_PID}-0002.jsonl`, bytes: 10, ageDays: 1 },
      { name: 'notes.txt', bytes: 10, ageDays: 30 },
    ]);
    applyRetention(dir, { maxBytes: 1 << 30, maxAgeMs: 7 * DAY }, new Set(), NOW);
    assert.deepEqual(readdirSync(dir).sort(), ['notes.txt', `predictions-20260614T000000Z-${DEAD_PID}-0002.jsonl`]);
  });

  test('beyond the size limit the oldest files go first, and never the file being written', () => {
    const dir = logDir([
      { name: `predictions-20260610T000000Z-${DEAD_PID}-0001.jsonl`, bytes: 400, ageDays: 5 },
      { name: `predictions-20260611T000000Z-${DEAD_PID}-0002.jsonl`, bytes: 400, ageDays: 4 },
      { name: `predictions-20260612T000000Z-${DEAD_PID}-0003.jsonl`, bytes: 400, ageDays: 3 },
      { name: `predictions-20260609T000000Z-${process.pid}-0001.jsonl`, bytes: 400, ageDays: 6 },
    ]);
    applyRetention(dir, { maxBytes: 1000, maxAgeMs: 30 * DAY }, new Set([join(dir, `predictions-20260609T000000Z-${process.pid}-0001.jsonl`)]), NOW);
    assert.deepEqual(readdirSync(dir).sort(), [`predictions-20260609T000000Z-${process.pid}-0001.jsonl`, `predictions-20260612T000000Z-${DEAD_PID}-0003.jsonl`]);
  });

  test('another living process\'s newest file is kept (a worker still writing it), its older ones are not', () => {
    const other = process.ppid;
    const dir = logDir([
      { name: `predictions-20260601T000000Z-${other}-0001.jsonl`, bytes: 10, ageDays: 20 },
      { name: `predictions-20260602T000000Z-${other}-0002.jsonl`, bytes: 10, ageDays: 19 },
    ]);
    applyRetention(dir, { maxBytes: 1 << 30, maxAgeMs: 7 * DAY }, new Set(), NOW);
    assert.deepEqual(readdirSync(dir), [`predictions-20260602T000000Z-${other}-0002.jsonl`]);
  });

  test('a log opened with a retention policy applies it at once', async () => {
    const dir = logDir([{ name: `predictions-20200101T000000Z-${DEAD_PID}-0001.jsonl`, bytes: 10, ageDays: 2000 }]);
    const log = new PredictionLog(dir, { retention: { maxBytes: 1 << 30, maxAgeMs: 7 * DAY } });
    await log.close();
    assert.deepEqual(readdirSync(dir), []);
  });

  test('outside a workspace the log goes under XDG_STATE_HOME, else ~/.local/state', () => {
    assert.equal(defaultPredictionLogDir({ XDG_STATE_HOME: '/var/state', HOME: '/home/ada' }), '/var/state/sluice/predictions');
    assert.equal(defaultPredictionLogDir({ HOME: '/home/ada' }), '/home/ada/.local/state/sluice/predictions');
  });
});
