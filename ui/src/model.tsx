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

interface Listing {
  readonly versions: MlflowVersion[];
  readonly aliases: { alias: string; version: string }[];
}

export function ModelPage({ name, version }: { name: string; version: string | null }) {
  // The versions and their aliases, set together: the version shown by default is the champion,
  // and the table and the heading read the same aliases, so neither is ever ahead of the other.
  const [listing, setListing] = useState<Listing | null>(null);
  const [chosen, setChosen] = useState<VersionJson | null>(null);
  const [error, setError] = useState<string | null>(null);
  const access = useWriteAccess();
  const [refresh, setRefresh] = useState(0);
  const fail = (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught));
  useEffect(() => {
    let live = true;
    Promise.all([
      api<{ model_versions?: MlflowVersion[] }>('/api/2.0/mlflow/model-versions/search', { query: { filter: `name='${name.replaceAll("'", "''")}'`, max_results: '1000' } }),
      // MLflow's version search leaves out aliases: they come with the registered model.
      api<{ registered_model?: { aliases?: { alias: string; version: string }[] } }>('/api/2.0/mlflow/registered-models/get', { query: { name } }),
    ])
      .then(([found, model]) => live && setListing({ versions: found.model_versions ?? [], aliases: model.registered_model?.aliases ?? [] }))
      .catch((caught: unknown) => live && fail(caught));
    return () => {
      live = false;
    };
  }, [name, refresh]);
  const aliasesOf = (item: string) => (listing?.aliases ?? []).filter((entry) => String(entry.version) === item).map((entry) => entry.alias);
  const shown = !listing ? null : version ?? listing.aliases.find((entry) => entry.alias === 'champion')?.version?.toString() ?? listing.versions.map((item) => item.version).sort((a, b) => Number(b) - Number(a))[0] ?? null;
  useEffect(() => {
    if (!shown) return;
    let live = true;
    api<VersionJson>(`/api/sluice/v1/models/${encodeURIComponent(name)}/versions/${shown}`)
      .then((reply) => live && setChosen((reply as unknown as { model_version?: VersionJson }).model_version ?? reply))
      .catch((caught: unknown) => live && fail(caught));
    return () => {
      live = false;
    };
  }, [name, shown, refresh]);
  const promote = (target: string) => {
    api('/api/2.0/mlflow/registered-models/alias', { body: { name, alias: 'champion', version: target } })
      .then(() => setRefresh((n) => n + 1))
      .catch(fail);
  };
  // Details only for the version highlighted: after choosing another, the last one's stay hidden until the new ones come.
  const details = chosen && String(chosen.version) === shown ? chosen : null;
  const detailAliases = details ? aliasesOf(String(details.version)) : [];
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!listing) return <p>Loading…</p>;
  return (
    <section>
      <h2>{name}</h2>
      <table className="compare">
        <thead><tr><th>Version</th><th>Aliases</th></tr></thead>
        <tbody>
          {[...listing.versions].sort((a, b) => Number(b.version) - Number(a.version)).map((item) => (
            <tr key={item.version} data-version={item.version} className={item.version === shown ? 'active' : ''}>
              <td><a href={`?page=model&name=${encodeURIComponent(name)}&version=${item.version}`} onClick={(e) => { e.preventDefault(); navigate({ page: 'model', name, version: item.version }); }}>v{item.version}</a></td>
              <td>{aliasesOf(item.version).map((alias) => `@${alias}`).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {details && (
        <>
          <h3>Version {details.version}{detailAliases.length ? ` (${detailAliases.join(', ')})` : ''}</h3>
          {!detailAliases.includes('champion') && (
            <button
              type="button"
              disabled={!access.canWrite}
              title={access.why ?? `Point @champion at version ${details.version}`}
              onClick={() => promote(String(details.version))}
            >
              Promote to champion
            </button>
          )}
          <p className="muted">{details.object_id ?? 'no file kept'} · registered by {details.created_by} on {new Date(details.created_at).toISOString().slice(0, 19).replace('T', ' ')} UTC</p>
          {details.lineage ? <LineageGraph model={`${name} v${details.version}`} lineage={details.lineage} /> : <p>No lineage: no run is known to have produced this file.</p>}
        </>
      )}
    </section>
  );
}
