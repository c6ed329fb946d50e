/**
 * What the probe should feed each input element, read from the graph: where an element ends up
 * (followed through reshapes, concatenations, gathers and per-element affine steps such as
 * Sub/Div or Scaler), the scale it is standardised with, the tree thresholds it is compared
 * with (mapped back to the input's units), whether a missing value is meaningful for it (an
 * Imputer replaces NaN, or a tree reads it), and for strings the categories the graph knows.
 */
import type { OnnxGraph, GraphNode } from './onnx-graph.js';
import { readTreeTables, thresholdsByFeature } from './ops/tree-tables.js';
import { broadcastIndex, isBatched, normalizeAxis, product, rowDims, rowSize, type Shape } from './shapes.js';

/** An element of a value as `a · input[element] + b`, after `depth` affine steps. */
interface Origin {
  readonly input: number;
  readonly element: number;
  readonly a: number;
  readonly b: number;
  readonly depth: number;
}

export interface ElementHints {
  /** The centre and scale of the element's usual values (from the deepest standardisation seen). */
  center: number;
  scale: number;
  depth: number;
  /** Tree thresholds, in the input's units. */
  readonly thresholds: number[];
  /** NaN is a meaningful value (imputed, or read by a tree). */
  missing: boolean;
  /** Categories of a string element. */
  readonly categories: string[];
}

/** Hints by graph input (its index) and element within a row. */
export type ProbeHints = Map<number, Map<number, ElementHints>>;

type Trace = readonly (Origin | undefined)[];

export function probeHints(graph: OnnxGraph, shapes: ReadonlyMap<string, Shape>): ProbeHints {
  const hints: ProbeHints = new Map();
  const hint = (origin: Origin): ElementHints => {
    const byElement = hints.get(origin.input) ?? new Map<number, ElementHints>();
    hints.set(origin.input, byElement);
    let found = byElement.get(origin.element);
    if (!found) byElement.set(origin.element, (found = { center: 0, scale: 1, depth: 0, thresholds: [], missing: false, categories: [] }));
    return found;
  };
  const traces = new Map<string, Trace>();
  graph.inputs.forEach((input, k) => {
    const shape = shapes.get(input.name);
    if (shape) traces.set(input.name, Array.from({ length: rowSize(shape) }, (_, element) => ({ input: k, element, a: 1, b: 0, depth: 0 })));
  });
  for (const node of graph.nodes) {
    for (const name of node.inputs) {
      for (const origin of traces.get(name) ?? []) {
        if (!origin || origin.depth === 0 || origin.a === 0 || !Number.isFinite(origin.a)) continue;
        const found = hint(origin);
        if (origin.depth >= found.depth) Object.assign(found, { center: -origin.b / origin.a, scale: Math.abs(1 / origin.a), depth: origin.depth });
      }
    }
    try {
      const trace = traceNode(node, graph, shapes, traces, hint);
      if (trace && node.outputs[0]) traces.set(node.outputs[0], trace);
    } catch {
      // A node the analysis cannot follow: its outputs get no hints (the probe draws generic values).
    }
  }
  return hints;
}

function constantAt(graph: OnnxGraph, name: string): { values: ArrayLike<number>; shape: Shape } | undefined {
  const constant = graph.constants.get(name);
  return constant && constant.type === 'float32' ? { values: constant.data as Float32Array, shape: constant.dims } : undefined;
}

