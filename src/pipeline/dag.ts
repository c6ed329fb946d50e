/**
 * The pipeline's DAG: stage B depends on stage A when one of B's deps is one of A's outs, lies
 * inside an out directory of A, or is a directory containing an out of A. Building it checks
 * what DVC checks: one producer per path, no loops, and no dep that nothing provides.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { closestMatch, type LocatedDocument, type SourceLocation } from '../core/index.js';
import { cycleDetected, depIsOutput, duplicateOutput, missingDependency, stageNotFound } from './errors.js';
import { isRegistryReference } from './registry-deps.js';
import type { Output, Pipeline, Stage } from './stage.js';

export interface PipelineGraph {
  /** Stages in a topological order; ties keep definition order. */
  readonly order: readonly Stage[];
  readonly stages: ReadonlyMap<string, Stage>;
  /** Direct upstream stages (producers of a stage's deps). */
  readonly upstream: ReadonlyMap<string, ReadonlySet<string>>;
  /** Direct downstream stages. */
  readonly downstream: ReadonlyMap<string, ReadonlySet<string>>;
  /** The stage and out that produce a path (or contain it), if any. */
  producerOf(path: string): { stage: Stage; out: Output } | undefined;
}

/** Whether two root-relative paths are the same or one contains the other. */
export function pathsOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

export interface BuildGraphOptions {
  /** When set, a dep that no stage produces must exist under the root. */
  readonly checkDepsExist?: boolean;
}

/** Builds and checks the DAG. Errors point into `document`. */
export function buildGraph(pipeline: Pipeline & { document: LocatedDocument }, options: BuildGraphOptions = {}): PipelineGraph {
  const { document } = pipeline;
  const stages = new Map(pipeline.stages.map((stage) => [stage.name, stage]));
  const producers: { stage: Stage; out: Output }[] = [];

  for (const stage of pipeline.stages) {
    for (const out of stage.outs) {
      const clash = producers.find((producer) => pathsOverlap(producer.out.path, out.path));
      if (clash) {
        throw duplicateOutput(
          { path: out.path, otherPath: clash.out.path, first: clash.stage.name, second: stage.name },
          { location: document.locate(out.source) },
        );
      }
      producers.push({ stage, out });
    }
    for (const dep of stage.deps) {
      const own = stage.outs.find((out) => pathsOverlap(out.path, dep.path));
      if (own) throw depIsOutput({ stage: stage.name, path: dep.path }, { location: document.locate(dep.source) });
    }
  }

  const upstream = new Map<string, Set<string>>(pipeline.stages.map((stage) => [stage.name, new Set<string>()]));
  const downstream = new Map<string, Set<string>>(pipeline.stages.map((stage) => [stage.name, new Set<string>()]));
  for (const stage of pipeline.stages) {
    for (const dep of stage.deps) {
      const matches = producers.filter((producer) => pathsOverlap(producer.out.path, dep.path));
      for (const producer of matches) {
        upstream.get(stage.name)!.add(producer.stage.name);
        downstream.get(producer.stage.name)!.add(stage.name);
      }
      // Registry references (models:/…) live in the store, not the workspace: they are checked when hashed.
      if (matches.length === 0 && options.checkDepsExist && !isRegistryReference(dep.path) && !existsSync(join(pipeline.root, dep.path))) {
        throw missingDependency({ stage: stage.name, path: dep.path }, { location: document.locate(dep.source) });
      }
    }
  }

  const order = topologicalOrder(pipeline.stages, upstream, downstream, (cycle) => {
    // Point at the dep that closes the first edge of the loop: producer cycle[0] → consumer cycle[1].
    const [producer, consumer] = [stages.get(cycle[0]!)!, stages.get(cycle[1]!)!];
    const dep = consumer.deps.find((candidate) => producer.outs.some((out) => pathsOverlap(out.path, candidate.path)));
    return dep ? document.locate(dep.source) : undefined;
  });
  return {
    order,
    stages,
    upstream,
    downstream,
    producerOf: (path) => producers.find((producer) => path === producer.out.path || path.startsWith(`${producer.out.path}/`)),
  };
}

/** Kahn's algorithm, always taking the earliest-defined ready stage; a leftover means a cycle. */
function topologicalOrder(
  stages: readonly Stage[],
  upstream: ReadonlyMap<string, ReadonlySet<string>>,
  downstream: ReadonlyMap<string, ReadonlySet<string>>,
  locateCycle: (cycle: readonly string[]) => SourceLocation | undefined,
): Stage[] {
  const remaining = new Map(stages.map((stage) => [stage.name, upstream.get(stage.name)!.size]));
  const order: Stage[] = [];
  const index = new Map(stages.map((stage, position) => [stage.name, position]));
  let ready = stages.filter((stage) => remaining.get(stage.name) === 0);
  while (ready.length > 0) {
    const next = ready.shift()!;
    order.push(next);
    for (const child of downstream.get(next.name)!) {
      const count = remaining.get(child)! - 1;
      remaining.set(child, count);
      if (count === 0) {
        ready.push(stages[index.get(child)!]!);
        ready = ready.sort((a, b) => index.get(a.name)! - index.get(b.name)!);
      }
    }
  }
  if (order.length < stages.length) {
    const cycle = findCycle(stages, upstream, new Set(order.map((stage) => stage.name)));
    throw cycleDetected({ cycle }, { location: locateCycle(cycle) });
  }
  return order;
}

/** One concrete loop among the stages that could not be ordered, printed producer first. */
function findCycle(stages: readonly Stage[], upstream: ReadonlyMap<string, ReadonlySet<string>>, ordered: ReadonlySet<string>): string[] {
  const start = stages.find((stage) => !ordered.has(stage.name))!.name;
  const path: string[] = [];
  const onPath = new Map<string, number>();
  let current = start;
  // Every unordered stage has an unordered upstream stage, so walking upstream must revisit one.
  while (!onPath.has(current)) {
    onPath.set(current, path.length);
    path.push(current);
    current = [...upstream.get(current)!].find((name) => !ordered.has(name))!;
  }
  const producerFirst = path.slice(onPath.get(current)!).reverse();
  return [...producerFirst, producerFirst[0]!];
}

/**
 * The stages to consider for `targets` (and everything upstream of them), in run order. With
 * no targets, the whole pipeline.
 */
export function selectStages(graph: PipelineGraph, targets: readonly string[]): Stage[] {
  if (targets.length === 0) return [...graph.order];
  const wanted = new Set<string>();
  const visit = (name: string): void => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const parent of graph.upstream.get(name) ?? []) visit(parent);
  };
  for (const target of targets) {
    const names = graph.stages.has(target) ? [target] : [...graph.stages.keys()].filter((name) => name.startsWith(`${target}@`));
    if (names.length === 0) throw stageNotFound({ name: target, suggestion: didYouMeanStage(target, graph) });
    names.forEach(visit);
  }
  return graph.order.filter((stage) => wanted.has(stage.name));
}

function didYouMeanStage(name: string, graph: PipelineGraph): string {
  const match = closestMatch(name, graph.stages.keys());
  return match ? ` Did you mean "${match}"?` : '';
}
