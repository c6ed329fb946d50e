/** An error as users read it: one sentence of what happened, then how to fix it, then its code. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineError } from './app-error.js';

const runNotFound = defineError<{ id: string }>('SLUICE_TEST_RUN_NOT_FOUND', {
  kind: 'not_found',
  description: 'A run named on the command line does not exist.',
  message: ({ id }) => `Run with id=${id} not found`,
  hint: () => 'List runs with `sluice runs list`.',
});

const alreadyPunctuated = defineError<{ path: string }>('SLUICE_TEST_NOT_READABLE', {
  kind: 'invalid_input',
  description: 'A file cannot be read.',
  message: ({ path }) => `Cannot read ${path}: it is a directory.`,
  hint: () => 'Make it a file.',
});

test('a message without a full stop still ends its sentence before the hint', () => {
  assert.equal(runNotFound({ id: 'nope' }).toUserMessage(), 'Run with id=nope not found. List runs with `sluice runs list`. [SLUICE_TEST_RUN_NOT_FOUND]');
});

test('a message that ends with punctuation gets no second stop', () => {
  assert.equal(alreadyPunctuated({ path: 'reports' }).toUserMessage(), 'Cannot read reports: it is a directory. Make it a file. [SLUICE_TEST_NOT_READABLE]');
});

const serverSaid = defineError<{ text: string }>('SLUICE_TEST_SERVER_SAID', {
  kind: 'invalid_input',
  description: 'A server refused a request.',
  message: ({ text }) => `The server said ${text}`,
  hint: () => 'Try again.',
});

test('a message ending in a quoted name or a parenthesis still gets its stop; one ending in a quoted sentence does not', () => {
  assert.equal(serverSaid({ text: "no experiment named 'nope'" }).toUserMessage(), "The server said no experiment named 'nope'. Try again. [SLUICE_TEST_SERVER_SAID]");
  assert.equal(serverSaid({ text: 'no (exit 2)' }).toUserMessage(), 'The server said no (exit 2). Try again. [SLUICE_TEST_SERVER_SAID]');
  assert.equal(serverSaid({ text: '"come back later."' }).toUserMessage(), 'The server said "come back later." Try again. [SLUICE_TEST_SERVER_SAID]');
});

const storageUnusable = defineError<{ reason: string }>('SLUICE_TEST_STORAGE_UNUSABLE', {
  kind: 'invalid_input',
  description: 'An object storage cannot be used.',
  message: ({ reason }) => `Cannot use the object storage at /mnt/remote: ${reason}.`,
  hint: () => 'Check the remote.',
});

test('a quoted reason that ends its own sentence (or with a colon) does not get a second stop', () => {
  assert.equal(storageUnusable({ reason: 'permission denied.' }).message, 'Cannot use the object storage at /mnt/remote: permission denied.');
  assert.equal(storageUnusable({ reason: 'Flow map must end with a } at line 2, column 1:' }).message, 'Cannot use the object storage at /mnt/remote: Flow map must end with a } at line 2, column 1.');
});
