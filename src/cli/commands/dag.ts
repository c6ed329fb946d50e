/** `sluice dag [--mermaid | --dot | --json]`: the pipeline's stages and how they connect. */
import { buildGraph, dagEdges, loadPipeline, renderDag } from '../../pipeline/index.js';
import { currentWorkspace } from '../context.js';
import { z } from 'zod';
import { invalidOption, parseOptions } from '../options.js';
import { printJson, type CliOutput } from '../output.js';

const dagSchema = z.object({ mermaid: z.boolean().default(false), dot: z.boolean().default(false), json: z.boolean().default(false) });

export async function dagCommand(rawOptions: unknown, output: CliOutput): Promise<number> {
  const options = parseOptions(dagSchema, rawOptions, 'dag');
  const formats = (['mermaid', 'dot', 'json'] as const).filter((format) => options[format]);
  if (formats.length > 1) throw invalidOption({ command: 'dag', problem: `${formats.map((format) => `--${format}`).join(', ')} each choose the output format: give one of them` });
  const pipeline = loadPipeline(currentWorkspace().root);
  const graph = buildGraph(pipeline);
  if (options.json) {
    const stages = graph.order.map((stage) => ({
      name: stage.name,
      cmd: stage.cmd,
      deps: stage.deps.map((dep) => dep.path),
      outs: stage.outs.map((out) => ({ path: out.path, kind: out.kind, cache: out.cache, persist: out.persist })),
      params: stage.params.map((param) => ({ file: param.file, key: param.key ?? null })),
    }));
    printJson(output, { stages, edges: dagEdges(graph).map(([from, to]) => ({ from, to })) });
    return 0;
  }
  output.stdout.write(renderDag(graph, options.mermaid ? 'mermaid' : options.dot ? 'dot' : 'text'));
  return 0;
}
