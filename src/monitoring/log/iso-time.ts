/**
 * A timestamp as the server writes it (`Date.prototype.toISOString()`: `2026-01-01T00:00:00.000Z`)
 * read straight from a log line's bytes, digit by digit: a million `Date.parse` calls on fresh
 * strings cost a second. Only that exact form, with every field in its range, is read here;
 * anything else (other forms, a 31st of February, years before 100, which Date.UTC reads as
 * 19xx) is NaN, for the caller to give to Date.parse, so the result is always Date.parse's.
 */

const ZERO = 0x30;

/** The number written by `count` decimal digits at `at`, or -1 if one is not a digit. */
function digits(bytes: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let k = 0; k < count; k++) {
    const digit = bytes[at + k]! - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Milliseconds of the 24 bytes at `at` (before `end`) when they are a toISOString() timestamp; NaN otherwise. */
export function isoMillis(bytes: Uint8Array, at: number, end: number): number {
  if (at + 24 > end || bytes[at + 4] !== 0x2d || bytes[at + 7] !== 0x2d || bytes[at + 10] !== 0x54 || bytes[at + 13] !== 0x3a || bytes[at + 16] !== 0x3a || bytes[at + 19] !== 0x2e || bytes[at + 23] !== 0x5a) return Number.NaN;
  const year = digits(bytes, at, 4);
  const month = digits(bytes, at + 5, 2);
  const day = digits(bytes, at + 8, 2);
  const hour = digits(bytes, at + 11, 2);
  const minute = digits(bytes, at + 14, 2);
  const second = digits(bytes, at + 17, 2);
  const millis = digits(bytes, at + 20, 3);
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 28 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}
