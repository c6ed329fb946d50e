/**
 * The common prediction-log line decoded straight from its bytes: a `/predict` request of plain
 * numeric rows answered with class probabilities, as `sluice serve` writes it. Parsing a million
 * such lines with JSON.parse builds a million requests' objects only to copy their numbers out;
 * this reads the numbers into the arena as it goes. Anything else (other protocols, text or
 * booleans in a row, escapes in a string, a shadow answer, whitespace the server never writes
 * outside the request's own text, a long or large number) returns undefined and the line is
 * parsed with JSON.parse as before, so a line decoded here gives exactly what that would.
 */
import { isoMillis } from './iso-time.js';
import { numberEnd, scanJsonNumber } from './json-number.js';
import type { LogRecords } from './log-records.js';
import { CELL_MISSING, CELL_NUMBER, type RowArena } from './row-arena.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const REQUEST_ID = keyBytes('{"request_id":"');
const TIMESTAMP = keyBytes(',"timestamp":"');
const MODEL = keyBytes(',"model":"');
const VERSION = keyBytes(',"version":"');
const PREDICT = keyBytes(',"protocol":"predict","inputs":');
const OUTPUTS = keyBytes(',"outputs":');
const LABEL = keyBytes('{"label":');
const PROBABILITIES = keyBytes(',"probabilities":');
const NULL = keyBytes('null');
const LATENCY = keyBytes(',"latency_ms":');

const NEWLINE = 0x0a;

/** JSON whitespace within a line (a newline ends the line, so it never is). */
function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0d || byte === 0x09;
}

/** Whether JavaScript keeps an object's keys `names` in this order (integer-like keys come first, ascending). */
function keepsOrder(names: readonly string[]): boolean {
  const keys = Object.keys(Object.fromEntries(names.map((name) => [name, 0])));
  return keys.length === names.length && keys.every((key, k) => key === names[k]);
}

/** A string JSON.stringify writes as its characters between quotes: printable ASCII, no quote or backslash. */
function isPlain(name: string): boolean {
  return /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/.test(name);
}

/** Whether `text` is at `bytes[at]`, before `end`. */
function textAt(bytes: Buffer, at: number, end: number, text: Buffer): boolean {
  if (at + text.length > end) return false;
  for (let k = 0; k < text.length; k++) if (bytes[at + k] !== text[k]) return false;
  return true;
}

/** The cursor moved past JSON whitespace. */
function skipSpaces(bytes: Buffer, at: number, end: number): number {
  while (at < end && isSpace(bytes[at]!)) at++;
  return at;
}

/** A fixed text (a feature's name as a plain key holds it, a literal of the line) as bytes, and as little-endian 32-bit words to compare four bytes at a time. */
interface KeyBytes {
  readonly bytes: Buffer;
  readonly words: Uint32Array;
}

function keyBytes(name: string): KeyBytes {
  const bytes = Buffer.from(name);
  const words = new Uint32Array(bytes.length >>> 2);
  for (let w = 0; w < words.length; w++) words[w] = bytes.readUInt32LE(4 * w);
  return { bytes, words };
}

/** Whether `key`'s bytes are at `bytes[at]`, before `end` (`view` being a view of `bytes`): four at a time, then the rest. */
function bytesAt(bytes: Buffer, view: DataView, at: number, end: number, key: KeyBytes): boolean {
  const length = key.bytes.length;
  if (at + length > end) return false;
  const words = key.words;
  for (let w = 0; w < words.length; w++) if (view.getUint32(at + 4 * w, true) !== words[w]) return false;
  for (let k = words.length * 4; k < length; k++) if (bytes[at + k] !== key.bytes[k]) return false;
  return true;
}

/** Whether `key` and then a closing quote are at `bytes[at]`. */
function keyAt(bytes: Buffer, view: DataView, at: number, end: number, key: KeyBytes): boolean {
  return at + key.bytes.length < end && bytes[at + key.bytes.length] === QUOTE && bytesAt(bytes, view, at, end, key);
}

export class PredictLineScanner {
  private at = 0;
  private bytes: Buffer = Buffer.alloc(0);
  private end = 0;
  private readonly featureIndex: Map<string, number>;
  /** Each feature's name as bytes, when plain: a key is matched against the one expected next without becoming a string. */
  private readonly featureKeys: readonly (KeyBytes | undefined)[];
  /** A DataView of `bytes`, made again when the buffer changes. */
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private readonly classKeys: readonly KeyBytes[] | undefined;
  private values = new Float64Array(0);
  private tags = new Uint8Array(0);
  private probabilities = new Float64Array(0);
  private seen = new Int32Array(0);
  private stamp = 0;
  /** Bytes of log still to come, until the first line shows how many rows that is. */
  private expectedBytes = 0;

