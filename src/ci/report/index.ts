/** The pull-request report of `sluice ci`: Markdown for GitHub and GitLab, and its SVG files. */
export { CI_REPORT_WATERMARK, renderCiMarkdown, verdictLine, type CiReportOptions } from './render-ci-markdown.js';
export { ciCharts, ciReportFiles, mermaidChart, type CiChart, type CiChartSeries, type CiReportFile } from './ci-charts.js';
