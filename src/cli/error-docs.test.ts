import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadAllErrors, renderErrorDocs } from './error-docs.js';

const docsPath = new URL('../../../docs/errors.md', import.meta.url);

test('docs/errors.md documents exactly the error codes in the catalogue (run `npm run docs:errors` to update)', async () => {
  assert.equal(readFileSync(docsPath, 'utf8'), await renderErrorDocs());
});

test('every catalogued error has a description and a hint that says what to do', async () => {
  for (const factory of (await loadAllErrors()).values()) {
    assert.ok(factory.description.length > 10, factory.code);
  }
});