const ALIASES = new Set(['Identity', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Cast', 'Imputer']);

function traceNode(node: GraphNode, graph: OnnxGraph, shapes: ReadonlyMap<string, Shape>, traces: Map<string, Trace>, hint: (origin: Origin) => ElementHints): Trace | undefined {
  const input = traces.get(node.inputs[0] ?? '');
  const outShape = shapes.get(node.outputs[0] ?? '');
  if (node.opType === 'Imputer' && input && Number.isNaN(node.attributes.float('replaced_value_float', 0))) for (const origin of input) if (origin) hint(origin).missing = true;
  if (ALIASES.has(node.opType)) return input;
  if (node.opType === 'TreeEnsembleRegressor' || node.opType === 'TreeEnsembleClassifier') {
    const tables = readTreeTables(node.attributes, node.opType === 'TreeEnsembleRegressor' ? 'target' : 'class', 1_000_000);
    for (const [feature, thresholds] of thresholdsByFeature(tables)) {
      const origin = input?.[feature];
      if (!origin || origin.a === 0) continue;
      const found = hint(origin);
      found.missing = true;
      for (const threshold of thresholds) found.thresholds.push((threshold - origin.b) / origin.a);
    }
    return undefined;
  }
  if (node.opType === 'OneHotEncoder') {
    for (const origin of input ?? []) if (origin) hint(origin).categories.push(...(node.attributes.strings('cats_strings') ?? []));
    return undefined;
  }
  if (!outShape || !isBatched(outShape)) return undefined;
  if (node.opType === 'Scaler' && input) {
    const width = outShape[1] as number;
    const offsets = node.attributes.floats('offset') ?? [0];
    const scales = node.attributes.floats('scale') ?? [1];
    return input.map((origin, element) => {
      const offset = offsets.length === 1 ? offsets[0]! : offsets[element % width]!;
      const scale = scales.length === 1 ? scales[0]! : scales[element % width]!;
      return origin && { ...origin, a: origin.a * scale, b: (origin.b - offset) * scale, depth: origin.depth + 1 };
    });
  }
  if (['Add', 'Sub', 'Mul', 'Div'].includes(node.opType)) return traceAffine(node, graph, shapes, traces, outShape);
  if (node.opType === 'Concat') {
    const inputs = node.inputs.map((name) => ({ trace: traces.get(name), shape: shapes.get(name)! }));
    const axis = normalizeAxis(node.attributes.int('axis'), outShape, 'Concat');
    const dims = rowDims(outShape);
    const outer = product(dims.slice(0, axis - 1));
    const result: (Origin | undefined)[] = [];
    for (let o = 0; o < outer; o++) {
      for (const { trace, shape } of inputs) {
        const width = product(rowDims(shape).slice(axis - 1));
        for (let k = 0; k < width; k++) result.push(trace?.[o * width + k]);
      }
    }
    return result;
  }
  const indices = graph.constants.get(node.inputs[1] ?? '');
  if ((node.opType === 'Gather' || node.opType === 'ArrayFeatureExtractor') && input && indices?.type === 'int64') {
    const inShape = shapes.get(node.inputs[0]!)!;
    const axis = node.opType === 'Gather' ? normalizeAxis(node.attributes.int('axis', 0), inShape, 'Gather') : inShape.length - 1;
    const dims = rowDims(inShape);
    const size = dims[axis - 1]!;
    const inner = product(dims.slice(axis));
    const result: (Origin | undefined)[] = [];
    for (let o = 0; o < product(dims.slice(0, axis - 1)); o++) {
      for (const index of indices.data as number[]) for (let i = 0; i < inner; i++) result.push(input[(o * size + (index < 0 ? index + size : index)) * inner + i]);
    }
    return result;
  }
  return undefined;
}

/** Add, Sub, Mul or Div of a traced value and a constant: still affine in the input. */
function traceAffine(node: GraphNode, graph: OnnxGraph, shapes: ReadonlyMap<string, Shape>, traces: Map<string, Trace>, outShape: Shape): Trace | undefined {
  const [left, right] = node.inputs as [string, string];
  const tracedLeft = traces.has(left);
  const traced = traces.get(tracedLeft ? left : right);
  const constant = constantAt(graph, tracedLeft ? right : left);
  if (!traced || !constant) return undefined;
  const map = broadcastIndex(shapes.get(tracedLeft ? left : right)!, outShape);
  const constantMap = broadcastIndex(constant.shape, outShape);
  return map.map((index, element) => {
    const origin = traced[index];
    const c = constant.values[constantMap[element]!]!;
    if (!origin) return undefined;
    const step = (a: number, b: number) => ({ ...origin, a, b, depth: origin.depth + 1 });
    switch (node.opType) {
      case 'Add':
        return step(origin.a, origin.b + c);
      case 'Sub':
        return tracedLeft ? step(origin.a, origin.b - c) : step(-origin.a, c - origin.b);
      case 'Mul':
        return step(origin.a * c, origin.b * c);
      default:
        return tracedLeft ? step(origin.a / c, origin.b / c) : undefined;
    }
  });
}
