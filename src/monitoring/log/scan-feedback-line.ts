/**
 * A feedback line of the form the server writes (`{"request_id":…,"timestamp":…,"label":…}`)
 * with one plain label (a number, a string without escapes, true, false or null), read straight
 * from its bytes: 200,000 labels cost most of a second through JSON.parse and Date.parse. Any
 * other line (a list of labels, escapes, other keys or spacing) is left to JSON.parse, so what
 * is read here is exactly what that would give.
 */
import { isoMillis } from './iso-time.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE_BRACE = 0x7d;
const NEWLINE = 0x0a;

const PREFIX = Buffer.from('{"request_id":"');
const TIMESTAMP = Buffer.from(',"timestamp":"');
const LABEL = Buffer.from(',"label":');
const LITERALS: readonly [Buffer, unknown][] = [
  [Buffer.from('true'), true],
  [Buffer.from('false'), false],
  [Buffer.from('null'), null],
];
/** A JSON number, whole: Number() reads such text exactly as JSON.parse does. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export class FeedbackLineScanner {
  /** The last line read. */
  id = '';
  time = 0;
  label: unknown = undefined;
  private bytes: Buffer = Buffer.alloc(0);
  private at = 0;

  /** Reads the line at `start`; the index of its newline (or of the end of `bytes`), or -1 when it is not of the plain form. */
  scan(bytes: Buffer, start: number): number {
    this.bytes = bytes;
    this.at = start;
    if (!this.literal(PREFIX)) return -1;
    const id = this.plainString();
    if (id === undefined || !this.literal(TIMESTAMP)) return -1;
    let time = isoMillis(bytes, this.at, bytes.length);
    if (!Number.isNaN(time) && bytes[this.at + 24] === QUOTE) {
      this.at += 25;
    } else {
      const text = this.plainString();
      if (text === undefined) return -1;
      time = Date.parse(text);
      if (Number.isNaN(time)) time = 0;
    }
    if (!this.literal(LABEL)) return -1;
    if (!this.readLabel()) return -1;
    if (bytes[this.at] !== CLOSE_BRACE || (this.at + 1 < bytes.length && bytes[this.at + 1] !== NEWLINE)) return -1;
    this.id = id;
    this.time = time;
    return this.at + 1;
  }

  private literal(text: Uint8Array): boolean {
    if (this.at + text.length > this.bytes.length) return false;
    for (let k = 0; k < text.length; k++) if (this.bytes[this.at + k] !== text[k]) return false;
    this.at += text.length;
    return true;
  }

  /** The characters up to the next quote (consumed), when all are printable ASCII without escapes. */
  private plainString(): string | undefined {
    const start = this.at;
    for (; this.at < this.bytes.length; this.at++) {
      const byte = this.bytes[this.at]!;
      if (byte === QUOTE) return this.bytes.toString('latin1', start, this.at++);
      if (byte < 0x20 || byte > 0x7e || byte === BACKSLASH) return undefined;
    }
    return undefined;
  }

  private readLabel(): boolean {
    const bytes = this.bytes;
    if (bytes[this.at] === QUOTE) {
      this.at++;
      const text = this.plainString();
      this.label = text;
      return text !== undefined;
    }
    for (const [text, value] of LITERALS) {
      if (this.literal(text)) {
        this.label = value;
        return true;
      }
    }
    const start = this.at;
    while (this.at < bytes.length && bytes[this.at] !== CLOSE_BRACE && bytes[this.at] !== NEWLINE) this.at++;
    const text = bytes.toString('latin1', start, this.at);
    if (!JSON_NUMBER.test(text)) return false;
    this.label = Number(text);
    return true;
  }
}
