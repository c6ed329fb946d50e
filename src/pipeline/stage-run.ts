/**
 * What `sluice stage run NAME` processes: exactly that stage, assuming its deps are present. A dep
 * that is missing on disk is put back, never computed: the stage producing it is processed
 * restore-only (from the local cache, the run cache or, with `--pull`, the shared cache), and so
 * on up the graph for that stage's own missing deps. A worker or an Argo step runs one stage
 * this way; the orchestrator around it has already run the upstream stages somewhere.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stageInputsUnavailable, stageNotOne } from './errors.js';
import { selectStages, type PipelineGraph } from './dag.js';
import type { Stage } from './stage.js';

/** The stages a stage run processes, in order, and the failure message of each restore-only one. */
export interface StageRunSelection {
  readonly selected: Stage[];
  /** The message a restore-only stage fails with when no cache holds its outs; undefined for the stage to run. */
  readonly restoreOnly: (stage: Stage) => string | undefined;
}

/** Selects `name` and the producers of its missing deps (transitively), which are only restored. */
export function selectForStageRun(graph: PipelineGraph, name: string, root: string): StageRunSelection {
  // Unknown names fail here with a did-you-mean; a foreach group name is not one stage.
  const target = graph.stages.get(name) ?? selectStages(graph, [name]).find((stage) => stage.name === name);
  if (!target) throw stageNotOne({ name, items: selectStages(graph, [name]).filter((stage) => stage.name.startsWith(`${name}@`)).map((stage) => stage.name) });
  const neededBy = new Map<string, { stage: string; paths: string[] }>();
  const visit = (stage: Stage): void => {
    for (const dep of stage.deps) {
      if (existsSync(join(root, dep.path))) continue;
      const producer = graph.producerOf(dep.path);
      if (!producer || producer.stage.name === stage.name) continue;
      const known = neededBy.get(producer.stage.name);
      if (known) {
        if (known.stage === stage.name) known.paths.push(dep.path);
        continue;
      }
      neededBy.set(producer.stage.name, { stage: stage.name, paths: [dep.path] });
      visit(producer.stage);
    }
  };
  visit(target);
  return {
    selected: graph.order.filter((stage) => stage.name === name || neededBy.has(stage.name)),
    restoreOnly: (stage) => {
      const need = neededBy.get(stage.name);
      if (!need) return undefined;
      const error = stageInputsUnavailable({ stage: need.stage, upstream: stage.name, paths: need.paths });
      return `${error.message} ${error.hint ?? ''}`.trim();
    },
  };
}
