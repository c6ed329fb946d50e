/**
 * What a run read and wrote: its data inputs (MLflow dataset inputs, by digest), the files it
 * produced (Sluice's run outputs, by content hash), and its artifacts with download links and a
 * preview of JSON, Markdown, CSV (the head) and images, fetched with the session's token.
 */
import { useEffect, useState } from 'react';
import { api, getToken } from './api';

interface Output {
  path: string;
  object_id: string;
  size: number;
}

interface ArtifactFile {
  path: string;
  is_dir?: boolean;
  file_size?: number;
}

/** The proxied artifact URL of `path` under an `mlflow-artifacts:/…` root, or undefined for another store. */
function artifactUrl(root: string, path: string): string | undefined {
  const match = /^mlflow-artifacts:\/(.*)$/.exec(root);
  if (!match) return undefined;
  const base = match[1]!.replace(/^\/+|\/+$/g, '');
  return `/api/2.0/mlflow-artifacts/artifacts/${[base, path].filter(Boolean).map((part) => part.split('/').map(encodeURIComponent).join('/')).join('/')}`;
}

async function fetchArtifact(url: string): Promise<Response> {
  const token = getToken();
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response;
}

type Preview = { kind: 'text'; text: string } | { kind: 'image'; url: string };

const PREVIEW_BYTES = 64 * 1024;
const CSV_LINES = 20;

async function previewOf(url: string, path: string): Promise<Preview> {
  const response = await fetchArtifact(url);
  if (/\.(png|jpe?g|gif|svg|webp)$/i.test(path)) return { kind: 'image', url: URL.createObjectURL(await response.blob()) };
  const text = (await response.text()).slice(0, PREVIEW_BYTES);
  if (/\.json$/i.test(path)) {
    try {
      return { kind: 'text', text: JSON.stringify(JSON.parse(text), null, 2) };
    } catch {
      return { kind: 'text', text };
    }
  }
  if (/\.(csv|tsv)$/i.test(path)) return { kind: 'text', text: text.split('\n').slice(0, CSV_LINES).join('\n') };
  return { kind: 'text', text };
}

export function RunFiles({ runId, artifactRoot, inputs }: { runId: string; artifactRoot: string; inputs: { name: string; digest: string }[] }) {
  const [outputs, setOutputs] = useState<Output[]>([]);
  // Null until listed; a listing that failed says so rather than "None.".
  const [files, setFiles] = useState<ArtifactFile[] | 'failed' | null>(null);
  const [preview, setPreview] = useState<{ path: string; preview: Preview } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ outputs?: Output[] }>('/api/sluice/v1/runs/get', { query: { run_id: runId } }).then((reply) => setOutputs(reply.outputs ?? []), () => setOutputs([]));
    api<{ files?: ArtifactFile[] }>('/api/2.0/mlflow/artifacts/list', { query: { run_id: runId } }).then((reply) => setFiles(reply.files ?? []), () => setFiles('failed'));
  }, [runId]);

  const show = (path: string) => {
    const url = artifactUrl(artifactRoot, path);
    if (!url) return;
    previewOf(url, path).then((result) => setPreview({ path, preview: result }), (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  };
  const download = (path: string) => {
    const url = artifactUrl(artifactRoot, path);
    if (!url) return;
    fetchArtifact(url)
      .then((response) => response.blob())
      .then((blob) => {
        const link = document.createElement('a');
        link.href = URL.createObjectURL(blob);
        link.download = path.split('/').pop() ?? 'artifact';
        link.click();
      }, (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  };

  return (
    <div className="run-files">
      {inputs.length > 0 && (
        <>
          <h3>Inputs</h3>
          <table className="kv">
            <tbody>{inputs.map((input) => <tr key={`${input.name}${input.digest}`} data-input={input.name}><th>{input.name}</th><td><code>{input.digest}</code></td></tr>)}</tbody>
          </table>
        </>
      )}
      {outputs.length > 0 && (
        <>
          <h3>Outputs</h3>
          <table className="kv">
            <tbody>{outputs.map((output) => <tr key={output.path} data-output={output.path}><th>{output.path}</th><td><code>{output.object_id}</code> · {output.size} bytes</td></tr>)}</tbody>
          </table>
        </>
      )}
      <h3>Artifacts</h3>
      {files === null ? (
        <p className="muted">Loading…</p>
      ) : files === 'failed' ? (
        <p className="error">The artifacts could not be listed.</p>
      ) : files.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul className="artifacts">
          {files.map((file) => (
            <li key={file.path} data-artifact={file.path}>
              {file.path}{file.is_dir ? '/' : ` (${file.file_size ?? 0} bytes)`}{' '}
              {!file.is_dir && (
                <>
                  <button onClick={() => show(file.path)}>Preview</button> <button onClick={() => download(file.path)}>Download</button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      {preview && (
        <figure className="preview" data-preview={preview.path}>
          <figcaption>{preview.path}</figcaption>
          {preview.preview.kind === 'image' ? <img src={preview.preview.url} alt={preview.path} /> : <pre>{preview.preview.text}</pre>}
        </figure>
      )}
    </div>
  );
}

/** A pipeline stage's log (its end), for a stage's run. */
export function StageLog({ runId }: { runId: string }) {
  const [log, setLog] = useState<{ stage: string | null; log: string | null; truncated?: boolean } | null>(null);
  useEffect(() => {
    api<{ stage: string | null; log: string | null; truncated?: boolean }>('/api/sluice/v1/pipeline/stage-log', { query: { run_id: runId } }).then(setLog, () => setLog(null));
  }, [runId]);
  if (!log?.stage) return null;
  return (
    <div className="stage-log">
      <h3>Log of stage {log.stage}</h3>
      {log.log === null ? <p>The log is not on this server (it stays on the machine that ran the stage).</p> : <pre data-testid="stage-log">{log.truncated ? '… (earlier lines left out)\n' : ''}{log.log}</pre>}
    </div>
  );
}
