/**
 * Whether a window can close, known without parsing the log: a monitor inside the server looks
 * every second, and reading and parsing every unread line each time would cost a 10-minute
 * window's worth of JSON per second. The watcher scans only the bytes written since its last
 * look, counting answered lines (a shadow answer's line ends in `"shadow":true}`, a failed
 * request's in `"error":{"status":N}}`) and noting each
 * file's first unread timestamp; a pass reads the log in full only once a window is complete.
 * When the stored position moves (a window closed, here or in another process), it starts over
 * from there: what is left unread is less than a window.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { WindowEvery } from '../config/monitor-schema.js';
import type { LogPosition } from '../log/read-prediction-log.js';
import { FLUSH_GRACE_MS } from './plan-windows.js';

const PREDICTION_FILE = /^predictions-.*\.jsonl$/;
const SHADOW_END = Buffer.from('"shadow":true}');
/** A failed request's line ends `"error":{"status":NNN}}` (see serving/prediction-log.ts). */
const ERROR_MARK = Buffer.from('"error":{"status":');
const TIMESTAMP = /"timestamp":"([^"]+)"/;
const SCAN_BYTES = 1 << 20;

interface FileScan {
  /** Bytes of whole lines scanned. */
  offset: number;
  /** Time of the first unread line (NaN: none yet). */
  firstTime: number;
}

export class WindowReadiness {
  private base = '';
  private files = new Map<string, FileScan>();
  private answered = 0;
  /** Kept between scans: a monitor looks every second. */
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly dir: string) {}

  /** True when the unread log (from `position`) may hold a complete window at `now`. */
  ready(position: LogPosition, every: WindowEvery, now: number): boolean {
    const base = JSON.stringify(Object.entries(position).sort(([a], [b]) => (a < b ? -1 : 1)));
    if (base !== this.base) {
      this.base = base;
      this.files = new Map();
      this.answered = 0;
    }
    this.scan(position);
    if (every.kind === 'predictions') return this.answered >= every.count;
    let first = Number.POSITIVE_INFINITY;
    for (const file of this.files.values()) if (file.firstTime < first) first = file.firstTime;
    if (!Number.isFinite(first)) return false;
    return now >= (Math.floor(first / every.ms) + 1) * every.ms + FLUSH_GRACE_MS;
  }

  private scan(position: LogPosition): void {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((name) => PREDICTION_FILE.test(name));
    } catch {
      return;
    }
    for (const name of names) {
      let file = this.files.get(name);
      if (!file) {
        file = { offset: position[name] ?? 0, firstTime: Number.NaN };
        this.files.set(name, file);
      }
      this.scanFile(join(this.dir, name), file);
    }
  }

  private scanFile(path: string, file: FileScan): void {
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return;
    }
    if (size <= file.offset) return;
    const fd = openSync(path, 'r');
    try {
      // A line cut by the end of a chunk is moved to the front of the buffer and read on from there.
      let carried = 0;
      let offset = file.offset;
      while (offset < size) {
        if (this.buffer.length < carried + SCAN_BYTES) this.buffer = grownBuffer(this.buffer, carried + SCAN_BYTES);
        const bytes = this.buffer;
        const read = readSync(fd, bytes, carried, Math.min(SCAN_BYTES, size - offset), offset);
        if (read === 0) break;
        offset += read;
        const filled = carried + read;
        const lines = bytes.subarray(0, filled);
        let start = 0;
        for (let end = lines.indexOf(0x0a, start); end >= 0; end = lines.indexOf(0x0a, start)) {
          this.line(bytes, start, end, file);
          file.offset += end + 1 - start;
          start = end + 1;
        }
        bytes.copy(bytes, 0, start, filled);
        carried = filled - start;
      }
    } finally {
      closeSync(fd);
    }
  }

  private line(bytes: Buffer, start: number, end: number, file: FileScan): void {
    if (end - start < SHADOW_END.length) return;
    if (SHADOW_END.compare(bytes, end - SHADOW_END.length, end) === 0) return;
    // The error mark ends the line but for the status's digits and two braces.
    for (let at = Math.max(start, end - ERROR_MARK.length - 8); at <= end - ERROR_MARK.length; at++) if (ERROR_MARK.compare(bytes, at, at + ERROR_MARK.length) === 0) return;
    this.answered++;
    if (Number.isNaN(file.firstTime)) {
      const time = TIMESTAMP.exec(bytes.toString('utf8', start, end));
      if (time) file.firstTime = Date.parse(time[1]!);
    }
  }
}

/** A buffer of at least `length` bytes holding what `buffer` held. */
function grownBuffer(buffer: Buffer, length: number): Buffer {
  const next = Buffer.allocUnsafe(Math.max(length, buffer.length * 2));
  buffer.copy(next);
  return next;
}
