import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseAlgorithmParams } from './params.js';

describe('algorithm parameters', () => {
  test('a misspelt parameter is named with a suggestion, in a sentence that reads right', () => {
    assert.throws(
      () => parseAlgorithmParams('gbdt', { n_estimator: '5' }),
      (error: Error & { code?: string; hint?: string }) => {
        assert.equal(error.code, 'SLUICE_TRAINING_BAD_PARAM');
        assert.equal(error.message, 'Invalid parameter for gbdt: unknown parameter n_estimator (did you mean "n_estimators"?).');
        assert.match(error.hint ?? '', /n_estimators, learning_rate/);
        return true;
      },
    );
  });

  test('a parameter with nothing close is named without a guess', () => {
    assert.throws(() => parseAlgorithmParams('gbdt', { zzzzzzzz: '1' }), { message: 'Invalid parameter for gbdt: unknown parameter zzzzzzzz.' });
  });
});
