/**
 * What an operator implementation sees while a graph compiles: its node, its input values, the
 * emitter to append code to, and how to declare its outputs. One kernel per operator, grouped by
 * family in `ops/`; the registry maps `domain/opType` to kernels, and tests may substitute one.
 */
import type { Emitter, Value } from './emitter.js';
import type { Constant, ElementType, GraphNode } from './onnx-graph.js';
import type { Shape } from './shapes.js';

export interface KernelContext {
  readonly node: GraphNode;
  /** The operator set version of the node's domain. */
  readonly opset: number;
  readonly emitter: Emitter;
  /** Input `index`; throws UnsupportedGraph when it is left out. */
  input(index: number): Value;
  /** Input `index`, or undefined when the node leaves it out. */
  optionalInput(index: number): Value | undefined;
  readonly inputCount: number;
  /** Declares output `index`: the kernel writes the current row into the returned value's storage. */
  define(index: number, type: ElementType, shape: Shape): Value;
  /** Output `index` is `value` with another shape: the same elements, in the same order. */
  alias(index: number, value: Value, shape: Shape): void;
  /** Output `index` is a constant known at compile time. */
  constant(index: number, constant: Constant): void;
  /** Whether the node has output `index` (optional outputs may be left out). */
  hasOutput(index: number): boolean;
}

export type Kernel = (context: KernelContext) => void;

/** Kernels by `domain/opType` (domain '' for ai.onnx: `/Add`, `ai.onnx.ml/Scaler`). */
export type KernelRegistry = ReadonlyMap<string, Kernel>;

export function kernelKey(domain: string, opType: string): string {
  return `${domain}/${opType}`;
}
