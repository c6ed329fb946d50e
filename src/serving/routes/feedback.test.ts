/** POST /feedback on an environment: labels join the live window and the feedback log; unknown ids 404 and wrong labels 400, joining nothing. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isAppError } from '../../core/index.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { LiveWindow } from '../live-window.js';
import { PredictionLog } from '../prediction-log.js';
import { joinEnvironmentFeedback } from './feedback.js';

const answer = { kind: 'probabilities' as const, classes: ['0', '1'], rows: [[0.3, 0.7]] };

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return isAppError(error) ? `${error.code}` : String(error);
  }
  return undefined;
}

describe('environment feedback', () => {
  test('one label or a list of them joins, is counted, and is appended to the feedback log', async () => {
    const temp = makeTempDir();
    try {
      const live = new LiveWindow();
      const log = new PredictionLog(temp.path);
      for (const id of ['a', 'b', 'c']) live.recordAnswer(id, '1', answer);
      assert.deepEqual(joinEnvironmentFeedback(live, log, { request_id: 'a', label: 1 }), { joined: 1 });
      assert.deepEqual(joinEnvironmentFeedback(live, log, { feedback: [{ request_id: 'b', label: 0 }, { request_id: 'c', label: '1' }] }), { joined: 2 });
      assert.deepEqual(live.labelled('1', 0).kind === 'classification' && (live.labelled('1', 0) as { labels: string[] }).labels, ['1', '0', '1']);
      await log.close();
      const file = readdirSync(temp.path).find((name) => name.startsWith('feedback-'))!;
      assert.equal(readFileSync(join(temp.path, file), 'utf8').trim().split('\n').length, 3);
    } finally {
      temp.remove();
    }
  });

  test('an unknown request id is a 404 and joins nothing, not even the known entries beside it', () => {
    const live = new LiveWindow();
    live.recordAnswer('a', '1', answer);
    assert.equal(codeOf(() => joinEnvironmentFeedback(live, undefined, { feedback: [{ request_id: 'a', label: 1 }, { request_id: 'nope', label: 1 }] })), 'SLUICE_SERVING_FEEDBACK_UNKNOWN_REQUEST');
    assert.equal(live.check('a', 1), undefined, 'a is still waiting for its label');
  });

  test('a label of the wrong kind is a 400; a malformed body is a 400 naming the shape', () => {
    const live = new LiveWindow();
    live.recordAnswer('a', '1', answer);
    assert.equal(codeOf(() => joinEnvironmentFeedback(live, undefined, { request_id: 'a', label: 'maybe' })), 'SLUICE_SERVING_FEEDBACK_WRONG_LABEL');
    assert.equal(codeOf(() => joinEnvironmentFeedback(live, undefined, { id: 'a' })), 'SLUICE_SERVING_BAD_REQUEST');
  });
});
