/** Whether requests need a token: remembered for a second, forgotten when tokens change here. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Authenticator } from './authenticator.js';
import type { TokenStore } from './token-store.js';

/** A token store whose answers the test gives, one `hasActiveTokens` call at a time. */
function scriptedTokens(): { tokens: TokenStore; answer(value: boolean): void; asked: () => number } {
  const waiting: ((value: boolean) => void)[] = [];
  let asked = 0;
  const tokens = {
    hasActiveTokens: () => {
      asked++;
      return new Promise<boolean>((resolve) => waiting.push(resolve));
    },
  } as unknown as TokenStore;
  return { tokens, answer: (value) => waiting.shift()?.(value), asked: () => asked };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('authenticator', () => {
  test('the answer is remembered: a second request does not ask the store again', async () => {
    const store = scriptedTokens();
    const auth = new Authenticator({ tokens: store.tokens });
    const first = auth.authRequired();
    await settled();
    store.answer(true);
    assert.equal(await first, true);
    assert.equal(await auth.authRequired(), true);
    assert.equal(store.asked(), 1);
  });

  test('an answer read while the first token was being created is not remembered: the next request needs a token', async () => {
    const store = scriptedTokens();
    const auth = new Authenticator({ tokens: store.tokens });
    const before = auth.authRequired();
    await settled();
    // The token is created and the cache invalidated while the store's "no tokens" answer is on its way.
    auth.invalidate();
    store.answer(false);
    assert.equal(await before, false);
    const next = auth.authRequired();
    await settled();
    store.answer(true);
    assert.equal(await next, true);
  });
});
