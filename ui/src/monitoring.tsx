/**
 * The monitoring page: for each monitor, its windows over time (the share of drifted columns
 * against its threshold, live accuracy with its 95 % interval), the newest window's per-column
 * drift scores, and the alerts raised, from `GET /api/sluice/v1/monitors`.
 */
import { useEffect, useMemo, useState } from 'react';
import { api } from './api';
import { TimeChart, type TimeSeries } from './chart';
import { formatNumber } from './runs';

interface ColumnScore {
  score: number;
  drifted: boolean;
  method: string;
  statistic: number | null;
  pValue: number | null;
}

interface Timeline {
  endedAt: number[];
  rows: number[];
  dataDrift?: { share: (number | null)[]; shareThreshold?: number; columns: string[]; scores: Record<string, (ColumnScore | null)[]> };
  performance?: { metric: string; value: (number | null)[]; low: (number | null)[]; high: (number | null)[]; labels: (number | null)[] };
}

interface MonitorSummary {
  environment: string;
  windows: number;
  timeline: Timeline;
  alerts: { id: string; rule: string; severity: string; firedAt: number; message: string }[];
}

export function MonitoringPage() {
  const [monitors, setMonitors] = useState<MonitorSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ monitors: MonitorSummary[] }>('/api/sluice/v1/monitors').then(
      (reply) => setMonitors(reply.monitors),
      (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)),
    );
  }, []);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (monitors === null) return <p>Loading…</p>;
  if (monitors.length === 0) return <p>No monitors: declare them under <code>monitor:</code> in sluice.yaml.</p>;
  return (
    <section>
      {monitors.map((monitor) => (
        <MonitorCard key={monitor.environment} monitor={monitor} />
      ))}
    </section>
  );
}

function MonitorCard({ monitor }: { monitor: MonitorSummary }) {
  const { timeline } = monitor;
  const drift = timeline.dataDrift;
  const performance = timeline.performance;
  const driftSeries = useMemo<TimeSeries[]>(
    () => (drift ? [{ label: 'drifted share', values: drift.share }, ...(drift.shareThreshold === undefined ? [] : [{ label: 'threshold', values: drift.share.map(() => drift.shareThreshold!), dashed: true }])] : []),
    [drift],
  );
  const performanceSeries = useMemo<TimeSeries[]>(
    () => (performance ? [{ label: performance.metric, values: performance.value }, { label: '95 % low', values: performance.low, dashed: true }, { label: '95 % high', values: performance.high, dashed: true }] : []),
    [performance],
  );
  const last = timeline.endedAt.length - 1;
  const latestScores = drift
    ? drift.columns
        .map((column) => ({ column, score: drift.scores[column]?.[last] ?? null }))
        .filter((entry): entry is { column: string; score: ColumnScore } => entry.score !== null)
        .sort((a, b) => b.score.score - a.score.score)
    : [];
  return (
    <article className="monitor" data-monitor={monitor.environment}>
      <h2>
        {monitor.environment} <small>{monitor.windows} window{monitor.windows === 1 ? '' : 's'}, {timeline.rows.reduce((sum, rows) => sum + rows, 0)} predictions</small>
      </h2>
      {monitor.windows === 0 && <p>No window closed yet.</p>}
      {drift && (
        <>
          <h3>Data drift</h3>
          <TimeChart label="drifted share of columns over time" times={timeline.endedAt} series={driftSeries} />
          <table className="scores">
            <thead>
              <tr><th>Column (newest window)</th><th>Score</th><th>Method</th><th>Statistic</th><th>p-value</th><th>Drifted</th></tr>
            </thead>
            <tbody>
              {latestScores.map(({ column, score }) => (
                <tr key={column} data-column={column} className={score.drifted ? 'drifted' : ''}>
                  <td>{column}</td>
                  <td className="num">{formatNumber(score.score)}</td>
                  <td>{score.method}</td>
                  <td className="num">{score.statistic === null ? '' : formatNumber(score.statistic)}</td>
                  <td className="num">{score.pValue === null ? '' : score.pValue.toExponential(2)}</td>
                  <td>{score.drifted ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {performance && (
        <>
          <h3>Live {performance.metric}</h3>
          <p className="live" data-testid="live-metric">
            {performance.value[last] === null || performance.value[last] === undefined
              ? 'no labelled window yet'
              : `${formatNumber(performance.value[last]!)} (95 % interval ${formatNumber(performance.low[last] ?? NaN)}–${formatNumber(performance.high[last] ?? NaN)}) on ${performance.labels[last] ?? 0} labels`}
          </p>
          <TimeChart label={`live ${performance.metric} over time`} times={timeline.endedAt} series={performanceSeries} />
        </>
      )}
      <h3>Alerts</h3>
      {monitor.alerts.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul className="alerts">
          {monitor.alerts.map((alert) => (
            <li key={alert.id} data-rule={alert.rule}>
              <strong>{alert.rule}</strong> ({alert.severity}) at {new Date(alert.firedAt).toISOString().replace('T', ' ').slice(0, 19)}: {alert.message}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
