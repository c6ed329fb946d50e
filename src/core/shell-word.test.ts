/** Shell words Sluice prints: pasted into sh, each is one argument, exactly the text given. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { shellWord } from './shell-word.js';

test('plain paths and URLs stay as they are', () => {
  assert.equal(shellWord('redis://10.0.0.5:6379/2'), 'redis://10.0.0.5:6379/2');
  assert.equal(shellWord('models/bc-1.onnx'), 'models/bc-1.onnx');
});

test('a word with ?, &, spaces or quotes reaches sh as one argument, unchanged', () => {
  for (const text of ["redis://h:6379/0?prefix=team", 'a b&c', "it's", '$HOME', '*.csv']) {
    const echoed = execFileSync('sh', ['-c', `printf %s ${shellWord(text)}`], { encoding: 'utf8' });
    assert.equal(echoed, text);
  }
});

test('with keepVariables, ${…} is left for the shell to expand', () => {
  assert.equal(shellWord('${HOME}/x', { keepVariables: true }), '${HOME}/x');
  assert.equal(shellWord('${HOME}/x'), "'${HOME}/x'");
});
