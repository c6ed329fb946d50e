import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { closestMatch, editDistance } from './index.js';

describe('did-you-mean suggestions', () => {
  test('a swapped pair of letters is one edit', () => {
    assert.equal(editDistance('trian', 'train'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });

  test('the closest plausible key is suggested', () => {
    assert.equal(closestMatch('dep', ['cmd', 'deps', 'outs']), 'deps');
    assert.equal(closestMatch('always_change', ['always_changed', 'frozen']), 'always_changed');
  });

  test('nothing is suggested for an unrelated word', () => {
    assert.equal(closestMatch('banana', ['cmd', 'deps', 'outs']), undefined);
  });
});
