/**
 * Compiles an ONNX graph into one JavaScript function over typed arrays. Each node's kernel
 * appends the code for one row; the function loops over the rows. Every input must be float32 or
 * string with a symbolic batch as its first dimension and static dimensions after it; anything
 * else, or an operator without a kernel, throws {@link UnsupportedGraph}.
 */
import { Emitter, identity, type EmitterOptions, type RowArray, type CompiledRun, type Value } from './emitter.js';
import { kernelKey, type KernelContext, type KernelRegistry } from './kernel.js';
import type { Constant, DeclaredValue, ElementType, GraphNode, OnnxGraph } from './onnx-graph.js';
import { describeShape, isBatched, rowDims, rowSize, type Shape } from './shapes.js';
import { UnsupportedGraph } from './unsupported.js';

/** An input or output of the compiled function. */
export interface CompiledTensor {
  readonly name: string;
  readonly type: ElementType;
  /** Dimensions after the batch. */
  readonly rowShape: readonly number[];
}

export interface CompiledGraph {
  readonly inputs: readonly CompiledTensor[];
  readonly outputs: readonly CompiledTensor[];
  /** `n` rows of every input (in `inputs` order) in; every output (in `outputs` order) out. */
  readonly run: CompiledRun;
  /** The generated JavaScript, for reading and debugging. */
  readonly source: string;
  /** The shape of every value of the graph (for the probe's analysis). */
  readonly shapes: ReadonlyMap<string, Shape>;
}

function inputValue(input: DeclaredValue, index: number): { value: Value; array: RowArray } {
  if (input.type !== 'float32' && input.type !== 'string') throw new UnsupportedGraph(`input ${input.name} is not a float32 or string tensor`);
  const shape = input.shape;
  if (!shape || shape.length === 0 || typeof shape[0] === 'number') throw new UnsupportedGraph(`input ${input.name} has no variable batch dimension first (shape ${describeShape(shape ?? [])})`);
  if (shape.slice(1).some((dim) => typeof dim !== 'number' || dim < 0)) throw new UnsupportedGraph(`input ${input.name} has dynamic dimensions after the batch (shape ${describeShape(shape)})`);
  const full: Shape = ['N', ...(shape.slice(1) as number[])];
  const array: RowArray = { array: `i${index}`, offset: `ib${index}`, type: input.type, size: rowSize(full) };
  return { value: { name: input.name, type: input.type, shape: full, storage: array }, array };
}

function outputArray(output: DeclaredValue, index: number, value: Value): RowArray {
  if (!isBatched(value.shape)) throw new UnsupportedGraph(`output ${output.name} does not depend on the batch`);
  if (output.type !== value.type) throw new UnsupportedGraph(`output ${output.name} is declared ${output.type} but computes as ${value.type}`);
  const declared = output.shape?.slice(1);
  const computed = rowDims(value.shape);
  if (declared && (declared.length !== computed.length || declared.some((dim, axis) => typeof dim === 'number' && dim !== computed[axis]))) {
    throw new UnsupportedGraph(`output ${output.name} is declared ${describeShape(output.shape ?? [])} but computes as ${describeShape(value.shape)}`);
  }
  return { array: `o${index}`, offset: `ob${index}`, type: value.type, size: rowSize(value.shape) };
}

/**
 * Multiply-adds per row beyond which the compiled runtime declines: scalar JavaScript does about
 * one per nanosecond, onnxruntime's SIMD kernels ten or more, so past this many the call overhead
 * it saves (about 20 µs) is spent again on one row (measured with bench:runtime's MLP).
 */
const MAX_PRODUCTS = 8192;

