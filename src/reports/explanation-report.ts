/**
 * The report of `sluice explain --report`: the global ranking (mean |SHAP|), a summary (beeswarm)
 * plot per explained output, and waterfalls for the first rows, as one self-contained HTML page or
 * Markdown with the charts inline.
 */
import { writeFileAtomic } from '../core/index.js';
import type { Explanation } from '../explain/index.js';
import { htmlTable } from './html.js';
import { escapeXml } from './svg/escape.js';
import { beeswarmSvg, waterfallSvg } from './svg/shap-charts.js';

/** Features shown in charts; the rest are summed into one line of the waterfall. */
const TOP = 12;
const WATERFALL_ROWS = 3;

function charts(explanation: Explanation, output: number): { beeswarm: string; waterfalls: { row: number; svg: string }[] } {
  const m = explanation.features.length;
  const k = explanation.outputs.length;
  const top = explanation.ranking.slice(0, TOP).map((item) => explanation.features.indexOf(item.feature));
  const beeswarm = beeswarmSvg({
    features: top.map((j) => explanation.features[j]!),
    values: top.map((j) => Array.from({ length: explanation.rows }, (_, i) => explanation.values[(i * m + j) * k + output]!)),
    featureValues: top.map((j) => Array.from({ length: explanation.rows }, (_, i) => explanation.featureValues[i * m + j]!)),
  });
  const waterfalls = Array.from({ length: Math.min(WATERFALL_ROWS, explanation.rows) }, (_, i) => {
    const ordered = explanation.features.map((feature, j) => ({ feature, value: explanation.featureValues[i * m + j]!, shap: explanation.values[(i * m + j) * k + output]! })).sort((a, b) => Math.abs(b.shap) - Math.abs(a.shap));
    const shown = ordered.slice(0, TOP - 1);
    const rest = ordered.slice(TOP - 1);
    const contributions = rest.length > 0 ? [...shown, { feature: `${rest.length} other features`, value: Number.NaN, shap: rest.reduce((sum, item) => sum + item.shap, 0) }] : shown;
    return { row: explanation.rowIndexes[i]!, svg: waterfallSvg({ expected: explanation.expected[output]!, contributions, score: explanation.scores[i * k + output]! }) };
  });
  return { beeswarm, waterfalls };
}

function summary(explanation: Explanation, model: string): string {
  const space = explanation.space === 'margin' ? 'the margin (log-odds for classifiers, the value for regressors)' : "the model's output";
  return `${explanation.method} SHAP values of ${model} for ${explanation.rows} rows, in ${space}. Expected value: ${explanation.outputs.map((output, k) => `${output} ${explanation.expected[k]!.toPrecision(5)}`).join(', ')}. ${explanation.notes.join('; ')}.`;
}

function rankingRows(explanation: Explanation): string[][] {
  return explanation.ranking.map((item, rank) => [String(rank + 1), item.feature, ...item.meanAbs.map((value) => value.toPrecision(4))]);
}

export function renderExplanationHtml(explanation: Explanation, model: string): string {
  const title = `Explanation of ${model}`;
  const headers = ['#', 'Feature', ...explanation.outputs.map((output) => `mean |SHAP| ${output}`)];
  const sections = explanation.outputs
    .map((output, k) => {
      const { beeswarm, waterfalls } = charts(explanation, k);
      return `<h2>Output ${escapeXml(output)}</h2>\n<h3>Summary</h3>\n${beeswarm}\n${waterfalls.map((item) => `<h3>Row ${item.row}</h3>\n${item.svg}`).join('\n')}`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>body{font-family:sans-serif;margin:2rem;color:#111}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ddd;padding:3px 8px}td.n{text-align:right;font-variant-numeric:tabular-nums}</style>
</head><body>
<h1>${escapeXml(title)}</h1>
<p>${escapeXml(summary(explanation, model))}</p>
<h2>Global importance</h2>
${htmlTable(headers, rankingRows(explanation), new Set(explanation.outputs.map((_, k) => k + 2)))}
${sections}
</body></html>
`;
}

export function renderExplanationMarkdown(explanation: Explanation, model: string): string {
  const headers = ['#', 'Feature', ...explanation.outputs.map((output) => `mean \\|SHAP\\| ${output}`)];
  const table = [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rankingRows(explanation).map((row) => `| ${row.join(' | ')} |`)].join('\n');
  const sections = explanation.outputs
    .map((output, k) => {
      const { beeswarm, waterfalls } = charts(explanation, k);
      return `## Output ${output}\n\n### Summary\n\n${beeswarm}\n\n${waterfalls.map((item) => `### Row ${item.row}\n\n${item.svg}`).join('\n\n')}`;
    })
    .join('\n\n');
  return `# Explanation of ${model}\n\n${summary(explanation, model)}\n\n## Global importance\n\n${table}\n\n${sections}\n`;
}

export function writeExplanationReport(path: string, explanation: Explanation, model: string): void {
  writeFileAtomic(path, path.toLowerCase().endsWith('.html') ? renderExplanationHtml(explanation, model) : renderExplanationMarkdown(explanation, model));
}
