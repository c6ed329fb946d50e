/** One registered model: its versions and aliases, and the lineage graph of the chosen version. */
import { useEffect, useState } from 'react';
import { api } from './api';
import { useWriteAccess } from './role';
import { LineageGraph, type LineageJson } from './lineage';
import { navigate } from './router';

interface VersionJson {
  name: string;
  version: number;
  aliases: string[];
  object_id: string | null;
  created_at: number;
  created_by: string;
  run_id: string | null;
  lineage: LineageJson | null;
}

interface MlflowVersion {
  version: string;
}

export function ModelPage({ name, version }: { name: string; version: string | null }) {
  const [versions, setVersions] = useState<MlflowVersion[] | null>(null);
  // null until loaded: the version shown by default is the champion, so nothing is chosen before the aliases are known.
  const [aliases, setAliases] = useState<{ alias: string; version: string }[] | null>(null);
  const [chosen, setChosen] = useState<VersionJson | null>(null);
  const [error, setError] = useState<string | null>(null);
  const access = useWriteAccess();
  const [refresh, setRefresh] = useState(0);
  useEffect(() => {
    api<{ model_versions?: MlflowVersion[] }>('/api/2.0/mlflow/model-versions/search', { query: { filter: `name='${name.replaceAll("'", "''")}'`, max_results: '1000' } })
      .then((reply) => setVersions(reply.model_versions ?? []))
      .catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
    // MLflow's version search leaves out aliases: they come with the registered model.
    api<{ registered_model?: { aliases?: { alias: string; version: string }[] } }>('/api/2.0/mlflow/registered-models/get', { query: { name } })
      .then((reply) => setAliases(reply.registered_model?.aliases ?? []))
      .catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  }, [name, refresh]);
  const aliasesOf = (item: MlflowVersion) => (aliases ?? []).filter((entry) => String(entry.version) === item.version).map((entry) => entry.alias);
  const loaded = versions !== null && aliases !== null;
  const shown = !loaded ? null : version ?? aliases.find((entry) => entry.alias === 'champion')?.version?.toString() ?? versions.map((item) => item.version).sort((a, b) => Number(b) - Number(a))[0] ?? null;
  useEffect(() => {
    if (!shown) return;
    api<VersionJson>(`/api/sluice/v1/models/${encodeURIComponent(name)}/versions/${shown}`)
      .then((reply) => setChosen((reply as unknown as { model_version?: VersionJson }).model_version ?? reply))
      .catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  }, [name, shown, refresh]);
  const promote = (target: string) => {
    api('/api/2.0/mlflow/registered-models/alias', { body: { name, alias: 'champion', version: target } })
      .then(() => setRefresh((n) => n + 1))
      .catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  };
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!loaded) return <p>Loading…</p>;
  return (
    <section>
      <h2>{name}</h2>
      <table className="compare">
        <thead><tr><th>Version</th><th>Aliases</th></tr></thead>
        <tbody>
          {[...versions].sort((a, b) => Number(b.version) - Number(a.version)).map((item) => (
            <tr key={item.version} data-version={item.version} className={item.version === shown ? 'active' : ''}>
              <td><a href={`?page=model&name=${encodeURIComponent(name)}&version=${item.version}`} onClick={(e) => { e.preventDefault(); navigate({ page: 'model', name, version: item.version }); }}>v{item.version}</a></td>
              <td>{aliasesOf(item).map((alias) => `@${alias}`).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {chosen && (
        <>
          <h3>Version {chosen.version}{chosen.aliases.length ? ` (${chosen.aliases.join(', ')})` : ''}</h3>
          {!chosen.aliases.includes('champion') && (
            <button
              type="button"
              disabled={!access.canWrite}
              title={access.why ?? `Point @champion at version ${chosen.version}`}
              onClick={() => promote(String(chosen.version))}
            >
              Promote to champion
            </button>
          )}
          <p className="muted">{chosen.object_id ?? 'no file kept'} · registered by {chosen.created_by} on {new Date(chosen.created_at).toISOString().slice(0, 19).replace('T', ' ')} UTC</p>
          {chosen.lineage ? <LineageGraph model={`${name} v${chosen.version}`} lineage={chosen.lineage} /> : <p>No lineage: no run is known to have produced this file.</p>}
        </>
      )}
    </section>
  );
}
