/**
 * Two distributions side by side as a small bar chart (reference grey, current blue), in shares
 * so samples of different sizes compare: the chart behind each column of a drift or profile
 * report.
 */
import { escapeXml } from './escape.js';

export interface HistogramChart {
  readonly title: string;
  /** One label per bar group (a bin's range or a category). */
  readonly labels: readonly string[];
  readonly series: readonly { readonly name: string; readonly counts: readonly number[]; readonly color: string }[];
}

export const REFERENCE_COLOR = '#9ca3af';
export const CURRENT_COLOR = '#2563eb';

export function histogramSvg(chart: HistogramChart): string {
  const width = 320;
  const height = 150;
  const plot = { left: 8, right: width - 8, top: 24, bottom: height - 30 };
  const groups = Math.max(1, chart.labels.length);
  const shares = chart.series.map((series) => {
    const total = series.counts.reduce((sum, count) => sum + count, 0) || 1;
    return series.counts.map((count) => count / total);
  });
  const max = Math.max(1e-12, ...shares.flat());
  const groupWidth = (plot.right - plot.left) / groups;
  const barWidth = Math.max(1, (groupWidth - 2) / Math.max(1, chart.series.length));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10" role="img" aria-label="${escapeXml(chart.title)}">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${plot.left}" y="14" font-size="12" font-weight="bold">${escapeXml(chart.title)}</text>`,
    `<line x1="${plot.left}" y1="${plot.bottom}" x2="${plot.right}" y2="${plot.bottom}" stroke="#444"/>`,
  ];
  shares.forEach((values, s) => {
    const color = chart.series[s]!.color;
    values.forEach((share, g) => {
      const barHeight = (share / max) * (plot.bottom - plot.top);
      const x = plot.left + g * groupWidth + 1 + s * barWidth;
      parts.push(`<rect x="${x.toFixed(1)}" y="${(plot.bottom - barHeight).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${color}"><title>${escapeXml(`${chart.labels[g] ?? ''}: ${chart.series[s]!.name} ${(share * 100).toFixed(1)} %`)}</title></rect>`);
    });
  });
  // Only the first and last labels fit under a small chart; the bars carry the rest as tooltips.
  if (chart.labels.length > 0) {
    parts.push(`<text x="${plot.left}" y="${plot.bottom + 12}">${escapeXml(chart.labels[0]!)}</text>`);
    if (chart.labels.length > 1) parts.push(`<text x="${plot.right}" y="${plot.bottom + 12}" text-anchor="end">${escapeXml(chart.labels[chart.labels.length - 1]!)}</text>`);
  }
  chart.series.forEach((series, s) => {
    const x = plot.left + s * 90;
    parts.push(`<rect x="${x}" y="${height - 11}" width="8" height="8" fill="${series.color}"/><text x="${x + 11}" y="${height - 4}">${escapeXml(series.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
