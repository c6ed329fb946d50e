/**
 * The traffic router: the share a canary step promises, blue/green's preview header, shadow
 * copies, and A/B stickiness per user key.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bucketOf, TrafficRouter, type RequestKeys } from './traffic-router.js';

function request(headers: Record<string, string> = {}, cookies: Record<string, string> = {}): RequestKeys {
  return { header: (name) => headers[name], cookie: (name) => cookies[name] };
}

function candidateShare(router: TrafficRouter, count: number): number {
  let candidate = 0;
  for (let i = 0; i < count; i++) if (router.route(request()).arm === 'candidate') candidate++;
  return candidate;
}

describe('TrafficRouter', () => {
  test('a canary at 20 % sends 1,000 of 5,000 requests to the candidate, evenly spread', () => {
    const router = new TrafficRouter({ kind: 'canary', weight: 20 });
    assert.equal(candidateShare(router, 100), 20);
    assert.equal(candidateShare(router, 4_900), 980);
  });

  test('a canary at 0 % and at 100 % sends none and all', () => {
    assert.equal(candidateShare(new TrafficRouter({ kind: 'canary', weight: 0 }), 1_000), 0);
    assert.equal(candidateShare(new TrafficRouter({ kind: 'canary', weight: 100 }), 1_000), 1_000);
  });

  test('blue/green: only requests with x-sluice-preview: 1 reach the preview, and only while it is reachable', () => {
    const preview = new TrafficRouter({ kind: 'bluegreen', previewReachable: true });
    assert.equal(preview.route(request()).arm, 'stable');
    assert.equal(preview.route(request({ 'x-sluice-preview': '1' })).arm, 'candidate');
    const closed = new TrafficRouter({ kind: 'bluegreen', previewReachable: false });
    assert.equal(closed.route(request({ 'x-sluice-preview': '1' })).arm, 'stable');
  });

  test('shadow: the stable version always answers and 50 % of requests are copied to the candidate', () => {
    const router = new TrafficRouter({ kind: 'shadow', percent: 50 });
    const decisions = Array.from({ length: 1_000 }, () => router.route(request()));
    assert.ok(decisions.every((decision) => decision.arm === 'stable'));
    assert.equal(decisions.filter((decision) => decision.shadow).length, 500);
  });

  test('A/B: every user key lands on the same arm on every one of 1,000 requests, and about the weight share of users on the candidate', () => {
    const router = new TrafficRouter({ kind: 'ab', match: undefined, userKey: { header: 'x-user-id' }, weight: 30 });
    const arms = new Map<string, string>();
    for (let i = 0; i < 1_000; i++) {
      const user = `user-${i % 200}`;
      const arm = router.route(request({ 'x-user-id': user })).arm;
      assert.equal(arms.get(user) ?? arm, arm, `${user} switched arms`);
      arms.set(user, arm);
    }
    const candidates = [...arms.values()].filter((arm) => arm === 'candidate').length;
    assert.ok(candidates > 40 && candidates < 80, `${candidates} of 200 users on the candidate at weight 30`);
  });

  test('A/B with a match: a cookie equal to the value goes to the candidate, anything else to the stable version', () => {
    const router = new TrafficRouter({ kind: 'ab', match: { cookie: 'beta', value: 'yes' }, userKey: { header: 'x-user-id' }, weight: 50 });
    assert.equal(router.route(request({}, { beta: 'yes' })).arm, 'candidate');
    assert.equal(router.route(request({}, { beta: 'no' })).arm, 'stable');
    assert.equal(router.route(request()).arm, 'stable');
  });

  test('A/B: requests without a user key are split by the weight, request by request', () => {
    const router = new TrafficRouter({ kind: 'ab', match: undefined, userKey: { header: 'x-user-id' }, weight: 30 });
    const arms = Array.from({ length: 100 }, () => router.route(request()).arm);
    assert.equal(arms.filter((arm) => arm === 'candidate').length, 30);
  });

  test('A/B with a match: a request without the match key is answered by the stable version', () => {
    const router = new TrafficRouter({ kind: 'ab', match: { header: 'x-beta' }, userKey: { header: 'x-user-id' }, weight: 100 });
    assert.equal(router.route(request()).arm, 'stable');
  });

  test('user buckets come from FNV-1a, fixed across processes and releases (published test vectors)', () => {
    assert.equal(bucketOf('a'), 0xe40c292c % 100);
    assert.equal(bucketOf('foobar'), 0xbf9cf968 % 100);
    assert.equal(bucketOf(''), 0x811c9dc5 % 100);
  });
});
