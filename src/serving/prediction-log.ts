/**
 * The prediction log: every prediction (request id, time, model version, inputs, outputs), or a
 * sampled fraction of them, and every feedback label, appended in the background to rolling
 * JSON-lines files that monitoring reads later. A request only pushes its record onto a queue;
 * the records of one event-loop turn become lines together once that turn's responses are on
 * their way (setImmediate), so a record's objects die young instead of aging in the heap until a
 * flush, and no flush stalls the loop serialising a second's worth of records at once. Inputs
 * that are still the request's JSON text (RawJson) are written as they are. Writing happens on a
 * timer; a full buffer or a failed write drops records (counted) instead of slowing or failing
 * requests. Each chunk of a flush is whole lines handed to one write(2) on a file opened for
 * appending, so a process killed between flushes (even by SIGKILL) leaves no torn line.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { predictionLogUnwritable } from './errors.js';
import { applyRetention, type LogRetention } from './prediction-log-retention.js';
import { RawJson } from './raw-json.js';
import { RecentIds } from './recent-ids.js';
import { LinePacker, RollingFile } from './rolling-file.js';

export interface PredictionRecord {
  readonly request_id: string;
  readonly timestamp: string;
  readonly model: string;
  readonly version: string;
  readonly protocol: string;
  /** The inputs as received: a value, or the request's own JSON text of them (RawJson). */
  readonly inputs: unknown;
  readonly outputs: unknown;
  /** An environment's shadow answer: computed after the response, never returned. */
  readonly shadow?: boolean;
  /** Milliseconds from the request received to its answer ready (HTTP; monitoring's slo check). */
  readonly latency_ms?: number | undefined;
}

/** A request the server failed to answer (4xx for bad input, 5xx for its own failure): counted by monitoring's slo check. */
export interface ErrorRecord {
  readonly request_id: string;
  readonly timestamp: string;
  readonly model: string;
  readonly version: string;
  readonly protocol: string;
  readonly status: number;
}

export interface FeedbackRecord {
  readonly request_id: string;
  readonly timestamp: string;
  /** The ground truth: one label, or one per row of the request. */
  readonly label: unknown;
}

export interface PredictionLogOptions {
  /** A file is closed and a new one started beyond this size. */
  readonly maxFileBytes?: number;
  readonly flushIntervalMs?: number;
  /** Records held in memory at most between flushes. */
  readonly maxBuffered?: number;
  /** Characters of lines held in memory at most (waiting or being written); 64 Mi by default. */
  readonly maxBufferedCharacters?: number;
  /** Called with the number of records dropped. */
  readonly onDrop?: (count: number) => void;
  /** Called with each file that is complete (rolled over, or at close), e.g. to upload it. */
  readonly onFileClosed?: (path: string) => void;
  /** Request ids remembered to tell feedback whether it matches a prediction of this process. */
  readonly rememberedIds?: number;
  /** How much of the directory's log is kept: applied at start, whenever a file rolls, and hourly. */
  readonly retention?: LogRetention;
  /** The fraction of predictions logged (1, the default: all); feedback is always logged. */
  readonly sample?: number;
  /** Draws in [0, 1) for sampling (a seeded generator makes it reproducible); Math.random by default. */
  readonly random?: () => number;
}

/** One prediction as a JSON line, with the keys in the record's order; RawJson is written as it is. */
function predictionLine(record: PredictionRecord): string {
  return `{"request_id":${JSON.stringify(record.request_id)},"timestamp":${JSON.stringify(record.timestamp)},"model":${JSON.stringify(record.model)},"version":${JSON.stringify(record.version)},"protocol":${JSON.stringify(record.protocol)},"inputs":${jsonOf(record.inputs)},"outputs":${jsonOf(record.outputs)}${record.latency_ms === undefined ? '' : `,"latency_ms":${Math.round(record.latency_ms * 1000) / 1000}`}${record.shadow ? ',"shadow":true' : ''}}\n`;
}

/** A failed request as a JSON line; `"error":{"status":N}` ends it, so a scan can tell it from a prediction. */
function errorLine(record: ErrorRecord): string {
  return `{"request_id":${JSON.stringify(record.request_id)},"timestamp":${JSON.stringify(record.timestamp)},"model":${JSON.stringify(record.model)},"version":${JSON.stringify(record.version)},"protocol":${JSON.stringify(record.protocol)},"error":{"status":${record.status}}}\n`;
}

function jsonOf(value: unknown): string {
  return value instanceof RawJson ? value.text : (JSON.stringify(value) ?? 'null');
}

const RETENTION_INTERVAL_MS = 3_600_000;

/**
 * Lines waiting before a write starts early (besides the timer): a busy server writes as it goes,
 * in small steps, rather than a second's worth at once.
 */
const EARLY_WRITE_CHARACTERS = 256 << 10;

/**
 * Bytes per write(2) at most (a quarter of a file at most, so files roll near their size). A
 * flush takes all the lines waiting when it starts and writes them in as few writes as this
 * allows: each write costs an event-loop turn to complete, and on a loaded server a turn is long.
 */
const WRITE_BYTES = 4 << 20;

export class PredictionLog {
  /** Records of this turn, made lines at its end. */
  private queued: PredictionRecord[] = [];
  private lineScheduled = false;
  private predictions: string[] = [];
  private feedback: string[] = [];
  /** Characters of the lines waiting, and of those being written. */
  private bufferedCharacters = 0;
  private pendingCharacters = 0;
  /** Records taken by a write and not yet written: they count against the buffer limit too. */
  private pending = 0;
  /** A write is queued that has not started yet (it will take whatever is waiting then). */
  private writeQueued = false;
  private writing: Promise<void> = Promise.resolve();
  private readonly sample: number;
  private readonly random: () => number;
  private readonly predictionFile: RollingFile;
  private readonly feedbackFile: RollingFile;
  private readonly timer: NodeJS.Timeout;
  private readonly retentionTimer: NodeJS.Timeout | undefined;
  private readonly maxBuffered: number;
  private readonly maxBufferedCharacters: number;
  private readonly packer: LinePacker;
  /** The latest request ids predicted by this process. */
  private readonly recentIds: RecentIds;

