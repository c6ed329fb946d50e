/**
 * A small, dependency-free line chart, on the unit square by default (ROC, precision–recall,
 * calibration) or on the data's range (plots: loss by step; a monitor's series over time):
 * hand-written because these charts need only axes, a grid, lines, shaded intervals, reference
 * lines and a legend, and an SVG string can be inlined in HTML and stored as a file for Markdown.
 * The chart libraries that render on a server without a DOM (Vega with its SVG renderer, ECharts'
 * SSR mode) are megabytes of dependency for what is a page of string building here.
 */
import { escapeXml } from './escape.js';

export interface Series {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** Draw points as markers too (calibration; a series over few windows). */
  readonly markers?: boolean;
  /** An interval around each point (a confidence interval), drawn as a shaded band; non-finite bounds break it. */
  readonly band?: { readonly low: readonly number[]; readonly high: readonly number[] };
  /** Points to mark (a window with dataset drift): a red ring, with `flagLabel` as its tooltip. */
  readonly flags?: readonly boolean[];
  readonly flagLabel?: string;
  /** A tooltip per point. */
  readonly tips?: readonly string[];
}

/** A horizontal reference line (a threshold, a minimum), dashed, named in the legend. */
export interface Rule {
  readonly name: string;
  readonly y: number;
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
  readonly rules?: readonly Rule[];
  /** How an x tick is written (times, for a series over time). */
  readonly xTick?: (value: number) => string;
  /** The legend inside the plot's top-left corner (default), or in a row above the plot, clear of the lines. */
  readonly legend?: 'inside' | 'top';
  /** The chart's size in pixels (default 360 × 320). */
  readonly width?: number;
  readonly height?: number;
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

const MARGIN = { left: 48, right: 16, top: 32, bottom: 44 };
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea'];
const RULE_COLOR = '#b45309';
const FLAG_COLOR = '#dc2626';

/** Data to pixel coordinates for one chart. */
interface Frame {
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
  px(x: number): number;
  py(y: number): number;
}

function frameOf(options: LineChartOptions): Frame {
  const width = options.width ?? 360;
  const height = options.height ?? 320;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const top = options.legend === 'top' ? MARGIN.top + 16 : MARGIN.top;
  const plotHeight = height - top - MARGIN.bottom;
  const [x0, x1] = options.xDomain ?? [0, 1];
  const [y0, y1] = options.yDomain ?? [0, 1];
  return { top, width, height, x0, x1, y0, y1, px: (x) => MARGIN.left + ((x - x0) / (x1 - x0)) * plotWidth, py: (y) => top + (1 - (y - y0) / (y1 - y0)) * plotHeight };
}

const fixed = (value: number) => value.toFixed(1);

function axes(options: LineChartOptions, frame: Frame): string[] {
  const { x0, x1, y0, y1, px, py, width, height } = frame;
  const unit = x0 === 0 && x1 === 1 && y0 === 0 && y1 === 1;
  const tickLabel = (value: number) => (unit ? value.toFixed(1) : String(Number(value.toPrecision(3))));
  const xTick = options.xTick ?? tickLabel;
  const parts: string[] = [];
  for (let tick = 0; tick <= 5; tick++) {
    const x = x0 + ((x1 - x0) * tick) / 5;
    const y = y0 + ((y1 - y0) * tick) / 5;
    parts.push(`<line x1="${fixed(px(x))}" y1="${fixed(py(y0))}" x2="${fixed(px(x))}" y2="${fixed(py(y1))}" stroke="#eee"/>`);
    parts.push(`<line x1="${fixed(px(x0))}" y1="${fixed(py(y))}" x2="${fixed(px(x1))}" y2="${fixed(py(y))}" stroke="#eee"/>`);
    // Custom (wider) tick labels start at the left edge and end at the right one, inside the chart.
    const anchor = options.xTick && tick === 0 ? 'start' : options.xTick && tick === 5 ? 'end' : 'middle';
    parts.push(`<text x="${fixed(px(x))}" y="${fixed(py(y0) + 14)}" text-anchor="${anchor}">${escapeXml(xTick(x))}</text>`);
    parts.push(`<text x="${fixed(px(x0) - 6)}" y="${fixed(py(y) + 4)}" text-anchor="end">${tickLabel(y)}</text>`);
  }
  const plotHeight = py(y0) - py(y1);
  parts.push(`<rect x="${px(x0)}" y="${py(y1)}" width="${px(x1) - px(x0)}" height="${plotHeight}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${width / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  parts.push(`<text x="12" y="${frame.top + plotHeight / 2}" text-anchor="middle" transform="rotate(-90 12 ${frame.top + plotHeight / 2})">${escapeXml(options.yLabel)}</text>`);
  return parts;
}

/** The band's polygons, one per run of points with finite bounds. */
function bandPolygons(series: Series, frame: Frame, color: string): string[] {
  if (!series.band) return [];
  const runs: { x: number; low: number; high: number }[][] = [[]];
  series.x.forEach((x, i) => {
    const low = series.band!.low[i];
    const high = series.band!.high[i];
    if (Number.isFinite(x) && Number.isFinite(low) && Number.isFinite(high)) runs.at(-1)!.push({ x, low: low!, high: high! });
    else if (runs.at(-1)!.length > 0) runs.push([]);
  });
  return runs
    .filter((run) => run.length > 0)
    .map((run) => {
      // A lone point's band is a short vertical bar, so that it is still seen.
      const half = run.length === 1 ? 3 : 0;
      const upper = run.map((point, k) => `${fixed(frame.px(point.x) - (k === 0 ? half : 0))},${fixed(frame.py(point.high))}`);
      const lower = run.map((point, k) => `${fixed(frame.px(point.x) - (k === 0 ? half : 0))},${fixed(frame.py(point.low))}`);
      if (half > 0) {
        upper.push(`${fixed(frame.px(run[0]!.x) + half)},${fixed(frame.py(run[0]!.high))}`);
        lower.push(`${fixed(frame.px(run[0]!.x) + half)},${fixed(frame.py(run[0]!.low))}`);
      }
      return `<polygon class="band" points="${[...upper, ...lower.reverse()].join(' ')}" fill="${color}" fill-opacity="0.15" stroke="none"><title>${escapeXml(`${series.name}: 95 % interval`)}</title></polygon>`;
    });
}

function seriesParts(options: LineChartOptions, frame: Frame, series: Series, index: number): string[] {
  const { px, py } = frame;
  const color = COLORS[index % COLORS.length]!;
  // Points with a non-finite coordinate are left out of the line and the markers alike; a step
  // rises from the previous drawn point, not from a skipped one.
  const drawn = series.x.flatMap((x, i) => (Number.isFinite(x) && Number.isFinite(series.y[i]) ? [{ x, y: series.y[i]!, i }] : []));
  const points: string[] = [];
  drawn.forEach(({ x, y }, k) => {
    if (options.step && k > 0) points.push(`${fixed(px(x))},${fixed(py(drawn[k - 1]!.y))}`);
    points.push(`${fixed(px(x))},${fixed(py(y))}`);
  });
  const parts = [...bandPolygons(series, frame, color), `<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`];
  for (const { x, y, i } of drawn) {
    const tip = series.tips?.[i];
    if (series.markers) parts.push(`<circle cx="${fixed(px(x))}" cy="${fixed(py(y))}" r="3" fill="${color}">${tip === undefined ? '' : `<title>${escapeXml(tip)}</title>`}</circle>`);
    if (series.flags?.[i]) parts.push(`<circle class="flag" cx="${fixed(px(x))}" cy="${fixed(py(y))}" r="6" fill="none" stroke="${FLAG_COLOR}" stroke-width="2"><title>${escapeXml(series.flagLabel ?? 'flagged')}</title></circle>`);
  }
  return parts;
}

export function lineChartSvg(options: LineChartOptions): string {
  const frame = frameOf(options);
  const { width, height, x0, x1, y0, y1, px, py } = frame;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeXml(options.title)}">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>`,
    ...axes(options, frame),
  ];
  if (options.diagonal) parts.push(`<line x1="${px(x0)}" y1="${py(y0)}" x2="${px(x1)}" y2="${py(y1)}" stroke="#999" stroke-dasharray="4 4"/>`);
  const rules = (options.rules ?? []).filter((rule) => Number.isFinite(rule.y));
  for (const rule of rules) {
    parts.push(`<line class="rule" x1="${fixed(px(x0))}" y1="${fixed(py(rule.y))}" x2="${fixed(px(x1))}" y2="${fixed(py(rule.y))}" stroke="${RULE_COLOR}" stroke-dasharray="6 3"/>`);
  }
  options.series.forEach((series, index) => parts.push(...seriesParts(options, frame, series, index)));
  const legend = [...options.series.map((series, index) => ({ name: series.name, color: COLORS[index % COLORS.length]! })), ...rules.map((rule) => ({ name: rule.name, color: RULE_COLOR }))];
  if (options.legend === 'top') {
    // One row above the plot: a swatch and the name per entry (dashed for a reference line).
    let x = px(x0);
    legend.forEach(({ name, color }, index) => {
      const dash = index >= options.series.length ? ' stroke-dasharray="6 3"' : '';
      parts.push(`<line x1="${fixed(x)}" y1="${frame.top - 12}" x2="${fixed(x + 14)}" y2="${frame.top - 12}" stroke="${color}" stroke-width="2"${dash}/><text x="${fixed(x + 18)}" y="${frame.top - 8}" fill="${color}">${escapeXml(name)}</text>`);
      x += 30 + 6.2 * name.length;
    });
  } else {
    legend.forEach(({ name, color }, index) => parts.push(`<text x="${px(x0) + 8}" y="${py(y1) + 14 + index * 14}" fill="${color}">${escapeXml(name)}</text>`));
  }
  parts.push('</svg>');
  return parts.join('\n');
}
