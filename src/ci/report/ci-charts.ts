/**
 * The report's charts, drawn twice from one description: as Mermaid `xychart-beta` blocks that
 * GitHub and GitLab render in the browser (they strip inline SVG from comments, and nothing is
 * uploaded to an image host), and as standalone SVG files for `sluice ci --report FILE` to write
 * beside the report, for a local or committed copy.
 */
import { barChartSvg } from '../../reports/index.js';
import type { CiGate, CiResult, CiTrainingDrift } from '../ci-result.js';

/** One series: bars, or (in Mermaid, which overlaps bars) a line over the bars. */
export interface CiChartSeries {
  readonly name: string;
  readonly values: readonly number[];
  readonly kind: 'bar' | 'line';
  readonly color: string;
}

/** A bar chart of the report, before it is drawn. */
export interface CiChart {
  /** The file name stem: `metrics`, `drift`. */
  readonly id: string;
  readonly title: string;
  /** The title of the SVG file, where every series is drawn as bars side by side. */
  readonly fileTitle: string;
  readonly categories: readonly string[];
  readonly yLabel: string;
  readonly range?: readonly [number, number] | undefined;
  readonly series: readonly CiChartSeries[];
}

/** An SVG file to write beside the report. */
export interface CiReportFile {
  /** A plain file name (no folder): `sluice-ci-metrics.svg`. */
  readonly name: string;
  readonly title: string;
  readonly svg: string;
}

const CANDIDATE_COLOR = '#2563eb';
const PRODUCTION_COLOR = '#9ca3af';
const DRIFT_COLOR = '#dc2626';
const NO_DRIFT_COLOR = '#60a5fa';
/** Columns in the drift chart: more would not read at a comment's width. */
export const DRIFT_CHART_COLUMNS = 12;

const inUnitRange = (value: number | undefined) => value === undefined || (Number.isFinite(value) && value >= 0 && value <= 1);

/** Candidate against production for the rule metrics on a 0–1 scale (scores, rates), one bar each. */
function metricsChart(gate: CiGate): CiChart | undefined {
  const seen = new Set<string>();
  const rules = gate.report.rules.filter((verdict) => {
    if (seen.has(verdict.metric) || verdict.candidate === undefined || !inUnitRange(verdict.candidate) || !inUnitRange(verdict.baseline)) return false;
    seen.add(verdict.metric);
    return true;
  });
  if (rules.length === 0) return undefined;
  const hasBaseline = gate.report.baseline !== undefined;
  const series: CiChartSeries[] = [{ name: 'candidate', values: rules.map((verdict) => verdict.candidate!), kind: 'bar', color: CANDIDATE_COLOR }];
  if (hasBaseline) series.push({ name: 'production', values: rules.map((verdict) => verdict.baseline ?? 0), kind: 'line', color: PRODUCTION_COLOR });
  return {
    id: 'metrics',
    title: hasBaseline ? 'Candidate (bars) against production (line)' : 'Candidate metrics',
    fileTitle: hasBaseline ? 'Candidate against production' : 'Candidate metrics',
    categories: rules.map((verdict) => verdict.metric),
    yLabel: 'score',
    range: [0, 1],
    series,
  };
}

/** The drift statistic (test statistic or distance) per column, drifted columns first. */
function driftChart(drift: CiTrainingDrift): CiChart | undefined {
  const columns = Object.entries(drift.result.columns)
    .filter(([, column]) => column.statistic !== null && Number.isFinite(column.statistic))
    .sort(([, a], [, b]) => Number(b.drifted) - Number(a.drifted) || Math.abs(b.statistic!) - Math.abs(a.statistic!))
    .slice(0, DRIFT_CHART_COLUMNS);
  if (columns.length === 0) return undefined;
  // A z statistic is signed; its size is what says how far apart the two samples are.
  const statistic = (drifted: boolean) => columns.map(([, column]) => (column.drifted === drifted ? Math.abs(column.statistic!) : 0));
  const series: CiChartSeries[] = [{ name: 'drifted', values: statistic(true), kind: 'bar', color: DRIFT_COLOR }];
  if (columns.some(([, column]) => !column.drifted)) series.push({ name: 'not drifted', values: statistic(false), kind: 'bar', color: NO_DRIFT_COLOR });
  const total = Object.keys(drift.result.columns).length;
  const title = `Training data drift per column${total > columns.length ? ` (top ${columns.length} of ${total})` : ''}`;
  return {
    id: 'drift',
    title,
    fileTitle: title,
    categories: columns.map(([name]) => name),
    yLabel: 'drift statistic',
    series,
  };
}

/** The charts the report draws for this result (none when there is nothing to compare). */
export function ciCharts(result: CiResult): CiChart[] {
  return [result.gate && metricsChart(result.gate), result.data?.drift && driftChart(result.data.drift)].filter((chart): chart is CiChart => chart !== undefined);
}

/** Text inside a Mermaid quoted string: no quotes, brackets or line breaks to end it early. */
function mermaidString(value: string): string {
  return `"${value.replace(/["<>\\`]/g, "'").replace(/[\r\n]+/g, ' ').trim()}"`;
}

function mermaidNumber(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : '0';
}

/** The smallest two-digit number at or above `value` (0.4137 → 0.42), 1 for nothing. */
function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const step = 10 ** (Math.floor(Math.log10(value)) - 1);
  return Number((Math.ceil(value / step - 1e-9) * step).toPrecision(2));
}

/**
 * The chart as a fenced Mermaid `xychart-beta` block. Mermaid draws every `bar` series at the
 * same place (overlapping), so two series are one `bar` and one `line`, or bars that are zero
 * where the other series has its value.
 */
export function mermaidChart(chart: CiChart): string {
  const lines = ['```mermaid', 'xychart-beta', `  title ${mermaidString(chart.title)}`, `  x-axis [${chart.categories.map(mermaidString).join(', ')}]`];
  const highest = Math.max(0, ...chart.series.flatMap((series) => series.values.filter(Number.isFinite)));
  const [low, high] = chart.range ?? [0, niceCeiling(highest)];
  lines.push(`  y-axis ${mermaidString(chart.yLabel)} ${mermaidNumber(low)} --> ${mermaidNumber(high)}`);
  for (const series of chart.series) lines.push(`  ${series.kind} [${series.values.map(mermaidNumber).join(', ')}]`);
  lines.push('```');
  return lines.join('\n');
}

/** A file-name-safe stem of a title: `loss-by-step`. */
function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'plot';
}

/**
 * The report's charts and the run's own plots as SVG files to write beside the report (the report
 * links them when `renderCiMarkdown` is given the folder they are written to).
 */
export function ciReportFiles(result: CiResult): CiReportFile[] {
  const charts = ciCharts(result).map((chart) => ({
    name: `sluice-ci-${chart.id}.svg`,
    title: chart.fileTitle,
    svg: barChartSvg({
      title: chart.fileTitle,
      categories: chart.categories,
      yLabel: chart.yLabel,
      range: chart.range,
      series: chart.series.map((series) => ({ name: series.name, values: series.values, color: series.color })),
    }),
  }));
  const plots = result.plots.map((plot, k) => ({ name: `sluice-ci-plot-${k + 1}-${slug(plot.title)}.svg`, title: plot.title, svg: plot.svg }));
  return [...charts, ...plots];
}
