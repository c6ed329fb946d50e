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
