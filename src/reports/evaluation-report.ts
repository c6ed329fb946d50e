/**
 * The evaluation report: Markdown for pull-request comments (charts as SVG files beside it) and a
 * self-contained HTML page (charts inline) for people.
 */
import { formatNumber } from '../core/index.js';
import type { EvaluationResult } from '../evaluation/index.js';
import { confusionMatrixSvg } from './svg/confusion-matrix.js';
import { htmlTable } from './html.js';
import { escapeCell } from './markdown.js';
import { escapeXml } from './svg/escape.js';
import { lineChartSvg } from './svg/line-chart.js';

/** The charts of a result, by file-name suffix. */
export function evaluationCharts(result: EvaluationResult): Record<string, string> {
  const charts: Record<string, string> = {};
  if (result.curves) {
    const { roc, precision_recall: pr, calibration } = result.curves;
    charts.roc = lineChartSvg({ title: `ROC curve (AUC ${formatNumber(result.metrics.roc_auc)})`, xLabel: 'false positive rate', yLabel: 'true positive rate', series: [{ name: 'model', x: roc.fpr, y: roc.tpr }], diagonal: true });
    charts.pr = lineChartSvg({ title: `Precision–recall (AP ${formatNumber(result.metrics.average_precision)})`, xLabel: 'recall', yLabel: 'precision', series: [{ name: 'model', x: pr.recall, y: pr.precision }], step: true });
    charts.calibration = lineChartSvg({ title: `Calibration (ECE ${formatNumber(result.metrics.ece)})`, xLabel: 'mean predicted probability', yLabel: 'fraction positive', series: [{ name: 'model', x: calibration.mean_predicted, y: calibration.fraction_positive, markers: true }], diagonal: true });
  }
  if (result.confusion_matrix && result.classes) charts.confusion = confusionMatrixSvg(result.confusion_matrix, result.classes);
  return charts;
}

function metricRows(result: EvaluationResult): [string, string, string][] {
  return Object.entries(result.metrics).map(([name, value]) => {
    const interval = result.ci?.[name];
    return [name, formatNumber(value), interval ? `[${formatNumber(interval[0])}, ${formatNumber(interval[1])}]` : ''];
  });
}

function title(result: EvaluationResult, subject: string): string {
  return `Evaluation of ${subject}: ${result.n} rows, ${result.task}${result.positive_class ? `, positive class ${result.positive_class}` : ''}`;
}

/** Markdown; `chartFiles` maps chart names to the file names written beside the report. */
export function renderEvaluationMarkdown(result: EvaluationResult, subject: string, chartFiles: Record<string, string>): string {
  const lines = [`## ${title(result, subject)}`, '', `| Metric | Value |${result.ci ? ' 95% CI |' : ''}`, `|---|---:|${result.ci ? '---|' : ''}`];
  for (const [name, value, interval] of metricRows(result)) lines.push(`| ${name} | ${value} |${result.ci ? ` ${interval} |` : ''}`);
  const images = Object.entries(chartFiles).map(([name, file]) => `![${name}](${file})`);
  if (images.length > 0) lines.push('', images.join(' '));
  for (const [column, groups] of Object.entries(result.slices ?? {})) {
    lines.push('', `### Slices by ${escapeCell(column)}`, '', '| Slice | Rows | Metrics |', '|---|---:|---|');
    for (const [group, slice] of Object.entries(groups)) {
      lines.push(`| ${escapeCell(group)} | ${slice.n} | ${Object.entries(slice.metrics).slice(0, 4).map(([name, value]) => `${name} ${formatNumber(value)}`).join(', ')} |`);
    }
  }
  for (const [column, fairness] of Object.entries(result.fairness ?? {})) {
    lines.push('', `### Fairness by ${escapeCell(column)}${fairness.four_fifths_rule_violated ? ' ⚠️ four-fifths rule violated' : ''}`, '');
    lines.push(`Demographic parity difference ${formatNumber(fairness.demographic_parity_difference)}, ratio ${formatNumber(fairness.demographic_parity_ratio)}; equalized odds difference ${formatNumber(fairness.equalized_odds_difference)}.`);
  }
  if (result.robustness) {
    const { metric, clean, gaussian_noise: noise, missing_values: missing } = result.robustness;
    lines.push('', `**Robustness** (${metric}): clean ${formatNumber(clean)}, with Gaussian noise ${formatNumber(noise.value)}, with 5 % missing values ${missing.nan_rows > 0 ? `no prediction for ${missing.nan_rows} rows` : formatNumber(missing.value)}.`);
  }
  if (result.explanation) {
    lines.push('', `### Global explanation (${result.explanation.method} SHAP, ${result.explanation.rows} rows)`, '', '| # | Feature | Mean \\|SHAP\\| |', '|---:|---|---:|');
    result.explanation.ranking.slice(0, 15).forEach((item, rank) => lines.push(`| ${rank + 1} | ${escapeCell(item.feature)} | ${formatNumber(item.mean_abs_shap)} |`));
  }
  return `${lines.join('\n')}\n`;
}

