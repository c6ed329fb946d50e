/**
 * The drift report: a terminal/Markdown table of every column's verdict, and a self-contained
 * HTML page with each column's distributions side by side and why its method was chosen.
 */
import { formatNumber } from '../core/index.js';
import type { ColumnDrift, DriftResult } from '../data/index.js';
import { escapeXml } from './svg/escape.js';
import { CURRENT_COLOR, histogramSvg, REFERENCE_COLOR } from './svg/histogram.js';
import { escapeCell } from './markdown.js';

/** One row per column: the cells people scan, most drifted first. */
export function driftRows(result: DriftResult): string[][] {
  return Object.entries(result.columns)
    .sort(([, a], [, b]) => Number(b.drifted) - Number(a.drifted))
    .map(([name, column]) => [
      name,
      column.type,
      column.method,
      formatNumber(column.statistic ?? undefined),
      column.p_value === null ? '—' : formatNumber(column.p_value),
      `${column.p_value === null ? '≥' : '≤'} ${formatNumber(column.threshold)}`,
      column.drifted ? 'DRIFT' : 'ok',
      column.missing_reference + column.missing_current > 0 ? `${column.missing_reference} / ${column.missing_current}` : '',
    ]);
}

export const DRIFT_HEADERS = ['Column', 'Type', 'Method', 'Statistic', 'p-value', 'Drift if', 'Verdict', 'Missing ref / cur'] as const;

/** "3 of 31 columns drifted (9.7 %); dataset drift needs ≥ 50 %." */
export function driftSummary(result: DriftResult): string {
  const share = `${(result.drift_share * 100).toFixed(1)} %`;
  const verdict = result.dataset_drift ? 'Dataset drift' : 'No dataset drift';
  return `${verdict}: ${result.drifted_columns} of ${result.number_of_columns} columns drifted (${share}; dataset drift at ≥ ${result.drift_share_threshold * 100} %).`;
}

function correctionNote(result: DriftResult): string {
  switch (result.correction) {
    case 'bonferroni':
      return 'p-value thresholds are Bonferroni-corrected for the number of columns tested';
    case 'fdr':
      return 'p-value thresholds control the false discovery rate (Benjamini–Hochberg)';
    case 'none':
      return 'p-value thresholds are not corrected for the number of columns tested';
  }
}

export function renderDriftMarkdown(result: DriftResult): string {
  const lines = [
    `## Data drift: ${result.dataset_drift ? '⚠️ drift' : '✅ no dataset drift'}`,
    '',
    `\`${result.current}\` against \`${result.reference}\`. ${driftSummary(result)} ${correctionNote(result)}.`,
    '',
    `| ${DRIFT_HEADERS.join(' | ')} |`,
    `|${DRIFT_HEADERS.map((_, k) => (k >= 3 && k <= 5 ? '---:' : '---')).join('|')}|`,
    ...driftRows(result).map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ];
  const schema = [...result.only_in_reference.map((name) => `- \`${name}\` is only in the reference`), ...result.only_in_current.map((name) => `- \`${name}\` is only in the current data`)];
  if (schema.length > 0) lines.push('', '**Columns not compared**', '', ...schema);
  return `${lines.join('\n')}\n`;
}

function binLabels(column: ColumnDrift): string[] {
  const { bins } = column.histogram;
  if (bins.length > 0 && typeof bins[0] === 'number') return bins.slice(0, -1).map((edge, k) => `${formatNumber(edge as number)}–${formatNumber(bins[k + 1] as number)}`);
  return bins.map(String);
}

function columnSection(name: string, column: ColumnDrift): string {
  const chart = histogramSvg({
    title: name,
    labels: binLabels(column),
    series: [
      { name: `reference (${column.n_reference})`, counts: column.histogram.reference, color: REFERENCE_COLOR },
      { name: `current (${column.n_current})`, counts: column.histogram.current, color: CURRENT_COLOR },
    ],
  });
  const extra = Object.entries(column.statistics)
    .map(([key, value]) => `${escapeXml(key)} ${formatNumber(value)}`)
    .join(' · ');
  const verdict = column.drifted ? '<b class="drift">drift</b>' : 'no drift';
  return `<section class="${column.drifted ? 'drifted' : ''}">${chart}<p>${verdict}: ${escapeXml(column.method)} ${formatNumber(column.statistic ?? undefined)}${column.p_value === null ? '' : `, p ${formatNumber(column.p_value)}`} (drift if ${column.p_value === null ? '≥' : '≤'} ${formatNumber(column.threshold)})<br><small>${escapeXml(column.reason)}. Missing: ${column.missing_reference} reference, ${column.missing_current} current.${extra ? `<br>${extra}` : ''}</small></p></section>`;
}

export function renderDriftHtml(result: DriftResult): string {
  const title = `Data drift: ${result.current} against ${result.reference}`;
  const rows = driftRows(result)
    .map((row) => `<tr class="${row[6] === 'DRIFT' ? 'drifted' : ''}">${row.map((cell, k) => `<td${k >= 3 && k <= 5 ? ' class="n"' : ''}>${escapeXml(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  const sections = Object.entries(result.columns)
    .sort(([, a], [, b]) => Number(b.drifted) - Number(a.drifted))
    .map(([name, column]) => columnSection(name, column))
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>body{font-family:sans-serif;margin:2rem;color:#111}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ddd;padding:3px 8px}td.n{text-align:right;font-variant-numeric:tabular-nums}tr.drifted td{background:#fef2f2}.drift{color:#b91c1c}.columns{display:flex;flex-wrap:wrap;gap:1rem}section{width:330px}section.drifted{outline:2px solid #fca5a5}</style>
</head><body>
<h1>${escapeXml(title)}</h1>
<p><b>${escapeXml(driftSummary(result))}</b> ${escapeXml(correctionNote(result))}. Method choice follows Evidently: hypothesis tests (Kolmogorov–Smirnov, chi-square, z) for reference samples up to 1000 values, distances (Wasserstein normed by the reference's standard deviation, Jensen–Shannon) above.</p>
<table><tr>${DRIFT_HEADERS.map((header) => `<th>${escapeXml(header)}</th>`).join('')}</tr>
${rows}
</table>
<div class="columns">
${sections}
</div>
</body></html>
`;
}
