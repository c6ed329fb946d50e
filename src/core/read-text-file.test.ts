/** A file read by its fixed name: a directory there is said plainly. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { readTextFile } from './read-text-file.js';

describe('readTextFile', () => {
  test('reads a file as UTF-8 text', () => {
    const dir = makeTempDir();
    try {
      writeFileSync(join(dir.path, 'sluice.lock'), 'schema: 1\n');
      assert.equal(readTextFile(join(dir.path, 'sluice.lock')), 'schema: 1\n');
    } finally {
      dir.remove();
    }
  });

  test('a directory at the name is SLUICE_CORE_FILE_NOT_READABLE, shown by the name given', () => {
    const dir = makeTempDir();
    try {
      mkdirSync(join(dir.path, 'sluice.lock'));
      assert.throws(() => readTextFile(join(dir.path, 'sluice.lock'), 'sluice.lock'), (error: Error & { code?: string }) => error.code === 'SLUICE_CORE_FILE_NOT_READABLE' && error.message === 'Cannot read sluice.lock: it is a directory.');
    } finally {
      dir.remove();
    }
  });
});
