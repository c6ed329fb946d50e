/** `sluice dag [--mermaid | --dot]`: the pipeline's stages and how they connect. */
import { buildGraph, loadPipeline, renderDag } from '../../pipeline/index.js';
import { currentWorkspace } from '../context.js';
import type { CliOutput } from '../output.js';

export async function dagCommand(options: { mermaid?: boolean; dot?: boolean }, output: CliOutput): Promise<number> {
  const pipeline = loadPipeline(currentWorkspace().root);
  const graph = buildGraph(pipeline);
  output.stdout.write(renderDag(graph, options.mermaid ? 'mermaid' : options.dot ? 'dot' : 'text'));
  return 0;
}
