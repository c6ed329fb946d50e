/**
 * CSV request bodies (MLflow's `text/csv` scoring input): a header line, then rows. Written by
 * hand because a body is a few rows in memory, and DuckDB (Sluice's reader for files) reads only
 * from files. RFC 4180 quoting is honoured ("a, b" and doubled quotes) within a line; a quoted
 * field may not span lines.
 */
import { badInferenceRequest } from './errors.js';

function parseLine(line: string, number: number): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let k = 0; k < line.length; k++) {
    const character = line[k]!;
    if (quoted) {
      if (character === '"' && line[k + 1] === '"') {
        field += '"';
        k++;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"' && field === '') quoted = true;
    else if (character === ',') {
      fields.push(field);
      field = '';
    } else field += character;
  }
  if (quoted) throw badInferenceRequest({ problem: `Failed to parse input as CSV: line ${number} leaves a quoted field open.` });
  fields.push(field);
  return fields;
}

export function parseCsv(body: string): { columns: string[]; rows: string[][] } {
  const lines = body.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) throw badInferenceRequest({ problem: 'Failed to parse input as CSV: the body is empty; send a header line and rows.' });
  const columns = parseLine(lines[0]!, 1).map((name) => name.trim());
  const rows = lines.slice(1).map((line, k) => {
    const fields = parseLine(line, k + 2);
    if (fields.length !== columns.length) throw badInferenceRequest({ problem: `Failed to parse input as CSV: line ${k + 2} has ${fields.length} fields where the header has ${columns.length}.` });
    return fields;
  });
  return { columns, rows };
}
