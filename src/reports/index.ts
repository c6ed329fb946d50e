/**
 * @module reports
 * Rendering results where people look: terminal tables, Markdown for pull requests.
 */
export { gateRows, renderGateMarkdown, type GateRow } from './gate-report.js';
export { evaluationCharts, renderEvaluationHtml, renderEvaluationMarkdown } from './evaluation-report.js';
export { lineChartSvg, type LineChartOptions, type Series } from './svg/line-chart.js';
export { confusionMatrixSvg } from './svg/confusion-matrix.js';