  constructor(
    private readonly arena: RowArena,
    private readonly records: LogRecords,
  ) {
    this.featureIndex = new Map(arena.features.map((name, f) => [name, f]));
    this.featureKeys = arena.features.map((name) => (isPlain(name) ? keyBytes(name) : undefined));
    // Answers are read here only when their probabilities are keyed by exactly the classes, in order.
    this.classKeys = arena.classes.length > 0 && keepsOrder(arena.classes) && arena.classes.every(isPlain) ? arena.classes.map((name, c) => keyBytes(`${c === 0 ? '{' : ','}"${name}":`)) : undefined;
    this.seen = new Int32Array(arena.features.length);
  }

  /** About `bytes` bytes of log follow: the arena makes room for their rows once the first line shows the rows per byte. */
  expect(bytes: number): void {
    this.expectedBytes = bytes;
  }

  /**
   * Reads the line starting at `bytes[start]` into the records, its rows into the arena, and
   * returns the offset in `file` just past it; -1, reading nothing, when the line is not of the
   * plain shape. The line ends at a newline before `limit`, found here as the line is read
   * (looking for it first costs a call per line); `bytes[0]` is at offset `offset` of the file.
   */
  scan(bytes: Buffer, start: number, limit: number, file: string, offset: number): number {
    if (this.classKeys === undefined) return -1;
    if (bytes !== this.bytes) this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    this.bytes = bytes;
    this.at = start;
    this.end = limit;
    const end = limit;
    if (!this.literal(REQUEST_ID)) return -1;
    const requestId = this.plainString();
    if (requestId === undefined || !this.literal(TIMESTAMP)) return -1;
    const time = this.timestamp();
    if (Number.isNaN(time) || !this.literal(MODEL)) return -1;
    const model = this.repeatedString(0);
    if (model === undefined || !this.literal(VERSION)) return -1;
    const version = this.repeatedString(1);
    if (version === undefined || !this.literal(PREDICT)) return -1;
    const count = this.inputs();
    if (count === undefined || !this.literal(OUTPUTS) || !this.outputs(count)) return -1;
    // The answer's time, when the server recorded it (see serving/prediction-log.ts).
    let latency = Number.NaN;
    if (this.at < end && bytes[this.at] !== CLOSE_BRACE) {
      if (!this.literal(LATENCY)) return -1;
      const recorded = this.number();
      if (recorded === undefined) return -1;
      latency = recorded;
    }
    if (this.at + 1 >= end || bytes[this.at] !== CLOSE_BRACE || bytes[this.at + 1] !== NEWLINE) return -1;
    const offsetAfter = offset + this.at + 2;
    if (this.expectedBytes > 0) {
      // 5 % over the estimate: a little spare memory rather than one more doubling.
      const lines = this.expectedBytes / (this.at + 2 - start);
      this.arena.expect(this.arena.length + lines * count * 1.05);
      this.records.reserve(Math.ceil(this.records.length + lines * 1.05));
      this.expectedBytes = 0;
    }
    const first = this.arena.pushScanned(requestId, count, this.values, this.tags, this.probabilities);
    this.records.pushFields(requestId, time, model, version, 'predict', file, offsetAfter, latency, first, count);
    return offsetAfter;
  }

  private literal(text: KeyBytes): boolean {
    if (!bytesAt(this.bytes, this.view, this.at, this.end, text)) return false;
    this.at += text.bytes.length;
    return true;
  }

  /** The characters up to the next quote (which is consumed), when all are printable ASCII without escapes. */
  private plainString(): string | undefined {
    const start = this.at;
    for (; this.at < this.end; this.at++) {
      const byte = this.bytes[this.at]!;
      if (byte === QUOTE) return this.bytes.toString('latin1', start, this.at++);
      if (byte < 0x20 || byte > 0x7e || byte === BACKSLASH) return undefined;
    }
    return undefined;
  }

  /** `plainString` without making the string: the answer's label, which the arena does not keep. */
  private skipPlainString(): boolean {
    for (; this.at < this.end; this.at++) {
      const byte = this.bytes[this.at]!;
      if (byte === QUOTE) {
        this.at++;
        return true;
      }
      if (byte < 0x20 || byte > 0x7e || byte === BACKSLASH) return false;
    }
    return false;
  }

  /** The timestamp string at the cursor (its closing quote consumed) in milliseconds, NaN if it is not a date. */
  private timestamp(): number {
    const time = isoMillis(this.bytes, this.at, this.end);
    if (!Number.isNaN(time) && this.bytes[this.at + 24] === QUOTE) {
      this.at += 25;
      return time;
    }
    const text = this.plainString();
    return text === undefined ? Number.NaN : Date.parse(text);
  }

  /** The model and version of the previous line, as bytes and as text. */
  private readonly repeated: [Buffer, string][] = [
    [Buffer.alloc(0), ''],
    [Buffer.alloc(0), ''],
  ];

  /** A plain string that is usually the previous line's (the model, the version): that line's string when the bytes match, so a million records share one. */
  private repeatedString(slot: number): string | undefined {
    const [bytes, text] = this.repeated[slot]!;
    // Compared here, not with Buffer#compare: these strings are a few bytes long, and a call into
    // C++ (with its argument checks) cost more than the comparison, twice a line.
    if (this.at + bytes.length < this.end && this.bytes[this.at + bytes.length] === QUOTE && textAt(this.bytes, this.at, this.end, bytes)) {
      this.at += bytes.length + 1;
      return text;
    }
    const start = this.at;
    const fresh = this.plainString();
    if (fresh !== undefined) this.repeated[slot] = [Buffer.from(this.bytes.subarray(start, this.at - 1)), fresh];
    return fresh;
  }

