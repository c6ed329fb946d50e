import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseLocatedYaml } from './yaml-document.js';

function syntaxError(text: string): { line?: number; column?: number; message: string } {
  try {
    parseLocatedYaml(text, 'sluice.yaml');
  } catch (error) {
    const { location, message } = error as { location?: { line?: number; column?: number }; message: string };
    return { line: location?.line, column: location?.column, message };
  }
  throw new Error('the YAML parsed');
}

describe('YAML syntax errors are located where the user must edit', () => {
  test('a key indented less than its siblings is pointed at, on its own line', () => {
    const error = syntaxError('stages:\n  train:\n    cmd: echo hi\n   outs: [a]\n');
    assert.deepEqual([error.line, error.column], [4, 4]);
  });

  test('after a blank line, the badly indented key is pointed at, not the blank line', () => {
    const error = syntaxError('stages:\n  train:\n    cmd: echo hi\n\n   outs: [a]\n');
    assert.deepEqual([error.line, error.column], [5, 4]);
  });

  test('a key indented deeper than the one above is pointed at, and the message says YAML read it as a value', () => {
    const error = syntaxError('stages:\n  train:\n    cmd: echo hi\n\n      deps: [a]\n');
    assert.deepEqual([error.line, error.column], [5, 7]);
    assert.match(error.message, /line 5 is indented deeper than the key above it, so YAML reads it as part of that key's value/);
  });

  test('values keep pointing at where they came from', () => {
    const document = parseLocatedYaml('stages:\n  train:\n    cmd: echo hi\n', 'sluice.yaml');
    assert.deepEqual(document.locate(['stages', 'train', 'cmd']), { file: 'sluice.yaml', line: 3, column: 10 });
  });
});
