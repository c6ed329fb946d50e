import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { exampleError, loadAllErrors, renderErrorDocs } from './error-docs.js';

const docsPath = new URL('../../../docs/errors.md', import.meta.url);

test('docs/errors.md documents exactly the error codes in the catalogue (run `npm run docs:errors` to update)', async () => {
  assert.equal(readFileSync(docsPath, 'utf8'), await renderErrorDocs());
});

test('the catalogue is discovered from every domain, the servers\' own codes included', async () => {
  const codes = [...(await loadAllErrors()).keys()];
  for (const code of ['SLUICE_INTERNAL', 'SLUICE_SERVING_NO_ROUTE', 'SLUICE_HTTP_UNAUTHENTICATED', 'SLUICE_CLI_INVALID_OPTION', 'SLUICE_DATA_NOT_TRACKED', 'SLUICE_PACKAGE_OUT_DIR_NOT_EMPTY']) {
    assert.ok(codes.includes(code), `${code} is missing from the catalogue`);
  }
});

test('every catalogued error has a description and a hint that says more than its message', async () => {
  for (const factory of (await loadAllErrors()).values()) {
    assert.ok(factory.description.length > 10, `${factory.code} has no description`);
    const error = exampleError(factory);
    assert.ok(error.hint && error.hint.trim().length > 10, `${factory.code} has no hint`);
    assert.notEqual(error.hint.trim(), error.message.trim(), `${factory.code}'s hint repeats its message`);
  }
});
