/**
 * Sorting many numbers, the main cost of drift detection (KS, Wasserstein and PSI all walk
 * sorted samples) and of choosing a GBDT's bin edges. An LSD radix sort on the IEEE-754 bits, 16
 * bits per pass, sorts 2,000,000 values in about half the time of `Float64Array.prototype.sort`;
 * float32 values take 32-bit keys and 8-bit passes. No library offers one for typed arrays, hence
 * this file.
 */

/**
 * Sorts `values` ascending in place, NaN last, like `values.sort()`. -0 sorts before +0 (both
 * compare equal, so no statistic sees the difference).
 *
 * Self-contained (no reference outside its body) so that a worker thread can run its source:
 * see sort-in-parallel.ts.
 */
// eslint-disable-next-line max-lines-per-function -- self-contained for worker threads (see sort-in-parallel.ts): every helper lives in its body
export function sortNumbers(values: Float64Array): void {
  /** Below this size the built-in sort of keys wins (radix passes have a fixed cost per bucket). */
  const RADIX_THRESHOLD = 1 << 16;
  const BUCKETS = 1 << 16;

  /**
   * Scratch memory for `words` 32-bit words, kept between calls while it lives: sorting the columns
   * of a table one after another reuses it. Fresh memory costs a page fault per 4 KiB on first
   * touch, which on some virtual machines is as slow as the sort itself. Held weakly, so a large
   * sort does not pin its scratch once the program moves on.
   */
  function scratch(words: number): ArrayBuffer {
    const holder = sortNumbers as unknown as { scratch?: WeakRef<ArrayBuffer> };
    const kept = holder.scratch?.deref();
    if (kept && kept.byteLength >= words * 4) return kept;
    const fresh = new ArrayBuffer(words * 4);
    holder.scratch = new WeakRef(fresh);
    return fresh;
  }

  /**
   * Keys as two unsigned words whose order is the numbers' order (flip every bit of negatives,
   * only the sign bit of the rest, NaN last), made in place in the numbers' own memory, where they already
   * sit as [low, high] pairs (little-endian), with the four 16-bit digits' histograms counted in
   * the same read.
   */
  function makeKeys(words: Uint32Array, counts: Uint32Array): void {
    for (let i = 0; i < words.length; i += 2) {
      let low = words[i]!;
      let high = words[i + 1]!;
      if ((high & 0x7ff00000) === 0x7ff00000 && ((high & 0xfffff) | low) !== 0) {
        // NaN (of either sign): the largest key, which turns back into a NaN.
        high = 0xffffffff;
        low = 0xffffffff;
      } else if (high & 0x80000000) {
        high = ~high >>> 0;
        low = ~low >>> 0;
      } else high = (high | 0x80000000) >>> 0;
      words[i] = low;
      words[i + 1] = high;
      counts[low & 0xffff]!++;
      counts[BUCKETS + (low >>> 16)]!++;
      counts[2 * BUCKETS + (high & 0xffff)]!++;
      counts[3 * BUCKETS + (high >>> 16)]!++;
    }
  }

  /**
   * One pass on a digit of the low word: each key's two words move together, to one place (a
   * scattered write touches one cache line, not one in each of two arrays, which made the passes
   * about a quarter faster with two threads sorting at once).
   */
  function scatterByLow(from: Uint32Array, to: Uint32Array, offsets: Uint32Array, shift: number): void {
    for (let i = 0; i < from.length; i += 2) {
      const low = from[i]!;
      const at = offsets[(low >>> shift) & 0xffff]!++ << 1;
      to[at] = low;
      to[at + 1] = from[i + 1]!;
    }
  }

  /** One pass on a digit of the high word. */
  function scatterByHigh(from: Uint32Array, to: Uint32Array, offsets: Uint32Array, shift: number): void {
    for (let i = 0; i < from.length; i += 2) {
      const high = from[i + 1]!;
      const at = offsets[(high >>> shift) & 0xffff]!++ << 1;
      to[at] = from[i]!;
      to[at + 1] = high;
    }
  }

  /** Keys back to numbers, into `words` (the numbers' memory). */
  function keysToNumbers(keys: Uint32Array, words: Uint32Array): void {
    for (let i = 0; i < keys.length; i += 2) {
      const high = keys[i + 1]!;
      const low = keys[i]!;
      if (high & 0x80000000) {
        words[i + 1] = high & 0x7fffffff;
        words[i] = low;
      } else {
        words[i + 1] = ~high >>> 0;
        words[i] = ~low >>> 0;
      }
    }
  }

  /**
   * LSD radix sort on the keys, 16 bits per pass. Each loop is a small function of its own: V8
   * optimizes small functions sooner, and a fresh process (or worker thread) sorted its first
   * columns about twice as fast as with the passes inline in one large function, which stayed in
   * baseline code for most of its first call.
   */
  function radixSort(numbers: Float64Array): void {
    const n = numbers.length;
    const words = new Uint32Array(numbers.buffer, numbers.byteOffset, n * 2);
    let from = words;
    let to: Uint32Array<ArrayBufferLike> = new Uint32Array(scratch(2 * n), 0, 2 * n);
    // All four histograms in the same read; a pass whose digit is the same for every key is skipped.
    const counts = new Uint32Array(4 * BUCKETS);
    makeKeys(words, counts);
    for (let pass = 0; pass < 4; pass++) {
      const base = pass * BUCKETS;
      let total = 0;
      let trivial = false;
      for (let bucket = 0; bucket < BUCKETS; bucket++) {
        const count = counts[base + bucket]!;
        if (count === n) trivial = true;
        counts[base + bucket] = total;
        total += count;
      }
      if (trivial) continue;
      const offsets = counts.subarray(base, base + BUCKETS);
      if (pass < 2) scatterByLow(from, to, offsets, 16 * pass);
      else scatterByHigh(from, to, offsets, 16 * (pass - 2));
      [from, to] = [to, from];
    }
    // Back to numbers, in the numbers' memory (the keys end in the scratch after an odd number of passes).
    keysToNumbers(from, words);
  }

  /**
   * Values that are all float32 numbers (a model's prepared features, the GBDT trainer's edge
   * samples) sort on 32-bit keys in four 8-bit passes: about four times faster than the 64-bit
   * passes at 200,000 values. False, with nothing changed, when a value is not a float32.
   */
  function float32RadixSort(numbers: Float64Array): boolean {
    const n = numbers.length;
    const memory = scratch(2 * n);
    let from = new Uint32Array(memory, 0, n);
    const floats = new Float32Array(memory, 0, n);
    for (let i = 0; i < n; i++) {
      const value = numbers[i]!;
      if (value !== value) {
        // NaN: a quiet NaN of positive sign, whose key is above every number's (+Infinity's included).
        from[i] = 0x7fc00000;
        continue;
      }
      floats[i] = value;
      if (floats[i] !== value) return false;
    }
    for (let i = 0; i < n; i++) {
      const bits = from[i]!;
      from[i] = bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
    }
    let to = new Uint32Array(memory, 4 * n, n);
    const counts = new Uint32Array(256);
    for (let shift = 0; shift < 32; shift += 8) {
      counts.fill(0);
      for (let i = 0; i < n; i++) counts[(from[i]! >>> shift) & 0xff]!++;
      let total = 0;
      for (let digit = 0; digit < 256; digit++) {
        const count = counts[digit]!;
        counts[digit] = total;
        total += count;
      }
      for (let i = 0; i < n; i++) {
        const key = from[i]!;
        to[counts[(key >>> shift) & 0xff]!++] = key;
      }
      [from, to] = [to, from];
    }
    const sorted = new Float32Array(from.buffer, from.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const key = from[i]!;
      from[i] = key & 0x80000000 ? key & 0x7fffffff : ~key >>> 0;
      numbers[i] = sorted[i]!;
    }
    return true;
  }

  /**
   * Fewer numbers sort as their keys (see radixSort) in a BigUint64Array: the built-in sort of
   * unsigned integers is two to three times quicker than that of doubles, which checks every
   * comparison for NaN and -0, and quicker still on columns with many repeated values.
   */
  function keySort(numbers: Float64Array): void {
    const n = numbers.length;
    const words = new Uint32Array(numbers.buffer, numbers.byteOffset, n * 2);
    for (let i = 0; i < n; i++) {
      const high = words[2 * i + 1]!;
      if (high & 0x80000000) {
        words[2 * i + 1] = ~high >>> 0;
        words[2 * i] = ~words[2 * i]! >>> 0;
      } else words[2 * i + 1] = (high | 0x80000000) >>> 0;
    }
    new BigUint64Array(numbers.buffer, numbers.byteOffset, n).sort();
    for (let i = 0; i < n; i++) {
      const high = words[2 * i + 1]!;
      if (high & 0x80000000) words[2 * i + 1] = high & 0x7fffffff;
      else {
        words[2 * i + 1] = ~high >>> 0;
        words[2 * i] = ~words[2 * i]! >>> 0;
      }
    }
  }

  // NaN has no place in the order: it goes last. Both radix sorts give every NaN a key above all
  // the numbers' as they make the keys (a pass over the values less).
  if (values.length >= RADIX_THRESHOLD) {
    if (!float32RadixSort(values)) radixSort(values);
    return;
  }
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value === value) values[n++] = value;
  }
  values.fill(Number.NaN, n);
  keySort(values.subarray(0, n));
}
