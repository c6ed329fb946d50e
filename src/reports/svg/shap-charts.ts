/**
 * SHAP charts as inline SVG, in the form the shap package made familiar: a summary (beeswarm) plot,
 * one row per feature (most important on top), each explained row a dot at its SHAP value,
 * coloured from blue (low feature value) to red (high); and a waterfall for one row, from the
 * expected value through each feature's push to the row's score.
 */
import { escapeXml } from './escape.js';

const FONT = 'font-family="sans-serif" font-size="11"';

function colour(share: number): string {
  // Blue (low) to red (high), through purple, as shap draws it.
  const t = Number.isFinite(share) ? Math.min(1, Math.max(0, share)) : 0.5;
  return `rgb(${Math.round(30 + 225 * t)},${Math.round(136 - 100 * t)},${Math.round(229 - 170 * t)})`;
}

export interface BeeswarmInput {
  readonly features: readonly string[];
  /** Per feature (in `features` order): the SHAP value of each row. */
  readonly values: readonly (readonly number[])[];
  /** Per feature: each row's feature value (NaN when missing or not numeric). */
  readonly featureValues: readonly (readonly number[])[];
}

export function beeswarmSvg(input: BeeswarmInput): string {
  const rowHeight = 22;
  const left = 190;
  const width = 680;
  const plotWidth = width - left - 20;
  const height = input.features.length * rowHeight + 40;
  const all = input.values.flat().filter(Number.isFinite);
  const extent = Math.max(1e-12, ...all.map(Math.abs));
  const x = (value: number) => left + ((value + extent) / (2 * extent)) * plotWidth;
  const parts: string[] = [`<line x1="${x(0)}" y1="10" x2="${x(0)}" y2="${height - 28}" stroke="#999"/>`];
  input.features.forEach((feature, f) => {
    const y = 20 + f * rowHeight;
    parts.push(`<text x="${left - 8}" y="${y + 4}" text-anchor="end" ${FONT}>${escapeXml(feature)}</text>`);
    const values = input.values[f]!;
    const own = input.featureValues[f]!.filter(Number.isFinite);
    const low = Math.min(...own);
    const high = Math.max(...own);
    // Dots at the same spot are spread vertically in a small band, deterministically.
    const buckets = new Map<number, number>();
    values.forEach((value, i) => {
      if (!Number.isFinite(value)) return;
      const cx = x(value);
      const bucket = Math.round(cx / 3);
      const seen = buckets.get(bucket) ?? 0;
      buckets.set(bucket, seen + 1);
      const offset = ((seen % 7) - 3) * 2;
      const featureValue = input.featureValues[f]![i]!;
      const share = high > low ? (featureValue - low) / (high - low) : 0.5;
      parts.push(`<circle cx="${cx.toFixed(1)}" cy="${(y + offset).toFixed(1)}" r="2.2" fill="${Number.isFinite(featureValue) ? colour(share) : '#aaa'}" fill-opacity="0.8"/>`);
    });
  });
  parts.push(`<text x="${x(0)}" y="${height - 8}" text-anchor="middle" ${FONT}>SHAP value (0 = no effect); colour: feature value, blue low, red high</text>`);
  parts.push(`<text x="${left}" y="${height - 20}" ${FONT}>${(-extent).toPrecision(3)}</text><text x="${width - 20}" y="${height - 20}" text-anchor="end" ${FONT}>${extent.toPrecision(3)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="SHAP summary">${parts.join('')}</svg>`;
}

export interface WaterfallInput {
  readonly expected: number;
  /** The row's features with their values and SHAP values, most important first. */
  readonly contributions: readonly { readonly feature: string; readonly value: number; readonly shap: number }[];
  readonly score: number;
}

export function waterfallSvg(input: WaterfallInput): string {
  const rowHeight = 20;
  const left = 230;
  const width = 680;
  const plotWidth = width - left - 70;
  const height = (input.contributions.length + 2) * rowHeight + 30;
  let running = input.expected;
  const steps = input.contributions.map((item) => {
    const start = running;
    running += item.shap;
    return { ...item, start, end: running };
  });
  const points = [input.expected, input.score, ...steps.flatMap((step) => [step.start, step.end])];
  const low = Math.min(...points);
  const high = Math.max(...points);
  const span = high - low || 1;
  const x = (value: number) => left + ((value - low) / span) * plotWidth;
  const parts: string[] = [];
  parts.push(`<text x="${left - 8}" y="16" text-anchor="end" ${FONT}>E[f(x)] = ${input.expected.toPrecision(4)}</text><line x1="${x(input.expected)}" y1="6" x2="${x(input.expected)}" y2="${height - 24}" stroke="#999" stroke-dasharray="3 3"/>`);
  steps.forEach((step, i) => {
    const y = 24 + i * rowHeight;
    const from = Math.min(x(step.start), x(step.end));
    const size = Math.max(1, Math.abs(x(step.end) - x(step.start)));
    const fill = step.shap >= 0 ? '#e0245e' : '#1e88e5';
    const label = `${step.feature} = ${Number.isFinite(step.value) ? step.value.toPrecision(4) : 'missing'}`;
    parts.push(`<text x="${left - 8}" y="${y + 12}" text-anchor="end" ${FONT}>${escapeXml(label)}</text>`);
    parts.push(`<rect x="${from.toFixed(1)}" y="${y + 2}" width="${size.toFixed(1)}" height="${rowHeight - 6}" fill="${fill}"/>`);
    parts.push(`<text x="${(Math.max(x(step.start), x(step.end)) + 4).toFixed(1)}" y="${y + 12}" ${FONT}>${step.shap >= 0 ? '+' : ''}${step.shap.toPrecision(3)}</text>`);
  });
  const y = 24 + steps.length * rowHeight;
  parts.push(`<text x="${left - 8}" y="${y + 12}" text-anchor="end" ${FONT} font-weight="bold">f(x) = ${input.score.toPrecision(4)}</text><line x1="${x(input.score)}" y1="${y}" x2="${x(input.score)}" y2="${y + 16}" stroke="#111" stroke-width="2"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="SHAP waterfall">${parts.join('')}</svg>`;
}
