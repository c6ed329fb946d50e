import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderUsesDocs } from './uses-docs.js';
import { USES_WITH } from './uses-schemas.js';

test('docs/stages.md documents the with: keys of every uses: stage (run `npm run docs` to update)', () => {
  assert.equal(readFileSync(new URL('../../../docs/stages.md', import.meta.url), 'utf8'), renderUsesDocs());
});

test('every with: key has a description, so the docs say what it does', () => {
  for (const [kind, schema] of Object.entries(USES_WITH)) {
    for (const [key, field] of Object.entries(schema.shape)) assert.ok((field as { description?: string }).description, `uses: ${kind}, with: ${key}`);
  }
});
