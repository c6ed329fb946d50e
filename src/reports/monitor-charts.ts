/**
 * The charts of a monitor report, one per series of the monitor's timeline, with x the end of
 * each window: the drifted share against its threshold (windows with dataset drift ringed), each
 * column's drift score as a heatmap, live performance with its 95 % interval and bound, rows and
 * labelled rows, prediction drift, data-quality shares, and the `slo` check's p99 latency and
 * error rate when the monitor has one. Drawn with the report module's own SVG helpers.
 */
import { formatNumber } from '../core/index.js';
import type { MonitorReport, MonitorTimeline } from '../monitoring/index.js';
import { heatmapSvg, type HeatCell } from './svg/heatmap.js';
import { lineChartSvg, type Rule, type Series } from './svg/line-chart.js';

/** One chart of the report. */
export interface MonitorChart {
  readonly id: string;
  readonly title: string;
  readonly svg: string;
}

const WIDTH = 560;
const HEIGHT = 276;
const HOUR = 3_600_000;

/** A window's end as people read it (UTC). */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(':00Z', 'Z');
}

/** Tick text fitting the time span shown: seconds within an hour, the day beyond twelve hours. */
function timeTick(span: number): (value: number) => string {
  return (value) => {
    const iso = new Date(value).toISOString();
    if (span < HOUR) return iso.slice(11, 19);
    if (span < 12 * HOUR) return iso.slice(11, 16);
    return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  };
}

/** The times drawn: the windows' ends with a little room either side (an hour around a lone window). */
function timeDomain(times: readonly number[]): [number, number] {
  if (times.length === 0) return [0, HOUR];
  const min = Math.min(...times);
  const max = Math.max(...times);
  if (min === max) return [min - HOUR / 2, max + HOUR / 2];
  const pad = (max - min) * 0.04;
  return [min - pad, max + pad];
}

/** The next step of 1, 2, 2.5 or 5 × 10^k at or above `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return power * ([1, 2, 2.5, 5, 10].find((factor) => factor * power >= raw * (1 - 1e-9)) ?? 10);
}

/**
 * A y range over the finite values (from zero when `zero`) whose five grid steps are round
 * numbers; when every value lies in [0, 1] (accuracy, AUC, shares) it ends at 1 rather than past it.
 */
function valueDomain(values: readonly (number | null | undefined)[], zero: boolean): [number, number] {
  const finite = values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  if (finite.length === 0) return [0, 1];
  if (!zero && finite.every((value) => value >= 0 && value <= 1)) {
    const step = niceStep(Math.max(0.02, (1 - Math.min(...finite)) / 5));
    return [Math.max(0, 1 - 5 * step), 1];
  }
  let min = zero ? Math.min(0, ...finite) : Math.min(...finite);
  let max = Math.max(...finite);
  if (min === max) {
    max += Math.abs(max) * 0.1 || 1;
    if (!zero) min -= Math.abs(min) * 0.1 || 1;
  }
  let step = niceStep((max - min) / 5);
  for (;;) {
    const low = Math.floor(min / step + 1e-9) * step;
    if (low + 5 * step >= max - 1e-12) return [low, low + 5 * step];
    step = niceStep(step * 1.01);
  }
}

/** Points are marked (each with its tooltip) while there are few enough windows to tell them apart. */
const dense = (timeline: MonitorTimeline) => timeline.endedAt.length <= 200;

const numbers = (values: readonly (number | null)[]) => values.map((value) => value ?? Number.NaN);

function timeChart(timeline: MonitorTimeline, options: { title: string; yLabel: string; series: readonly Series[]; rules?: readonly Rule[]; yDomain: [number, number] }): string {
  const xDomain = timeDomain(timeline.endedAt);
  return lineChartSvg({ ...options, xLabel: 'window end (UTC)', xDomain, xTick: timeTick(xDomain[1] - xDomain[0]), legend: 'top', width: WIDTH, height: HEIGHT });
}

/** Each column's drift score across windows; the most often drifted columns first. */
function columnDriftChart(timeline: MonitorTimeline): string {
  const drift = timeline.dataDrift!;
  const times = timeline.endedAt.map(formatTime);
  const drifted = (name: string) => drift.scores[name]!.filter((score) => score?.drifted).length;
  const rows = [...drift.columns].sort((a, b) => drifted(b) - drifted(a));
  const cells = rows.map((name) =>
    drift.scores[name]!.map((score, k): HeatCell | null => {
      if (!score) return null;
      const measured = score.pValue === null ? `${score.method} ${formatNumber(score.statistic ?? undefined)} (drift if ≥ ${formatNumber(score.threshold)})` : `${score.method} p ${formatNumber(score.pValue)} (drift if ≤ ${formatNumber(score.threshold)})`;
      return { shade: Math.min(score.score, 2) / 2, flagged: score.drifted, tip: `${name}, window ending ${times[k]}: ${measured}${score.drifted ? ': drift' : ''}` };
    }),
  );
  return heatmapSvg({
    title: 'Drift by column (score relative to its threshold; 1 = threshold)',
    rowLabels: rows,
    columnLabels: times,
    cells,
    xLabel: 'window end (UTC)',
    legend: { flagged: 'drifted', plain: 'not drifted' },
  });
}

