/**
 * The prediction log: every prediction (request id, time, model version, inputs, outputs) and
 * every feedback label, appended in the background to rolling JSON-lines files that monitoring
 * reads later. A request only pushes an object onto a buffer: serialising and writing happen on
 * a timer, and a full buffer or a failed write drops records (counted) instead of slowing or
 * failing requests. Each chunk of a flush is whole lines handed to one write(2) on a file opened
 * for appending, so a process killed between flushes (even by SIGKILL) leaves no torn line.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { predictionLogUnwritable } from './errors.js';
import { applyRetention, type LogRetention } from './prediction-log-retention.js';

export interface PredictionRecord {
  readonly request_id: string;
  readonly timestamp: string;
  readonly model: string;
  readonly version: string;
  readonly protocol: string;
  readonly inputs: unknown;
  readonly outputs: unknown;
  /** An environment's shadow answer: computed after the response, never returned. */
  readonly shadow?: boolean;
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
  /** Called with the number of records dropped. */
  readonly onDrop?: (count: number) => void;
  /** Called with each file that is complete (rolled over, or at close), e.g. to upload it. */
  readonly onFileClosed?: (path: string) => void;
  /** Request ids remembered to tell feedback whether it matches a prediction of this process. */
  readonly rememberedIds?: number;
  /** How much of the directory's log is kept: applied at start, whenever a file rolls, and hourly. */
  readonly retention?: LogRetention;
}

const RETENTION_INTERVAL_MS = 3_600_000;

/** Characters written per append call at most (about 4 MiB of ASCII JSON). */
const CHUNK_CHARACTERS = 4 << 20;

/** One rolling series of JSON-lines files (`predictions-…jsonl` or `feedback-…jsonl`). */
class RollingFile {
  private path: string | undefined;
  private size = 0;
  private sequence = 0;

  constructor(
    private readonly dir: string,
    private readonly prefix: string,
    private readonly maxBytes: number,
    private readonly onClosed: ((path: string) => void) | undefined,
    private readonly onRolled: () => void,
  ) {}

  /** The file being written, if any. */
  get current(): string | undefined {
    return this.path;
  }

  async append(text: string): Promise<void> {
    if (!this.path || this.size + text.length > this.maxBytes) {
      if (this.path) this.onClosed?.(this.path);
      this.roll();
      this.onRolled();
    }
    const bytes = Buffer.from(text);
    // One write(2) of whole lines (O_APPEND): fs.appendFile would cut it into 512 KiB writes, and a
    // kill between two of them would leave half a line. The loop only continues a short write.
    const handle = await open(this.path!, 'a');
    try {
      for (let offset = 0; offset < bytes.length; ) offset += (await handle.write(bytes, offset, bytes.length - offset)).bytesWritten;
    } finally {
      await handle.close();
    }
    this.size += bytes.length;
  }

  /** Ends the current file (it is complete). */
  close(): void {
    if (this.path) this.onClosed?.(this.path);
    this.path = undefined;
  }

  private roll(): void {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    this.path = join(this.dir, `${this.prefix}-${stamp}-${process.pid}-${String(++this.sequence).padStart(4, '0')}.jsonl`);
    try {
      this.size = statSync(this.path).size;
    } catch {
      this.size = 0;
    }
  }
}

export class PredictionLog {
  private predictions: PredictionRecord[] = [];
  private feedback: FeedbackRecord[] = [];
  private readonly predictionFile: RollingFile;
  private readonly feedbackFile: RollingFile;
  private readonly timer: NodeJS.Timeout;
  private readonly retentionTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly maxBuffered: number;
  /** Records taken by a flush and not yet written: they count against the buffer limit too. */
  private pending = 0;
  /** The latest request ids predicted by this process, oldest first (a Set keeps insertion order). */
  private readonly recentIds = new Set<string>();

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
    this.recentIds.delete(record.request_id);
    this.recentIds.add(record.request_id);
    if (this.recentIds.size > (this.options.rememberedIds ?? 100_000)) this.recentIds.delete(this.recentIds.values().next().value!);
    if (this.predictions.length + this.pending >= this.maxBuffered) {
      this.options.onDrop?.(1);
      return;
    }
    this.predictions.push(record);
  }

  /**
   * Whether this process answered a prediction with this request id among its latest ones.
   * False does not prove the id unknown: it may be older, or answered by another worker or replica.
   */
  hasPrediction(requestId: string): boolean {
    return this.recentIds.has(requestId);
  }

  appendFeedback(record: FeedbackRecord): void {
    if (this.feedback.length + this.pending >= this.maxBuffered) {
      this.options.onDrop?.(1);
      return;
    }
    this.feedback.push(record);
  }

  /** Writes what is buffered; flushes run one after another, in order. */
  flush(): Promise<void> {
    const predictions = this.predictions;
    const feedback = this.feedback;
    this.predictions = [];
    this.feedback = [];
    this.pending += predictions.length + feedback.length;
    this.writing = this.writing.then(async () => {
      for (const [records, file] of [[predictions, this.predictionFile], [feedback, this.feedbackFile]] as const) {
        // Written in chunks of a few MiB: files roll between chunks near their size, and no
        // string grows toward V8's limit however much a flush holds.
        let chunk: string[] = [];
        let size = 0;
        let inChunk = 0;
        const write = async () => {
          if (chunk.length === 0) return;
          try {
            await file.append(chunk.join(''));
          } catch {
            this.options.onDrop?.(inChunk);
          }
          this.pending -= inChunk;
          chunk = [];
          size = 0;
          inChunk = 0;
        };
        for (const record of records) {
          const line = `${JSON.stringify(record)}\n`;
          chunk.push(line);
          size += line.length;
          inChunk++;
          if (size >= CHUNK_CHARACTERS) await write();
        }
        await write();
      }
    });
    return this.writing;
  }

  /** Stops the timer and writes the rest (graceful shutdown). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.retentionTimer);
    await this.flush();
    this.predictionFile.close();
    this.feedbackFile.close();
  }
}