/** The metrics shown per slice (the JSON has all of them), as in the terminal. */
const SLICE_METRICS = ['accuracy', 'f1', 'roc_auc', 'f1_macro', 'rmse', 'mae', 'r2'];

/** Slices, fairness, robustness and importance: the sections the terminal shows below the metrics. */
function analysisHtml(result: EvaluationResult): string {
  const sections: string[] = [];
  for (const [column, groups] of Object.entries(result.slices ?? {})) {
    const names = SLICE_METRICS.filter((name) => Object.values(groups)[0]?.metrics[name] !== undefined);
    const rows = Object.entries(groups).map(([group, slice]) => [group, String(slice.n), ...names.map((name) => formatNumber(slice.metrics[name]!))]);
    sections.push(`<h2>Slices by ${escapeXml(column)}</h2>${htmlTable(['Slice', 'Rows', ...names], rows, new Set(names.map((_, k) => k + 1).concat(names.length + 1)))}`);
  }
  for (const [column, fairness] of Object.entries(result.fairness ?? {})) {
    const rows = Object.entries(fairness.groups).map(([group, rates]) => [group, String(rates.count), formatNumber(rates.selection_rate), formatNumber(rates.true_positive_rate), formatNumber(rates.false_positive_rate)]);
    sections.push(
      `<h2>Fairness by ${escapeXml(column)}${fairness.four_fifths_rule_violated ? ' — four-fifths rule violated' : ''}</h2>${htmlTable(['Group', 'Rows', 'Selection rate', 'TPR', 'FPR'], rows, new Set([1, 2, 3, 4]))}` +
        `<p>Demographic parity difference ${formatNumber(fairness.demographic_parity_difference)}, ratio ${formatNumber(fairness.demographic_parity_ratio)}; equalized odds difference ${formatNumber(fairness.equalized_odds_difference)}.</p>`,
    );
  }
  if (result.robustness) {
    const { metric, clean, gaussian_noise: noise, missing_values: missing } = result.robustness;
    const missingText = missing.nan_rows > 0 ? `no prediction for ${missing.nan_rows} of ${result.robustness.rows} rows (the model cannot handle missing values)` : formatNumber(missing.value);
    sections.push(`<h2>Robustness (${escapeXml(metric)})</h2>${htmlTable(['Input', metric], [['clean', formatNumber(clean)], ['Gaussian noise (σ = 0.1·std)', formatNumber(noise.value)], ['5 % missing values', missingText]], new Set([1]))}`);
  }
  if (result.explanation) {
    const rows = result.explanation.ranking.slice(0, 15).map((item, rank) => [String(rank + 1), item.feature, formatNumber(item.mean_abs_shap)]);
    sections.push(`<h2>Global explanation (${escapeXml(result.explanation.method)} SHAP, ${result.explanation.rows} rows)</h2>${htmlTable(['#', 'Feature', 'Mean |SHAP|'], rows, new Set([2]))}`);
  }
  if (result.importance) {
    const rows = Object.entries(result.importance.features).slice(0, 15).map(([name, value]) => [name, formatNumber(value.mean), formatNumber(value.std)]);
    sections.push(`<h2>Permutation importance (${escapeXml(result.importance.metric)})</h2>${htmlTable(['Feature', 'Mean loss', 'Std'], rows, new Set([1, 2]))}`);
  }
  return sections.join('\n');
}

export function renderEvaluationHtml(result: EvaluationResult, subject: string): string {
  const charts = Object.values(evaluationCharts(result));
  const rows = metricRows(result)
    .map(([name, value, interval]) => `<tr><td>${escapeXml(name)}</td><td class="n">${value}</td>${result.ci ? `<td>${interval}</td>` : ''}</tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title(result, subject))}</title>
<style>body{font-family:sans-serif;margin:2rem;color:#111}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ddd;padding:4px 10px}td.n{text-align:right;font-variant-numeric:tabular-nums}.charts{display:flex;flex-wrap:wrap;gap:1rem}</style>
</head><body>
<h1>${escapeXml(title(result, subject))}</h1>
<table><tr><th>Metric</th><th>Value</th>${result.ci ? '<th>95% CI</th>' : ''}</tr>
${rows}
</table>
<div class="charts">
${charts.join('\n')}
</div>
${analysisHtml(result)}
</body></html>
`;
}