function driftCharts(timeline: MonitorTimeline): MonitorChart[] {
  const drift = timeline.dataDrift;
  if (!drift) return [];
  const rules = drift.shareThreshold === undefined ? [] : [{ name: `dataset drift at ${formatNumber(drift.shareThreshold)}`, y: drift.shareThreshold }];
  const share = timeChart(timeline, {
    title: 'Drifted share of columns',
    yLabel: 'share of columns drifted',
    series: [{ name: 'drifted share', x: timeline.endedAt, y: numbers(drift.share), markers: dense(timeline), flags: drift.datasetDrift, flagLabel: 'dataset drift', tips: drift.share.map((value, k) => `${formatTime(timeline.endedAt[k]!)}: ${value === null ? 'not judged' : formatNumber(value)}`) }],
    rules,
    yDomain: [0, 1],
  });
  const charts = [{ id: 'drift-share', title: 'Data drift', svg: share }];
  if (drift.columns.length > 0) charts.push({ id: 'column-drift', title: 'Drift by column', svg: columnDriftChart(timeline) });
  return charts;
}

function performanceChart(timeline: MonitorTimeline): MonitorChart[] {
  const performance = timeline.performance;
  if (!performance) return [];
  const rules = [
    ...(performance.min === undefined ? [] : [{ name: `min ${formatNumber(performance.min)}`, y: performance.min }]),
    ...(performance.max === undefined ? [] : [{ name: `max ${formatNumber(performance.max)}`, y: performance.max }]),
  ];
  const tips = performance.value.map((value, k) =>
    value === null ? 'not judged' : `${performance.metric} ${formatNumber(value)}${performance.low[k] === null ? '' : ` [${formatNumber(performance.low[k]!)}, ${formatNumber(performance.high[k]!)}]`} over ${performance.labels[k]} labels`,
  );
  const svg = timeChart(timeline, {
    title: `Live ${performance.metric} (95 % interval)`,
    yLabel: performance.metric,
    series: [{ name: performance.metric, x: timeline.endedAt, y: numbers(performance.value), markers: dense(timeline), band: { low: numbers(performance.low), high: numbers(performance.high) }, tips }],
    rules,
    yDomain: valueDomain([...performance.value, ...performance.low, ...performance.high, performance.min, performance.max], false),
  });
  return [{ id: 'performance', title: 'Live performance', svg }];
}

function rowsChart(timeline: MonitorTimeline): MonitorChart {
  const series: Series[] = [{ name: 'rows', x: timeline.endedAt, y: timeline.rows, markers: dense(timeline) }];
  if (timeline.performance) series.push({ name: 'labelled rows', x: timeline.endedAt, y: numbers(timeline.performance.labels), markers: dense(timeline) });
  const svg = timeChart(timeline, { title: 'Rows per window', yLabel: 'rows', series, yDomain: valueDomain([...timeline.rows, ...(timeline.performance?.labels ?? [])], true) });
  return { id: 'rows', title: 'Rows', svg };
}

function predictionDriftChart(timeline: MonitorTimeline): MonitorChart[] {
  const drift = timeline.predictionDrift;
  if (!drift) return [];
  const svg = timeChart(timeline, {
    title: `Prediction drift${drift.method ? ` (${drift.method})` : ''}`,
    yLabel: drift.method ?? 'distance',
    series: [{ name: drift.method ?? 'distance', x: timeline.endedAt, y: numbers(drift.value), markers: dense(timeline) }],
    rules: drift.threshold === undefined ? [] : [{ name: `threshold ${formatNumber(drift.threshold)}`, y: drift.threshold }],
    yDomain: valueDomain([...drift.value, drift.threshold], true),
  });
  return [{ id: 'prediction-drift', title: 'Prediction drift', svg }];
}

function qualityChart(timeline: MonitorTimeline): MonitorChart[] {
  const quality = timeline.dataQuality;
  if (!quality) return [];
  const series = Object.entries(quality.shares).map(([name, values]) => ({ name, x: timeline.endedAt, y: numbers(values), markers: dense(timeline) }));
  const rules = Object.entries(quality.limits).flatMap(([name, limit]) => (limit === undefined ? [] : [{ name: `max ${name} ${formatNumber(limit)}`, y: limit }]));
  const svg = timeChart(timeline, { title: 'Data quality', yLabel: 'share of cells', series, rules, yDomain: valueDomain([...Object.values(quality.shares).flat(), ...rules.map((rule) => rule.y), 0.01], true) });
  return [{ id: 'data-quality', title: 'Data quality', svg }];
}

function sloCharts(timeline: MonitorTimeline): MonitorChart[] {
  const slo = timeline.slo;
  if (!slo) return [];
  const latency = timeChart(timeline, {
    title: 'p99 latency',
    yLabel: 'ms',
    series: [{ name: 'p99 latency (ms)', x: timeline.endedAt, y: numbers(slo.p99Ms), markers: dense(timeline) }],
    rules: slo.p99Limit === undefined ? [] : [{ name: `SLO ${formatNumber(slo.p99Limit)} ms`, y: slo.p99Limit }],
    yDomain: valueDomain([...slo.p99Ms, slo.p99Limit], true),
  });
  const errors = timeChart(timeline, {
    title: 'Error rate',
    yLabel: 'share of requests',
    series: [{ name: 'error rate', x: timeline.endedAt, y: numbers(slo.errorRate), markers: dense(timeline) }],
    rules: slo.errorRateLimit === undefined ? [] : [{ name: `SLO ${formatNumber(slo.errorRateLimit)}`, y: slo.errorRateLimit }],
    yDomain: valueDomain([...slo.errorRate, slo.errorRateLimit, 0.01], true),
  });
  return [
    { id: 'slo-latency', title: 'Latency', svg: latency },
    { id: 'slo-error-rate', title: 'Error rate', svg: errors },
  ];
}

/** Every chart the report's data supports, in reading order. */
export function monitorCharts(report: MonitorReport): MonitorChart[] {
  const { timeline } = report;
  if (timeline.windows.length === 0) return [];
  return [...driftCharts(timeline), ...performanceChart(timeline), ...predictionDriftChart(timeline), ...qualityChart(timeline), ...sloCharts(timeline), rowsChart(timeline)];
}
