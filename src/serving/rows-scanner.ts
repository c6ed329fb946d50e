/**
 * The common `/predict` body, `{"rows": [{"feature": number, …}, …]}` with every row holding the
 * same keys and plain numbers, read straight from its text into a float32 matrix (the codec then
 * checks the keys are the model's features).
 *
 * Written by hand because it is most of a large request's cost: JSON.parse builds an object per
 * row and a property per cell (about 270 µs for 100 rows of 30 features), then the codec reads
 * them back by name, and the body is scanned twice more (for poisoned keys and to cut out the
 * rows' text for the prediction log). Scanning once into a Float32Array takes a fraction of that.
 * No JSON library for Node parses into typed arrays against a known shape.
 *
 * It accepts only a strict subset, and answers undefined for anything else (another member,
 * an escape in a key, a duplicate key, rows with different keys, a non-number, a value beyond
 * float32, malformed JSON): the caller then takes the general path (JSON.parse, the checked codec),
 * which gives the same answer or the same error as always. Numbers are converted exactly as
 * JSON.parse converts them: the exact fast path (up to 15 digits scaled by a power of ten up to
 * 10^22, a single correctly rounded operation) or, past it, Number() of the number's text.
 */
import { FLOAT32_MAX } from './tensor-codec.js';

export interface ScannedRows {
  /** The keys of every row, in the first row's order. */
  readonly keys: readonly string[];
  readonly rows: number;
  /** rows × keys, row-major, in the keys' order. */
  readonly data: Float32Array;
  /** The JSON text of the rows array, on one line (as the prediction log writes it). */
  readonly rowsText: string;
}

const QUOTE = 34;
const COMMA = 44;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const LOWER_E = 101;
const UPPER_E = 69;

/** Exact powers of ten in a double. */
const POWERS = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Reads `text` as a `/predict` body of rows; undefined when it is not one in the subset above. */
export function scanRowsBody(text: string): ScannedRows | undefined {
  const cursor = new Cursor(text);
  if (!cursor.take(OPEN_BRACE) || !cursor.takeWord('"rows"') || !cursor.take(COLON)) return undefined;
  cursor.skip();
  const rowsStart = cursor.pos;
  if (!cursor.take(OPEN_BRACKET)) return undefined;
  const names = firstRowKeys(text, cursor.pos);
  if (!names) return undefined;
  const width = names.length;
  let data = new Float32Array(64 * width);
  const seen = new Int32Array(width);
  let rows = 0;
  for (;;) {
    if ((rows + 1) * width > data.length) {
      const grown = new Float32Array(data.length * 2);
      grown.set(data);
      data = grown;
    }
    rows++;
    if (!cursor.readRow(names, seen, rows, data, (rows - 1) * width)) return undefined;
    const after = cursor.next();
    if (after === CLOSE_BRACKET) break;
    if (after !== COMMA) return undefined;
  }
  const rowsEnd = cursor.pos;
  if (!cursor.take(CLOSE_BRACE)) return undefined;
  cursor.skip();
  if (cursor.pos !== text.length) return undefined;
  const rowsText = text.slice(rowsStart, rowsEnd);
  return { keys: names, rows, data: data.length === rows * width ? data : data.slice(0, rows * width), rowsText: cursor.newline ? rowsText.replace(/[\r\n]/g, ' ') : rowsText };
}

/** A position in the body's text, and whether whitespace passed so far held a line break. */
class Cursor {
  pos = 0;
  newline = false;
  constructor(private readonly text: string) {}

  skip(): void {
    const { text } = this;
    for (; this.pos < text.length; this.pos++) {
      const c = text.charCodeAt(this.pos);
      if (c === 32 || c === 9) continue;
      if (c === 10 || c === 13) this.newline = true;
      else return;
    }
  }

  /** After whitespace, the character `code`: consumed, true; otherwise false. */
  take(code: number): boolean {
    this.skip();
    if (this.text.charCodeAt(this.pos) !== code) return false;
    this.pos++;
    return true;
  }

  takeWord(word: string): boolean {
    this.skip();
    if (!this.text.startsWith(word, this.pos)) return false;
    this.pos += word.length;
    return true;
  }

  /** After whitespace, the next character's code (NaN at the end), consumed. */
  next(): number {
    this.skip();
    return this.text.charCodeAt(this.pos++);
  }