/** Compiles `graph` with the kernels of `registry` (`options.unroll: false` for loops only, to compare). */
export function compileGraph(graph: OnnxGraph, registry: KernelRegistry, options: EmitterOptions = {}): CompiledGraph {
  const emitter = new Emitter(options);
  const values = new Map<string, Value>();
  for (const [name, constant] of graph.constants) values.set(name, { name, type: constant.type, shape: constant.dims, constant });
  const inputs = graph.inputs.map((input, index) => inputValue(input, index));
  for (const { value } of inputs) values.set(value.name, value);
  // Outputs written straight into the result arrays when a node produces them (float32 and
  // string); the rest (int64, pass-through values) are copied in at the end of the row.
  const direct = new Map<string, RowArray>();
  const pending = new Map(graph.outputs.map((output, index) => [output.name, index]));
  const outputs: (RowArray | undefined)[] = graph.outputs.map(() => undefined);
  for (const node of graph.nodes) {
    const kernel = registry.get(kernelKey(node.domain, node.opType));
    if (!kernel) throw new UnsupportedGraph(`operator ${node.domain ? `${node.domain}.` : ''}${node.opType} is not supported`);
    if (node.attributes.unreadable().length > 0) throw new UnsupportedGraph(`${node.opType} has subgraph or tensor-list attributes`);
    const define = (name: string, type: ElementType, shape: Shape): Value => {
      const index = pending.get(name);
      if (index !== undefined && type !== 'int64' && isBatched(shape)) {
        const array = outputArray(graph.outputs[index]!, index, { name, type, shape });
        outputs[index] = array;
        direct.set(name, array);
        return { name, type, shape, storage: array };
      }
      return { name, type, shape, storage: isBatched(shape) ? emitter.scratch(type, rowSize(shape)) : undefined };
    };
    try {
      kernel(contextFor(node, graph, emitter, values, define));
    } catch (error) {
      if (error instanceof UnsupportedGraph) throw new UnsupportedGraph(`${node.opType} node ${node.name}: ${error.message}`);
      throw error;
    }
  }
  if (emitter.products > MAX_PRODUCTS) {
    throw new UnsupportedGraph(`the graph does ${emitter.products} multiply-adds per row; beyond ${MAX_PRODUCTS}, onnxruntime's vectorised kernels are as fast`);
  }
  graph.outputs.forEach((output, index) => {
    const value = values.get(output.name);
    if (!value) throw new UnsupportedGraph(`output ${output.name} is not computed by the graph`);
    if (direct.get(output.name) === value.storage && value.storage) return;
    const array = outputArray(output, index, value);
    outputs[index] = array;
    const unrolled = emitter.unrolls(array.size);
    const read = emitter.reader(value, identity(array.size), unrolled);
    const convert = value.type === 'int64' ? (expression: string) => `BigInt(${expression})` : (expression: string) => expression;
    emitter.forEach(array.size, unrolled, (element, j) => `${emitter.target(array, j)} = ${convert(read(element))};`);
  });
  const { run, source } = emitter.build(
    inputs.map(({ array }) => array),
    outputs.map((array) => array!),
  );
  return {
    inputs: inputs.map(({ value }) => ({ name: value.name, type: value.type, rowShape: rowDims(value.shape) })),
    outputs: graph.outputs.map((output, index) => ({ name: output.name, type: outputs[index]!.type, rowShape: rowDims(values.get(output.name)!.shape) })),
    run,
    source,
    shapes: new Map([...values].map(([name, value]) => [name, value.shape])),
  };
}

function contextFor(node: GraphNode, graph: OnnxGraph, emitter: Emitter, values: Map<string, Value>, define: (name: string, type: ElementType, shape: Shape) => Value): KernelContext {
  const optionalInput = (index: number): Value | undefined => {
    const name = node.inputs[index];
    if (name === undefined || name === '') return undefined;
    const value = values.get(name);
    if (!value) throw new UnsupportedGraph(`input ${name} is not computed before it is used`);
    return value;
  };
  const outputName = (index: number): string => {
    const name = node.outputs[index];
    if (name === undefined || name === '') throw new UnsupportedGraph(`output ${index} is left out`);
    return name;
  };
  return {
    node,
    opset: graph.opsets.get(node.domain) ?? 1,
    emitter,
    inputCount: node.inputs.length,
    optionalInput,
    input: (index) => {
      const value = optionalInput(index);
      if (!value) throw new UnsupportedGraph(`input ${index} is missing`);
      return value;
    },
    define: (index, type, shape) => {
      const value = define(outputName(index), type, shape);
      values.set(value.name, value);
      return value;
    },
    alias: (index, value, shape) => {
      const name = outputName(index);
      values.set(name, { ...value, name, shape, constant: value.constant ? { ...value.constant, dims: shape as number[] } : undefined });
    },
    constant: (index, constant: Constant) => {
      const name = outputName(index);
      values.set(name, { name, type: constant.type, shape: constant.dims, constant });
    },
    hasOutput: (index) => (node.outputs[index] ?? '') !== '',
  };
}
