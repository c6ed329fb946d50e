/**
 * A JSON number read straight from a line's bytes, exactly as JSON.parse reads it (the correctly
 * rounded double), without making a string of it. Most numbers in a prediction log take Clinger's
 * fast path: an integer mantissa below 2^53 and a power of ten a double holds exactly give the
 * answer in one correctly rounded operation. The probabilities a model answers with are doubles
 * printed in full (`0.9876543283462524`): 16 or 17 digits, past that path. Those are divided
 * exactly in double-double arithmetic below and rounded, unless the quotient lies so close to the
 * midpoint between two doubles that the arithmetic's own error could decide it; that case, and
 * any number longer than 19 digits, is converted from its text, as JSON.parse converts it.
 *
 * Hand-written: no library reads a number out of a byte buffer in place, and making a string of
 * each of two million probabilities to call Number() on it was a tenth of a large pass.
 */

const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** 10^k exactly, for k ≤ 22 (the powers of ten a double holds exactly). */
const POWERS = Array.from({ length: 23 }, (_, k) => 10 ** k);

const TWO_53 = 2 ** 53;

/** Where the last `scanJsonNumber` stopped: a module variable, as returning a pair would allocate per number. */
export let numberEnd = 0;

/** The JSON number starting at `bytes[start]` (before `end`); NaN when there is none. `numberEnd` is set past it. */
export function scanJsonNumber(bytes: Buffer, start: number, end: number): number {
  let at = start;
  const negative = bytes[at] === MINUS;
  if (negative) at++;
  let mantissa = 0;
  const integerStart = at;
  for (; at < end; at++) {
    // One unsigned comparison tells a digit: anything below '0' wraps around to a large number.
    const digit = bytes[at]! - ZERO;
    if (digit >>> 0 > 9) break;
    mantissa = mantissa * 10 + digit;
  }
  if (at === integerStart || (at - integerStart > 1 && bytes[integerStart] === ZERO)) return Number.NaN;
  let exponent = 0;
  if (bytes[at] === DOT) {
    const fractionStart = ++at;
    for (; at < end; at++) {
      const digit = bytes[at]! - ZERO;
      if (digit >>> 0 > 9) break;
      mantissa = mantissa * 10 + digit;
    }
    if (at === fractionStart) return Number.NaN;
    exponent -= at - fractionStart;
  }
  const digitsEnd = at;
  if (bytes[at] === 0x65 || bytes[at] === 0x45) {
    at++;
    const sign = bytes[at] === MINUS ? -1 : 1;
    if (bytes[at] === MINUS || bytes[at] === PLUS) at++;
    const exponentStart = at;
    let written = 0;
    while (at < end && bytes[at]! >= ZERO && bytes[at]! <= NINE && at - exponentStart < 6) written = written * 10 + (bytes[at++]! - ZERO);
    if (at === exponentStart || (at < end && bytes[at]! >= ZERO && bytes[at]! <= NINE)) return Number.NaN;
    exponent += sign * written;
  }
  numberEnd = at;
  let value: number;
  // A mantissa accumulated below 2^53 was accumulated exactly (rounding is monotone, so an
  // inexact sum would have reached 2^53): Clinger's fast path.
  if (mantissa < TWO_53 && exponent >= -22 && exponent <= 22) value = exponent < 0 ? mantissa / POWERS[-exponent]! : mantissa * POWERS[exponent]!;
  else {
    value = exponent < 0 && exponent >= -22 ? longQuotient(bytes, negative ? start + 1 : start, digitsEnd, -exponent) : Number.NaN;
    if (Number.isNaN(value)) value = Number(bytes.toString('latin1', negative ? start + 1 : start, at));
  }
  return negative ? -value : value;
}

// Exact products and sums of doubles (Dekker, Knuth): the error of each operation, as a double.
// Module variables, not returned pairs: these run for millions of numbers.
let productError = 0;
let sumError = 0;
const SPLITTER = 134_217_729; // 2^27 + 1

function twoProduct(a: number, b: number): number {
  const product = a * b;
  let c = SPLITTER * a;
  const aHigh = c - (c - a);
  const aLow = a - aHigh;
  c = SPLITTER * b;
  const bHigh = c - (c - b);
  const bLow = b - bHigh;
  productError = aHigh * bHigh - product + aHigh * bLow + aLow * bHigh + aLow * bLow;
  return product;
}

function twoSum(a: number, b: number): number {
  const sum = a + b;
  const b2 = sum - a;
  sumError = a - (sum - b2) + (b - b2);
  return sum;
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/** The gap between `x` (positive, normal, at least 2^-970) and the next double up. */
function ulpOf(x: number): number {
  bits[0] = x;
  const exponent = (words[1]! >>> 20) & 0x7ff;
  words[1] = (exponent - 52) << 20;
  words[0] = 0;
  return bits[0];
}

/** Whether `x` (positive, normal) is a power of two: the next double down is then half as far. */
function isPowerOfTwo(x: number): boolean {
  bits[0] = x;
  return (words[1]! & 0xfffff) === 0 && words[0] === 0;
}

/**
 * The digits of `bytes[from, to)` (with at most one dot, at least 2^53 as an integer M, at most 19
 * significant digits) over 10^k (k ≤ 22), correctly rounded; NaN when that cannot be decided
 * cheaply (the caller converts the text then).
 */
function longQuotient(bytes: Uint8Array, from: number, to: number, k: number): number {
  // M = head · 10^r + tail: its first 15 significant digits, then at most 4 more.
  let head = 0;
  let tail = 0;
  let significant = 0;
  let r = 0;
  for (let at = from; at < to; at++) {
    const digit = bytes[at]! - ZERO;
    if (digit >>> 0 > 9) continue; // the dot
    if (significant === 0 && digit === 0) continue;
    if (significant < 15) head = head * 10 + digit;
    else {
      tail = tail * 10 + digit;
      r++;
    }
    significant++;
  }
  if (significant > 19) return Number.NaN;
  // M exactly, as the unevaluated sum s + l (all integers: the errors are exact integers too).
  const p = twoProduct(head, POWERS[r]!);
  const pError = productError;
  const s = twoSum(p, tail);
  const l = pError + sumError;
  const divisor = POWERS[k]!;
  const q = s / divisor;
  // The remainder M - q·D: s - a is exact (a is within a factor of two of s), the rest is small.
  const a = twoProduct(q, divisor);
  const remainder = s - a - productError + l;
  const ulp = ulpOf(q);
  // The quotient is q + t ulps, t known to about 2^-50 of itself (|t| < 2).
  const t = remainder / divisor / ulp;
  const steps = Math.round(t);
  if (Math.abs(Math.abs(t - steps) - 0.5) < 1e-6) return Number.NaN;
  // Below a power of two the doubles are twice as close: rounding in steps of `ulp` is wrong there,
  // whether q is that power or the step down reaches it.
  if (t < 0 && isPowerOfTwo(q)) return Number.NaN;
  const value = q + steps * ulp;
  if (t < steps && isPowerOfTwo(value)) return Number.NaN;
  return ulpOf(value) === ulp ? value : Number.NaN;
}
