/**
 * Finding what is wrong with a CSV file DuckDB refused, so the error names the line and column:
 * DuckDB's sniffer reports a ragged row as "could not detect the dialect", and a bad byte on the
 * header's line number. Runs only after a failure, so it may read the whole file.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';

export interface CsvProblem {
  /** 1-based line of the file where the problem is. */
  readonly line: number;
  /** What is wrong, in words, naming the column where known. */
  readonly problem: string;
}

/** Files above this size are not diagnosed (DuckDB's own message is reported). */
const MAX_DIAGNOSED_BYTES = 1 << 30;

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const RETURN = 0x0d;

/** A line's text for a message, shortened. */
function excerpt(bytes: Buffer): string {
  const text = bytes.toString('utf8').replace(/\r?\n$/, '');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * The first structural problem of a delimited file: an empty file, a record with more or fewer
 * fields than the header, a quote left open, bytes that are not UTF-8. Undefined when the file
 * looks well formed (the failure was something else).
 */
export function diagnoseCsv(path: string, delimiter: string): CsvProblem | undefined {
  if (statSync(path).size > MAX_DIAGNOSED_BYTES) return undefined;
  const bytes = readFileSync(path);
  if (bytes.toString('utf8').trim() === '') return { line: 1, problem: 'the file is empty: it has no header line' };
  const separator = delimiter.charCodeAt(0);
  let header: string[] | undefined;
  let line = 1;
  let recordLine = 1;
  let recordStart = 0;
  let fieldStart = 0;
  let fields: Buffer[] = [];
  let quoted = false;
  const fieldName = (index: number) => (header?.[index] !== undefined ? `column "${header[index]}"` : `field ${index + 1}`);
  const endRecord = (end: number): CsvProblem | undefined => {
    const record = bytes.subarray(recordStart, end);
    const empty = fields.length === 0 && end === fieldStart;
    if (!empty) {
      fields.push(bytes.subarray(fieldStart, end));
      const bad = fields.findIndex((field) => !isUtf8(field));
      if (bad >= 0) return { line: recordLine, problem: `${fieldName(bad)} holds bytes that are not UTF-8 text; save the file as UTF-8` };
      if (!header) header = fields.map((field) => field.toString('utf8').trim().replace(/^"(.*)"$/, '$1'));
      else if (fields.length !== header.length) {
        return { line: recordLine, problem: `${fields.length} fields where the header has ${header.length} (${fields.length > header.length ? 'an extra delimiter or an unquoted comma?' : 'a missing value needs an empty field'}): ${excerpt(record)}` };
      }
    }
    fields = [];
    return undefined;
  };
  for (let k = 0; k < bytes.length; k++) {
    const byte = bytes[k]!;
    if (byte === QUOTE) quoted = !quoted;
    else if (quoted) {
      if (byte === NEWLINE) line++;
    } else if (byte === separator) {
      fields.push(bytes.subarray(fieldStart, k));
      fieldStart = k + 1;
    } else if (byte === NEWLINE) {
      const end = k > 0 && bytes[k - 1] === RETURN ? k - 1 : k;
      const problem = endRecord(end);
      if (problem) return problem;
      line++;
      recordLine = line;
      recordStart = k + 1;
      fieldStart = k + 1;
    }
  }
  if (quoted) return { line: recordLine, problem: 'a quoted field is never closed (an odd number of " characters)' };
  if (recordStart < bytes.length) return endRecord(bytes.length);
  return undefined;
}

/**
 * A column name the header line gives twice, if any. DuckDB reads such a file without complaint,
 * renaming the second `age` to `age_1`, which then shows up as an unexpected column or a wrong
 * feature; so it is checked before every read (the header's first 64 KiB, quotes honoured).
 */
export function duplicateHeaderName(path: string, delimiter: string): string | undefined {
  const handle = openSync(path, 'r');
  let text: string;
  try {
    const buffer = Buffer.alloc(64 << 10);
    text = buffer.subarray(0, readSync(handle, buffer, 0, buffer.length, 0)).toString('utf8').replace(/^\uFEFF/, '');
  } finally {
    closeSync(handle);
  }
  const names: string[] = [];
  let field = '';
  let quoted = false;
  for (let k = 0; k <= text.length; k++) {
    const char = text[k];
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === delimiter || char === '\n' || char === '\r' || char === undefined)) {
      names.push(field.trim().replace(/^"(.*)"$/, '$1').replaceAll('""', '"'));
      field = '';
      if (char !== delimiter) break;
      continue;
    }
    field += char;
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '') continue;
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}
