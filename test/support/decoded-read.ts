/** What a monitor pass sees of a decoded log read, as plain data to compare two reads by. */
import { windowRowsOf, type DecodedLogRead } from '../../src/monitoring/log/decode-log.js';
import type { ServedSignature } from '../../src/monitoring/log/logged-rows.js';

/** The records (but for where their rows sit in the arena) and their rows' cells, request ids, positions and answers. */
export function seenOfRead(read: DecodedLogRead, signature: ServedSignature): unknown {
  const undecodable: { requestId: string; problem: string }[] = [];
  const rows = windowRowsOf(read.records, read.arena, undecodable);
  const cells = signature.features.map((name) => rows.feature(name));
  return {
    // A field left undefined is the same as one not there (records read from bytes have fewer keys).
    records: Array.from({ length: read.records.length }, (_, index) => read.records.at(index)).map(({ decoded, ...record }) => ({ ...Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)), rows: decoded && 'count' in decoded ? decoded.count : decoded })),
    rows: Array.from({ length: rows.length }, (_, row) => [rows.requestId(row), rows.index(row), rows.prediction(row), cells.map((column) => [column.tags[row], column.values[row], column.other(row)])]),
    undecodable,
  };
}
