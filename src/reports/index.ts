/**
 * @module reports
 * Rendering results where people look: terminal tables, Markdown for pull requests, HTML pages.
 */
export { gateRows, gateSummary, renderGateMarkdown, type GateRow } from './gate-report.js';
export { evaluationCharts, renderEvaluationHtml, renderEvaluationMarkdown } from './evaluation-report.js';
export { dataDomain, lineChartSvg, type LineChartOptions, type Rule, type Series } from './svg/line-chart.js';
export { renderPlotsPage, type PlotsPageEntry, type PlotsPageOptions } from './plots-page.js';
export { confusionMatrixSvg } from './svg/confusion-matrix.js';
export { DRIFT_HEADERS, driftRows, driftSummary, renderDriftHtml, renderDriftMarkdown } from './drift-report.js';
export { histogramSvg, type HistogramChart } from './svg/histogram.js';
export { formatExamples, renderValidationMarkdown, renderViolationsText, validationHeadline } from './validation-report.js';
export { PROFILE_HEADERS, profileRows, profileSummary, renderProfileHtml } from './profile-report.js';
export { heatmapSvg, type HeatCell, type HeatmapOptions } from './svg/heatmap.js';
export { barChartSvg, type BarChartOptions, type BarSeries } from './svg/bar-chart.js';
export { codeSpan, escapeCell, escapeInline } from './markdown.js';
export { monitorCharts, type MonitorChart } from './monitor-charts.js';
export { ALERT_HEADERS, CHECK_HEADERS, monitorReportSummary, renderMonitorHtml, renderMonitorMarkdown } from './monitor-report.js';
export { renderExplanationHtml, renderExplanationMarkdown, writeExplanationReport } from './explanation-report.js';
export { beeswarmSvg, waterfallSvg } from './svg/shap-charts.js';