  /**
   * One row object whose keys are exactly `names` (any order, each once), values into
   * `data[base + k]`; `seen` marks the keys met, with `stamp` for this row.
   */
  readRow(names: readonly string[], seen: Int32Array, stamp: number, data: Float32Array, base: number): boolean {
    if (!this.take(OPEN_BRACE)) return false;
    let members = 0;
    let guess = 0;
    for (;;) {
      const k = this.readKey(names, guess);
      if (k < 0 || seen[k] === stamp || !this.take(COLON)) return false;
      seen[k] = stamp;
      members++;
      guess = k + 1;
      this.skip();
      const value = this.readNumber();
      if (!(Math.abs(value) <= FLOAT32_MAX)) return false;
      data[base + k] = value;
      const after = this.next();
      if (after === CLOSE_BRACE) return members === names.length;
      if (after !== COMMA) return false;
    }
  }

  /** A quoted key equal to one of `names` (tried from `guess` on: rows usually list keys in one order): its index, or −1. */
  private readKey(names: readonly string[], guess: number): number {
    this.skip();
    const { text } = this;
    if (text.charCodeAt(this.pos) !== QUOTE) return -1;
    const keyStart = this.pos + 1;
    for (let tried = 0; tried < names.length; tried++) {
      const candidate = (guess + tried) % names.length;
      const name = names[candidate]!;
      if (text.startsWith(name, keyStart) && text.charCodeAt(keyStart + name.length) === QUOTE) {
        this.pos = keyStart + name.length + 1;
        return candidate;
      }
    }
    return -1;
  }

  /** A JSON number, converted as JSON.parse converts it; NaN when the text is not one. */
  private readNumber(): number {
    const { text } = this;
    const numberStart = this.pos;
    const negative = text.charCodeAt(this.pos) === MINUS;
    if (negative) this.pos++;
    let mantissa = 0;
    let digits = 0;
    let scale = 0;
    const integerStart = this.pos;
    for (let c = text.charCodeAt(this.pos); c >= ZERO && c <= NINE; c = text.charCodeAt(++this.pos)) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
    }
    // JSON allows no empty integer part and no leading zero.
    if (this.pos === integerStart || (text.charCodeAt(integerStart) === ZERO && this.pos - integerStart > 1)) return Number.NaN;
    if (text.charCodeAt(this.pos) === DOT) {
      const fractionStart = ++this.pos;
      for (let c = text.charCodeAt(this.pos); c >= ZERO && c <= NINE; c = text.charCodeAt(++this.pos)) {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        scale--;
      }
      if (this.pos === fractionStart) return Number.NaN;
    }
    const e = text.charCodeAt(this.pos);
    if (e === LOWER_E || e === UPPER_E) {
      const sign = text.charCodeAt(++this.pos);
      if (sign === PLUS || sign === MINUS) this.pos++;
      const exponentStart = this.pos;
      while (text.charCodeAt(this.pos) >= ZERO && text.charCodeAt(this.pos) <= NINE) this.pos++;
      if (this.pos === exponentStart) return Number.NaN;
      return Number(text.slice(numberStart, this.pos));
    }
    if (digits > 15 || scale < -22) return Number(text.slice(numberStart, this.pos));
    const value = scale === 0 ? mantissa : mantissa / POWERS[-scale]!;
    return negative ? -value : value;
  }
}

/**
 * The keys of the row object starting at or after `from` (whitespace first), in order; undefined
 * for an empty row, a key with an escape, or a key given twice. Values are skipped here, not
 * checked: the scan checks them.
 */
function firstRowKeys(text: string, from: number): string[] | undefined {
  const keys: string[] = [];
  const unique = new Set<string>();
  let pos = text.indexOf('{', from);
  if (pos < 0) return undefined;
  const end = text.indexOf('}', pos);
  if (end < 0) return undefined;
  for (pos++; pos < end; ) {
    const open = text.indexOf('"', pos);
    if (open < 0 || open > end) break;
    const close = text.indexOf('"', open + 1);
    if (close < 0 || close > end) return undefined;
    const key = text.slice(open + 1, close);
    if (key.includes('\\') || unique.has(key)) return undefined;
    unique.add(key);
    keys.push(key);
    // The next key follows the next comma (values here are numbers: no quotes, no commas).
    const comma = text.indexOf(',', close);
    if (comma < 0 || comma > end) break;
    pos = comma + 1;
  }
  return keys.length > 0 ? keys : undefined;
}
