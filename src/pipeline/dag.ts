/**
 * The pipeline's DAG: stage B depends on stage A when one of B's deps is one of A's outs, lies
 * inside an out directory of A, or is a directory containing an out of A. Besides these data
 * edges, B waits for A when A is a `uses: validate` stage checking data B reads (the same path or
 * a path inside it), and when B lists A under `after:`. Building it checks what DVC checks: one
 * producer per path, no loops, and no dep that nothing provides.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { closestMatch, type LocatedDocument, type SourceLocation } from '../core/index.js';
import { cycleDetected, depIsOutput, duplicateOutput, missingDependency, outputTracked, stageNotFound, trackedDependencyMissing, unknownAfterStage } from './errors.js';
import { PathIndex } from './path-index.js';
import { isRegistryReference } from './registry-deps.js';
import type { Output, Pipeline, Stage } from './stage.js';

export interface PipelineGraph {
  /** Stages in a topological order; ties keep definition order. */
  readonly order: readonly Stage[];
  readonly stages: ReadonlyMap<string, Stage>;
  /** Direct upstream stages: what a stage waits for (producers of its deps, validations of data it reads, its `after:`). */
  readonly upstream: ReadonlyMap<string, ReadonlySet<string>>;
  /** Direct downstream stages. */
  readonly downstream: ReadonlyMap<string, ReadonlySet<string>>;
  /** Why a stage waits for an upstream one, by stage then upstream stage. */
  readonly reasons: ReadonlyMap<string, ReadonlyMap<string, WaitReason>>;
  /** The stage and out that produce a path (or contain it), if any. */
  producerOf(path: string): { stage: Stage; out: Output } | undefined;
}

/** Why one stage waits for another: it reads its outs, the other validates data it reads, or it lists it under `after:`. */
export type WaitReason = { readonly kind: 'data' } | { readonly kind: 'validates'; readonly path: string } | { readonly kind: 'after' };

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
  const producers = new PathIndex<{ stage: Stage; out: Output }>();

  for (const stage of pipeline.stages) {
    for (const out of stage.outs) {
      const clash = producers.overlapping(out.path)[0];
      if (clash) {
        throw duplicateOutput(
          { path: out.path, otherPath: clash.out.path, first: clash.stage.name, second: stage.name },
          { location: document.locate(out.source) },
        );
      }
      const pointer = trackingPointer(pipeline.root, out.path);
      if (pointer) throw outputTracked({ stage: stage.name, path: out.path, pointer }, { location: document.locate(out.source) });
      producers.add(out.path, { stage, out });
    }
    for (const dep of stage.deps) {
      const own = stage.outs.find((out) => pathsOverlap(out.path, dep.path));
      if (own) throw depIsOutput({ stage: stage.name, path: dep.path }, { location: document.locate(dep.source) });
    }
  }

  const edges = new Edges(pipeline.stages);
  for (const stage of pipeline.stages) {
    for (const dep of stage.deps) {
      const matches = producers.overlapping(dep.path);
      for (const producer of matches) edges.add(producer.stage.name, stage.name, { kind: 'data' });
      // Registry references (models:/…) live in the store, not the workspace: they are checked when hashed.
      if (matches.length === 0 && options.checkDepsExist && !isRegistryReference(dep.path) && !existsSync(join(pipeline.root, dep.path))) {
        const pointer = trackingPointer(pipeline.root, dep.path);
        if (pointer) throw trackedDependencyMissing({ stage: stage.name, path: dep.path, pointer }, { location: document.locate(dep.source) });
        throw missingDependency({ stage: stage.name, path: dep.path }, { location: document.locate(dep.source) });
      }
    }
  }
  addAfterEdges(pipeline.stages, stages, edges, document);
  addValidationEdges(pipeline.stages, edges);
  const { upstream, downstream, reasons } = edges;

  const order = topologicalOrder(pipeline.stages, upstream, downstream, (cycle) => {
    // Point at what closes the first edge of the loop, cycle[0] → cycle[1]: the dep, or the after entry.
    const [producer, consumer] = [stages.get(cycle[0]!)!, stages.get(cycle[1]!)!];
    const dep = consumer.deps.find((candidate) => producer.outs.some((out) => pathsOverlap(out.path, candidate.path)));
    const after = consumer.after.find((entry) => afterMatches(entry.name, producer.name));
    const at = dep?.source ?? after?.source;
    return at ? document.locate(at) : undefined;
  });
  return {
    order,
    stages,
    upstream,
    downstream,
    reasons,
    producerOf: (path) => producers.containing(path),
  };
}

