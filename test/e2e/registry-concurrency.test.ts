/**
 * Commands running at once in a new workspace wait for each other: four `sluice models register`
 * of a model nobody registered yet, started together before the metadata store exists, all
 * succeed, as four versions of one model (the store's creation, the model's creation and the
 * versions' numbers are each done once).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scratchRepo, sluice, sluiceAsync } from '../support/cli.js';
import { sharedFixture } from '../support/fixtures.js';

test('four registrations started together in a new workspace all succeed, as versions 1 to 4', async (t) => {
  const repo = scratchRepo({ 'README.md': 'concurrent registrations\n' });
  t.after(() => repo.remove());
  assert.equal(sluice(repo.root, ['init']).code, 0);
  const model = sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');
  const results = await Promise.all([1, 2, 3, 4].map(() => sluiceAsync(repo.root, ['models', 'register', model, '--name', 'bc'])));
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  const shown = JSON.parse(sluice(repo.root, ['models', 'show', 'bc', '--json']).stdout) as { versions: { version: number }[] };
  const versions = shown.versions.map((entry) => entry.version).sort();
  assert.deepEqual(versions, [1, 2, 3, 4]);
});