  constructor(
    readonly dir: string,
    private readonly options: PredictionLogOptions = {},
  ) {
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
    } catch (error) {
      throw predictionLogUnwritable({ dir, reason: error instanceof Error ? error.message : String(error) }, { cause: error });
    }
    const maxBytes = options.maxFileBytes ?? 64 << 20;
    const retain = () => this.applyRetention();
    this.predictionFile = new RollingFile(dir, 'predictions', maxBytes, options.onFileClosed, retain);
    this.feedbackFile = new RollingFile(dir, 'feedback', maxBytes, options.onFileClosed, retain);
    this.maxBuffered = options.maxBuffered ?? 100_000;
    this.maxBufferedCharacters = options.maxBufferedCharacters ?? 64 << 20;
    this.packer = new LinePacker(Math.max(1, Math.min(WRITE_BYTES, Math.floor(maxBytes / 4))));
    this.recentIds = new RecentIds(options.rememberedIds ?? 100_000);
    this.sample = options.sample ?? 1;
    this.random = options.random ?? Math.random;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1000).unref();
    this.applyRetention();
    this.retentionTimer = options.retention ? setInterval(retain, RETENTION_INTERVAL_MS).unref() : undefined;
  }

  /** Removes what the retention policy no longer keeps (never a file being written); returns the files removed. */
  applyRetention(): string[] {
    if (!this.options.retention) return [];
    const current = new Set([this.predictionFile.current, this.feedbackFile.current].filter((path) => path !== undefined));
    return applyRetention(this.dir, this.options.retention, current);
  }

  append(record: PredictionRecord): void {
    this.recentIds.add(record.request_id);
    if (this.sample < 1 && this.random() >= this.sample) return;
    if (this.full(this.queued.length + this.predictions.length)) {
      this.options.onDrop?.(1);
      return;
    }
    this.queued.push(record);
    if (!this.lineScheduled) {
      this.lineScheduled = true;
      setImmediate(this.endOfTurn);
    }
  }

  /** This turn's records as lines (after its responses were written). */
  private toLines(): void {
    this.lineScheduled = false;
    const queued = this.queued;
    this.queued = [];
    for (const record of queued) {
      const line = predictionLine(record);
      this.predictions.push(line);
      this.bufferedCharacters += line.length;
    }
  }

  /** The end of a turn: its records become lines, and a chunk's worth starts a write. */
  private readonly endOfTurn = (): void => {
    this.toLines();
    if (this.bufferedCharacters >= EARLY_WRITE_CHARACTERS) void this.flush();
  };

  /**
   * Whether this process answered a prediction with this request id among its latest ones.
   * False does not prove the id unknown: it may be older, or answered by another worker or replica.
   */
  hasPrediction(requestId: string): boolean {
    return this.recentIds.has(requestId);
  }

  /** A failed request, sampled as predictions are (so error rates are unbiased). */
  appendError(record: ErrorRecord): void {
    if (this.sample < 1 && this.random() >= this.sample) return;
    if (this.full(this.queued.length + this.predictions.length)) {
      this.options.onDrop?.(1);
      return;
    }
    const line = errorLine(record);
    this.predictions.push(line);
    this.bufferedCharacters += line.length;
  }

  appendFeedback(record: FeedbackRecord): void {
    if (this.full(this.feedback.length)) {
      this.options.onDrop?.(1);
      return;
    }
    const line = `${JSON.stringify(record)}\n`;
    this.feedback.push(line);
    this.bufferedCharacters += line.length;
  }

  /** Whether another record would exceed the buffer's bounds (in records, or in characters). */
  private full(waiting: number): boolean {
    return waiting + this.pending >= this.maxBuffered || this.bufferedCharacters + this.pendingCharacters >= this.maxBufferedCharacters;
  }

  /** Writes what is buffered (resolves once it is written); writes run one after another, in order. */
  flush(): Promise<void> {
    if (!this.writeQueued) {
      this.writeQueued = true;
      this.writing = this.writing.then(() => this.writeWaiting());
    }
    return this.writing;
  }

  /** Takes every line waiting now and writes it, in writes of whole lines. */
  private async writeWaiting(): Promise<void> {
    this.writeQueued = false;
    this.toLines();
    const predictions = this.predictions;
    const feedback = this.feedback;
    const characters = this.bufferedCharacters;
    this.predictions = [];
    this.feedback = [];
    this.bufferedCharacters = 0;
    this.pending += predictions.length + feedback.length;
    this.pendingCharacters += characters;
    try {
      await this.writeLines(predictions, this.predictionFile);
      await this.writeLines(feedback, this.feedbackFile);
    } finally {
      this.pendingCharacters -= characters;
    }
  }

  private async writeLines(lines: readonly string[], file: RollingFile): Promise<void> {
    for (let start = 0; start < lines.length; ) {
      const { bytes, end } = this.packer.pack(lines, start);
      try {
        await file.append(bytes);
      } catch {
        this.options.onDrop?.(end - start);
      }
      this.pending -= end - start;
      start = end;
    }
  }

  /** Stops the timer and writes the rest (graceful shutdown). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.retentionTimer);
    await this.flush();
    await this.predictionFile.close();
    await this.feedbackFile.close();
  }
}
