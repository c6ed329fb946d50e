/**
 * The registry holds only models Sluice can serve, and removing things is deliberate: a file that
 * is not ONNX is refused before anything is stored; deleting what an alias points at needs
 * --force; every deletion is audited; deleted runs can be listed and restored.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sharedFixture } from '../support/fixtures.js';
import { scratchRepo, sluice, type ScratchRepo } from '../support/cli.js';

describe('registry safety', { timeout: 180_000 }, () => {
  let repo: ScratchRepo;
  const run = (...args: string[]) => sluice(repo.root, args);
  const model = sharedFixture('breast_cancer', 'models', 'bc_logreg.onnx');
  before(() => {
    repo = scratchRepo({ 'sluice.yaml': 'stages: {}\n' });
  });
  after(() => repo.remove());

  test('an empty file, a text file and a pickle are refused as not ONNX; nothing is registered', () => {
    writeFileSync(join(repo.root, 'empty.onnx'), '');
    writeFileSync(join(repo.root, 'notes.txt'), 'a model, honest\n');
    writeFileSync(join(repo.root, 'model.pkl'), Buffer.from([0x80, 0x04, 0x95, 0x10, 0x00, 0x2e]));
    for (const file of ['empty.onnx', 'notes.txt', 'model.pkl']) {
      const result = run('models', 'register', file, '--name', 'bc', '--alias', 'champion');
      assert.equal(result.code, 2, file);
      assert.match(result.stderr, new RegExp(`Cannot register ${file.replace('.', '\\.')}: it is not an ONNX model \\(.+\\)\\. Nothing was registered\\. .*skl2onnx.*\\[SLUICE_REGISTRY_NOT_ONNX\\]`), file);
      assert.doesNotMatch(result.stderr, /\/tmp\/|\n\s+at /, 'no temp path, no stack');
    }
    assert.match(run('models', 'list').stdout, /No registered models/);
  });

  test('a version an alias points at is deleted only with --force, and the deletion is audited', () => {
    assert.equal(run('models', 'register', model, '--name', 'bc', '--alias', 'champion').code, 0);
    assert.equal(run('models', 'register', model, '--name', 'bc').code, 0);
    const refused = run('models', 'delete', 'bc/1');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Version 1 of bc is what @champion points at/);
    assert.equal(run('models', 'delete', 'bc/2').code, 0, 'an unaliased version goes without --force');
    const forced = run('models', 'delete', 'bc@champion', '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /Deleted models:\/bc\/1 and its aliases champion/);
    const audit = run('audit', '--model', 'bc', '--json');
    const actions = (JSON.parse(audit.stdout) as { action: string }[]).map((entry) => entry.action);
    assert.equal(actions.filter((action) => action === 'model_version.delete').length, 2);
  });

  test('a whole model with aliases needs --force too', () => {
    assert.equal(run('models', 'register', model, '--name', 'kept', '--alias', 'prod').code, 0);
    assert.equal(run('models', 'delete', 'kept').code, 2);
    assert.equal(run('models', 'delete', 'kept', '--force').code, 0);
    assert.equal(run('models', 'show', 'kept').code, 2);
  });

  test('a deleted run is listed with --deleted and can be restored', () => {
    const evaluated = run('eval', '--model', model, '--data', sharedFixture('breast_cancer', 'test.csv'), '--target', 'target', '--importance-repeats', '0');
    assert.equal(evaluated.code, 0, evaluated.stderr);
    const id = /Recorded as run ([0-9a-f]{8})/.exec(evaluated.stdout)![1]!;
    assert.equal(run('runs', 'delete', id).code, 0);
    assert.doesNotMatch(run('runs', 'list').stdout, new RegExp(id));
    assert.match(run('runs', 'list', '--deleted').stdout, new RegExp(id));
    assert.equal(run('runs', 'restore', id).code, 0);
    assert.match(run('runs', 'list').stdout, new RegExp(id));
  });
});
