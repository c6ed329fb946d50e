/**
 * Transfer progress: a bar redrawn in place on a terminal (files, bytes, rate, ETA), and a
 * plain line every few seconds otherwise, so CI logs stay readable.
 */
import type { TransferProgress } from '../../data-versioning/index.js';

const PLAIN_INTERVAL_MS = 5000;
const TTY_INTERVAL_MS = 100;

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

export interface ProgressDisplay {
  update(progress: TransferProgress): void;
  finish(): void;
}

export function progressDisplay(stream: NodeJS.WriteStream, verb: string): ProgressDisplay {
  const started = Date.now();
  const tty = stream.isTTY === true;
  // A terminal shows the bar at once; a log gets a line only for transfers that take a while.
  let lastDrawn = tty ? 0 : started;
  let last: TransferProgress | undefined;
  const render = (progress: TransferProgress): string => {
    const elapsed = Math.max((Date.now() - started) / 1000, 1e-3);
    const rate = progress.bytes / elapsed;
    const share = progress.totalFiles === 0 ? 1 : progress.files / progress.totalFiles;
    const eta = share > 0 ? (elapsed / share) * (1 - share) : Number.POSITIVE_INFINITY;
    const width = 24;
    const filled = Math.round(share * width);
    const bar = tty ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
    return `${verb} ${bar}${progress.files}/${progress.totalFiles} files, ${formatBytes(progress.bytes)}/${formatBytes(progress.totalBytes)}, ${formatBytes(rate)}/s, ETA ${formatEta(eta)}`;
  };
  return {
    update(progress) {
      last = progress;
      const now = Date.now();
      if (now - lastDrawn < (tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS)) return;
      lastDrawn = now;
      stream.write(tty ? `\r${render(progress)}\x1b[K` : `${render(progress)}\n`);
    },
    finish() {
      if (last && tty) stream.write(`\r${render(last)}\x1b[K\n`);
    },
  };
}
