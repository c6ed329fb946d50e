/**
 * A number in a prediction log reads as exactly the double JSON.parse gives, whatever its length:
 * the long path (16 to 19 digits, divided in double-double arithmetic) must agree with the text's
 * own conversion on every value, including those closest to a midpoint between two doubles.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numberEnd, scanJsonNumber } from './json-number.js';

function read(text: string): number {
  const bytes = Buffer.from(`${text},`);
  const value = scanJsonNumber(bytes, 0, bytes.length);
  assert.equal(numberEnd, text.length, `the number ${text} ends before the comma`);
  return value;
}

/** A seeded generator, so a failure names a value that can be found again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

test('doubles printed in full (a model’s probabilities) read back as the same doubles', () => {
  const next = random(17);
  const float = new Float32Array(1);
  for (let k = 0; k < 100_000; k++) {
    const p = next() * next();
    float[0] = p;
    for (const value of [p, 1 - p, float[0], 1 - float[0], p * 1e-5, p * 12_345]) assert.equal(read(String(value)), value, String(value));
  }
});

test('doubles just below a power of two, where the doubles are twice as close, read back as the same doubles', () => {
  for (let e = -20; e <= 60; e++) {
    for (const value of [2 ** e - 2 ** (e - 53), 2 ** e - 2 ** (e - 52), 2 ** e - 3 * 2 ** (e - 53), 2 ** e + 2 ** (e - 52)]) {
      assert.equal(read(String(value)), value, String(value));
    }
  }
  for (const text of ['0.9999999999999999', '0.49999999999999997', '0.24999999999999998', '2047.9999999999998', '0.99999999999999995', '1.0000000000000002']) {
    assert.ok(Object.is(read(text), Number(text)), text);
  }
});

test('16 to 19 significant digits anywhere around the dot read as Number() reads them', () => {
  const next = random(29);
  for (let k = 0; k < 100_000; k++) {
    let digits = String(1 + Math.floor(next() * 9));
    const length = 16 + Math.floor(next() * 4);
    while (digits.length < length) digits += String(Math.floor(next() * 10));
    const dot = Math.floor(next() * length);
    for (const text of [dot === 0 ? `0.${digits}` : `${digits.slice(0, dot)}.${digits.slice(dot)}`, `0.000${digits}`, `-0.${digits}`]) {
      assert.ok(Object.is(read(text), Number(text)), text);
    }
  }
});

test('decimals exactly at, and next to, the midpoint between two doubles round as Number() rounds them (ties to even)', () => {
  const next = random(41);
  for (let k = 0; k < 20_000; k++) {
    // Doubles in [2^52, 2^53) are the integers, in [2^51, 2^52) the halves, in [2^53, 2^54) the even integers.
    const integer = 2 ** 52 + Math.floor(next() * 2 ** 52);
    const half = 2 ** 51 + Math.floor(next() * 2 ** 51);
    const odd = 2 ** 53 + 2 * Math.floor(next() * 2 ** 52) + 1;
    const texts = [`${integer}.5`, `${integer}.4999`, `${integer}.5001`, `${half}.25`, `${half}.75`, `${half}.2501`, `${odd}.0`, `${odd}.01`, `${odd - 1}.99`];
    for (const text of texts) assert.ok(Object.is(read(text), Number(text)), text);
  }
});

test('what is not a JSON number reads as NaN', () => {
  for (const text of ['-', '01', '1.', '.5', '1e', '1e+', '-x']) {
    const bytes = Buffer.from(`${text},`);
    assert.ok(Number.isNaN(scanJsonNumber(bytes, 0, bytes.length)), text);
  }
});
