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
  const length = text.length;
  let pos = 0;
  let newline = false;
  const skip = (): void => {
    for (; pos < length; pos++) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9) continue;
      if (c === 10 || c === 13) newline = true;
      else return;
    }
  };

  skip();
  if (text.charCodeAt(pos) !== OPEN_BRACE) return undefined;
  pos++;
  skip();
  if (!text.startsWith('"rows"', pos)) return undefined;
  pos += 6;
  skip();
  if (text.charCodeAt(pos) !== COLON) return undefined;
  pos++;
  skip();
  const rowsStart = pos;
  if (text.charCodeAt(pos) !== OPEN_BRACKET) return undefined;
  pos++;

  const names = firstRowKeys(text, pos);
  if (!names) return undefined;
  const width = names.length;
  let data = new Float32Array(64 * width);
  const seen = new Int32Array(width);
  let rows = 0;
  for (;;) {
    skip();
    if (text.charCodeAt(pos) !== OPEN_BRACE) return undefined;
    pos++;
    if ((rows + 1) * width > data.length) {
      const grown = new Float32Array(data.length * 2);
      grown.set(data);
      data = grown;
    }
    const base = rows * width;
    rows++;
    let members = 0;
    let guess = 0;
    skip();
    if (text.charCodeAt(pos) === CLOSE_BRACE) return undefined;
    for (;;) {
      // The key: the expected next feature first (rows usually list them in one order), else any.
      if (text.charCodeAt(pos) !== QUOTE) return undefined;
      const keyStart = pos + 1;
      let k = -1;
      for (let tried = 0; tried < width; tried++) {
        const candidate = (guess + tried) % width;
        const name = names[candidate]!;
        if (text.startsWith(name, keyStart) && text.charCodeAt(keyStart + name.length) === QUOTE) {
          k = candidate;
          break;
        }
      }
      if (k < 0 || seen[k] === rows) return undefined;
      seen[k] = rows;
      members++;
      guess = k + 1;
      pos = keyStart + names[k]!.length + 1;
      skip();
      if (text.charCodeAt(pos) !== COLON) return undefined;
      pos++;
      skip();
      // The number.
      const numberStart = pos;
      let negative = false;
      if (text.charCodeAt(pos) === MINUS) {
        negative = true;
        pos++;
      }
      let mantissa = 0;
      let digits = 0;
      let scale = 0;
      const integerStart = pos;
      for (let c = text.charCodeAt(pos); c >= ZERO && c <= NINE; c = text.charCodeAt(++pos)) {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
      }
      // JSON allows no empty integer part and no leading zero.
      if (pos === integerStart || (text.charCodeAt(integerStart) === ZERO && pos - integerStart > 1)) return undefined;
      if (text.charCodeAt(pos) === DOT) {
        pos++;
        const fractionStart = pos;
        for (let c = text.charCodeAt(pos); c >= ZERO && c <= NINE; c = text.charCodeAt(++pos)) {
          mantissa = mantissa * 10 + (c - ZERO);
          digits++;
          scale--;
        }
        if (pos === fractionStart) return undefined;
      }
      let exponentText = false;
      const e = text.charCodeAt(pos);
      if (e === LOWER_E || e === UPPER_E) {
        exponentText = true;
        pos++;
        const sign = text.charCodeAt(pos);
        if (sign === PLUS || sign === MINUS) pos++;
        const exponentStart = pos;
        while (text.charCodeAt(pos) >= ZERO && text.charCodeAt(pos) <= NINE) pos++;
        if (pos === exponentStart) return undefined;
      }
      let value: number;
      if (!exponentText && digits <= 15 && scale >= -22) {
        value = scale === 0 ? mantissa : mantissa / POWERS[-scale]!;
        if (negative) value = -value;
      } else value = Number(text.slice(numberStart, pos));
      if (!(Math.abs(value) <= FLOAT32_MAX)) return undefined;
      data[base + k] = value;
      skip();
      const after = text.charCodeAt(pos);
      pos++;
      if (after === CLOSE_BRACE) break;
      if (after !== COMMA) return undefined;
      skip();
    }
    if (members !== width) return undefined;
    skip();
    const after = text.charCodeAt(pos);
    pos++;
    if (after === CLOSE_BRACKET) break;
    if (after !== COMMA) return undefined;
  }
  const rowsEnd = pos;
  skip();
  if (text.charCodeAt(pos) !== CLOSE_BRACE) return undefined;
  pos++;
  skip();
  if (pos !== length) return undefined;
  const rowsText = text.slice(rowsStart, rowsEnd);
  return { keys: names, rows, data: data.length === rows * width ? data : data.slice(0, rows * width), rowsText: newline ? rowsText.replace(/[\r\n]/g, ' ') : rowsText };
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
