/** A metric-history line chart (uPlot), one series per run. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One run's history of a metric, as steps and values. */
export interface Series {
  label: string;
  points: { step: number; value: number }[];
}

const COLOURS = ['#2f7ed8', '#e4572e', '#29a36a', '#a35ad8', '#d8a02f'];

/** Draws the given series over a shared step axis. */
export function HistoryChart({ series }: { series: Series[] }) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!element.current || series.length === 0) return;
    const steps = [...new Set(series.flatMap((s) => s.points.map((p) => p.step)))].sort((a, b) => a - b);
    const columns = series.map((s) => {
      const byStep = new Map(s.points.map((p) => [p.step, p.value]));
      return steps.map((step) => byStep.get(step) ?? null);
    });
    const plot = new uPlot(
      {
        width: Math.min(800, element.current.clientWidth || 800),
        height: 260,
        scales: { x: { time: false } },
        series: [{ label: 'step' }, ...series.map((s, i) => ({ label: s.label, stroke: COLOURS[i % COLOURS.length], points: { show: true } }))],
      },
      [steps, ...columns] as uPlot.AlignedData,
      element.current,
    );
    return () => plot.destroy();
  }, [series]);
  return <div className="chart" data-testid="history-chart" ref={element} />;
}

/** A series over time: one value (or a gap) per point of the shared time axis. */
export interface TimeSeries {
  label: string;
  values: (number | null)[];
  /** A dashed line, for thresholds and interval bounds. */
  dashed?: boolean;
}

/** Lines over time (epoch ms on the x axis), as the monitoring page draws windows. */
export function TimeChart({ times, series, label }: { times: number[]; series: TimeSeries[]; label: string }) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!element.current || times.length === 0) return;
    const plot = new uPlot(
      {
        width: Math.min(800, element.current.clientWidth || 800),
        height: 200,
        series: [{ label: 'time' }, ...series.map((s, i) => ({ label: s.label, stroke: COLOURS[i % COLOURS.length], dash: s.dashed ? [6, 4] : undefined, points: { show: true } }))],
      },
      [times.map((time) => time / 1000), ...series.map((s) => s.values)] as uPlot.AlignedData,
      element.current,
    );
    return () => plot.destroy();
  }, [times, series]);
  return <div className="chart" role="img" aria-label={label} data-testid="time-chart" ref={element} />;
}

/** Points (x, y), one per run, labelled: a param against a metric on the compare page. */
export function ScatterChart({ points, xLabel, yLabel }: { points: { x: number; y: number; label: string }[]; xLabel: string; yLabel: string }) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!element.current || points.length === 0) return;
    const sorted = [...points].sort((a, b) => a.x - b.x);
    const plot = new uPlot(
      {
        width: Math.min(640, element.current.clientWidth || 640),
        height: 260,
        scales: { x: { time: false } },
        axes: [{ label: xLabel }, { label: yLabel }],
        series: [{ label: xLabel }, { label: yLabel, stroke: COLOURS[0], width: 0, points: { show: true, size: 9, fill: COLOURS[0] } }],
      },
      [sorted.map((point) => point.x), sorted.map((point) => point.y)] as uPlot.AlignedData,
      element.current,
    );
    return () => plot.destroy();
  }, [points, xLabel, yLabel]);
  return <div className="chart" role="img" aria-label={`${yLabel} against ${xLabel}`} ref={element} />;
}
