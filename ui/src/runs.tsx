/** The runs page: MLflow filter search (server-side), sort, paging by page token, virtualised rows. */
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
  const [draft, setDraft] = useState(filter);
  const [runs, setRuns] = useState<Run[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string[]>([]);

  async function load(pageToken?: string) {
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
      setRuns((previous) => (pageToken ? [...previous, ...(reply.runs ?? [])] : reply.runs ?? []));
      setNext(reply.next_page_token || undefined);
      setError(null);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      setRuns([]);
    }
  }
  useEffect(() => void load(), [filter, order]);

  const metricKeys = useMemo(() => [...new Set(runs.flatMap((r) => (r.data.metrics ?? []).map((m) => m.key)))].sort().slice(0, 8), [runs]);
  const paramKeys = useMemo(() => [...new Set(runs.flatMap((r) => (r.data.params ?? []).map((p) => p.key)))].sort().slice(0, 4), [runs]);
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({ count: runs.length, getScrollElement: () => scroller.current, estimateSize: () => 32, overscan: 20 });
  const columns = `2rem 16rem 6rem ${[...metricKeys, ...paramKeys].map(() => '8rem').join(' ')}`;

  function sortBy(key: string) {
    const desc = order === `${key} DESC`;
    navigate({ page: 'runs', filter, order: `${key} ${desc ? 'ASC' : 'DESC'}` });
  }

  return (
    <section>
      <form
        className="search"
        onSubmit={(event) => {
          event.preventDefault();
          navigate({ page: 'runs', filter: draft, order });
        }}
      >
        <input aria-label="Filter runs" placeholder="metrics.accuracy > 0.9 and params.C = '1.0'" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit">Search</button>
        <button type="button" disabled={selected.length < 2} onClick={() => navigate({ page: 'compare', runs: selected.join(',') })}>
          Compare {selected.length}
        </button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      <p className="count">{runs.length} runs{next ? ' (more available)' : ''}</p>
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

/** Four significant decimals, as the tables show metrics. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(4);
}
