/**
 * Logged predictions as read for judging, column by column: a typed array per field and one
 * string per record (its request id), instead of an object per record. A pass reads a million
 * records; as objects (each with its times boxed and its decoded rows in an object of their own)
 * they cost seconds of garbage collection on both threads, and moving half of them between
 * threads meant packing and rebuilding every one. Columns are copied or transferred whole, and
 * the walks over them (planning windows, selecting rows, latencies) read memory in order.
 *
 * Strings that repeat from record to record (files, models, versions, protocols) are kept once,
 * in `names`, and referred to by index. What a plain record lacks (the request and answer of a
 * shadow answer or a failed request, a decoding problem) is kept aside, by record index.
 */
import type { Decoded, LoggedPrediction } from './read-prediction-log.js';

/** A record's fields as a reader finds them, in the order the columns hold them. */
export interface RecordFields {
  readonly requestId: string;
  readonly time: number;
  readonly model: string;
  readonly version: string;
  readonly protocol: string;
  readonly file: string;
  readonly end: number;
  /** Milliseconds to answer; NaN when not recorded. */
  readonly latency: number;
  /** Arena row of its first row, or -1 when it has none there; see `rowCounts`. */
  readonly rowStart: number;
  readonly rowCount: number;
}

/** Columns posted to another thread (typed arrays are transferred, not copied). */
export interface PackedLogRecords {
  readonly length: number;
  readonly ids: string;
  readonly idEnds: Uint32Array;
  readonly columns: Columns;
  readonly names: readonly string[];
  readonly problems: readonly (readonly [number, string])[];
  readonly payloads: readonly (readonly [number, Payload])[];
}

/** What a record kept of its request and answer (shadow answers, failed requests, records read without decoding). */
interface Payload {
  readonly inputs: unknown;
  readonly outputs: unknown;
}

interface Columns {
  times: Float64Array;
  ends: Float64Array;
  latencies: Float64Array;
  /** A failed request's HTTP status; 0 for an answer. */
  errors: Uint16Array;
  shadow: Uint8Array;
  fileOf: Uint32Array;
  modelOf: Uint32Array;
  versionOf: Uint32Array;
  protocolOf: Uint32Array;
  rowStarts: Int32Array;
  rowCounts: Uint32Array;
}

function allocate(capacity: number): Columns {
  return {
    times: new Float64Array(capacity),
    ends: new Float64Array(capacity),
    latencies: new Float64Array(capacity),
    errors: new Uint16Array(capacity),
    shadow: new Uint8Array(capacity),
    fileOf: new Uint32Array(capacity),
    modelOf: new Uint32Array(capacity),
    versionOf: new Uint32Array(capacity),
    protocolOf: new Uint32Array(capacity),
    rowStarts: new Int32Array(capacity),
    rowCounts: new Uint32Array(capacity),
  };
}

type ColumnName = keyof Columns;
const COLUMN_NAMES = Object.keys(allocate(0)) as ColumnName[];

export class LogRecords {
  length = 0;
  readonly requestIds: string[] = [];
  private columns: Columns;
  readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();
  /** The last name looked up in each slot (file, model, version, protocol): consecutive records mostly share them. */
  private readonly lastName = ['', '', '', ''];
  private readonly lastIndex = [-1, -1, -1, -1];
  private readonly problems = new Map<number, string>();
  private readonly payloads = new Map<number, Payload>();

  constructor(capacity = 1024) {
    this.columns = allocate(Math.max(16, capacity));
  }

  /** Records in a list (tests, small callers). */
  static from(records: readonly LoggedPrediction[]): LogRecords {
    const table = new LogRecords(records.length);
    for (const record of records) table.pushRecord(record);
    return table;
  }

  get times(): Float64Array {
    return this.columns.times.subarray(0, this.length);
  }

  get ends(): Float64Array {
    return this.columns.ends.subarray(0, this.length);
  }

