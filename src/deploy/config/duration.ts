/**
 * Durations as Argo Rollouts writes them: `30s`, `5m`, `1h`, `250ms`, or a bare number of
 * seconds; and days (`1d`, `7d`), which monitoring windows and cool-downs are often counted in.
 * Parsed once at the boundary into milliseconds; nothing downstream sees the text.
 */
import { z } from 'zod';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** A duration in milliseconds, from `30s`-style text or a number of seconds. */
export const durationSchema = z.union([z.number().nonnegative(), z.string()], { error: 'a duration is a number of seconds or text like 30s, 5m, 1h, 1d, 250ms' }).transform((value, context) => {
  if (typeof value === 'number') return Math.round(value * 1000);
  const match = DURATION.exec(value.trim());
  if (!match) {
    context.addIssue({ code: 'custom', message: `"${value}" is not a duration: write a number with a unit, like 30s, 5m, 1h, 1d or 250ms` });
    return z.NEVER;
  }
  return Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
});

/** Milliseconds as the shortest text that reads back to them (`90000` → `90s`, `120000` → `2m`). */
export function formatDuration(milliseconds: number): string {
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (milliseconds >= size && milliseconds % size === 0) return `${milliseconds / size}${unit}`;
  }
  return `${milliseconds}ms`;
}
