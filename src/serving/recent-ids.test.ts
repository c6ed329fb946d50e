import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentIds } from './recent-ids.js';

describe('RecentIds', () => {
  it('remembers at least the latest `capacity` ids, whatever went through before them', () => {
    const ids = new RecentIds(100_000);
    for (let k = 0; k < 1_000_000; k++) ids.add(`request-${k}`);
    for (const k of [900_000, 950_000, 999_999]) assert.equal(ids.has(`request-${k}`), true, `request-${k}`);
  });

  it('forgets ids more than twice its capacity old', () => {
    const ids = new RecentIds(3);
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) ids.add(id);
    assert.equal(ids.has('a'), false);
    assert.deepEqual(['e', 'f', 'g'].map((id) => ids.has(id)), [true, true, true]);
  });

  it('knows an id it never saw is not among them', () => {
    const ids = new RecentIds(3);
    ids.add('a');
    assert.equal(ids.has('b'), false);
  });

  it('finds ids added after an earlier question, and between questions', () => {
    const ids = new RecentIds(4);
    ids.add('a');
    assert.equal(ids.has('a'), true);
    ids.add('b');
    assert.equal(ids.has('b'), true);
    for (const id of ['c', 'd', 'e']) ids.add(id);
    assert.deepEqual(['a', 'b', 'c', 'd', 'e'].map((id) => ids.has(id)), [true, true, true, true, true]);
  });
});
