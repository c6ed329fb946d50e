/**
 * "Racy" stats (the name is git's): a file modified in the same timestamp tick as the moment it
 * was looked at could be modified again without its stat changing, so what was learnt from it
 * (a hash, a status verdict) is used but not remembered. The next command looks again, by then
 * safely in the past.
 */

/** Margin for file-system timestamp granularity (and the kernel's coarse clock lagging `Date.now()`). */
export const RACY_MARGIN_MS = 100;

/** Whether a file with this mtime, looked at from `checkedAtMs` on, must not be remembered by its stat. */
export function isRacy(stats: { readonly mtimeMs: number }, checkedAtMs: number): boolean {
  return stats.mtimeMs + RACY_MARGIN_MS >= checkedAtMs;
}
