/** Request bodies kept as their JSON text: cut out only when certain, one line, still parsed safely. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { bodyTextOf, keepJsonBodyText, rawBodyOf, rawMember } from './raw-json.js';

/** What the routes see of a body sent as `text`: its rows' text, the whole text, and the parsed body. */
async function seen(text: string): Promise<{ status: number; body: { rows: string | null; whole: string | null; parsed: unknown } }> {
  const app = Fastify();
  keepJsonBodyText(app);
  app.post('/', async (request) => ({ rows: rawMember(bodyTextOf(request), request.body, 'rows')?.text ?? null, whole: rawBodyOf(request)?.text ?? null, parsed: request.body }));
  try {
    const response = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload: text });
    return { status: response.statusCode, body: response.json() };
  } finally {
    await app.close();
  }
}

test('the rows of {"rows": [...]} are their own text, exactly as sent', async () => {
  const { body } = await seen(' { "rows" : [{"a": 1.50, "b": "x"}] } ');
  assert.equal(body.rows, '[{"a": 1.50, "b": "x"}]');
  assert.equal(body.whole, '{ "rows" : [{"a": 1.50, "b": "x"}] }');
  assert.deepEqual(body.parsed, { rows: [{ a: 1.5, b: 'x' }] });
});

test('a body whose rows cannot be cut out with certainty gives no text (the parsed value is logged instead)', async () => {
  for (const text of [
    '{"rows": [1], "rows": [2]}',
    '{"rows": [1], "\\u0072ows": [2]}',
    '{"rows": [1], "model": "m"}',
    '{"model": "m"}',
    '[{"rows": [1]}]',
  ]) {
    const { status, body } = await seen(text);
    assert.equal(status, 200, text);
    assert.equal(body.rows, null, text);
  }
});

test('a body sent over several lines is kept on one line, with the same value', async () => {
  const { body } = await seen('{\r\n  "rows": [\n    {"a": 1, "b": "two words"}\n  ]\n}\n');
  assert.ok(!/[\r\n]/.test(body.rows!) && !/[\r\n]/.test(body.whole!));
  assert.deepEqual(JSON.parse(body.rows!), [{ a: 1, b: 'two words' }]);
  assert.deepEqual(JSON.parse(body.whole!), { rows: [{ a: 1, b: 'two words' }] });
});

test('Fastify\'s parser still answers malformed JSON with 400 and refuses __proto__', async () => {
  assert.equal((await seen('{"rows": [')).status, 400);
  assert.equal((await seen('{"rows": [], "__proto__": {"polluted": true}}')).status, 400);
});
