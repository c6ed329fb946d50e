/**
 * The data page: every tracked path with the version its pointer names, its size, whether this
 * server's cache and working copy have it, its versions from git, and, for a table, its profile
 * on request (from `GET /api/sluice/v1/data` and `…/data/profile`).
 */
import { useEffect, useState } from 'react';
import { api } from './api';

interface DataJson {
  target: string;
  pointer_file: string;
  hash: string;
  size: number;
  files: number | null;
  in_cache: boolean;
  present: boolean;
  table: boolean;
  versions: { commit: string; time: number; subject: string; hash?: string }[];
}

interface ProfileJson {
  headers: string[];
  rows: string[][];
  summary: string;
}

function bytes(size: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

interface ValidationJson {
  stage: string;
  report: string;
  file: string;
  schema: string | null;
  rows: number;
  passed: boolean;
  checks: number;
  violations: number;
  first_violations: unknown[];
  written_at: number;
}

export function DataPage() {
  const [data, setData] = useState<DataJson[] | null>(null);
  const [validations, setValidations] = useState<ValidationJson[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ data: DataJson[] }>('/api/sluice/v1/data').then((reply) => setData(reply.data), (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
    api<{ validations: ValidationJson[] }>('/api/sluice/v1/data/validations').then((reply) => setValidations(reply.validations), () => setValidations([]));
  }, []);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (data === null) return <p>Loading…</p>;
  return (
    <section>
      {validations.length > 0 && <Validations validations={validations} />}
      <h2>Tracked data</h2>
      {data.length === 0 && <p>No tracked data: track files with <code>sluice data add PATH</code>.</p>}
      {data.map((item) => (
        <DataCard key={item.target} item={item} />
      ))}
    </section>
  );
}

/** The latest report of each validation stage: what was checked against which schema, and what failed. */
function Validations({ validations }: { validations: ValidationJson[] }) {
  return (
    <>
      <h2>Validation</h2>
      <table className="versions validations">
        <thead>
          <tr><th>Data</th><th>Schema</th><th>Stage</th><th>Rows</th><th>Checks</th><th>Result</th><th>Report</th></tr>
        </thead>
        <tbody>
          {validations.map((validation) => (
            <tr key={`${validation.stage}/${validation.report}`} data-validation={validation.file} className={validation.passed ? '' : 'failed'}>
              <td>{validation.file}</td>
              <td>{validation.schema ?? ''}</td>
              <td>{validation.stage}</td>
              <td>{validation.rows}</td>
              <td>{validation.checks}</td>
              <td>{validation.passed ? 'passed' : `${validation.violations} violation${validation.violations === 1 ? '' : 's'}`}</td>
              <td><code>{validation.report}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
      {validations.filter((validation) => !validation.passed).map((validation) => (
        <pre key={validation.report} className="violations">{validation.first_violations.map((violation) => JSON.stringify(violation)).join('\n')}</pre>
      ))}
    </>
  );
}

function DataCard({ item }: { item: DataJson }) {
  const [profile, setProfile] = useState<ProfileJson | null>(null);
  const [error, setError] = useState<string | null>(null);
  const showProfile = () =>
    api<ProfileJson>('/api/sluice/v1/data/profile', { query: { target: item.target } }).then(setProfile, (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  return (
    <article className="data" data-target={item.target}>
      <h2>
        {item.target} <small>{item.files === null ? bytes(item.size) : `${item.files} files, ${bytes(item.size)}`}</small>
      </h2>
      <p>
        <code title={item.hash}>{item.hash.slice(0, 19)}…</code> · pointer <code>{item.pointer_file}</code> · {item.in_cache ? 'in the cache' : 'not in the cache'} · {item.present ? 'in the working copy' : 'not in the working copy'}
      </p>
      {item.versions.length > 0 && (
        <table className="versions">
          <thead>
            <tr><th>Commit</th><th>When</th><th>Message</th><th>Version</th></tr>
          </thead>
          <tbody>
            {item.versions.map((version) => (
              <tr key={version.commit} className={version.hash === item.hash ? 'current' : ''}>
                <td><code>{version.commit.slice(0, 8)}</code></td>
                <td>{new Date(version.time).toISOString().slice(0, 10)}</td>
                <td>{version.subject}</td>
                <td><code>{version.hash ? `${version.hash.slice(0, 19)}…` : 'removed'}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {item.table && item.present && !profile && <button onClick={() => void showProfile()}>Profile</button>}
      {error && <p className="error" role="alert">{error}</p>}
      {profile && (
        <>
          <p className="count">{profile.summary}</p>
          <table className="profile">
            <thead>
              <tr>{profile.headers.map((header) => <th key={header}>{header}</th>)}</tr>
            </thead>
            <tbody>
              {profile.rows.map((row) => (
                <tr key={row[0]} data-column={row[0]}>{row.map((cell, k) => <td key={k}>{cell}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </article>
  );
}
