/**
 * The pipeline page: the DAG of sluice.yaml laid out left to right with dagre, each stage coloured
 * by its latest recorded outcome (ran, restored from the cache, unchanged, failed) with its time,
 * and the stages' commands, deps and outs below, from `GET /api/sluice/v1/pipeline`.
 */
import dagre from '@dagrejs/dagre';
import { useEffect, useState } from 'react';
import { api } from './api';

interface StageJson {
  name: string;
  cmd: string[];
  deps: string[];
  outs: string[];
  last: { status: string; run_id: string; started_at: number; duration_ms: number; message: string | null } | null;
}

interface PipelineJson {
  stages: StageJson[];
  edges: [string, string][];
}

const WIDTH = 200;
const HEIGHT = 44;

/** The status's class: what a glance at the graph tells (cache hits are not reruns). */
function kindOf(status: string | undefined): string {
  if (status === undefined) return 'never';
  if (status === 'ran') return 'ran';
  if (status.startsWith('restored')) return 'cached';
  if (status === 'unchanged' || status === 'frozen') return 'unchanged';
  if (status === 'failed' || status === 'interrupted') return 'failed';
  return 'other';
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function PipelinePage() {
  const [pipeline, setPipeline] = useState<PipelineJson | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<PipelineJson>('/api/sluice/v1/pipeline').then(setPipeline, (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  }, []);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (pipeline === null) return <p>Loading…</p>;
  if (pipeline.stages.length === 0) return <p>No pipeline: this server has no sluice.yaml with stages.</p>;
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 16, ranksep: 50, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const stage of pipeline.stages) graph.setNode(stage.name, { width: WIDTH, height: HEIGHT });
  for (const [from, to] of pipeline.edges) graph.setEdge(from, to);
  dagre.layout(graph);
  const size = graph.graph();
  return (
    <section>
      <svg className="pipeline" role="img" aria-label="The pipeline's stages and what each waits for" width={size.width ?? 0} height={size.height ?? 0}>
        <defs>
          <marker id="pipeline-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#888" />
          </marker>
        </defs>
        {pipeline.edges.map(([from, to]) => (
          <polyline key={`${from}→${to}`} data-edge={`${from}→${to}`} points={(graph.edge(from, to).points ?? []).map((point: { x: number; y: number }) => `${point.x},${point.y}`).join(' ')} fill="none" stroke="#888" markerEnd="url(#pipeline-arrow)" />
        ))}
        {pipeline.stages.map((stage) => {
          const { x, y } = graph.node(stage.name);
          const last = stage.last;
          return (
            <g key={stage.name} className={`stage stage-${kindOf(last?.status)}`} data-stage={stage.name} transform={`translate(${x - WIDTH / 2},${y - HEIGHT / 2})`}>
              <rect width={WIDTH} height={HEIGHT} rx={6} />
              <text x={8} y={18}>{stage.name}</text>
              <text x={8} y={34} className="detail">{last ? `${last.status} · ${seconds(last.duration_ms)}` : 'not run yet'}</text>
            </g>
          );
        })}
      </svg>
      <table className="stages">
        <thead>
          <tr><th>Stage</th><th>Latest</th><th>When</th><th>Command</th><th>Deps</th><th>Outs</th></tr>
        </thead>
        <tbody>
          {pipeline.stages.map((stage) => (
            <tr key={stage.name} data-stage-row={stage.name}>
              <td>{stage.name}</td>
              <td>{stage.last ? `${stage.last.status}${stage.last.message ? ` (${stage.last.message})` : ''}` : ''}</td>
              <td>{stage.last ? new Date(stage.last.started_at).toISOString().replace('T', ' ').slice(0, 19) : ''}</td>
              <td><code>{stage.cmd.join(' && ')}</code></td>
              <td>{stage.deps.join(', ')}</td>
              <td>{stage.outs.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