  /** Index into `names` of each record's file. */
  get fileOf(): Uint32Array {
    return this.columns.fileOf.subarray(0, this.length);
  }

  /** Arena row of each record's first row, -1 when it has none there. */
  get rowStarts(): Int32Array {
    return this.columns.rowStarts.subarray(0, this.length);
  }

  get rowCounts(): Uint32Array {
    return this.columns.rowCounts.subarray(0, this.length);
  }

  time(index: number): number {
    return this.columns.times[index]!;
  }

  end(index: number): number {
    return this.columns.ends[index]!;
  }

  file(index: number): string {
    return this.names[this.columns.fileOf[index]!]!;
  }

  version(index: number): string {
    return this.names[this.columns.versionOf[index]!]!;
  }

  isShadow(index: number): boolean {
    return this.columns.shadow[index] === 1;
  }

  /** A failed request's HTTP status, undefined for an answer. */
  error(index: number): number | undefined {
    const status = this.columns.errors[index]!;
    return status === 0 ? undefined : status;
  }

  latency(index: number): number | undefined {
    const latency = this.columns.latencies[index]!;
    return Number.isNaN(latency) ? undefined : latency;
  }

  /** Where the record's rows are in the arena, why they could not be read, or undefined when it was not decoded. */
  decoded(index: number): Decoded | undefined {
    const start = this.columns.rowStarts[index]!;
    if (start >= 0) return { start, count: this.columns.rowCounts[index]! };
    const problem = this.problems.get(index);
    return problem === undefined ? undefined : { problem };
  }

  /** An answer users got: what `every: N predictions` counts (not a shadow answer, not a failed request). */
  counts(index: number): boolean {
    return this.columns.shadow[index] === 0 && this.columns.errors[index] === 0;
  }

  /** The record as an object (tests, reports of single records). */
  at(index: number): LoggedPrediction {
    const payload = this.payloads.get(index);
    return {
      request_id: this.requestIds[index]!,
      time: this.time(index),
      model: this.names[this.columns.modelOf[index]!]!,
      version: this.version(index),
      protocol: this.names[this.columns.protocolOf[index]!]!,
      inputs: payload?.inputs,
      outputs: payload?.outputs,
      shadow: this.isShadow(index),
      latency: this.latency(index),
      error: this.error(index),
      decoded: this.decoded(index),
      file: this.file(index),
      end: this.end(index),
    };
  }

  /** Room for `count` records in all. */
  reserve(count: number): void {
    if (count <= this.columns.times.length) return;
    const grown = allocate(Math.max(count, this.columns.times.length * 2));
    for (const name of COLUMN_NAMES) (grown[name] as { set(from: ArrayLike<number>): void }).set(this.columns[name].subarray(0, this.length));
    this.columns = grown;
  }

  /** Appends a record read from its bytes (the hot path: no object made for it). */
  push(fields: RecordFields): number {
    return this.pushFields(fields.requestId, fields.time, fields.model, fields.version, fields.protocol, fields.file, fields.end, fields.latency, fields.rowStart, fields.rowCount);
  }

  /** `push` with the fields as arguments. */
  pushFields(requestId: string, time: number, model: string, version: string, protocol: string, file: string, end: number, latency: number, rowStart: number, rowCount: number): number {
    const index = this.length;
    if (index === this.columns.times.length) this.reserve(index + 1);
    const columns = this.columns;
    this.requestIds.push(requestId);
    columns.times[index] = time;
    columns.ends[index] = end;
    columns.latencies[index] = latency;
    columns.errors[index] = 0;
    columns.shadow[index] = 0;
    columns.fileOf[index] = this.nameOf(0, file);
    columns.modelOf[index] = this.nameOf(1, model);
    columns.versionOf[index] = this.nameOf(2, version);
    columns.protocolOf[index] = this.nameOf(3, protocol);
    columns.rowStarts[index] = rowStart;
    columns.rowCounts[index] = rowCount;
    this.length = index + 1;
    return index;
  }

