/**
 * A small, dependency-free line chart, on the unit square by default (ROC, precision–recall,
 * calibration) or on the data's range (plots: loss by step): hand-written because these charts
 * need only axes, a grid, lines and a legend, and an SVG string can be inlined in HTML and stored
 * as a file for Markdown.
 */
import { escapeXml } from './escape.js';

export interface Series {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** Draw points as markers too (calibration). */
  readonly markers?: boolean;
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** The reference diagonal: chance for ROC, perfect calibration. */
  readonly diagonal?: boolean;
  /** Step the line (precision–recall is a step function). */
  readonly step?: boolean;
  /** The x range drawn, [min, max] (default [0, 1]); {@link dataDomain} fits it to the data. */
  readonly xDomain?: readonly [number, number];
  /** The y range drawn, [min, max] (default [0, 1]). */
  readonly yDomain?: readonly [number, number];
}

/** A [min, max] range covering the finite `values` (a one-value range is widened so it can be drawn). */
export function dataDomain(values: Iterable<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min > max) return [0, 1];
  if (min === max) return [min - (Math.abs(min) || 1) / 2, max + (Math.abs(max) || 1) / 2];
  return [min, max];
}

const WIDTH = 360;
const HEIGHT = 320;
const MARGIN = { left: 48, right: 16, top: 32, bottom: 44 };
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea'];

export function lineChartSvg(options: LineChartOptions): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const [x0, x1] = options.xDomain ?? [0, 1];
  const [y0, y1] = options.yDomain ?? [0, 1];
  const px = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0)) * plotWidth;
  const py = (y: number) => MARGIN.top + (1 - (y - y0) / (y1 - y0)) * plotHeight;
  const fixed = (value: number) => value.toFixed(1);
  const unit = x0 === 0 && x1 === 1 && y0 === 0 && y1 === 1;
  const tickLabel = (value: number) => (unit ? value.toFixed(1) : String(Number(value.toPrecision(3))));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeXml(options.title)}">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (let tick = 0; tick <= 5; tick++) {
    const x = x0 + ((x1 - x0) * tick) / 5;
    const y = y0 + ((y1 - y0) * tick) / 5;
    parts.push(`<line x1="${fixed(px(x))}" y1="${fixed(py(y0))}" x2="${fixed(px(x))}" y2="${fixed(py(y1))}" stroke="#eee"/>`);
    parts.push(`<line x1="${fixed(px(x0))}" y1="${fixed(py(y))}" x2="${fixed(px(x1))}" y2="${fixed(py(y))}" stroke="#eee"/>`);
    parts.push(`<text x="${fixed(px(x))}" y="${fixed(py(y0) + 14)}" text-anchor="middle">${tickLabel(x)}</text>`);
    parts.push(`<text x="${fixed(px(x0) - 6)}" y="${fixed(py(y) + 4)}" text-anchor="end">${tickLabel(y)}</text>`);
  }
  parts.push(`<rect x="${px(x0)}" y="${py(y1)}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${WIDTH / 2}" y="${HEIGHT - 8}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  parts.push(`<text x="12" y="${MARGIN.top + plotHeight / 2}" text-anchor="middle" transform="rotate(-90 12 ${MARGIN.top + plotHeight / 2})">${escapeXml(options.yLabel)}</text>`);
  if (options.diagonal) parts.push(`<line x1="${px(x0)}" y1="${py(y0)}" x2="${px(x1)}" y2="${py(y1)}" stroke="#999" stroke-dasharray="4 4"/>`);
  options.series.forEach((series, index) => {
    const color = COLORS[index % COLORS.length]!;
    // Points with a non-finite coordinate are left out of the line and the markers alike; a step
    // rises from the previous drawn point, not from a skipped one.
    const drawn = series.x.flatMap((x, i) => (Number.isFinite(x) && Number.isFinite(series.y[i]) ? [{ x, y: series.y[i]! }] : []));
    const points: string[] = [];
    drawn.forEach(({ x, y }, i) => {
      if (options.step && i > 0) points.push(`${fixed(px(x))},${fixed(py(drawn[i - 1]!.y))}`);
      points.push(`${fixed(px(x))},${fixed(py(y))}`);
    });
    parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
    if (series.markers) for (const { x, y } of drawn) parts.push(`<circle cx="${fixed(px(x))}" cy="${fixed(py(y))}" r="3" fill="${color}"/>`);
    parts.push(`<text x="${px(x0) + 8}" y="${py(y1) + 14 + index * 14}" fill="${color}">${escapeXml(series.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
