/**
 * A grouped bar chart (one group per category, one bar per series, an optional dashed threshold):
 * candidate against production per metric, and the drift statistic per column, in `sluice ci`'s
 * report files. Hand-written like the other charts here (see line-chart.ts for why no chart
 * library): bars, a value axis, labels and a legend are a page of string building.
 */
import { escapeXml } from './escape.js';

/** One series of a bar chart: a value per category (NaN or undefined draws no bar). */
export interface BarSeries {
  readonly name: string;
  readonly values: readonly (number | undefined)[];
  readonly color: string;
}

/** What a bar chart shows. */
export interface BarChartOptions {
  readonly title: string;
  readonly categories: readonly string[];
  readonly series: readonly BarSeries[];
  readonly yLabel: string;
  /** The value axis; default from 0 (or the lowest value, if negative) to the highest. */
  readonly range?: readonly [number, number] | undefined;
  /** A dashed horizontal line (a drift threshold), named in the legend. */
  readonly threshold?: { readonly name: string; readonly value: number } | undefined;
}

const WIDTH = 640;
const LABEL_LIMIT = 18;

function tick(value: number): string {
  return String(Number(value.toPrecision(3)));
}

function shortLabel(label: string): string {
  return label.length > LABEL_LIMIT ? `${label.slice(0, LABEL_LIMIT - 1)}…` : label;
}

/** The value axis: the options' range, else 0 (or below) to the highest value, never empty. */
function valueRange(options: BarChartOptions): [number, number] {
  if (options.range) return [options.range[0], options.range[1]];
  const values = options.series.flatMap((series) => series.values.filter((value): value is number => value !== undefined && Number.isFinite(value)));
  if (options.threshold) values.push(options.threshold.value);
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values);
  return high > low ? [low, high] : [low, low + 1];
}

/** The chart as a standalone SVG document (a file to commit or open), labels rotated under the bars. */
export function barChartSvg(options: BarChartOptions): string {
  const height = 300;
  const plot = { left: 52, right: WIDTH - 12, top: 30, bottom: height - 92 };
  const [low, high] = valueRange(options);
  const y = (value: number) => plot.bottom - ((Math.min(high, Math.max(low, value)) - low) / (high - low)) * (plot.bottom - plot.top);
  const groups = Math.max(1, options.categories.length);
  const groupWidth = (plot.right - plot.left) / groups;
  const barWidth = Math.max(1, (groupWidth * 0.8) / Math.max(1, options.series.length));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="10" role="img" aria-label="${escapeXml(options.title)}">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="${plot.left}" y="16" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>`,
    `<text transform="translate(12 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const value = low + ((high - low) * k) / 4;
    parts.push(`<line x1="${plot.left}" y1="${y(value).toFixed(1)}" x2="${plot.right}" y2="${y(value).toFixed(1)}" stroke="#e5e7eb"/>`, `<text x="${plot.left - 4}" y="${(y(value) + 3).toFixed(1)}" text-anchor="end">${tick(value)}</text>`);
  }
  const zero = y(Math.max(low, 0));
  options.series.forEach((series, s) => {
    series.values.forEach((value, g) => {
      if (value === undefined || !Number.isFinite(value)) return;
      const x = plot.left + g * groupWidth + groupWidth * 0.1 + s * barWidth;
      const top = Math.min(y(value), zero);
      const tip = `${options.categories[g] ?? ''}: ${series.name} ${tick(value)}`;
      parts.push(`<rect class="bar" x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${Math.abs(zero - y(value)).toFixed(1)}" fill="${series.color}"><title>${escapeXml(tip)}</title></rect>`);
    });
  });
  parts.push(`<line x1="${plot.left}" y1="${zero.toFixed(1)}" x2="${plot.right}" y2="${zero.toFixed(1)}" stroke="#444"/>`);
  if (options.threshold) {
    const at = y(options.threshold.value).toFixed(1);
    parts.push(`<line class="threshold" x1="${plot.left}" y1="${at}" x2="${plot.right}" y2="${at}" stroke="#b91c1c" stroke-dasharray="5 3"/>`);
  }
  options.categories.forEach((category, g) => {
    const x = plot.left + (g + 0.5) * groupWidth;
    parts.push(`<text transform="translate(${x.toFixed(1)} ${plot.bottom + 8}) rotate(-40)" text-anchor="end">${escapeXml(shortLabel(category))}<title>${escapeXml(category)}</title></text>`);
  });
  const legend = [...options.series.map((series) => ({ name: series.name, color: series.color, dashed: false })), ...(options.threshold ? [{ name: options.threshold.name, color: '#b91c1c', dashed: true }] : [])];
  legend.forEach((entry, k) => {
    const x = plot.left + k * 150;
    const mark = entry.dashed ? `<line x1="${x}" y1="${height - 8}" x2="${x + 10}" y2="${height - 8}" stroke="${entry.color}" stroke-dasharray="3 2"/>` : `<rect x="${x}" y="${height - 12}" width="10" height="8" fill="${entry.color}"/>`;
    parts.push(`${mark}<text x="${x + 14}" y="${height - 4}">${escapeXml(entry.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