  /** Appends a record as an object (parsed as JSON, or from a test). */
  pushRecord(record: LoggedPrediction): number {
    const decoded = record.decoded;
    const rows = decoded !== undefined && 'start' in decoded ? decoded : undefined;
    const index = this.pushFields(record.request_id, record.time, record.model, record.version, record.protocol, record.file, record.end, record.latency ?? Number.NaN, rows?.start ?? -1, rows?.count ?? 0);
    this.columns.shadow[index] = record.shadow ? 1 : 0;
    this.columns.errors[index] = record.error ?? 0;
    if (decoded !== undefined && 'problem' in decoded) this.problems.set(index, decoded.problem);
    if (record.inputs !== undefined || record.outputs !== undefined) this.payloads.set(index, { inputs: record.inputs, outputs: record.outputs });
    return index;
  }

  private nameOf(slot: number, name: string): number {
    // The slot's first name (even '', which the cache starts with) is looked up.
    if (this.lastIndex[slot]! >= 0 && name === this.lastName[slot]) return this.lastIndex[slot]!;
    let index = this.nameIndex.get(name);
    if (index === undefined) this.nameIndex.set(name, (index = this.names.push(name) - 1));
    this.lastName[slot] = name;
    this.lastIndex[slot] = index;
    return index;
  }

  /**
   * Appends records `from`..`to` (exclusive) of `other` (all of it by default), their rows moved
   * `rowOffset` on (where they were appended in this table's arena).
   */
  append(other: LogRecords, rowOffset = 0, from = 0, to = other.length): void {
    this.appendPicked(other, rowOffset, to - from, (k) => from + k, true);
  }

  /** A new table of the records at `indexes`, in that order, rows moved `rowOffset` on. */
  pick(indexes: ArrayLike<number>, rowOffset = 0): LogRecords {
    const picked = new LogRecords(indexes.length);
    let run = true;
    for (let k = 1; k < indexes.length && run; k++) run = indexes[k]! === indexes[k - 1]! + 1;
    picked.appendPicked(this, rowOffset, indexes.length, (k) => indexes[k]!, run);
    return picked;
  }

  /** Appends `count` records of `other`, the k-th at `indexAt(k)`; `contiguous` when those are one run of indexes. */
  private appendPicked(other: LogRecords, rowOffset: number, count: number, indexAt: (k: number) => number, contiguous: boolean): void {
    const start = this.length;
    this.reserve(start + count);
    // Names are renumbered into this table's list (mostly they keep their numbers).
    const renamed = Uint32Array.from(other.names, (name) => this.nameOf(0, name));
    const sameNames = renamed.every((index, k) => index === k);
    const source = other.columns;
    const target = this.columns;
    if (contiguous && count > 0) {
      const first = indexAt(0);
      const bulk: ColumnName[] = ['times', 'ends', 'latencies', 'errors', 'shadow', 'rowCounts', ...(sameNames ? (['fileOf', 'modelOf', 'versionOf', 'protocolOf'] as const) : [])];
      for (const name of bulk) (target[name] as { set(from: ArrayLike<number>, at: number): void }).set(source[name].subarray(first, first + count), start);
      const starts = source.rowStarts;
      for (let k = 0; k < count; k++) {
        const rowStart = starts[first + k]!;
        target.rowStarts[start + k] = rowStart >= 0 ? rowStart + rowOffset : -1;
        this.requestIds.push(other.requestIds[first + k]!);
      }
      if (!sameNames) for (let k = 0; k < count; k++) this.renameAt(start + k, source, first + k, renamed);
    } else {
      for (let k = 0; k < count; k++) {
        const index = indexAt(k);
        const at = start + k;
        target.times[at] = source.times[index]!;
        target.ends[at] = source.ends[index]!;
        target.latencies[at] = source.latencies[index]!;
        target.errors[at] = source.errors[index]!;
        target.shadow[at] = source.shadow[index]!;
        target.rowCounts[at] = source.rowCounts[index]!;
        const rowStart = source.rowStarts[index]!;
        target.rowStarts[at] = rowStart >= 0 ? rowStart + rowOffset : -1;
        this.renameAt(at, source, index, renamed);
        this.requestIds.push(other.requestIds[index]!);
      }
    }
    if (other.problems.size > 0 || other.payloads.size > 0) {
      for (let k = 0; k < count; k++) {
        const index = indexAt(k);
        const problem = other.problems.get(index);
        if (problem !== undefined) this.problems.set(start + k, problem);
        const payload = other.payloads.get(index);
        if (payload !== undefined) this.payloads.set(start + k, payload);
      }
    }
    this.length = start + count;
  }

