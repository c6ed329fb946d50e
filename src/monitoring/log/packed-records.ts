/**
 * Records and strings packed into a few typed arrays and one string, to move a decoded half of
 * the log between threads (see parallel-decode.ts). Posting half a million record objects costs
 * seconds of serialising on one side and of building objects on the other; typed arrays and one
 * string cost a copy. Records of the common shape (an answered `/predict` request decoded into
 * the arena) are packed; the rare others travel as they are, with their place in the order.
 */
import type { LoggedPrediction } from './read-prediction-log.js';

/** Strings as one text and where each ends in it. */
export interface PackedStrings {
  readonly text: string;
  readonly ends: Uint32Array;
}

export function packStrings(strings: readonly string[]): PackedStrings {
  const ends = new Uint32Array(strings.length);
  let at = 0;
  for (let k = 0; k < strings.length; k++) ends[k] = at += strings[k]!.length;
  return { text: strings.join(''), ends };
}

export function unpackStrings({ text, ends }: PackedStrings): string[] {
  const strings = new Array<string>(ends.length);
  let from = 0;
  for (let k = 0; k < ends.length; k++) {
    strings[k] = text.slice(from, ends[k]!);
    from = ends[k]!;
  }
  return strings;
}

export interface PackedRecords {
  readonly count: number;
  /** Per packed record. */
  readonly requestIds: PackedStrings;
  readonly time: Float64Array;
  readonly end: Float64Array;
  /** NaN: no latency recorded. */
  readonly latency: Float64Array;
  readonly rowStart: Uint32Array;
  readonly rowCount: Uint32Array;
  /** Indexes into `names` (files, models and versions share it). */
  readonly file: Uint32Array;
  readonly model: Uint32Array;
  readonly version: Uint32Array;
  readonly names: readonly string[];
  /** Records of another shape, with their index in the whole sequence. */
  readonly others: readonly (readonly [number, LoggedPrediction])[];
}

function isPlain(record: LoggedPrediction): boolean {
  return record.protocol === 'predict' && !record.shadow && record.error === undefined && record.inputs === undefined && record.outputs === undefined && record.decoded !== undefined && 'start' in record.decoded;
}

export function packRecords(records: readonly LoggedPrediction[]): PackedRecords {
  let count = 0;
  for (const record of records) if (isPlain(record)) count++;
  const names = new Map<string, number>();
  // Files, models and versions repeat from one record to the next (often the very same string).
  const last = ['', '', ''];
  const lastIndex = [-1, -1, -1];
  const name = (slot: number, text: string): number => {
    if (text === last[slot]) return lastIndex[slot]!;
    let index = names.get(text);
    if (index === undefined) names.set(text, (index = names.size));
    last[slot] = text;
    lastIndex[slot] = index;
    return index;
  };
  const packed = {
    time: new Float64Array(count),
    end: new Float64Array(count),
    latency: new Float64Array(count),
    rowStart: new Uint32Array(count),
    rowCount: new Uint32Array(count),
    file: new Uint32Array(count),
    model: new Uint32Array(count),
    version: new Uint32Array(count),
  };
  const ids = new Array<string>(count);
  const others: [number, LoggedPrediction][] = [];
  let k = 0;
  for (let index = 0; index < records.length; index++) {
    const record = records[index]!;
    if (!isPlain(record)) {
      others.push([index, record]);
      continue;
    }
    const decoded = record.decoded as { start: number; count: number };
    ids[k] = record.request_id;
    packed.time[k] = record.time;
    packed.end[k] = record.end;
    packed.latency[k] = record.latency ?? Number.NaN;
    packed.rowStart[k] = decoded.start;
    packed.rowCount[k] = decoded.count;
    packed.file[k] = name(0, record.file);
    packed.model[k] = name(1, record.model);
    packed.version[k] = name(2, record.version);
    k++;
  }
  return { count, requestIds: packStrings(ids), ...packed, names: [...names.keys()], others };
}

/** The records in their order, the rows of each moved `rowOffset` on (where they were appended). */
export function unpackRecords(packed: PackedRecords, rowOffset: number): LoggedPrediction[] {
  const ids = unpackStrings(packed.requestIds);
  const total = packed.count + packed.others.length;
  const records = new Array<LoggedPrediction>(total);
  let other = 0;
  let k = 0;
  for (let index = 0; index < total; index++) {
    const next = packed.others[other];
    if (next !== undefined && next[0] === index) {
      const record = next[1];
      records[index] = record.decoded && 'start' in record.decoded ? { ...record, decoded: { start: record.decoded.start + rowOffset, count: record.decoded.count } } : record;
      other++;
      continue;
    }
    const latency = packed.latency[k]!;
    // An offset read back from a Float64Array is a double to V8; a record scanned on this thread
    // holds a small integer there. Records of both kinds share one object shape, and a double
    // stored where that shape holds small integers changes the shape: every record made before
    // is then migrated on its next read, a microsecond each (a million of them cost 0.8 s).
    const end = packed.end[k]!;
    records[index] = {
      request_id: ids[k]!,
      time: packed.time[k]!,
      model: packed.names[packed.model[k]!]!,
      version: packed.names[packed.version[k]!]!,
      protocol: 'predict',
      inputs: undefined,
      outputs: undefined,
      shadow: false,
      latency: Number.isNaN(latency) ? undefined : latency,
      file: packed.names[packed.file[k]!]!,
      end: end <= 0x7fffffff ? end | 0 : end,
      decoded: { start: packed.rowStart[k]! + rowOffset, count: packed.rowCount[k]! },
    };
    k++;
  }
  return records;
}
