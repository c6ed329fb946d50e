/** Numbers as reports show them: six significant digits, integers as they are. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** A signed change: +0.0123, −0.5. */
export function formatSigned(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  return `${value > 0 ? '+' : '−'}${formatNumber(Math.abs(value))}`;
}
