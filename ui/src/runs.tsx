/**
 * The runs page: MLflow filter search (server-side), sort, paging by page token, virtualised rows,
 * and the metric and param columns of your choice (`columns=metrics.a,params.b` in the URL; by
 * default the first 8 metrics and 4 params).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { api, type Run } from './api';
import { navigate, useQuery } from './router';

interface SearchReply {
  runs?: Run[];
  next_page_token?: string;
}

/** Lists the runs of every experiment, filtered by the search box's MLflow filter. */
export function RunsPage() {
  const query = useQuery();
  const filter = query.get('filter') ?? '';
  const order = query.get('order') ?? 'attributes.start_time DESC';
  const chosen = query.get('columns');
  const [draft, setDraft] = useState(filter);
  const [runs, setRuns] = useState<Run[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string[]>([]);

  // Null until the current search answers, so the page never says "0 runs" while it loads.
  const [loadedSearch, setLoadedSearch] = useState<number | null>(null);
  // Each search (a filter or order) gets a number; replies to an earlier one, arriving late, are dropped.
  const search = useRef(0);
  async function load(pageToken?: string) {
    const current = pageToken ? search.current : ++search.current;
    if (!pageToken) setLoadedSearch(null);
    try {
      const experiments = await api<{ experiments?: { experiment_id: string }[] }>('/api/2.0/mlflow/experiments/search', { body: { max_results: 1000 } });
      const body: Record<string, unknown> = {
        experiment_ids: (experiments.experiments ?? []).map((e) => e.experiment_id),
        filter,
        max_results: 1000,
        order_by: [order],
      };
      if (pageToken) body.page_token = pageToken;
      const reply = await api<SearchReply>('/api/2.0/mlflow/runs/search', { body });
      if (current !== search.current) return;
      setRuns((previous) => (pageToken ? [...previous, ...(reply.runs ?? [])] : reply.runs ?? []));
      setNext(reply.next_page_token || undefined);
      setError(null);
      setLoadedSearch(current);
    } catch (caught) {
      if (current !== search.current) return;
      setError(caught instanceof Error ? caught.message : String(caught));
      // A page after the first that fails keeps what is shown, and its button to try again.
      if (pageToken) return;
      setRuns([]);
      setNext(undefined);
      setLoadedSearch(current);
    }
  }
  useEffect(() => void load(), [filter, order]);

  const allMetricKeys = useMemo(() => [...new Set(runs.flatMap((r) => (r.data.metrics ?? []).map((m) => m.key)))].sort(), [runs]);
  const allParamKeys = useMemo(() => [...new Set(runs.flatMap((r) => (r.data.params ?? []).map((p) => p.key)))].sort(), [runs]);
  const picked = chosen === null ? undefined : parseColumns(chosen);
  const metricKeys = picked ? picked.metrics : allMetricKeys.slice(0, DEFAULT_METRICS);
  const paramKeys = picked ? picked.params : allParamKeys.slice(0, DEFAULT_PARAMS);
  const columnsParam = chosen ?? '';
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({ count: runs.length, getScrollElement: () => scroller.current, estimateSize: () => 32, overscan: 20 });
  const columns = `2rem 16rem 6rem ${[...metricKeys, ...paramKeys].map(() => '8rem').join(' ')}`;

  function sortBy(key: string) {
    const desc = order === `${key} DESC`;
    navigate({ page: 'runs', filter, order: `${key} ${desc ? 'ASC' : 'DESC'}`, columns: columnsParam });
  }

  function toggleColumn(kind: 'metrics' | 'params', key: string, shown: boolean) {
    const metrics = kind === 'metrics' ? (shown ? [...metricKeys, key] : metricKeys.filter((k) => k !== key)) : metricKeys;
    const params = kind === 'params' ? (shown ? [...paramKeys, key] : paramKeys.filter((k) => k !== key)) : paramKeys;
    navigate({ page: 'runs', filter, order, columns: formatColumns(metrics, params) });
  }

  return (
    <section>
      <form
        className="search"
        onSubmit={(event) => {
          event.preventDefault();
          navigate({ page: 'runs', filter: draft, order, columns: columnsParam });
        }}
      >
        <input aria-label="Filter runs" placeholder="metrics.accuracy > 0.9 and params.C = '1.0'" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit">Search</button>
        <button type="button" disabled={selected.length < 2} onClick={() => navigate({ page: 'compare', runs: selected.join(',') })}>
          Compare {selected.length}
        </button>
      </form>
      <details className="column-choice">
        <summary>Columns ({metricKeys.length + paramKeys.length})</summary>
        <ColumnChoice legend="Metrics" keys={allMetricKeys} shown={metricKeys} onToggle={(key, shown) => toggleColumn('metrics', key, shown)} />
        <ColumnChoice legend="Params" keys={allParamKeys} shown={paramKeys} onToggle={(key, shown) => toggleColumn('params', key, shown)} />
      </details>
      {error && <p className="error" role="alert">{error}</p>}
      <p className="count">{loadedSearch === null ? 'Loading…' : `${runs.length} runs${next ? ' (more available)' : ''}`}</p>
      <div className="table" role="table">
        <div className="row head" role="row" style={{ gridTemplateColumns: columns }}>
          <span />
          <span>Run</span>
          <span>Status</span>
          {metricKeys.map((k) => (
            <button key={k} className="th" onClick={() => sortBy(`metrics.\`${k}\``)}>{k}</button>
          ))}
          {paramKeys.map((k) => (
            <span key={k} className="param">{k}</span>
          ))}
        </div>
        <div className="body" ref={scroller}>
          <div style={{ height: rows.getTotalSize(), position: 'relative' }}>
            {rows.getVirtualItems().map((item) => {
              const run = runs[item.index]!;
              const metrics = new Map((run.data.metrics ?? []).map((m) => [m.key, m.value]));
              const params = new Map((run.data.params ?? []).map((p) => [p.key, p.value]));
              const id = run.info.run_id;
              return (
                <div key={id} className="row" role="row" data-run-id={id} style={{ gridTemplateColumns: columns, transform: `translateY(${item.start}px)` }}>
                  <input
                    type="checkbox"
                    aria-label={`Select ${id}`}
                    checked={selected.includes(id)}
                    onChange={(e) => setSelected((s) => (e.target.checked ? [...s, id] : s.filter((x) => x !== id)))}
                  />
                  <a href={`?page=run&run=${id}`} onClick={(e) => { e.preventDefault(); navigate({ page: 'run', run: id }); }}>
                    {run.info.run_name || id}
                  </a>
                  <span>{run.info.status}</span>
                  {metricKeys.map((k) => (
                    <span key={k} className="num">{metrics.has(k) ? formatNumber(metrics.get(k)!) : ''}</span>
                  ))}
                  {paramKeys.map((k) => (
                    <span key={k}>{params.get(k) ?? ''}</span>
                  ))}
                </div>
              );
            })}
          </div>
        </div>
      </div>
      {next && <button onClick={() => void load(next)}>Load more</button>}
    </section>
  );
}

const DEFAULT_METRICS = 8;
const DEFAULT_PARAMS = 4;
/** `columns=none`: the user hid every metric and param column (an empty value would mean the default). */
const NO_COLUMNS = 'none';

/** `metrics.a,params.b` → the keys of each kind, in the order given (MLflow keys hold no commas). */
function parseColumns(text: string): { metrics: string[]; params: string[] } {
  const parts = text === NO_COLUMNS ? [] : text.split(',');
  return {
    metrics: parts.filter((part) => part.startsWith('metrics.')).map((part) => part.slice('metrics.'.length)),
    params: parts.filter((part) => part.startsWith('params.')).map((part) => part.slice('params.'.length)),
  };
}

function formatColumns(metrics: readonly string[], params: readonly string[]): string {
  const parts = [...metrics.map((key) => `metrics.${key}`), ...params.map((key) => `params.${key}`)];
  return parts.length === 0 ? NO_COLUMNS : parts.join(',');
}

/** One kind's keys as checkboxes: ticked ones are columns of the table. */
function ColumnChoice({ legend, keys, shown, onToggle }: { legend: string; keys: readonly string[]; shown: readonly string[]; onToggle: (key: string, shown: boolean) => void }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {keys.length === 0 && <span className="muted">none in these runs</span>}
      {keys.map((key) => (
        <label key={key}>
          <input type="checkbox" checked={shown.includes(key)} onChange={(event) => onToggle(key, event.target.checked)} />
          {key}
        </label>
      ))}
    </fieldset>
  );
}

/** Four significant decimals, as the tables show metrics. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(4);
}
