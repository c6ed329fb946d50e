/**
 * The page of `sluice plots show|diff`: one self-contained HTML file with a line chart per data
 * set, images embedded as data URIs, and HTML reports linked. Images go in `<img>` (SVG too,
 * rather than inline): a browser runs no script and loads nothing external from an image, which
 * is a stronger guarantee than stripping `<script>` from markup. Everything from the plot files
 * (paths, titles, column names, error text) is escaped.
 */
import { dataDomain, lineChartSvg, type Series } from './svg/line-chart.js';
import { escapeXml } from './svg/escape.js';

/** One plot on the page (the pipeline's PlotFile has this shape). */
export interface PlotsPageEntry {
  readonly path: string;
  readonly type: 'data' | 'image' | 'html' | undefined;
  readonly charts: readonly { readonly title: string; readonly xLabel: string; readonly yLabel: string; readonly series: readonly Series[] }[];
  readonly images: readonly { readonly label: string; readonly mediaType: string; readonly bytes: Uint8Array }[];
  readonly errors: readonly string[];
}

export interface PlotsPageOptions {
  readonly title: string;
  readonly plots: readonly PlotsPageEntry[];
  /** The link to an HTML plot (a path relative to the page). */
  readonly hrefFor: (path: string) => string;
}

function chartSvg(chart: PlotsPageEntry['charts'][number]): string {
  return lineChartSvg({
    title: chart.title,
    xLabel: chart.xLabel,
    yLabel: chart.yLabel,
    series: chart.series,
    xDomain: dataDomain(chart.series.flatMap((series) => series.x)),
    yDomain: dataDomain(chart.series.flatMap((series) => series.y)),
  });
}

function entryHtml(entry: PlotsPageEntry, hrefFor: (path: string) => string): string {
  const parts = [`<section><h2>${escapeXml(entry.path)}</h2>`];
  if (entry.charts.length > 0) parts.push(`<div class="charts">${entry.charts.map(chartSvg).join('\n')}</div>`);
  if (entry.images.length > 0) {
    const figures = entry.images.map((image) => {
      const caption = image.label === '' ? '' : `<figcaption>${escapeXml(image.label)}</figcaption>`;
      const source = `data:${image.mediaType};base64,${Buffer.from(image.bytes).toString('base64')}`;
      return `<figure><img src="${escapeXml(source)}" alt="${escapeXml(`${entry.path}${image.label === '' ? '' : ` (${image.label})`}`)}">${caption}</figure>`;
    });
    parts.push(`<div class="charts">${figures.join('\n')}</div>`);
  }
  if (entry.type === 'html' && entry.errors.length === 0) parts.push(`<p><a href="${escapeXml(hrefFor(entry.path))}">Open ${escapeXml(entry.path)}</a></p>`);
  for (const error of entry.errors) parts.push(`<p class="error">${escapeXml(error)}</p>`);
  parts.push('</section>');
  return parts.join('\n');
}

/** The whole page. */
export function renderPlotsPage(options: PlotsPageOptions): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(options.title)}</title>
<style>body{font-family:sans-serif;margin:2rem;color:#111}.charts{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0}img{max-width:480px}.error{color:#b91c1c}</style>
</head><body>
<h1>${escapeXml(options.title)}</h1>
${options.plots.map((entry) => entryHtml(entry, options.hrefFor)).join('\n')}
</body></html>
`;
}
