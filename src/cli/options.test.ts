/**
 * A bad flag value is reported in words that say what the flag wants: the range a number must be
 * in, a whole number, or a number at all, under the flag's own name.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { isAppError } from '../core/index.js';
import { parseOptions } from './options.js';

const schema = z.object({
  port: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65_535, { error: 'must be a port number (0-65535)' }).default(8080),
  maxBodyMb: z.coerce.number({ error: 'must be a number' }).positive().max(1024).default(16),
  limit: z.coerce.number({ error: 'must be a number' }).int().min(1).max(10_000).default(50),
});

function problem(raw: Record<string, string>): string {
  try {
    parseOptions(schema, raw, 'serve');
  } catch (error) {
    assert.ok(isAppError(error), String(error));
    return error.message;
  }
  return assert.fail(`${JSON.stringify(raw)} was accepted`);
}

test('a number below or above its range says the bound, not "must be a number"', () => {
  assert.match(problem({ port: '-1' }), /--port must be at least 0/);
  assert.match(problem({ limit: '99999' }), /--limit must be at most 10000/);
  assert.match(problem({ maxBodyMb: '0' }), /--max-body-mb must be more than 0/);
});

test('a fraction where a whole number is wanted says so', () => {
  assert.match(problem({ limit: '2.5' }), /--limit must be a whole number/);
});

test('what is not a number, and a check with its own words, keep their message', () => {
  assert.match(problem({ port: 'http' }), /--port must be a number/);
  assert.match(problem({ port: '70000' }), /--port must be a port number \(0-65535\)/);
});

test('an empty value for a number flag is not read as 0', () => {
  assert.match(problem({ port: '' }), /--port must be a number/);
  assert.match(problem({ limit: '  ' }), /--limit must be a number/);
});

test('a message of a check with its own words keeps their case: flags and file names are not lowered', () => {
  const flags = z.object({ setParam: z.array(z.string()).min(1, { error: 'give at least one -S key=v1,v2' }) });
  try {
    parseOptions(flags, { setParam: [] }, 'exp run');
    assert.fail('accepted');
  } catch (error) {
    assert.ok(isAppError(error));
    assert.match(error.message, /--set-param give at least one -S key=v1,v2/);
  }
});
