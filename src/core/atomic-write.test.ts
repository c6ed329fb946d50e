/** Atomic writes: missing folders are made, and a path that cannot be written is said so plainly. */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { assertWritableFilePath, writeFileAtomic } from './atomic-write.js';

describe('writeFileAtomic', () => {
  test('writes into folders that do not exist yet', () => {
    const dir = makeTempDir();
    try {
      writeFileAtomic(join(dir.path, 'reports', 'drift', 'report.html'), '<html></html>');
      assert.equal(readFileSync(join(dir.path, 'reports', 'drift', 'report.html'), 'utf8'), '<html></html>');
    } finally {
      dir.remove();
    }
  });

  test('a directory at the path is refused with SLUICE_CORE_FILE_NOT_WRITABLE, and no temp file is left', () => {
    const dir = makeTempDir();
    try {
      mkdirSync(join(dir.path, 'model.onnx'));
      assert.throws(() => writeFileAtomic(join(dir.path, 'model.onnx'), 'bytes'), (error: Error & { code?: string }) => error.code === 'SLUICE_CORE_FILE_NOT_WRITABLE' && /model\.onnx: it is a directory/.test(error.message));
      assert.deepEqual(readdirSync(dir.path), ['model.onnx']);
    } finally {
      dir.remove();
    }
  });

  test('a file where a folder of the path should be is refused with SLUICE_CORE_FILE_NOT_WRITABLE', () => {
    const dir = makeTempDir();
    try {
      writeFileSync(join(dir.path, 'metrics'), 'a file');
      assert.throws(() => writeFileAtomic(join(dir.path, 'metrics', 'eval.json'), '{}'), (error: Error & { code?: string }) => error.code === 'SLUICE_CORE_FILE_NOT_WRITABLE' && /a folder on its path is a file/.test(error.message));
    } finally {
      dir.remove();
    }
  });

  test('a folder that takes no new files (/proc) is refused with SLUICE_CORE_FILE_NOT_WRITABLE, not an internal error', () => {
    assert.throws(() => writeFileAtomic('/proc/sluice-report.html', '<html>'), (error: Error & { code?: string }) => error.code === 'SLUICE_CORE_FILE_NOT_WRITABLE' && /sluice-report\.html: its folder does not accept new files/.test(error.message));
  });

  test('an output path is checked before the work that writes it: a folder, a file on the way', () => {
    const dir = makeTempDir();
    try {
      writeFileSync(join(dir.path, 'metrics'), 'a file');
      assert.throws(() => assertWritableFilePath(dir.path), /it is a directory/);
      assert.throws(() => assertWritableFilePath(join(dir.path, 'metrics', 'eval.json')), /a folder on its path is a file/);
      assertWritableFilePath(join(dir.path, 'new', 'folders', 'report.md'));
    } finally {
      dir.remove();
    }
  });
});
