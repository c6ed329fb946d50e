/**
 * Pointer files: what `writePointer` writes reads back the same, and malformed content is refused
 * with an error that names the file and the position.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { writePointer } from './pointer.js';
import { parsePointer, pointerFileFor, POINTER_SUFFIX, readPointer } from './index.js';

const FILE_HASH = `blake3:${'a'.repeat(64)}`;
const DIR_HASH = `blake3:${'b'.repeat(64)}.dir`;

/** Asserts `work` throws an app error with `code` whose message matches `message`; returns it. */
function throwsWith(work: () => unknown, code: string, message?: RegExp): Error & { code?: string; location?: { file: string; line?: number } } {
  let caught: unknown;
  try {
    work();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof Error, 'expected an error');
  const error = caught as Error & { code?: string; location?: { file: string; line?: number } };
  assert.equal(error.code, code, error.message);
  if (message) assert.match(error.message, message);
  return error;
}

describe('pointer files', { timeout: 60_000 }, () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (temp = makeTempDir('sluice-pointer-')));
  afterEach(() => temp.remove());

  test('the pointer file of a path is the path plus .sluice, trailing slashes dropped', () => {
    assert.equal(POINTER_SUFFIX, '.sluice');
    assert.equal(pointerFileFor('data/images'), 'data/images.sluice');
    assert.equal(pointerFileFor('data/images//'), 'data/images.sluice');
    assert.equal(pointerFileFor('model.bin'), 'model.bin.sluice');
  });

  test('a written file pointer reads back with the same fields and the data path beside it', () => {
    mkdirSync(join(temp.path, 'data'));
    const file = writePointer(temp.path, 'data/train.csv', { hash: FILE_HASH, size: 1234, isexec: true });
    assert.equal(file, 'data/train.csv.sluice');
    const located = readPointer(temp.path, file);
    assert.equal(located.file, 'data/train.csv.sluice');
    assert.equal(located.target, 'data/train.csv');
    assert.deepEqual(located.pointer, { path: 'train.csv', hash: FILE_HASH, size: 1234, isexec: true });
  });

  test('a written directory pointer keeps its file count, and a pointer at the root names a root path', () => {
    const file = writePointer(temp.path, 'images', { hash: DIR_HASH, size: 99, nfiles: 7 });
    const located = readPointer(temp.path, file);
    assert.equal(located.target, 'images');
    assert.deepEqual(located.pointer, { path: 'images', hash: DIR_HASH, size: 99, nfiles: 7 });
    const text = readFileSync(join(temp.path, file), 'utf8');
    assert.match(text, /^# Sluice data pointer: commit this file/);
    assert.doesNotMatch(text, /isexec/, 'isexec is written only when true');
  });

  test('a name with quotes or a colon survives the round trip', () => {
    const name = 'odd: "name" #1.csv';
    const located = readPointer(temp.path, writePointer(temp.path, name, { hash: FILE_HASH, size: 0 }));
    assert.equal(located.pointer.path, name);
    assert.equal(located.target, name);
  });

  test('parsePointer accepts a hand-written pointer', () => {
    assert.deepEqual(parsePointer(`path: a.csv\nhash: ${FILE_HASH}\nsize: 3\n`, 'a.csv.sluice'), { path: 'a.csv', hash: FILE_HASH, size: 3 });
  });

  test('a hash that is not blake3:<64 hex> is refused, naming the file and line', () => {
    const error = throwsWith(() => parsePointer('path: a.csv\nhash: md5:abc\nsize: 3\n', 'data/a.csv.sluice'), 'SLUICE_CORE_INVALID_FILE', /blake3:<64 hex digits>/);
    assert.equal(error.location?.file, 'data/a.csv.sluice');
    assert.equal(error.location?.line, 2);
    throwsWith(() => parsePointer(`path: a.csv\nhash: ${FILE_HASH.toUpperCase().replace('BLAKE3', 'blake3')}\nsize: 3\n`, 'a.sluice'), 'SLUICE_CORE_INVALID_FILE');
  });

  test('a path that leaves the pointer file\'s directory is refused', () => {
    for (const path of ['../secret', 'sub/file', '..', '.', 'a\\\\b']) {
      throwsWith(() => parsePointer(`path: "${path}"\nhash: ${FILE_HASH}\nsize: 1\n`, 'x.sluice'), 'SLUICE_CORE_INVALID_FILE', /no \/ and not \. or \.\./);
    }
  });

  test('unknown keys, missing fields and bad sizes are refused', () => {
    throwsWith(() => parsePointer(`path: a\nhash: ${FILE_HASH}\nsize: 1\nmd5: abc\n`, 'a.sluice'), 'SLUICE_CORE_INVALID_FILE', /md5/);
    throwsWith(() => parsePointer(`path: a\nsize: 1\n`, 'a.sluice'), 'SLUICE_CORE_INVALID_FILE', /hash/);
    throwsWith(() => parsePointer(`path: a\nhash: ${FILE_HASH}\nsize: -1\n`, 'a.sluice'), 'SLUICE_CORE_INVALID_FILE');
    throwsWith(() => parsePointer(`path: a\nhash: ${FILE_HASH}\nsize: 1.5\n`, 'a.sluice'), 'SLUICE_CORE_INVALID_FILE');
    throwsWith(() => parsePointer(`path: a\nhash: ${FILE_HASH}\nsize: 1\nisexec: false\n`, 'a.sluice'), 'SLUICE_CORE_INVALID_FILE');
  });

  test('an empty file and text that is not YAML are refused', () => {
    throwsWith(() => parsePointer('', 'empty.sluice'), 'SLUICE_CORE_INVALID_FILE');
    throwsWith(() => parsePointer('path: [unclosed\n', 'broken.sluice'), 'SLUICE_CORE_YAML_SYNTAX');
    throwsWith(() => parsePointer('path: a\npath: b\n', 'twice.sluice'), 'SLUICE_CORE_YAML_SYNTAX');
  });

  test('readPointer reports the malformed file by its path relative to the root', () => {
    mkdirSync(join(temp.path, 'data'));
    writeFileSync(join(temp.path, 'data', 'x.sluice'), 'path: x\nhash: nope\nsize: 1\n');
    const error = throwsWith(() => readPointer(temp.path, 'data/x.sluice'), 'SLUICE_CORE_INVALID_FILE');
    assert.equal(error.location?.file, 'data/x.sluice');
  });
});
