/** Which packages are vendored: the production closure as Node resolves it, and what is missing from it. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { findProductionDependencies } from './vendor-dependencies.js';

/** Writes a package.json at `dir` (relative to `root`). */
function writePackage(root: string, dir: string, manifest: Record<string, unknown>): void {
  mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, dir, 'package.json'), JSON.stringify(manifest));
}

describe('the production dependency closure', () => {
  let temp: ReturnType<typeof makeTempDir>;
  before(() => {
    temp = makeTempDir();
    const root = temp.path;
    writePackage(root, '.', { name: 'sluice', dependencies: { a: '1', '@s/b': '1', gone: '1', c: '1' }, optionalDependencies: { c: '1', other: '1' }, devDependencies: { dev: '1' } });
    writePackage(root, 'node_modules/a', { name: 'a', dependencies: { d: '2' } });
    writePackage(root, 'node_modules/a/node_modules/d', { name: 'd', version: '2' });
    writePackage(root, 'node_modules/d', { name: 'd', version: '1' });
    writePackage(root, 'node_modules/@s/b', { name: '@s/b', dependencies: { d: '1' }, peerDependencies: { peer: '1' } });
    writePackage(root, 'node_modules/c', { name: 'c' });
    writePackage(root, 'node_modules/dev', { name: 'dev' });
  });
  after(() => temp.remove());

  test('follows dependencies as Node resolves them (nested first), never devDependencies', () => {
    assert.deepEqual(findProductionDependencies(temp.path).paths, ['node_modules/@s/b', 'node_modules/a', 'node_modules/a/node_modules/d', 'node_modules/c', 'node_modules/d']);
  });

  test('a required dependency that is not installed is reported; a missing optional or peer one is not', () => {
    assert.deepEqual(findProductionDependencies(temp.path).missing, ['gone']);
  });
});
