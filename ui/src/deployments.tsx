/**
 * The deployments page: each environment's stable and canary versions, the canary's traffic
 * weight, the rollout's phase and step, and its analysis measurements, refreshed every second (as
 * Argo Rollouts' dashboard watches a rollout); editors can promote, abort or roll back.
 */
import { useEffect, useRef, useState } from 'react';
import { api } from './api';
import { useWriteAccess, type WriteAccess } from './role';

interface MetricResult {
  name: string;
  phase: string;
  successful: number;
  failed: number;
  inconclusive: number;
  message?: string;
  measurements: { phase: string; value?: unknown; finishedAt: number }[];
}

interface Rollout {
  id: string;
  phase: string;
  stableVersion: number | null;
  candidateVersion: number;
  stepIndex: number;
  weight: number;
  message: string;
  updatedAt: number;
  analysisRuns: { name: string; phase: string; metrics: MetricResult[] }[];
}

interface Environment {
  name: string;
  model: string;
  alias: string;
  strategy: string;
  steps: number | null;
  stable_version: number | null;
  rollout: Rollout | null;
}

const REFRESH_MS = 1_000;

export function DeploymentsPage() {
  const [environments, setEnvironments] = useState<Environment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const access = useWriteAccess();

  // Polls overlap (every second, and after each action): a reply older than the one shown is
  // dropped, so a slow earlier request never puts an older state back on the page.
  const issued = useRef(0);
  const shown = useRef(0);
  async function refresh() {
    const request = ++issued.current;
    try {
      const { environments: found } = await api<{ environments: Environment[] }>('/api/sluice/v1/deployments');
      if (request < shown.current) return;
      shown.current = request;
      setEnvironments(found);
      setError(null);
    } catch (caught) {
      if (request < shown.current) return;
      shown.current = request;
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  async function act(environment: string, verb: 'promote' | 'abort' | 'rollback') {
    try {
      await api(`/api/sluice/v1/deployments/${encodeURIComponent(environment)}/${verb}`, { body: {} });
      await refresh();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }

  if (environments === null) return error ? <p className="error" role="alert">{error}</p> : <p>Loading…</p>;
  return (
    <section>
      {error && <p className="error" role="alert">{error}</p>}
      {environments.length === 0 && <p>No environments: declare them under <code>deploy:</code> in sluice.yaml.</p>}
      {environments.map((environment) => (
        <EnvironmentCard key={environment.name} environment={environment} access={access} onAct={(verb) => void act(environment.name, verb)} />
      ))}
    </section>
  );
}

function EnvironmentCard({ environment, access, onAct }: { environment: Environment; access: WriteAccess; onAct: (verb: 'promote' | 'abort' | 'rollback') => void }) {
  const { rollout } = environment;
  const active = rollout !== null && !['Healthy', 'Aborted', 'Degraded', 'RolledBack'].includes(rollout.phase);
  const weight = active ? rollout.weight : 0;
  const { why } = access;
  const readOnly = !access.canWrite;
  return (
    <article className="environment" data-environment={environment.name}>
      <h2>
        {environment.name} <small>{environment.model}@{environment.alias}, {environment.strategy}</small>
      </h2>
      <p>
        Stable: <strong>{environment.stable_version === null ? 'none' : `v${environment.stable_version}`}</strong>
        {rollout && (
          <>
            {' '}· {active ? 'Canary' : 'Last rollout'}: <strong>v{rollout.candidateVersion}</strong> · <span className="phase">{rollout.phase}</span>
            {environment.steps !== null && active && ` · step ${Math.min(rollout.stepIndex + 1, environment.steps)} of ${environment.steps}`}
          </>
        )}
      </p>
      <div className="weights" role="meter" aria-label={`canary weight of ${environment.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={weight}>
        <span className="stable" style={{ width: `${100 - weight}%` }}>stable {100 - weight}%</span>
        {weight > 0 && <span className="canary" style={{ width: `${weight}%` }}>canary {weight}%</span>}
      </div>
      {rollout && <p className="count">{rollout.message}</p>}
      {rollout && rollout.analysisRuns.length > 0 && <AnalysisTable runs={rollout.analysisRuns} />}
      <p className="actions">
        <button disabled={readOnly || !active} title={why} onClick={() => onAct('promote')}>Promote</button>
        <button disabled={readOnly || !active} title={why} onClick={() => onAct('abort')}>Abort</button>
        <button disabled={readOnly || active || rollout === null} title={why} onClick={() => onAct('rollback')}>Roll back</button>
      </p>
    </article>
  );
}

function AnalysisTable({ runs }: { runs: Rollout['analysisRuns'] }) {
  return (
    <table className="analysis">
      <thead>
        <tr><th>Analysis</th><th>Metric</th><th>Phase</th><th>Measurements (latest last)</th><th>Note</th></tr>
      </thead>
      <tbody>
        {runs.flatMap((run) =>
          run.metrics.map((metric) => (
            <tr key={`${run.name}/${metric.name}`}>
              <td>{run.name}</td>
              <td>{metric.name}</td>
              <td>{metric.phase}</td>
              <td>{metric.measurements.slice(-8).map((measurement) => (typeof measurement.value === 'number' ? measurement.value.toFixed(4) : measurement.phase)).join(' · ')}</td>
              <td>{metric.message ?? ''}</td>
            </tr>
          )),
        )}
      </tbody>
    </table>
  );
}
