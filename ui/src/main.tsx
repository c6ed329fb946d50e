/** The Sluice web UI (issue 18): a single-page app over the server's public HTTP API. */
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api, ApiError, getToken, setToken } from './api';
import { navigate, useQuery } from './router';
import { RunsPage } from './runs';
import { ModelPage } from './model';
import { DeploymentsPage } from './deployments';
import { MonitoringPage } from './monitoring';
import { PipelinePage } from './pipeline';
import { DataPage } from './data';
import { ComparePage, RunPage } from './run';
import './style.css';

interface RegisteredModel {
  name: string;
  latest_versions?: { version: string; run_id?: string }[];
  aliases?: { alias: string; version: string }[];
}

function ModelsPage() {
  const [models, setModels] = useState<RegisteredModel[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ registered_models?: RegisteredModel[] }>('/api/2.0/mlflow/registered-models/search', { query: { max_results: '1000' } })
      .then((r) => setModels(r.registered_models ?? []))
      .catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  }, []);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!models) return <p>Loading…</p>;
  return (
    <section>
      <h2>Registered models</h2>
      <table className="compare">
        <thead><tr><th>Name</th><th>Versions</th><th>Aliases</th></tr></thead>
        <tbody>
          {models.map((m) => (
            <tr key={m.name} data-model={m.name}>
              <td><a href={`?page=model&name=${encodeURIComponent(m.name)}`} onClick={(e) => { e.preventDefault(); navigate({ page: 'model', name: m.name }); }}>{m.name}</a></td>
              <td>{(m.latest_versions ?? []).map((v) => v.version).join(', ')}</td>
              <td>{(m.aliases ?? []).map((a) => `@${a.alias} → v${a.version}`).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Login({ onDone }: { onDone: () => void }) {
  const [token, setDraft] = useState('');
  return (
    <form className="login" onSubmit={(e) => { e.preventDefault(); setToken(token.trim()); onDone(); }}>
      <p>This server asks for a token (see <code>sluice token create</code>).</p>
      <input aria-label="Token" type="password" value={token} onChange={(e) => setDraft(e.target.value)} />
      <button type="submit">Sign in</button>
    </form>
  );
}

function App() {
  const query = useQuery();
  // Null while the token is being checked: a page shown before then would flash its own 401 error.
  const [needsLogin, setNeedsLogin] = useState<boolean | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    setNeedsLogin(null);
    api('/api/2.0/mlflow/experiments/search', { body: { max_results: 1 } })
      .then(() => setNeedsLogin(false))
      .catch((caught: unknown) => setNeedsLogin(caught instanceof ApiError && (caught.status === 401 || caught.status === 403)));
  }, [attempt]);
  const page = query.get('page') ?? 'runs';
  const link = (target: string, label: string) => (
    <a href={`?page=${target}`} className={page === target ? 'active' : ''} onClick={(e) => { e.preventDefault(); navigate({ page: target }); }}>{label}</a>
  );
  return (
    <>
      <header>
        <h1>Sluice</h1>
        <nav>{link('runs', 'Runs')}{link('pipeline', 'Pipeline')}{link('models', 'Models')}{link('deployments', 'Deployments')}{link('monitoring', 'Monitoring')}{link('data', 'Data')}</nav>
        {getToken() && <button onClick={() => { setToken(null); setAttempt((n) => n + 1); }}>Sign out</button>}
      </header>
      <main>
        {needsLogin === null ? (
          <p>Loading…</p>
        ) : needsLogin ? (
          <Login onDone={() => setAttempt((n) => n + 1)} />
        ) : page === 'run' ? (
          <RunPage runId={query.get('run') ?? ''} />
        ) : page === 'compare' ? (
          <ComparePage runIds={(query.get('runs') ?? '').split(',').filter(Boolean)} />
        ) : page === 'models' ? (
          <ModelsPage />
        ) : page === 'model' ? (
          <ModelPage name={query.get('name') ?? ''} version={query.get('version')} />
        ) : page === 'deployments' ? (
          <DeploymentsPage />
        ) : page === 'monitoring' ? (
          <MonitoringPage />
        ) : page === 'pipeline' ? (
          <PipelinePage />
        ) : page === 'data' ? (
          <DataPage />
        ) : (
          <RunsPage key={attempt} />
        )}
      </main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