  /** Record `at`'s names are record `index` of `source`'s, renumbered by `renamed`. */
  private renameAt(at: number, source: Columns, index: number, renamed: Uint32Array): void {
    const target = this.columns;
    target.fileOf[at] = renamed[source.fileOf[index]!]!;
    target.modelOf[at] = renamed[source.modelOf[index]!]!;
    target.versionOf[at] = renamed[source.versionOf[index]!]!;
    target.protocolOf[at] = renamed[source.protocolOf[index]!]!;
  }

  /** Whether the records are in read order (time, then file, then place in the file). */
  inOrder(): boolean {
    for (let index = 1; index < this.length; index++) if (!this.before(index - 1, this, index)) return false;
    return true;
  }

  /** Whether record `index` of this table comes before record `other` of `table` in read order (ties without a difference: this one). */
  before(index: number, table: LogRecords, other: number): boolean {
    const time = this.columns.times[index]!;
    const otherTime = table.columns.times[other]!;
    if (time !== otherTime) return time < otherTime;
    const file = this.file(index);
    const otherFile = table.file(other);
    return file !== otherFile ? file < otherFile : this.columns.ends[index]! <= table.columns.ends[other]!;
  }

  /** The records in read order: itself when they are (as a read of rolled files mostly gives them), else a sorted copy (stable). */
  sortedByTime(): LogRecords {
    const times = this.columns.times;
    let sorted = true;
    for (let index = 1; index < this.length && sorted; index++) sorted = times[index - 1]! <= times[index]!;
    if (sorted) return this;
    // Stable: records of one file keep their order when two share a millisecond.
    const order = Array.from({ length: this.length }, (_, index) => index).sort((a, b) => times[a]! - times[b]! || a - b);
    return this.pick(order);
  }

  /** The columns for another thread; this table is unusable after (its arrays are transferred). */
  pack(): { packed: PackedLogRecords; transfer: ArrayBuffer[] } {
    const columns = Object.fromEntries(COLUMN_NAMES.map((name) => [name, this.columns[name].slice(0, this.length)])) as unknown as Columns;
    const idEnds = new Uint32Array(this.length);
    let at = 0;
    for (let index = 0; index < this.length; index++) idEnds[index] = at += this.requestIds[index]!.length;
    const packed: PackedLogRecords = { length: this.length, ids: this.requestIds.join(''), idEnds, columns, names: this.names, problems: [...this.problems], payloads: [...this.payloads] };
    return { packed, transfer: [idEnds.buffer, ...COLUMN_NAMES.map((name) => columns[name].buffer as ArrayBuffer)] };
  }

  /** A table from another thread's `pack`. */
  static unpack(packed: PackedLogRecords): LogRecords {
    const table = new LogRecords(0);
    table.columns = packed.columns;
    table.length = packed.length;
    for (const name of packed.names) table.nameOf(0, name);
    let from = 0;
    for (let index = 0; index < packed.length; index++) {
      const end = packed.idEnds[index]!;
      table.requestIds.push(packed.ids.slice(from, end));
      from = end;
    }
    for (const [index, problem] of packed.problems) table.problems.set(index, problem);
    for (const [index, payload] of packed.payloads) table.payloads.set(index, payload);
    return table;
  }
}
