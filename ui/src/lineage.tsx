/**
 * A model version's lineage as a graph: the data files (by content hash) and upstream stages that
 * fed the stage whose run produced the model, laid out left to right with dagre and drawn as SVG.
 */
import dagre from '@dagrejs/dagre';

export interface LineageJson {
  runId?: string;
  stage?: string;
  gitCommit?: string;
  data?: { name: string; digest: string }[];
  upstream?: UpstreamJson[];
}

interface UpstreamJson {
  stage: string;
  runId: string;
  output: string;
  data?: { name: string; digest: string }[];
  upstream?: UpstreamJson[];
}

interface GraphNode {
  id: string;
  kind: 'data' | 'stage' | 'model';
  title: string;
  detail: string;
}

/** Nodes and edges of the lineage: data → stage, stage → stage (through its output), stage → model. */
export function lineageGraph(model: string, lineage: LineageJson): { nodes: GraphNode[]; edges: [string, string][] } {
  const nodes = new Map<string, GraphNode>();
  const edges: [string, string][] = [];
  const modelId = `model:${model}`;
  nodes.set(modelId, { id: modelId, kind: 'model', title: model, detail: lineage.gitCommit ? `commit ${lineage.gitCommit.slice(0, 8)}` : '' });
  const addStage = (stage: string, runId: string | undefined, data: readonly { name: string; digest: string }[], upstream: readonly UpstreamJson[], to: string) => {
    const id = `stage:${stage}`;
    if (!nodes.has(id)) nodes.set(id, { id, kind: 'stage', title: `stage ${stage}`, detail: runId ? `run ${runId.slice(0, 8)}` : '' });
    edges.push([id, to]);
    for (const item of data) {
      const dataId = `data:${item.digest}`;
      if (!nodes.has(dataId)) nodes.set(dataId, { id: dataId, kind: 'data', title: item.name, detail: item.digest.slice(0, 19) });
      edges.push([dataId, id]);
    }
    for (const before of upstream) addStage(before.stage, before.runId, before.data ?? [], before.upstream ?? [], id);
  };
  if (lineage.stage) addStage(lineage.stage, lineage.runId, lineage.data ?? [], lineage.upstream ?? [], modelId);
  else for (const item of lineage.data ?? []) {
    const dataId = `data:${item.digest}`;
    nodes.set(dataId, { id: dataId, kind: 'data', title: item.name, detail: item.digest.slice(0, 19) });
    edges.push([dataId, modelId]);
  }
  const unique = [...new Map(edges.map((edge) => [`${edge[0]}→${edge[1]}`, edge])).values()];
  return { nodes: [...nodes.values()], edges: unique };
}

const WIDTH = 190;
const HEIGHT = 44;

export function LineageGraph({ model, lineage }: { model: string; lineage: LineageJson }) {
  const { nodes, edges } = lineageGraph(model, lineage);
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 60, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { width: WIDTH, height: HEIGHT });
  for (const [from, to] of edges) graph.setEdge(from, to);
  dagre.layout(graph);
  const size = graph.graph();
  return (
    <svg className="lineage" role="img" aria-label={`Lineage of ${model}`} width={size.width ?? 0} height={size.height ?? 0}>
      {edges.map(([from, to]) => {
        const points = graph.edge(from, to).points ?? [];
        return <polyline key={`${from}→${to}`} points={points.map((point: { x: number; y: number }) => `${point.x},${point.y}`).join(' ')} fill="none" stroke="#888" markerEnd="url(#arrow)" />;
      })}
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#888" />
        </marker>
      </defs>
      {nodes.map((node) => {
        const { x, y } = graph.node(node.id);
        return (
          <g key={node.id} className={`lineage-${node.kind}`} data-node={node.id} transform={`translate(${x - WIDTH / 2},${y - HEIGHT / 2})`}>
            <rect width={WIDTH} height={HEIGHT} rx={6} />
            <text x={8} y={18}>{node.title.length > 28 ? `${node.title.slice(0, 27)}…` : node.title}</text>
            <text x={8} y={34} className="detail">{node.detail}</text>
          </g>
        );
      })}
    </svg>
  );
}