/** The edges of the graph, with why each exists (the first reason given wins). */
class Edges {
  readonly upstream = new Map<string, Set<string>>();
  readonly downstream = new Map<string, Set<string>>();
  readonly reasons = new Map<string, Map<string, WaitReason>>();

  constructor(stages: readonly Stage[]) {
    for (const stage of stages) {
      this.upstream.set(stage.name, new Set());
      this.downstream.set(stage.name, new Set());
      this.reasons.set(stage.name, new Map());
    }
  }

  add(from: string, to: string, reason: WaitReason): void {
    this.upstream.get(to)!.add(from);
    this.downstream.get(from)!.add(to);
    if (!this.reasons.get(to)!.has(from)) this.reasons.get(to)!.set(from, reason);
  }

  /** Whether `ancestor` is upstream of `stage`, directly or not. */
  isUpstream(ancestor: string, stage: string): boolean {
    const seen = new Set<string>();
    const stack = [stage];
    while (stack.length > 0) {
      for (const parent of this.upstream.get(stack.pop()!)!) {
        if (parent === ancestor) return true;
        if (seen.has(parent)) continue;
        seen.add(parent);
        stack.push(parent);
      }
    }
    return false;
  }
}

/** Whether an `after:` entry names a stage: the stage itself, or the foreach/matrix it is an item of. */
function afterMatches(entry: string, stage: string): boolean {
  return stage === entry || stage.startsWith(`${entry}@`);
}

function addAfterEdges(list: readonly Stage[], stages: ReadonlyMap<string, Stage>, edges: Edges, document: LocatedDocument): void {
  for (const stage of list) {
    for (const entry of stage.after) {
      const named = list.filter((candidate) => afterMatches(entry.name, candidate.name));
      if (named.length === 0) {
        const match = closestMatch(entry.name, new Set([...stages.keys()].map((name) => name.split('@')[0]!)));
        const suggestion = match ? ` Did you mean "${match}"?` : '';
        throw unknownAfterStage({ stage: stage.name, name: entry.name, suggestion }, { location: document.locate(entry.source) });
      }
      for (const other of named) edges.add(other.name, stage.name, { kind: 'after' });
    }
  }
}

/**
 * A validate stage guards the data it checks: stages reading that path (the same path, a path
 * inside it, or a directory holding it) wait for it. Not stages it needs itself (they run before
 * it), which would make a loop.
 */
function addValidationEdges(list: readonly Stage[], edges: Edges): void {
  for (const validator of list) {
    for (const path of validator.validates) {
      for (const stage of list) {
        if (stage === validator || !stage.deps.some((dep) => pathsOverlap(dep.path, path))) continue;
        if (edges.isUpstream(stage.name, validator.name)) continue;
        edges.add(validator.name, stage.name, { kind: 'validates', path });
      }
    }
  }
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

/**
 * The pointer file (`PATH.sluice`, of the path or a directory holding it) that tracks a missing
 * dep as versioned data, if any: then the data is not lost, only not in the working copy. The
 * pointer format is data-versioning's; only its name is needed here.
 */
function trackingPointer(root: string, path: string): string | undefined {
  for (let candidate = path.replace(/\/+$/, ''); candidate !== '.' && candidate !== ''; candidate = dirname(candidate)) {
    if (existsSync(join(root, `${candidate}.sluice`))) return `${candidate}.sluice`;
  }
  return undefined;
}
