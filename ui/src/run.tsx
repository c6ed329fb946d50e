/** The run page (params, metrics with history chart, tags) and the compare page. */
import { useEffect, useState } from 'react';
import { api, type Run } from './api';
import { HistoryChart, ScatterChart, type Series } from './chart';
import { formatNumber } from './runs';
import { RunFiles, StageLog } from './run-files';

async function history(runId: string, key: string): Promise<{ step: number; value: number }[]> {
  const reply = await api<{ metrics?: { step?: number; value: number }[] }>('/api/2.0/mlflow/metrics/get-history', { query: { run_id: runId, metric_key: key } });
  return (reply.metrics ?? []).map((m) => ({ step: Number(m.step ?? 0), value: m.value }));
}

function useRuns(ids: string[]): [Run[], string | null] {
  const [runs, setRuns] = useState<Run[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    Promise.all(ids.map((id) => api<{ run: Run }>('/api/2.0/mlflow/runs/get', { query: { run_id: id } }).then((r) => r.run)))
      .then(setRuns)
      .catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  }, [ids.join(',')]);
  return [runs, error];
}

function MetricHistory({ runs }: { runs: Run[] }) {
  const keys = [...new Set(runs.flatMap((r) => (r.data.metrics ?? []).map((m) => m.key)))].sort();
  const [key, setKey] = useState<string>('');
  const chosen = key || keys[0] || '';
  // The series with the metric they are of: after choosing another metric, the last one's points
  // are not drawn under its name, and a late reply for an earlier choice is dropped.
  const [loaded, setLoaded] = useState<{ key: string; series: Series[] }>({ key: '', series: [] });
  useEffect(() => {
    if (!chosen) return;
    let live = true;
    Promise.all(runs.map(async (r) => ({ label: r.info.run_name || r.info.run_id, points: await history(r.info.run_id, chosen) })))
      .then((found) => live && setLoaded({ key: chosen, series: found }))
      .catch(() => live && setLoaded({ key: chosen, series: [] }));
    return () => {
      live = false;
    };
  }, [chosen, runs]);
  const series = loaded.key === chosen ? loaded.series : [];
  if (!chosen) return <p>No metrics.</p>;
  return (
    <div>
      <label>
        Metric history{' '}
        <select aria-label="Metric" value={chosen} onChange={(e) => setKey(e.target.value)}>
          {keys.map((k) => <option key={k}>{k}</option>)}
        </select>
      </label>
      <HistoryChart series={series} />
    </div>
  );
}

function Pairs({ title, pairs }: { title: string; pairs: { key: string; value: string | number }[] }) {
  return (
    <div>
      <h3>{title}</h3>
      <table className="kv">
        <tbody>
          {pairs.map((p) => (
            <tr key={p.key}><th>{p.key}</th><td>{typeof p.value === 'number' ? formatNumber(p.value) : p.value}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One run: its params, latest metrics, a metric's history, its tags, inputs, outputs and artifacts. */
export function RunPage({ runId }: { runId: string }) {
  const [runs, error] = useRuns([runId]);
  const run = runs[0];
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!run) return <p>Loading…</p>;
  return (
    <section>
      <h2>Run {run.info.run_name || run.info.run_id}</h2>
      <p>{run.info.run_id} · {run.info.status}</p>
      <MetricHistory runs={runs} />
      <div className="columns">
        <Pairs title="Params" pairs={run.data.params ?? []} />
        <Pairs title="Metrics" pairs={run.data.metrics ?? []} />
        <Pairs title="Tags" pairs={(run.data.tags ?? []).filter((t) => !t.key.startsWith('mlflow.log-model'))} />
      </div>
      <RunFiles
        runId={run.info.run_id}
        artifactRoot={run.info.artifact_uri ?? ''}
        inputs={(run.inputs?.dataset_inputs ?? []).map((input) => ({ name: input.dataset.name, digest: input.dataset.digest }))}
      />
      <StageLog runId={run.info.run_id} />
    </section>
  );
}

/** Two or more runs side by side, with a metric's histories overlaid and a param plotted against a metric. */
export function ComparePage({ runIds }: { runIds: string[] }) {
  const [runs, error] = useRuns(runIds);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (runs.length === 0) return <p>Loading…</p>;
  const keys = (kind: 'params' | 'metrics') => [...new Set(runs.flatMap((r) => (r.data[kind] ?? []).map((x) => x.key)))].sort();
  const value = (run: Run, kind: 'params' | 'metrics', key: string) => {
    const found = (run.data[kind] ?? []).find((x) => x.key === key);
    return found === undefined ? '' : typeof found.value === 'number' ? formatNumber(found.value) : found.value;
  };
  return (
    <section>
      <h2>Compare {runs.length} runs</h2>
      <table className="compare">
        <thead><tr><th />{runs.map((r) => <th key={r.info.run_id}>{r.info.run_name || r.info.run_id}</th>)}</tr></thead>
        <tbody>
          {(['params', 'metrics'] as const).flatMap((kind) =>
            keys(kind).map((k) => (
              <tr key={`${kind}.${k}`}><th>{kind}.{k}</th>{runs.map((r) => <td key={r.info.run_id}>{value(r, kind, k)}</td>)}</tr>
            )),
          )}
        </tbody>
      </table>
      <MetricHistory runs={runs} />
      <ParamsAgainstMetrics runs={runs} />
    </section>
  );
}

/** A numeric param against a metric, one point per run (the compare page's scatter). */
function ParamsAgainstMetrics({ runs }: { runs: Run[] }) {
  const numericParams = [...new Set(runs.flatMap((r) => (r.data.params ?? []).map((p) => p.key)))]
    .filter((key) => runs.some((r) => (r.data.params ?? []).some((p) => p.key === key)) && runs.every((r) => (r.data.params ?? []).every((p) => p.key !== key || Number.isFinite(Number(p.value)))))
    .sort();
  const metricKeys = [...new Set(runs.flatMap((r) => (r.data.metrics ?? []).map((m) => m.key)))].sort();
  const [param, setParam] = useState('');
  const [metric, setMetric] = useState('');
  const x = param || numericParams[0] || '';
  const y = metric || metricKeys[0] || '';
  if (!x || !y) return null;
  const points = runs.flatMap((r) => {
    const p = (r.data.params ?? []).find((item) => item.key === x);
    const m = (r.data.metrics ?? []).find((item) => item.key === y);
    return p && m ? [{ x: Number(p.value), y: m.value, label: r.info.run_name || r.info.run_id }] : [];
  });
  return (
    <div className="scatter">
      <h3>Params against metrics</h3>
      <label>
        Param{' '}
        <select aria-label="Param" value={x} onChange={(e) => setParam(e.target.value)}>
          {numericParams.map((k) => <option key={k}>{k}</option>)}
        </select>
      </label>{' '}
      <label>
        Metric{' '}
        <select aria-label="Scatter metric" value={y} onChange={(e) => setMetric(e.target.value)}>
          {metricKeys.map((k) => <option key={k}>{k}</option>)}
        </select>
      </label>
      <ScatterChart points={points} xLabel={`params.${x}`} yLabel={`metrics.${y}`} />
      <p className="count">{points.length} of {runs.length} runs have both.</p>
    </div>
  );
}