  /** A JSON number, exactly as JSON.parse reads it; undefined if not one. */
  private number(): number | undefined {
    const value = scanJsonNumber(this.bytes, this.at, this.end);
    if (Number.isNaN(value)) return undefined;
    this.at = numberEnd;
    return value;
  }

  /**
   * The rows of `"inputs":[{…},…]` into the scratch cells; their count, or undefined. The hot loop
   * of a pass: its cursor is a local, not the scanner's field, so that it stays in a register.
   */
  private inputs(): number | undefined {
    const bytes = this.bytes;
    const end = this.end;
    const width = this.arena.features.length;
    let at = skipSpaces(bytes, this.at, end);
    if (bytes[at] !== OPEN_BRACKET) return undefined;
    at++;
    let rows = 0;
    for (;;) {
      at = skipSpaces(bytes, at, end);
      if (bytes[at] !== OPEN_BRACE) return undefined;
      at++;
      if (this.values.length < (rows + 1) * width) this.growCells((rows + 1) * width * 2);
      const values = this.values;
      const tags = this.tags;
      const seen = this.seen;
      const base = rows * width;
      for (let f = 0; f < width; f++) {
        values[base + f] = Number.NaN;
        tags[base + f] = CELL_MISSING;
      }
      const stamp = ++this.stamp;
      let previous = -1;
      for (;;) {
        at = skipSpaces(bytes, at, end);
        if (bytes[at] !== QUOTE) return undefined;
        at++;
        // The key expected next (the server writes a row's features in signature order), else any.
        let f = previous + 1 < width ? previous + 1 : 0;
        const key = this.featureKeys[f];
        if (key !== undefined && keyAt(bytes, this.view, at, end, key)) {
          at += key.bytes.length + 1;
        } else {
          this.at = at;
          const name = this.plainString();
          if (name === undefined) return undefined;
          at = this.at;
          f = this.featureIndex.get(name) ?? -1;
        }
        previous = f;
        at = skipSpaces(bytes, at, end);
        if (bytes[at] !== COLON) return undefined;
        at = skipSpaces(bytes, at + 1, end);
        if (f >= 0) {
          // A repeated key: JSON.parse keeps the last, which the slow path handles.
          if (seen[f] === stamp) return undefined;
          seen[f] = stamp;
        }
        if (bytes[at] === NULL.bytes[0]) {
          if (!bytesAt(bytes, this.view, at, end, NULL)) return undefined;
          at += NULL.bytes.length; // missing, as the cell already is
        } else {
          const value = scanJsonNumber(bytes, at, end);
          if (Number.isNaN(value)) return undefined;
          at = numberEnd;
          if (f >= 0) {
            values[base + f] = value;
            tags[base + f] = CELL_NUMBER;
          }
        }
        at = skipSpaces(bytes, at, end);
        const next = bytes[at++];
        if (next === CLOSE_BRACE) break;
        if (next !== COMMA) return undefined;
      }
      rows++;
      at = skipSpaces(bytes, at, end);
      const next = bytes[at++];
      if (next === CLOSE_BRACKET) {
        this.at = at;
        return rows;
      }
      if (next !== COMMA) return undefined;
    }
  }

  /** `[{"label":…,"probabilities":{…}},…]` with one answer per row, probabilities in class order. */
  private outputs(rows: number): boolean {
    const classes = this.classKeys!;
    if (this.probabilities.length < rows * classes.length) this.probabilities = new Float64Array(rows * classes.length * 2);
    if (this.bytes[this.at++] !== OPEN_BRACKET) return false;
    for (let row = 0; row < rows; row++) {
      if (row > 0 && this.bytes[this.at++] !== COMMA) return false;
      if (!this.literal(LABEL)) return false;
      if (!this.literal(NULL)) {
        if (this.bytes[this.at++] !== QUOTE || !this.skipPlainString()) return false;
      }
      if (!this.literal(PROBABILITIES)) return false;
      for (let c = 0; c < classes.length; c++) {
        if (!this.literal(classes[c]!)) return false;
        // A probability the model left NaN is logged as null, which the answer reads as Number(null) = 0.
        const value = this.literal(NULL) ? 0 : this.number();
        if (value === undefined) return false;
        this.probabilities[row * classes.length + c] = value;
      }
      if (this.bytes[this.at++] !== CLOSE_BRACE || this.bytes[this.at++] !== CLOSE_BRACE) return false;
    }
    return this.bytes[this.at++] === CLOSE_BRACKET;
  }

  private growCells(size: number): void {
    const values = new Float64Array(size);
    values.set(this.values);
    const tags = new Uint8Array(size);
    tags.set(this.tags);
    this.values = values;
    this.tags = tags;
  }
}
