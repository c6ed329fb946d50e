/** Every stage's log is one file inside its run's log folder, whatever a foreach item put in its name. */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { logFileName } from './stage-processor.js';

const logsDir = '/repo/.sluice/logs/run-1';
const logOf = (stage: string) => join(logsDir, `${logFileName(stage)}.log`);

describe('a stage log file name', () => {
  test('a plain stage name is kept', () => {
    assert.equal(logOf('train'), '/repo/.sluice/logs/run-1/train.log');
    assert.equal(logOf('prepare@1'), '/repo/.sluice/logs/run-1/prepare@1.log');
  });

  test('a foreach item that is a path stays one file in the run folder', () => {
    assert.equal(dirname(logOf('s@data/a.csv')), logsDir);
    assert.equal(dirname(logOf('s@..\\..\\x')), logsDir);
  });

  test('a foreach item climbing out with .. cannot leave the run folder', () => {
    assert.equal(dirname(logOf('s@../../../../../../tmp/evil')), logsDir);
  });

  test('distinct names give distinct files', () => {
    assert.notEqual(logFileName('s@a/b'), logFileName('s@a%2Fb'));
  });
});
