/** `sluice dag`: the pipeline's graph as an aligned list, Mermaid or Graphviz dot. */
import type { PipelineGraph } from './dag.js';

export type DagFormat = 'text' | 'mermaid' | 'dot';

/** Edges as [producer, consumer], in run order. */
export function dagEdges(graph: PipelineGraph): [string, string][] {
  return graph.order.flatMap((stage) => [...(graph.downstream.get(stage.name) ?? [])].map((child): [string, string] => [stage.name, child]));
}

export function renderDag(graph: PipelineGraph, format: DagFormat): string {
  switch (format) {
    case 'mermaid':
      return renderMermaid(graph);
    case 'dot':
      return renderDot(graph);
    case 'text':
      return renderText(graph);
  }
}

function renderMermaid(graph: PipelineGraph): string {
  const ids = new Map(graph.order.map((stage, index) => [stage.name, `s${index}`]));
  const lines = ['flowchart TD'];
  for (const stage of graph.order) lines.push(`  ${ids.get(stage.name)}["${stage.name.replaceAll('"', '#quot;')}"]`);
  for (const [from, to] of dagEdges(graph)) lines.push(`  ${ids.get(from)} --> ${ids.get(to)}`);
  return `${lines.join('\n')}\n`;
}

function renderDot(graph: PipelineGraph): string {
  const quote = (name: string) => `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  const lines = ['digraph pipeline {', '  rankdir=TB;', '  node [shape=box];'];
  for (const stage of graph.order) lines.push(`  ${quote(stage.name)};`);
  for (const [from, to] of dagEdges(graph)) lines.push(`  ${quote(from)} -> ${quote(to)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** One line per stage in run order, with what it waits for. */
function renderText(graph: PipelineGraph): string {
  const width = Math.max(5, ...graph.order.map((stage) => stage.name.length));
  const lines = graph.order.map((stage) => {
    const parents = [...(graph.upstream.get(stage.name) ?? [])];
    return parents.length === 0 ? stage.name : `${stage.name.padEnd(width)}  ← ${parents.join(', ')}`;
  });
  return `${lines.join('\n')}\n`;
}
